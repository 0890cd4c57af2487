"""Indexing and slicing NDArrays, as in MXNet's NDArray indexing tutorial and test_ndarray.py."""
import numpy as np
import mxnet as mx
from mxnet import nd

mx.random.seed(0)
np.random.seed(0)

x = nd.arange(24).reshape((2, 3, 4))
print(x[1])
print(x[1, 2])
print(x[1, 2, 3])
print(x[:, 1])
print(x[:, :, ::2])
print(x[::-1].shape if hasattr(x, 'shape') else None)
print(x[-1, -1])
print(x[0, 1:3, 1:])
print(x[nd.array([1, 0])].shape)
print(x[[0, 1], [1, 2]])
print(x[:, [0, 2]].shape)
print(x[..., 1])
print(x[None].shape, x[:, None].shape)
y = nd.zeros((3, 4))
y[1] = 1
y[:, 2] = nd.array([5, 6, 7])
y[2, 1:3] = 3
print(y)
y[:] = 4
print(y.sum())
z = nd.arange(10)
print(z[2:8:3], z[-3:])
z[np.array([0, 1])] = 100
print(z)
m = nd.arange(6).reshape((2, 3))
print(nd.slice(m, begin=(0, 1), end=(2, 3)))
print(nd.slice_axis(m, axis=1, begin=0, end=2))
print(nd.pick(m, nd.array([0, 2]), axis=1))
print(nd.gather_nd(m, nd.array([[0, 1], [2, 0]])))
print(nd.reverse(m, axis=0))
try:
    m[5]
except IndexError:
    print('IndexError')
