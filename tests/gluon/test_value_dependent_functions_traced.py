"""Functions whose result depends on their input's values (NaN masks, logical
operators) record operators, so a hybridized block computes them from each call's values
(they were computed on the host and frozen into the first trace as constants)."""
import numpy as np
import pytest

import tapegraph as mx
from tapegraph.gluon import HybridBlock

FUNCTIONS = {
    "nansum": lambda F, x, y: F.nansum(x, axis=0),
    "nanprod": lambda F, x, y: F.nanprod(x, axis=0),
    "logical_and": lambda F, x, y: F.logical_and(x, y),
    "logical_or": lambda F, x, y: F.logical_or(x, y),
    "logical_xor": lambda F, x, y: F.logical_xor(x, y),
    "logical_not": lambda F, x, y: F.logical_not(y),
    "isnan": lambda F, x, y: F.contrib.isnan(x),
    "isinf": lambda F, x, y: F.contrib.isinf(x),
    "isfinite": lambda F, x, y: F.contrib.isfinite(x),
}


class Fn(HybridBlock):
    def __init__(self, fn):
        super().__init__()
        self.fn = fn

    def hybrid_forward(self, F, x, y):
        return self.fn(F, x, y)


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_hybridized_block_computes_them_from_each_call(name):
    eager, hybrid = Fn(FUNCTIONS[name]), Fn(FUNCTIONS[name])
    hybrid.hybridize()
    rng = np.random.RandomState(0)
    for _ in range(3):
        x = rng.choice([0.0, 1.5, -2.0, np.nan, np.inf], (4, 3))
        y = rng.choice([0.0, 1.0, -3.0], (4, 3))
        args = mx.nd.array(x), mx.nd.array(y)
        np.testing.assert_array_equal(hybrid(*args).asnumpy(), eager(*args).asnumpy())
    assert not [s for s in hybrid._last.sources if s[0] == "const"]


def test_values_match_numpy():
    x = np.array([1.0, np.nan, np.inf, -np.inf, 0.0, -2.0], np.float32)
    for name in ("isnan", "isinf", "isfinite"):
        got = getattr(mx.nd.contrib, name)(mx.nd.array(x)).asnumpy()
        np.testing.assert_array_equal(got, getattr(np, name)(x).astype(np.float32))
    ints = mx.nd.array([1, 2], dtype="int32")
    assert mx.nd.contrib.isnan(ints).asnumpy().tolist() == [0, 0]  # as MXNet 1.9.1
    a, b = mx.nd.array([[0, 1, 2]]), mx.nd.array([[1], [0]])
    assert mx.nd.logical_and(a, b).asnumpy().tolist() == [[0, 1, 1], [0, 0, 0]]  # MXNet's
    with pytest.raises(mx.base.MXNetError, match="logical_or: shapes"):
        mx.nd.logical_or(mx.nd.ones((2, 3)), mx.nd.ones((4,)))
