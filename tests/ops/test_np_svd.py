"""mx.np.linalg.svd and the functions traced on it (pinv, lstsq, matrix_rank, norm with
ord=2/-2/'nuc') against MXNet 1.9.1 (tests/data/mxnet/np_svd.json, captured by
capture_np_svd.py): values, svd's signs, and the gradients MXNet has (svd, norm). pinv's
and lstsq's gradients, which MXNet lacks, are checked against finite differences."""
import json
import os

import numpy as onp
import pytest

import tapegraph as mx
from tapegraph.test_utils import gradcheck

with open(os.path.join(os.path.dirname(__file__), "..", "data", "mxnet", "np_svd.json")) as f:
    DATA = json.load(f)


def _a(v):
    return mx.np.array(onp.array(v), dtype="float64")


def _close(got, want):
    onp.testing.assert_allclose(onp.asarray(got), onp.array(want), rtol=1e-9, atol=1e-10)


@pytest.mark.parametrize("case", DATA["svd"], ids=lambda c: str(onp.shape(c["a"])))
def test_svd_values_signs_and_gradient_match_mxnet(case):
    a = _a(case["a"])
    a.attach_grad()
    with mx.autograd.record():
        outs = mx.np.linalg.svd(a)
        loss = sum((o * _a(w)).sum() for o, w in zip(outs, case["weights"]))
    loss.backward()
    for o, want in zip(outs, case["outputs"]):
        _close(o.asnumpy(), want)
    _close(a.grad.asnumpy(), case["grad"])


@pytest.mark.parametrize("case", DATA["pinv"], ids=lambda c: str(onp.shape(c["a"])))
def test_pinv_matches_mxnet(case):
    _close(mx.np.linalg.pinv(_a(case["a"]), rcond=case["rcond"]).asnumpy(), case["value"])


@pytest.mark.parametrize("case", DATA["lstsq"], ids=lambda c: str(onp.shape(c["a"])))
def test_lstsq_matches_mxnet(case):
    x, res, rank, s = mx.np.linalg.lstsq(_a(case["a"]), _a(case["b"]), rcond=case["rcond"])
    _close(x.asnumpy(), case["x"])
    _close(res.asnumpy(), case["residuals"])
    assert type(rank).__name__ == case["rank_type"] and rank == case["rank"]
    _close(s.asnumpy(), case["s"])


@pytest.mark.parametrize("case", DATA["matrix_rank"], ids=lambda c: str(onp.shape(c["a"])))
def test_matrix_rank_matches_mxnet(case):
    r = mx.np.linalg.matrix_rank(_a(case["a"]), tol=case["tol"])
    assert str(r.dtype) == case["dtype"]
    assert (type(r).__name__ == "ndarray") == (case["type"] == "ndarray")
    assert onp.asarray(r.asnumpy() if hasattr(r, "asnumpy") else r).tolist() == case["value"]


@pytest.mark.parametrize("case", DATA["norm"], ids=lambda c: "%s-%s" % (c["ord"], c["axis"]))
def test_matrix_norms_and_gradients_match_mxnet(case):
    a = _a(case["a"])
    a.attach_grad()
    axis = tuple(case["axis"]) if case["axis"] else None
    with mx.autograd.record():
        y = mx.np.linalg.norm(a, ord=case["ord"], axis=axis)
    y.backward()
    _close(y.asnumpy(), case["value"])
    _close(a.grad.asnumpy(), case["grad"])


def test_tall_matrices_where_mxnet_refuses():
    m = onp.random.RandomState(0).uniform(-1, 1, (4, 3))
    ut, s, v = mx.np.linalg.svd(_a(m))
    assert (ut.shape, s.shape, v.shape) == ((4, 3), (3,), (3, 3))
    _close((ut.asnumpy() * s.asnumpy()) @ v.asnumpy(), m)
    _close(mx.np.linalg.norm(_a(m), 2).asnumpy(), onp.linalg.norm(m, 2))
    _close(mx.np.linalg.norm(_a(m), "nuc", keepdims=True).asnumpy(),
           onp.linalg.norm(m, "nuc", keepdims=True))


def test_pinv_and_lstsq_gradients_any_order():
    rng = onp.random.RandomState(1)
    a, b = rng.uniform(-1, 1, (2, 3, 4)), rng.uniform(-1, 1, (4, 2))
    assert gradcheck(lambda x: mx.np.linalg.pinv(x) ** 2, [_a(a)], order=3)
    assert gradcheck(lambda x, y: mx.np.linalg.lstsq(x, y, rcond=None)[0] ** 2
                     + mx.np.linalg.lstsq(x, y, rcond=None)[1].sum(), [_a(b), _a(b[:, 0])],
                     order=2)


def test_mxnet_written_svd_symbol_loads_and_evaluates():
    case = DATA["symbol"]
    assert [n["op"] for n in json.loads(case["json"])["nodes"]] == ["null", "_npi_svd"]
    out = mx.sym.load_json(case["json"]).eval(a=mx.nd.array(case["a"], dtype="float64"))
    for got, want in zip(out, case["outputs"]):
        _close(got.asnumpy(), want)
