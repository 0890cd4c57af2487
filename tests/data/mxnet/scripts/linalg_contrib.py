"""nd.linalg products and triangle/diagonal helpers (as in MXNet's linalg tests) and a few
nd.contrib operators."""
import numpy as np
import mxnet as mx
from mxnet import nd, autograd

mx.random.seed(19)
np.random.seed(19)

A = nd.array([[4., 1., 0.5], [1., 3., 0.2], [0.5, 0.2, 2.]])
B = nd.array([[1., 2.], [3., 4.], [5., 6.]])
print(nd.linalg.gemm2(A, B).asnumpy().round(4))
print(nd.linalg.gemm2(B, A, transpose_a=True, alpha=0.5).asnumpy().round(4))
print(nd.linalg.gemm(A, B, nd.ones((3, 2)), alpha=2.0, beta=3.0).asnumpy().round(4))
print(nd.linalg.trmm(A, B).asnumpy().round(5))
print(nd.linalg.trmm(A, B, lower=False, alpha=2.0).asnumpy().round(5))
print(nd.linalg.sumlogdiag(A).asnumpy().round(5))
print(nd.linalg.syrk(B, transpose=True).asnumpy().round(4))
print(nd.linalg.syrk(B, alpha=0.5).asnumpy().round(4))
print(nd.linalg.extractdiag(A), nd.linalg.makediag(nd.array([1., 2.])))
print(nd.linalg.extracttrian(A).asnumpy().round(3))
print(nd.linalg.maketrian(nd.array([1., 2., 3.])))
batch = nd.stack(A, A * 2)
print(nd.linalg.gemm2(batch, batch).shape, nd.linalg.sumlogdiag(batch).asnumpy().round(5))

A.attach_grad()
B.attach_grad()
with autograd.record():
    C = nd.linalg.gemm2(A, B, alpha=2.0)
    s = nd.linalg.sumlogdiag(A) + C.sum()
s.backward()
print(A.grad.asnumpy().round(5))
print(B.grad.asnumpy().round(5))

x = nd.array([1., 2., 3., 4.])
print(nd.contrib.boolean_mask(x, nd.array([0, 1, 0, 1])))
print(nd.contrib.arange_like(nd.ones((2, 3)), axis=1))
print(nd.contrib.index_copy(nd.zeros((4, 2)), nd.array([1, 3]), nd.ones((2, 2))))
print(nd.contrib.div_sqrt_dim(nd.ones((2, 4))))
out, state = nd.contrib.foreach(lambda d, s: (d + s[0], [d + s[0]]), nd.arange(4).reshape((4, 1)),
                                [nd.zeros((1,))])
print(out.reshape((-1,)), state[0])
print(nd.contrib.cond(nd.array([1]), lambda: nd.array([10.]), lambda: nd.array([20.])))
