"""nd.linalg factorisations and solves, as a Gaussian-process log-likelihood uses them
(Cholesky, triangular solves, inverse, determinants)."""
import numpy as np
import mxnet as mx
from mxnet import nd, autograd

mx.random.seed(27)
np.random.seed(27)

A = nd.array([[4., 1., 0.5], [1., 3., 0.2], [0.5, 0.2, 2.]])
B = nd.array([[1., 2.], [3., 4.], [5., 6.]])
L = nd.linalg.potrf(A)
print(L.asnumpy().round(5))
print(nd.linalg.potri(L).asnumpy().round(5))
print(nd.linalg.trsm(L, B).asnumpy().round(5))
print(nd.linalg.trsm(L, B, transpose=True, alpha=2.0).asnumpy().round(5))
print(nd.linalg.inverse(A).asnumpy().round(5))
print(nd.linalg.det(A).asnumpy().round(4), nd.linalg.slogdet(A)[1].asnumpy().round(5))
batch = nd.stack(A, A * 2)
print(nd.linalg.potrf(batch).shape, nd.linalg.sumlogdiag(nd.linalg.potrf(batch)).asnumpy().round(5))

A.attach_grad()
with autograd.record():
    Lg = nd.linalg.potrf(A)
    alpha = nd.linalg.trsm(Lg, B)
    nll = 0.5 * (alpha ** 2).sum() + nd.linalg.sumlogdiag(Lg)
nll.backward()
print(nll.asnumpy().round(5))
print(A.grad.asnumpy().round(5))
A.attach_grad()
with autograd.record():
    d = nd.linalg.det(A) + nd.linalg.inverse(A).sum()
d.backward()
print(A.grad.asnumpy().round(4))
