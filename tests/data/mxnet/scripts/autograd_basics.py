"""Automatic differentiation basics, following D2L 2.5 and MXNet's autograd tutorial."""
import numpy as np
import mxnet as mx
from mxnet import nd, autograd

mx.random.seed(1)
np.random.seed(1)

x = nd.arange(4).reshape((4, 1))
x.attach_grad()
with autograd.record():
    y = 2 * nd.dot(x.T, x)
print(y)
y.backward()
print(x.grad)
print((x.grad - 4 * x).norm().asscalar() == 0)

print(autograd.is_training(), autograd.is_recording())
with autograd.record():
    print(autograd.is_training(), autograd.is_recording())
with autograd.record(train_mode=False):
    print(autograd.is_training(), autograd.is_recording())
with autograd.record():
    with autograd.pause():
        print(autograd.is_recording())
    with autograd.predict_mode():
        print(autograd.is_training())


def f(a):
    b = a * 2
    while b.norm().asscalar() < 1000:
        b = b * 2
    if b.sum().asscalar() > 0:
        c = b
    else:
        c = 100 * b
    return c


a = nd.array([0.3, -0.7, 1.1])
a.attach_grad()
with autograd.record():
    c = f(a)
c.backward()
print(a.grad == c / a)

# head gradient
x = nd.array([[1., 2.], [3., 4.]])
x.attach_grad()
with autograd.record():
    z = x * x + 3 * x
z.backward(nd.array([[1., 0.1], [0.01, 0.001]]))
print(x.grad)

# grad_req='add' accumulates
w = nd.array([1., 2., 3.])
w.attach_grad(grad_req='add')
for _ in range(3):
    with autograd.record():
        l = (w ** 2).sum()
    l.backward()
print(w.grad)
w.grad[:] = 0
print(w.grad)

# retain_graph
x = nd.array([1., 2.])
x.attach_grad()
with autograd.record():
    y = nd.exp(x).sum()
y.backward(retain_graph=True)
g1 = x.grad.copy()
y.backward()
print(g1, x.grad)

# detach stops gradient
x = nd.array([1., 2., 3.])
x.attach_grad()
with autograd.record():
    y = x * x
    u = y.detach()
    z = u * x
z.backward()
print(x.grad == u)

# autograd.grad returns gradients without touching .grad
x = nd.array([0.5, 1.5])
x.attach_grad()
with autograd.record():
    y = nd.sigmoid(x) * x
dx = autograd.grad(y, [x])[0]
print(dx.asnumpy().round(5), x.grad)

# autograd.backward with several heads
a = nd.array([1., 2.])
b = nd.array([3., 4.])
a.attach_grad()
b.attach_grad()
with autograd.record():
    p = a * b
    q = a + b
autograd.backward([p, q], [nd.ones((2,)), nd.array([2., 2.])])
print(a.grad, b.grad)
