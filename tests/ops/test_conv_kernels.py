"""The stride-1 convolution kernels (flat columns in reused scratch buffers): results are
new arrays that later calls do not overwrite, float32 stays float32, and they agree with
the strided-window path and with the direct-loop reference."""
import numpy as np
import pytest

import tapegraph as mx
from tapegraph.ir.ops import _windows

from op_refs import _conv_nd_ref


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_results_are_fresh_arrays_in_the_input_dtype(dtype):
    rng = np.random.RandomState(0)
    x = mx.nd.array(rng.uniform(-1, 1, (2, 3, 7, 6)), dtype=dtype)
    w = mx.nd.array(rng.uniform(-1, 1, (4, 3, 3, 2)), dtype=dtype)
    x.attach_grad()
    w.attach_grad()
    with mx.autograd.record():
        y = mx.nd.Convolution(x, w, kernel=(3, 2), num_filter=4, no_bias=True)
    first = y.asnumpy().copy()
    y.backward(mx.nd.ones_like(y))
    dx, dw = x.grad.asnumpy().copy(), w.grad.asnumpy().copy()
    # more calls of every kernel with other shapes and values reuse the scratch buffers
    for shape in ((1, 3, 9, 9), (3, 3, 5, 5)):
        z = mx.nd.array(rng.uniform(-1, 1, shape), dtype=dtype)
        z.attach_grad()
        with mx.autograd.record():
            out = mx.nd.Convolution(z, w, kernel=(3, 2), num_filter=4, no_bias=True)
        out.backward(mx.nd.ones_like(out))
    np.testing.assert_array_equal(y.asnumpy(), first)
    np.testing.assert_array_equal(x.grad.asnumpy(), dx)
    assert y.dtype == np.dtype(dtype) and x.grad.dtype == np.dtype(dtype)
    np.testing.assert_allclose(first, _conv_nd_ref(x.asnumpy().astype(np.float64),
                                                   w.asnumpy().astype(np.float64),
                                                   stride=(1, 1), pad=(0, 0), dilate=(1, 1)),
                               rtol=1e-5, atol=1e-5)
    assert dw.dtype == np.dtype(dtype)


def test_flat_and_strided_paths_agree():
    rng = np.random.RandomState(1)
    x = rng.uniform(-1, 1, (2, 4, 6, 7))
    w = rng.uniform(-1, 1, (6, 2, 3, 3))
    b = rng.uniform(-1, 1, 6)
    k, dl, p = (3, 3), (1, 2), (1, 0)
    out = (6, 3)
    flat = _windows.conv_forward(x, w, b, k, (1, 1), dl, p, out, 2)
    cols = _windows.im2col(x, k, (1, 1), dl, p, out).reshape(2, 2, 18, -1)
    strided = np.matmul(w.reshape(2, 3, 18), cols).reshape((2, 6) + out) + b.reshape(1, 6, 1, 1)
    np.testing.assert_allclose(flat, strided, rtol=1e-12, atol=1e-12)
    g = rng.uniform(-1, 1, (2, 6) + out)
    dw = _windows.conv_weight_grad(x, g, k, (1, 1), dl, p, 2)
    cols = cols.transpose(1, 2, 0, 3).reshape(2, 18, -1)
    gg = g.reshape(2, 2, 3, -1).transpose(1, 2, 0, 3).reshape(2, 3, -1)
    np.testing.assert_allclose(dw.reshape(2, 3, 18), gg @ cols.transpose(0, 2, 1), rtol=1e-12)
