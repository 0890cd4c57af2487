"""softmax / log_softmax / softmin with `dtype=`: computed in the input's dtype, written
in `dtype`, the gradient in the input's dtype (values captured from MXNet 1.9.1)."""
import numpy as np

import tapegraph as mx
from tapegraph import autograd


def test_float32_log_softmax_written_as_float64():
    x = mx.nd.array([[1.0, 2.0]])
    x.attach_grad()
    with autograd.record():
        y = mx.nd.log_softmax(x, dtype="float64")
        z = y[0, 0] * 1
    z.backward()
    assert y.dtype == np.float64 and x.grad.dtype == np.float32
    # MXNet 1.9.1: [[-1.31326163 -0.31326166]] (float32 precision), grad [[0.73105854 -0.7310586]]
    np.testing.assert_allclose(y.asnumpy(), [[-1.31326163, -0.31326166]], rtol=1e-8)
    np.testing.assert_allclose(x.grad.asnumpy(), [[0.73105854, -0.7310586]], rtol=1e-6)


def test_float16_softmax_written_as_float32():
    x = mx.nd.array([[1, 2, 3]], dtype="float16")
    x.attach_grad()
    with autograd.record():
        y = mx.nd.softmax(x, dtype="float32")
        z = (y * mx.nd.array([[1, 2, 3]])).sum()
    z.backward()
    assert y.dtype == np.float32 and x.grad.dtype == np.float16
    # MXNet 1.9.1 (float16 arithmetic): [[0.08996582 0.2446289 0.66503906]],
    # grad [[-0.1416 -0.1405 0.2832]]
    np.testing.assert_allclose(y.asnumpy(), [[0.08996582, 0.2446289, 0.66503906]], rtol=2e-3)
    np.testing.assert_allclose(x.grad.asnumpy(), [[-0.1416, -0.1405, 0.2832]], rtol=5e-3)


def test_softmin_and_npx_take_dtype():
    assert mx.nd.softmin(mx.nd.array([[1.0, 2.0]]), dtype="float64").dtype == np.float64
    assert mx.npx.softmax(mx.np.array([[1.0, 2.0]]), dtype="float64").dtype == np.float64


def test_second_order_through_a_dtype_change():
    x = mx.nd.array([[0.5, -1.0, 2.0]])
    x.attach_grad()
    with autograd.record():
        y = mx.nd.softmax(x, dtype="float64")
        (g,) = autograd.grad((y * y).sum(), [x], create_graph=True)
        z = g.sum()
    z.backward()
    assert g.dtype == np.float32 and x.grad.dtype == np.float32
    # the same with a float64 input, no dtype change
    x64 = mx.nd.array([[0.5, -1.0, 2.0]], dtype="float64")
    x64.attach_grad()
    with autograd.record():
        y = mx.nd.softmax(x64)
        (g,) = autograd.grad((y * y).sum(), [x64], create_graph=True)
        z = g.sum()
    z.backward()
    np.testing.assert_allclose(x.grad.asnumpy(), x64.grad.asnumpy(), rtol=1e-5, atol=1e-7)
