"""mx.np functions composed of registered operators, against NumPy itself, and their
gradients (order 2) against finite differences."""
from __future__ import annotations

import numpy as onp
import pytest

import tapegraph as mx
from tapegraph import np
from tapegraph.test_utils import gradcheck

A = onp.random.RandomState(0).uniform(-1, 1, (3, 4)).astype(onp.float32)

CASES = {
    "hstack": (lambda m, x: m.hstack([x, x]), True),
    "vstack": (lambda m, x: m.vstack([x[0], x[1]]), True),
    "column_stack": (lambda m, x: m.column_stack([x[0], x[1]]), True),
    "dstack": (lambda m, x: m.dstack([x, x]), True),
    "array_split": (lambda m, x: m.array_split(x, 3, axis=1)[2], True),
    "hsplit": (lambda m, x: m.hsplit(x, [1, 3])[1], True),
    "vsplit": (lambda m, x: m.vsplit(x, 3)[1], True),
    "moveaxis": (lambda m, x: m.moveaxis(x.reshape(3, 2, 2), 0, -1), True),
    "roll": (lambda m, x: m.roll(x, 1, axis=1), True),
    "roll_flat": (lambda m, x: m.roll(x, -5), True),
    "take_along_axis": (lambda m, x: m.take_along_axis(x, onp.argsort(A, axis=1), 1), True),
    "diff": (lambda m, x: m.diff(x, 2), True),
    "ptp": (lambda m, x: m.ptp(x, axis=0), True),
    "tril": (lambda m, x: m.tril(x, 1), True),
    "triu": (lambda m, x: m.triu(x, -1), True),
    "diagonal": (lambda m, x: m.diagonal(x, 1), True),
    "fabs": (lambda m, x: m.fabs(x), True),
    "average": (lambda m, x: m.average(x, axis=1), True),
    "around": (lambda m, x: m.around(x * 10), False),
    "isnan": (lambda m, x: m.isnan(x), False),
    "argwhere": (lambda m, x: m.argwhere(x > 0), False),
    "count_nonzero": (lambda m, x: m.count_nonzero(x > 0), False),
    "full_like": (lambda m, x: m.full_like(x, 2), False),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_matches_numpy(name):
    fn, _ = CASES[name]
    got = fn(np, np.array(A)).asnumpy()
    want = onp.asarray(fn(onp, A))
    assert got.shape == want.shape and got.dtype == want.dtype
    onp.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("name", sorted(n for n, (_, d) in CASES.items() if d))
def test_second_order(name):
    fn, _ = CASES[name]
    assert gradcheck(lambda x: fn(np, x) ** 2, [np.array(A)], order=2)


def test_creation_and_predicates():
    assert np.eye(3, 4, 1).dtype == onp.float32 and np.eye(3, 4, 1).shape == (3, 4)
    assert np.linspace(0, 1, 5).asnumpy().tolist() == [0.0, 0.25, 0.5, 0.75, 1.0]
    assert bool(np.all(np.array(A) > -2)) and not bool(np.any(np.array(A) > 2))
    assert np.allclose(np.array(A), A)
    rows, cols = np.nonzero(np.array(A) > 0)
    assert (rows.asnumpy() == onp.nonzero(A > 0)[0]).all()


def test_npx_extras_match_mxnet():
    """Values captured from MXNet 1.9.1 in np mode (small enough to state inline)."""
    x = np.array(onp.arange(12).reshape(3, 4), dtype="float32")
    assert mx.npx.arange_like(x, axis=1, start=1, step=2).asnumpy().tolist() == [1, 3, 5, 7]
    assert mx.npx.arange_like(x, repeat=5).asnumpy().tolist() == [[0, 0, 0, 0], [0, 1, 1, 1],
                                                                  [1, 1, 2, 2]]
    assert mx.npx.nonzero(x > 5).shape == (6, 2)
    assert mx.npx.shape_array(x).asnumpy().tolist() == [3, 4]
    assert mx.npx.gather_nd(x, np.array([[0, 2], [1, 3]])).asnumpy().tolist() == [1, 11]
    masked = mx.npx.sequence_mask(x, np.array([1, 2, 3, 0]), use_sequence_length=True)
    assert masked.asnumpy().tolist() == [[0, 1, 2, 0], [0, 5, 6, 0], [0, 0, 10, 0]]
    assert gradcheck(lambda v: mx.npx.erf(v) * mx.npx.smooth_l1(v, 2.0) + mx.npx.slice(
        v, (0, 1), (2, 3)).sum(), [np.array(A)], order=3)


def test_legacy_arrays_are_refused_by_np_functions_and_convert_with_views():
    x = mx.nd.array([1.0, 2.0])
    with pytest.raises(TypeError, match="as_np_ndarray"):
        np.exp(x)
    x.attach_grad()
    with mx.autograd.record():
        y = np.exp(x.as_np_ndarray()).as_nd_ndarray() * 2
    y.backward()
    assert type(y) is mx.nd.NDArray
    onp.testing.assert_allclose(x.grad.asnumpy(), 2 * onp.exp([1.0, 2.0]), rtol=1e-6)
