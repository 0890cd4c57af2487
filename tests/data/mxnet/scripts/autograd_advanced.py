"""Less common autograd entry points (MXNet's autograd API docs and test_autograd.py):
mark_variables, set_recording / set_training, grad with several heads and variables,
grad_req 'null', higher order in NumPy mode, while_loop."""
import numpy as np
import mxnet as mx
from mxnet import nd, autograd

mx.random.seed(38)
np.random.seed(38)

x = nd.array([1., 2., 3.])
gx = nd.zeros(3)
autograd.mark_variables([x], [gx], grad_reqs='write')
with autograd.record():
    y = (x ** 3).sum()
y.backward()
print(gx)

prev = autograd.set_recording(True)
prev_t = autograd.set_training(True)
a = nd.array([2.])
a.attach_grad()
b = a * a * 5
autograd.set_recording(prev)
autograd.set_training(prev_t)
b.backward()
print(prev, prev_t, a.grad, autograd.is_recording(), autograd.is_training())

u = nd.array([1., 2.])
v = nd.array([3., -1.])
u.attach_grad()
v.attach_grad()
with autograd.record():
    p = u * v
    q = nd.exp(u) + v * v
gu, gv = autograd.grad([p, q], [u, v], head_grads=[nd.ones(2), nd.array([0.5, 2.])])
print(gu.asnumpy().round(5), gv.asnumpy().round(5))

w = nd.array([1., 1.])
w.attach_grad(grad_req='null')
z = nd.array([2., 3.])
z.attach_grad()
with autograd.record():
    out = (w * z).sum()
out.backward()
print(w.grad, z.grad)

mx.npx.set_np()
t = mx.np.array([0.5, 1.0])
t.attach_grad()
with autograd.record():
    s = mx.np.sin(t)
    g = autograd.grad(s, [t], create_graph=True)[0]
g.backward()
print(g.asnumpy(), t.grad)
mx.npx.reset_np()

cond = lambda i, s: i < 4
func = lambda i, s: ([i + s], [i + 1, s + i])
outs, states = nd.contrib.while_loop(cond, func, [nd.array([0]), nd.array([1])], max_iterations=6)
print(outs[0].reshape((-1,))[:4], states[0], states[1])
