"""A custom differentiable operation with autograd.Function, as in MXNet's autograd
tutorial and test_autograd.py."""
import numpy as np
import mxnet as mx
from mxnet import nd, autograd

mx.random.seed(3)
np.random.seed(3)


class sigmoid(autograd.Function):
    def forward(self, x):
        y = 1 / (1 + nd.exp(-x))
        self.save_for_backward(y)
        return y

    def backward(self, dy):
        y, = self.saved_tensors
        return dy * y * (1 - y)


class Scale2(autograd.Function):
    """Two inputs, two outputs."""

    def forward(self, a, b):
        return a * 2, a * b

    def backward(self, da, dab):
        a, b = self.saved
        return da * 2 + dab * b, dab * a

    def __call__(self, a, b):
        self.saved = (a, b)
        return super().__call__(a, b)


func = sigmoid()
x = nd.array([[-1., 0., 1.], [2., -2., 0.5]])
x.attach_grad()
with autograd.record():
    m = func(x)
    m.backward()
dx = x.grad.asnumpy()
print(m.asnumpy().round(5))
print(dx.round(5))
ref = 1 / (1 + np.exp(-x.asnumpy()))
print(np.allclose(dx, ref * (1 - ref), atol=1e-6))

a = nd.array([1., 2., 3.])
b = nd.array([4., 5., 6.])
a.attach_grad()
b.attach_grad()
with autograd.record():
    p, q = Scale2()(a, b)
    loss = (p + q * q).sum()
loss.backward()
print(p, q)
print(a.grad, b.grad)

# a Function used inside a longer chain
x = nd.array([0.5, -0.5])
x.attach_grad()
with autograd.record():
    y = sigmoid()(x * 3) * x
y.backward()
print(y.asnumpy().round(5), x.grad.asnumpy().round(5))
