"""The one-pass update path of the optimizers (tapegraph.ndarray.blas.axpy) and its
NumPy fallback give the same updates; axpy refuses what it cannot take, changing nothing."""
import numpy as np
import pytest

import tapegraph as mx
from tapegraph.ndarray import blas


def test_axpy_matches_numpy_or_declines():
    rng = np.random.RandomState(0)
    for dtype in (np.float32, np.float64):
        x = rng.randn(blas.AXPY_MIN).astype(dtype)
        y = rng.randn(blas.AXPY_MIN).astype(dtype)
        want = y + dtype(-0.37) * x
        done = blas.axpy(-0.37, x, y)
        assert done == blas.available(dtype)
        if done:
            tol = 1e-6 if dtype == np.float32 else 1e-14  # one rounding apart at most
            np.testing.assert_allclose(y, want, rtol=tol, atol=tol)


def test_axpy_declines_arrays_it_cannot_take():
    rng = np.random.RandomState(1)
    n = blas.AXPY_MIN
    cases = [
        (rng.randn(n, 6).astype(np.float32)[:, ::2], np.zeros((n, 3), np.float32)),  # strided
        (rng.randn(n).astype(np.float64), np.zeros(n, np.float32)),                  # dtypes
        (rng.randn(n).astype(np.float16), np.zeros(n, np.float16)),                  # float16
        (np.arange(n), np.zeros(n, np.int64)),                                        # integers
        (rng.randn(n + 1).astype(np.float32), np.zeros(n, np.float32)),              # shapes
        (rng.randn(5).astype(np.float32), np.zeros(5, np.float32)),                  # small
    ]
    for x, y in cases:
        before = y.copy()
        assert blas.axpy(2.0, x, y) is False
        np.testing.assert_array_equal(y, before)
    buf = np.ones(2 * n, np.float32)
    assert blas.axpy(2.0, buf[:n], buf[:n]) is False  # overlapping
    readonly = np.zeros(n, np.float32)
    readonly.flags.writeable = False
    assert blas.axpy(2.0, np.ones(n, np.float32), readonly) is False


@pytest.mark.parametrize("config", [
    {"momentum": 0.0}, {"momentum": 0.9}, {"momentum": 0.9, "wd": 0.01},
    {"wd": 0.1, "rescale_grad": 0.25}, {"momentum": 0.5, "clip_gradient": 0.1},
    {"momentum": 0.9, "multi_precision": True, "dtype": "float16"}])
def test_sgd_same_with_and_without_blas(config, monkeypatch):
    config = dict(config)
    dtype = config.pop("dtype", "float32")
    rng = np.random.RandomState(2)
    shape = (3, blas.AXPY_MIN // 2)  # large enough for axpy
    w0 = rng.randn(*shape).astype(dtype)
    grads = [rng.randn(*shape).astype(dtype) for _ in range(3)]

    def run():
        opt = mx.optimizer.create("sgd", learning_rate=0.1, **config)
        updater = mx.optimizer.get_updater(opt)
        w = mx.nd.array(w0, dtype=dtype)
        for g in grads:
            grad = mx.nd.array(g, dtype=dtype)
            updater(0, grad, w)
            np.testing.assert_array_equal(grad.asnumpy(), g)  # the gradient is not touched
        return w.asnumpy()

    with_blas = run()
    monkeypatch.setattr(blas, "_ROUTINES", {})
    without = run()
    tol = 1e-3 if dtype == "float16" else 1e-6
    np.testing.assert_allclose(with_blas, without, rtol=tol, atol=tol)
