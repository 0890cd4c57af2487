"""mx.nd.unravel_index / ravel_multi_index against values captured from MXNet 1.9.1.

MXNet 1.9.1's unravel_index gives shape (len(shape), data.shape[0]) whatever data's
number of axes. With one index per row of data (1-d data, or further axes of size 1) the
columns are the coordinates of the indices; with more (2-d data such as (2, 2)) the
values are data's first len(shape) * data.shape[0] elements, unconverted (MXNet 1.9.1
computes them into memory past its output buffer). Its gradient is 0."""
import numpy as np
import pytest

import tapegraph as mx
from tapegraph.base import MXNetError

nd = mx.nd

# (indices, shape) -> (result shape, result values), from MXNet 1.9.1 (float32 data)
CAPTURED = [
    ([5, 13, -1], (3, 4), (2, 3), [[1, 3, 0], [1, 1, -1]]),
    ([7], (3, 4), (2, 1), [[1], [3]]),
    ([[7]], (3, 4), (2, 1), [[1], [3]]),
    ([[1], [2], [3]], (3, 4), (2, 3), [[0, 0, 0], [1, 2, 3]]),
    ([[5], [13], [2], [7]], (3, 4), (2, 4), [[1, 3, 0, 1], [1, 1, 2, 3]]),
    ([[[5]], [[13]]], (3, 4), (2, 2), [[1, 3], [1, 1]]),
    ([[5, 13], [2, 7]], (3, 4), (2, 2), [[5, 13], [2, 7]]),
    ([[5, 13], [2, 7]], (30, 50), (2, 2), [[5, 13], [2, 7]]),
    ([[1000, 2001], [3002, 4003]], (3, 4), (2, 2), [[1000, 2001], [3002, 4003]]),
    ([[1, 2, 3], [4, 5, 6]], (3, 4), (2, 2), [[1, 2], [3, 4]]),
    ([[1, 2], [3, 4], [5, 6]], (3, 4), (2, 3), [[1, 2, 3], [4, 5, 6]]),
    ([[5, 13], [2, 7], [1, 1]], (3, 4), (2, 3), [[5, 13, 2], [7, 1, 1]]),
    ([[1, 2, 3], [4, 5, 6]], (2, 3, 4), (3, 2), [[1, 2], [3, 4], [5, 6]]),
    ([[5, 13, 2, 7]], (3, 4), (2, 1), [[5], [13]]),
    ([[1, 2, 3, 4, 5, 6]], (2, 3, 4), (3, 1), [[1], [2], [3]]),
    ([[[1, 2], [3, 4]], [[5, 6], [7, 8]]], (3, 4), (2, 2), [[1, 2], [3, 4]]),
    ([[1, 2], [3, 4]], (3,), (1, 2), [[1, 2]]),
    ([[5, 13, 2], [7, 9, 4]], (3,), (1, 2), [[5, 13]]),
    ([[5, 13, 2, 7, 9]], (3,), (1, 1), [[5]]),
]


@pytest.mark.parametrize("indices,shape,out_shape,values", CAPTURED)
def test_unravel_index_as_mxnet(indices, shape, out_shape, values):
    got = nd.unravel_index(nd.array(indices), shape=shape)
    assert got.shape == out_shape
    assert got.dtype == np.float32
    assert got.asnumpy().tolist() == values


@pytest.mark.parametrize("dtype", ["int32", "int64"])
def test_unravel_index_keeps_integer_dtypes(dtype):
    got = nd.unravel_index(nd.array([[5, 13], [2, 7]], dtype=dtype), shape=(3, 4))
    assert got.dtype == np.dtype(dtype) and got.asnumpy().tolist() == [[5, 13], [2, 7]]
    got = nd.unravel_index(nd.array([5, 13, -1], dtype=dtype), shape=(3, 4))
    assert got.dtype == np.dtype(dtype) and got.asnumpy().tolist() == [[1, 3, 0],
                                                                       [1, 1, -1]]


def test_refusals():
    # MXNet 1.9.1 refuses a 0-d input and an empty shape ("Empty shape parameter for
    # unravel operator"); with fewer elements than its result it reads and writes past
    # its buffers (zeros, then "malloc(): corrupted top size"), refused here
    with pytest.raises(MXNetError, match="0-d"):
        nd.unravel_index(nd.array(5), shape=(3, 4))
    with pytest.raises(MXNetError, match="[Ee]mpty shape"):
        nd.unravel_index(nd.array([5]), shape=())
    with pytest.raises(MXNetError, match="fewer"):
        nd.unravel_index(nd.array([[1, 2], [3, 4]]), shape=(2, 3, 4))


@pytest.mark.parametrize("indices", [[5, 13], [[5, 13], [2, 7]]])
def test_unravel_index_gradient_is_zero(indices):
    x = nd.array(indices)
    x.attach_grad()
    with mx.autograd.record():
        y = nd.unravel_index(x, shape=(3, 4))
    y.backward()
    assert x.grad.asnumpy().tolist() == np.zeros(np.shape(indices)).tolist()


def test_ravel_multi_index_gradient_is_zero():
    # MXNet 1.9.1: [[1, 2], [3, 0]] in (3, 4) -> [7, 8], gradient all 0
    x = nd.array([[1, 2], [3, 0]])
    x.attach_grad()
    with mx.autograd.record():
        y = nd.ravel_multi_index(x, shape=(3, 4))
    y.backward()
    assert y.asnumpy().tolist() == [7, 8]
    assert x.grad.asnumpy().tolist() == [[0, 0], [0, 0]]
