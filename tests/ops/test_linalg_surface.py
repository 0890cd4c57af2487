"""mx.sym.linalg / mx.sym.linalg_* build the linalg operators as MXNet does (node names and
JSON op names captured from MXNet 1.9.1: `potrf0`, `linalg_potrf0`, `syevd0_output0`, op
`_linalg_potrf`; gemm2 ... maketrian against tests/data/mxnet/sym_linalg.json), evaluate to
mx.nd.linalg's values, and khatri_rao (a composition, non-differentiable in MXNet) has
gradients of any order."""
import json
import os

import numpy as np
import pytest

import tapegraph as mx
from tapegraph.test_utils import gradcheck

A = np.array([[4., 1., 0.5], [1., 3., 0.2], [0.5, 0.2, 2.]])
B = np.array([[1., 2.], [3., 4.], [5., 6.]])


def test_symbol_names_follow_mxnet():
    x = mx.sym.var("x")
    assert mx.sym.linalg.potrf(x).name.startswith("potrf")
    assert mx.sym.linalg_potrf(x).name.startswith("linalg_potrf")
    outs = mx.sym.linalg.syevd(x, name="syevd0").list_outputs()
    assert outs == ["syevd0_output0", "syevd0_output1"]
    ops = [n["op"] for n in json.loads(mx.sym.linalg.trsm(
        mx.sym.linalg.potrf(x), x, alpha=2.0).tojson())["nodes"]]
    assert ops == ["null", "_linalg_potrf", "_linalg_trsm"]
    with pytest.raises(AttributeError, match="gemm3"):
        mx.sym.linalg.gemm3  # noqa: B018


@pytest.mark.parametrize("name, args, attrs", [
    ("potrf", (A,), {}), ("potri", (A,), {}), ("inverse", (A,), {}), ("det", (A,), {}),
    ("slogdet", (A,), {}), ("gelqf", (B.T,), {}), ("syevd", (A,), {}),
    ("trsm", (A, B), {"transpose": True, "alpha": 0.5}),
])
def test_symbols_evaluate_to_ndarray_values(name, args, attrs):
    names = ["a%d" % i for i in range(len(args))]
    sym = getattr(mx.sym.linalg, name)(*[mx.sym.var(n) for n in names], **attrs)
    got = sym.eval(**{n: mx.nd.array(a, dtype="float64") for n, a in zip(names, args)})
    want = getattr(mx.nd.linalg, name)(*[mx.nd.array(a, dtype="float64") for a in args],
                                       **attrs)
    want = want if isinstance(want, list) else [want]
    assert len(got) == len(want)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g.asnumpy(), w.asnumpy(), rtol=1e-12)


with open(os.path.join(os.path.dirname(__file__), "..", "data", "mxnet",
                       "sym_linalg.json")) as _f:
    CAPTURED = json.load(_f)["cases"]


def _nodes(text):
    return [(n["op"], n["name"], n.get("attrs", {}), n["inputs"])
            for n in json.loads(text)["nodes"]]


@pytest.mark.parametrize("case", CAPTURED, ids=[c["id"] for c in CAPTURED])
def test_mxnet_written_linalg_symbols_load_and_match(case):
    feed = {k: mx.nd.array(np.array(v), dtype="float64") for k, v in case["inputs"].items()}
    out = mx.sym.load_json(case["json"]).eval(**feed)
    for got, want in zip(out, case["outputs"]):
        np.testing.assert_allclose(got.asnumpy(), np.array(want), rtol=1e-10, atol=1e-12)
    # the same symbol built here writes MXNet's JSON nodes (op names, node names, attrs)
    names = sorted(case["inputs"])
    sym = getattr(mx.sym.linalg, case["function"])(*[mx.sym.var(n) for n in names],
                                                    **case["attrs"])
    mine = _nodes(sym.tojson())
    theirs = _nodes(case["json"])
    assert [m[0] for m in mine] == [t[0] for t in theirs]
    assert [m[2] for m in mine] == [t[2] for t in theirs]
    # mx.nd.linalg's gradients (head gradients of ones) are MXNet's
    for a in feed.values():
        a.attach_grad()
    with mx.autograd.record():
        res = getattr(mx.nd.linalg, case["function"])(*[feed[n] for n in names],
                                                      **case["attrs"])
    res.backward()
    for n in names:
        np.testing.assert_allclose(feed[n].grad.asnumpy(), np.array(case["grads"][n]),
                                   rtol=1e-10, atol=1e-12)


def test_khatri_rao_gradients_any_order():
    rng = np.random.RandomState(0)
    ins = [rng.uniform(-1, 1, (2, 3)), rng.uniform(-1, 1, (3, 3)), rng.uniform(-1, 1, (1, 3))]
    assert gradcheck(lambda a, b, c: mx.nd.khatri_rao(a, b, c) ** 2, ins, order=3)


def test_khatri_rao_of_one_matrix_is_a_new_array():
    a = mx.nd.array(B)
    k = mx.nd.khatri_rao(a)
    k[:] = 0
    np.testing.assert_array_equal(a.asnumpy(), B)
