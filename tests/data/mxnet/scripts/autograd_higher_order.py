"""Higher-order gradients with autograd.grad(create_graph=True), as in MXNet's
test_higher_order_grad.py."""
import numpy as np
import mxnet as mx
from mxnet import nd, autograd

mx.random.seed(2)
np.random.seed(2)

x = nd.array([0.1, 0.5, 1.0, 2.0])
for name, fn in [('sin', nd.sin), ('cos', nd.cos), ('exp', nd.exp), ('log', nd.log),
                 ('tanh', nd.tanh), ('sigmoid', nd.sigmoid), ('sqrt', nd.sqrt),
                 ('reciprocal', nd.reciprocal), ('square', nd.square), ('relu', nd.relu),
                 ('arctan', nd.arctan), ('log1p', nd.log1p)]:
    x.attach_grad()
    with autograd.record():
        y = fn(x)
        x_grad = autograd.grad(heads=y, variables=x, head_grads=nd.ones_like(y),
                               create_graph=True, retain_graph=True)[0]
    x_grad.backward(nd.array([1., 2., 3., 4.]))
    print(name, x_grad.asnumpy().round(5), x.grad.asnumpy().round(5))

# third derivative of sin via repeated grad
x = nd.array([0.3, 0.7])
x.attach_grad()
with autograd.record():
    y = nd.sin(x)
    g1 = autograd.grad(y, x, create_graph=True, retain_graph=True)[0]
    g2 = autograd.grad(g1, x, create_graph=True, retain_graph=True)[0]
g2.backward()
print(g1.asnumpy().round(5), g2.asnumpy().round(5), x.grad.asnumpy().round(5))
