"""`a @ b`, `b @ a` and `a @= b` on mx.np arrays (MXNet 1.9.1's mx.np.ndarray has
__matmul__, __rmatmul__ and __imatmul__; legacy NDArray has none)."""
import numpy as onp
import pytest

import tapegraph as mx
from tapegraph.base import MXNetError

RNG = onp.random.RandomState(0)
A, B, V = RNG.randn(2, 3), RNG.randn(3, 4), RNG.randn(3)


def test_matmul_operator_is_np_matmul_with_its_gradient():
    a, b = mx.np.array(A, dtype="float64"), mx.np.array(B, dtype="float64")
    a.attach_grad()
    with mx.autograd.record():
        y = a @ b
        z = (y * y).sum()
    z.backward()
    assert isinstance(y, mx.np.ndarray)
    onp.testing.assert_allclose(y.asnumpy(), A @ B)
    onp.testing.assert_allclose(a.grad.asnumpy(), 2 * (A @ B) @ B.T)
    v = mx.np.array(V, dtype="float64")
    onp.testing.assert_allclose((v @ v).asnumpy(), V @ V)  # 0-d, as NumPy
    onp.testing.assert_allclose(b.__rmatmul__(a).asnumpy(), A @ B)


def test_in_place_matmul_writes_into_the_array():
    a = mx.np.array(A, dtype="float64")
    square = RNG.randn(3, 3)
    a @= mx.np.array(square, dtype="float64")
    onp.testing.assert_allclose(a.asnumpy(), A @ square)


def test_bad_operands_are_refused_and_the_array_is_kept():
    a = mx.np.array(A, dtype="float64")
    with pytest.raises(MXNetError, match="at least one dimension"):
        a @ 2
    with pytest.raises(MXNetError, match=r"in-place @: the product has shape \(2, 4\)"):
        a @= mx.np.array(B, dtype="float64")
    onp.testing.assert_array_equal(a.asnumpy(), A)
    with pytest.raises(TypeError):  # legacy NDArray has no @, as in MXNet 1.9.1
        mx.nd.ones((2, 2)) @ mx.nd.ones((2, 2))
