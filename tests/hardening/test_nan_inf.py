"""NaN and Inf flow through forward and backward exactly as NumPy computes them (same
formulas, float32), with no crash and no warning storm: NumPy's RuntimeWarnings surface
under Python's default filter once per kernel, however many iterations run."""
import warnings

import numpy as np
import pytest

import tapegraph as mx

nd = mx.nd
SPECIAL = np.array([-1.0, 0.0, np.nan, np.inf, -np.inf, 2.0], dtype=np.float32)


def _quiet(fn):
    with np.errstate(all="ignore"):
        return fn()


# (id, tapegraph program of x, NumPy forward, NumPy gradient of sum(forward))
CASES = [
    ("log", nd.log, np.log, lambda x: 1 / x),
    ("sqrt", nd.sqrt, np.sqrt, lambda x: 0.5 / np.sqrt(x)),
    ("exp", nd.exp, np.exp, np.exp),
    ("square", lambda x: x * x, lambda x: x * x, lambda x: 2 * x),
    ("reciprocal", lambda x: 1 / x, lambda x: 1 / x, lambda x: -1 / (x * x)),
    ("tanh", nd.tanh, np.tanh, lambda x: 1 - np.tanh(x) ** 2),
    ("relu", nd.relu, lambda x: np.maximum(x, 0), lambda x: (x > 0).astype(np.float32)),
    ("x_div_x", lambda x: x / x, lambda x: x / x, lambda x: 1 / x - x / (x * x)),
    ("sum_then_scale", lambda x: x.sum() * 2, lambda x: np.array([x.sum() * 2]),
     lambda x: np.full_like(x, 2.0)),
    ("sigmoid", nd.sigmoid, lambda x: 1 / (1 + np.exp(-x)),
     lambda x: (1 / (1 + np.exp(-x))) * (1 - 1 / (1 + np.exp(-x)))),
]


@pytest.mark.parametrize("case_id, program, forward, gradient", CASES,
                         ids=[c[0] for c in CASES])
def test_nan_and_inf_match_numpy_forward_and_backward(case_id, program, forward, gradient):
    x = nd.array(SPECIAL)
    x.attach_grad()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        with mx.autograd.record():
            y = program(x)
        y.backward()
    want_y = _quiet(lambda: forward(SPECIAL.copy())).astype(np.float32)
    want_g = _quiet(lambda: gradient(SPECIAL.copy())).astype(np.float32)
    np.testing.assert_allclose(y.asnumpy().reshape(want_y.shape), want_y, rtol=1e-6,
                               equal_nan=True)
    np.testing.assert_allclose(x.grad.asnumpy(), want_g, rtol=1e-6, equal_nan=True)


def _loop(iterations):
    """Forward and backward through ops that hit every NumPy floating-point warning."""
    x = nd.array(SPECIAL)
    x.attach_grad(grad_req="add")
    for _ in range(iterations):
        with mx.autograd.record():
            y = nd.log(x) + nd.sqrt(x) + x / x + nd.exp(x * 100)
        y.backward()
    return x.grad.asnumpy()


def test_warnings_do_not_grow_with_iterations():
    counts = []
    for iterations in (1, 40):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("default")
            _loop(iterations)
        counts.append(len([w for w in caught if w.category is RuntimeWarning]))
    assert counts[0] == counts[1], "warnings grew with iterations: %s" % counts
    assert counts[0] <= 12


def test_warnings_point_at_a_kernel_not_at_random_places():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("default")
        _loop(2)
    for w in caught:
        assert w.category is RuntimeWarning
        assert "encountered" in str(w.message)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # inf + -inf, as NumPy warns
def test_nan_in_head_gradient_and_accumulated_buffer():
    x = nd.array([1.0, 2.0, 3.0])
    x.attach_grad(grad_req="add")
    with mx.autograd.record():
        y = x * 3
    y.backward(nd.array([np.nan, 1.0, np.inf]), retain_graph=True)
    np.testing.assert_array_equal(x.grad.asnumpy(), [np.nan, 3.0, np.inf])
    y.backward(nd.array([1.0, 1.0, -np.inf]))
    np.testing.assert_array_equal(x.grad.asnumpy(), [np.nan, 6.0, np.nan])


def test_second_order_through_nan_and_inf():
    x = nd.array(SPECIAL)
    x.attach_grad()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        with mx.autograd.record():
            y = nd.log(x)
            g = mx.autograd.grad(y, [x], create_graph=True)[0]  # 1/x
        g.backward()  # d/dx sum(1/x) = -1/x^2
    want = _quiet(lambda: -1 / (SPECIAL * SPECIAL))
    np.testing.assert_allclose(x.grad.asnumpy(), want, rtol=1e-6, equal_nan=True)


def test_warnings_as_errors_give_a_clear_error_and_lose_nothing():
    """Users who turn RuntimeWarnings into errors get them, naming the operator, and the
    recorded graph and buffers stay usable."""
    x = nd.array([1.0, 0.0])
    x.attach_grad()
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        with pytest.raises(Exception) as info:
            nd.log(x)
    assert "log" in str(info.value)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        with mx.autograd.record():
            y = nd.log(x)
        y.backward()
    np.testing.assert_array_equal(x.grad.asnumpy(), [1.0, np.inf])


def test_nan_and_inf_through_deferred_fused_kernels():
    """Large recorded arrays take the deferred path (tapegraph.accel.lazy: one generated kernel
    per pending chain, recomputed inside the backward's fused kernel): same values as
    NumPy, NaN and Inf included."""
    from tapegraph.accel import lazy
    n = max(lazy.LAZY_MIN, 1 << 10) if lazy.LAZY_MIN else 1 << 20
    base = np.resize(SPECIAL, n).astype(np.float32)
    x = nd.array(base)
    x.attach_grad()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        with mx.autograd.record():
            y = nd.tanh(x) * nd.exp(x * 0.5) + x * x
        y.backward()
        xs = base.astype(np.float64)
        want_y = np.tanh(xs) * np.exp(xs * 0.5) + xs * xs
        want_g = ((1 - np.tanh(xs) ** 2) * np.exp(xs * 0.5)
                  + np.tanh(xs) * 0.5 * np.exp(xs * 0.5) + 2 * xs)
    np.testing.assert_allclose(y.asnumpy(), want_y.astype(np.float32), rtol=2e-6,
                               equal_nan=True)
    np.testing.assert_allclose(x.grad.asnumpy(), want_g.astype(np.float32), rtol=2e-5,
                               equal_nan=True)
