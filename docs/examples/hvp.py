"""A Hessian-vector product: the gradient of <grad f(x), v> is H(x) v. The first backward
is recorded (create_graph=True), the second differentiates it."""
from mxnet import autograd, nd

x = nd.array([0.5, -1.0, 2.0])
v = nd.array([1.0, 0.0, -1.0])
x.attach_grad()
with autograd.record():
    y = (nd.tanh(x) * x).sum()
    g = autograd.grad(y, [x], create_graph=True, retain_graph=True)[0]
    gv = (g * v).sum()
gv.backward()
print("Hv", x.grad.asnumpy())
