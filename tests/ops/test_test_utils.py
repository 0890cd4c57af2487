"""mx.test_utils: MXNet's helper names and behaviour."""
from __future__ import annotations

import os

import numpy as np
import pytest

import tapegraph as mx
from tapegraph import test_utils as tu


def test_almost_equal_and_same():
    a = mx.nd.array([1.0, 2.0, 3.0])
    assert tu.same(a, np.array([1.0, 2.0, 3.0], dtype=np.float32))
    assert not tu.same(a, a + 1e-3)
    assert tu.almost_equal(a, a.asnumpy() * (1 + 1e-6))
    assert not tu.almost_equal(a, a.asnumpy() + 0.1)
    tu.assert_almost_equal(a, a.asnumpy() + 1e-6)
    with pytest.raises(AssertionError, match="Error .* exceeds tolerance.*Location of maximum"):
        tu.assert_almost_equal(a, np.array([1.0, 2.5, 3.0]), names=("got", "want"))
    with pytest.raises(AssertionError):
        tu.assert_almost_equal(np.ones(3), np.ones(3) + 1e-4)  # float64 default rtol 1e-5


def test_random_helpers():
    shape = tu.rand_shape_nd(3, dim=4)
    assert len(shape) == 3 and all(1 <= d <= 4 for d in shape)
    arr = tu.rand_ndarray(shape, dtype="float64")
    assert isinstance(arr, mx.nd.NDArray) and arr.shape == shape and arr.dtype == np.float64
    one, two = tu.random_arrays((2, 3), (4,))
    assert one.shape == (2, 3) and two.shape == (4,) and one.dtype == np.float32
    assert tu.random_arrays((5,)).shape == (5,)
    assert tu.default_context() == mx.cpu()


def test_with_seed_is_reproducible():
    seen = []

    @tu.with_seed(42)
    def draw():
        seen.append((np.random.rand(), mx.nd.random.uniform(shape=(2,)).asnumpy().tolist()))
    draw()
    draw()
    assert seen[0] == seen[1]


def test_environment_restores():
    os.environ.pop("TG_TEST_VAR", None)
    with tu.environment("TG_TEST_VAR", "1"):
        assert os.environ["TG_TEST_VAR"] == "1"
        with tu.environment({"TG_TEST_VAR": None}):
            assert "TG_TEST_VAR" not in os.environ
        assert os.environ["TG_TEST_VAR"] == "1"
    assert "TG_TEST_VAR" not in os.environ


def test_discard_stderr(capfd):
    with tu.discard_stderr():
        os.write(2, b"hidden\n")
    os.write(2, b"shown\n")
    assert capfd.readouterr().err == "shown\n"


def test_check_numeric_gradient_with_a_symbol():
    a, b = mx.sym.var("a"), mx.sym.var("b")
    rng = np.random.RandomState(0)
    assert tu.check_numeric_gradient(a * b + a / b, [rng.rand(2, 3) + 0.5, rng.rand(2, 3) + 0.5])
    assert tu.check_numeric_gradient(lambda x: mx.nd.tanh(x) ** 2, [rng.rand(3)])


def test_gradcheck_orders_and_errors():
    x = np.array([0.3, -0.7, 1.1])
    assert tu.gradcheck(lambda v: mx.nd.exp(v) * mx.nd.sin(v), [x], order=4)
    with pytest.raises(ValueError):
        tu.gradcheck(lambda v: v, [x], order=0)
    assert tu.gradcheck(lambda v, w: v * 2.0, [x, x], order=2)  # w unused: zero derivative
