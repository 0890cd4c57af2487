"""The higher-order example of MXNet's autograd guide: the gradient of the gradient of
log(x), by running backward on the backward graph (MXNet 1.9.1 supports this for log;
tapegraph does for every operator)."""
from mxnet import nd
from mxnet import autograd as ag

x = nd.array([1, 2, 3])
x.attach_grad()


def f(x):
    return nd.log(x)


with ag.record():
    y = f(x)
    x_grad = ag.grad(heads=y, variables=x, create_graph=True, retain_graph=True)[0]
x_grad.backward()
print(x.grad)
