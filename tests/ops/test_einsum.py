"""mx.np.einsum against numpy.einsum, and its gradients (it lowers to registered ops)."""
from __future__ import annotations

import numpy as onp
import pytest

import tapegraph as mx
from tapegraph import np
from tapegraph.test_utils import gradcheck

R = onp.random.RandomState(1)
SHAPES = {"i": 2, "j": 3, "k": 4, "l": 2, "b": 2}
CASES = ["ij,jk->ik", "ij,jk", "bij,bjk->bik", "ij->ji", "ij->", "ij->j", "i,i->", "i,j->ij",
         "ijk,jl->ikl", "ij,jk,kl->il", "bij,bkj->bik", "ij,ij->ij", "ijk->kij", "ik,jk->ij",
         "ij,k->ijk"]


def _operands(spec):
    ins = spec.split("->")[0].split(",")
    return [R.uniform(-1, 1, tuple(SHAPES[c] for c in t)) for t in ins]


@pytest.mark.parametrize("spec", CASES)
def test_matches_numpy(spec):
    arrays = _operands(spec)
    got = np.einsum(spec, *[np.array(a, dtype="float64") for a in arrays])
    want = onp.einsum(spec, *arrays)
    assert got.shape == want.shape
    onp.testing.assert_allclose(got.asnumpy(), want, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("spec", ["bij,bjk->bik", "ij,jk,kl->il", "ij,ij->ij", "i,j->ij"])
def test_third_order(spec):
    arrays = [np.array(a, dtype="float64") for a in _operands(spec)]
    assert gradcheck(lambda *xs: np.einsum(spec, *xs) ** 2, arrays, order=3)


@pytest.mark.parametrize("spec, message", [("ii->i", "repeated index"), ("...i->i", "ellipsis"),
                                           ("ij,jk->ik", "operand subscripts")])
def test_unsupported_forms_raise(spec, message):
    with pytest.raises(mx.MXNetError, match=message):
        np.einsum(spec, np.ones((2, 2)))
