"""Legacy full reductions have shape (1,) (MXNet 1.9.1 has no 0-d legacy arrays); a
vector's total is recorded as one `sum {keepdims=True}` node instead of a sum followed by
a Reshape, with the same values and gradients."""
import numpy as np
import pytest

import tapegraph as mx
from tapegraph.autodiff import engine


def _ops(arr):
    return [(n.op, n.attrs.get("keepdims")) for n in engine.Collected([arr._value]).nodes]


@pytest.mark.parametrize("name", ["sum", "mean", "max", "min", "prod"])
@pytest.mark.parametrize("axis", [None, 0, -1, (0,)])
def test_a_vector_total_is_one_node_of_shape_1(name, axis):
    xs = np.array([0.5, -1.5, 2.0], dtype=np.float32)
    x = mx.nd.array(xs)
    x.attach_grad()
    with mx.autograd.record():
        y = getattr(mx.nd, name)(x, axis=axis) * 2
    assert y.shape == (1,)
    assert _ops(y) == [(name, True), ("_mul_scalar", None)]
    y.backward()
    want = {"sum": np.ones(3), "mean": np.ones(3) / 3, "max": [0, 0, 1], "min": [0, 1, 0],
            "prod": np.prod(xs) / xs}[name]
    np.testing.assert_allclose(x.grad.asnumpy(), 2 * np.asarray(want), rtol=1e-6)
    np.testing.assert_allclose(y.asnumpy(), 2 * getattr(np, name)(xs, keepdims=True),
                               rtol=1e-6)


def test_other_reductions_keep_their_form():
    x = mx.nd.array(np.arange(6, dtype=np.float32).reshape(2, 3))
    x.attach_grad()
    with mx.autograd.record():
        total = mx.nd.sum(x)  # a matrix's total: sum to 0-d, then Reshape to (1,)
        rows = mx.nd.sum(x, axis=1)
        kept = mx.nd.sum(x[0], keepdims=True)
        excl = mx.nd.sum(x[0], axis=0, exclude=True)
    assert total.shape == (1,) and [op for op, _ in _ops(total)] == ["sum", "Reshape"]
    assert rows.shape == (2,) and _ops(rows) == [("sum", False)]
    assert kept.shape == (1,) and excl.shape == (3,)
    np.testing.assert_array_equal(excl.asnumpy(), [0, 1, 2])
    mx.npx.set_np()
    try:
        v = mx.np.array([1.0, 2.0])
        v.attach_grad()
        with mx.autograd.record():
            s = v.sum()
        assert s.shape == () and _ops(s) == [("sum", False)]
    finally:
        mx.npx.reset_np()
