"""MXNet 1.9.1's optimizer update operators (mx.nd.sgd_update, ..., mx.nd.contrib.adamw_update,
...) step by step against values captured from MXNet (tests/data/mxnet/optimizer/kernels.json,
tools/capture_optimizer_kernels.py)."""
import json
import os

import numpy as np
import pytest

import tapegraph as mx

HERE = os.path.dirname(__file__)
DATA = json.load(open(os.path.join(HERE, "..", "data", "mxnet", "optimizer", "kernels.json")))


def _fn(ns, op):
    return getattr(mx.nd.contrib if ns == "contrib" else mx.nd, op)


def _tol(dtypes):
    return dict(rtol=2e-3, atol=2e-3) if "float16" in dtypes else dict(rtol=1e-5, atol=1e-6)


def _id(case):
    kw = ",".join("%s=%s" % (k, v) for k, v in sorted(case["kwargs"].items())
                  if not isinstance(v, list))
    rescale = [a["value"] for a in case["args"] if a["name"] == "rescale_grad"]
    extra = "-rg=%s" % rescale[0][0] if rescale else ""
    return "%s-%s-%s%s" % (case["op"], kw or "default", "out" if case["out"] else "new", extra)


@pytest.mark.parametrize("case", DATA["cases"], ids=[_id(c) for c in DATA["cases"]])
def test_update_operator_matches_mxnet_step_by_step(case):
    fn = _fn(case["ns"], case["op"])
    arrays = [mx.nd.array(np.array(a["value"], dtype=np.float64), dtype=a["dtype"])
              for a in case["args"]]
    tol = _tol([a["dtype"] for a in case["args"]])
    kwargs = {k: tuple(v) if isinstance(v, list) else v for k, v in case["kwargs"].items()}
    for step in range(len(case["after"])):
        for i, v in zip(case["grads"], case["inputs"][step]):
            arrays[i][:] = np.array(v)
        if case["out"] is None:
            res = fn(*arrays, **kwargs)
        else:
            outs = [arrays[i] for i in case["out"]]
            res = fn(*arrays, out=outs[0] if len(outs) == 1 else outs, **kwargs)
            assert (res is outs[0]) if len(outs) == 1 else [r is o for r, o in zip(res, outs)]
        res = res if isinstance(res, (list, tuple)) else [res]
        for got, want in zip(res, case["returned"][step]):
            np.testing.assert_allclose(got.asnumpy().astype(np.float64), np.array(want),
                                       err_msg="step %d: returned" % step, **tol)
        for arg, got, want in zip(case["args"], arrays, case["after"][step]):
            np.testing.assert_allclose(got.asnumpy().astype(np.float64), np.array(want),
                                       err_msg="step %d: %s" % (step, arg["name"]), **tol)


@pytest.mark.parametrize("rec", DATA["contrib_multi"],
                         ids=["%s-mp=%s-%s" % (r["kind"], r["mp"], sorted(r["kwargs"]))
                              for r in DATA["contrib_multi"]])
def test_contrib_multi_updates_match_mxnet(rec):
    dtype = rec["dtype"]
    ws = [mx.nd.array(np.array(w), dtype=dtype) for w in rec["init"]["weights"]]
    w32 = [mx.nd.array(np.array(w, dtype=dtype).astype(np.float32)) for w in
           rec["init"]["weights"]]
    ms = [mx.nd.array(np.array(m)) for m in rec["init"]["mean"]]
    vs = [mx.nd.array(np.array(v)) for v in rec["init"]["var"]]
    mp = rec["mp"]
    name = ("multi_mp_" if mp else "multi_") + rec["kind"] + "_update"
    fn = getattr(mx.nd.contrib, name)
    tol = _tol([dtype])
    for step in rec["steps"]:
        gs = [mx.nd.array(np.array(g), dtype=dtype) for g in step["grads"]]
        lists = (ws, gs, ms, vs) + ((w32,) if mp else ())
        res = fn(*lists, out=ws, **step["kwargs"])
        assert all(r is w for r, w in zip(res, ws))
        for key, arrays in (("weights", ws), ("mean", ms), ("var", vs)) + (
                (("weights32", w32),) if mp else ()):
            for got, want in zip(arrays, step[key]):
                np.testing.assert_allclose(got.asnumpy().astype(np.float64), np.array(want),
                                           err_msg=key, **tol)


def test_finite_checks_sums_lars_and_reset_match_mxnet():
    misc = DATA["misc"]
    a = mx.nd.array([[1.0, -2.0], [3.0, 0.5]])
    b = mx.nd.array([1.0, np.inf, 2.0])
    c = mx.nd.array([np.nan, 1.0])
    h = mx.nd.array([1.0, 2.0], dtype="float16")
    assert [mx.nd.all_finite(x).asnumpy().tolist() for x in (a, b, c, h)] == misc["all_finite"]
    r = mx.nd.all_finite(a)
    assert [r.dtype.__name__, list(r.shape)] == misc["all_finite_dtype_shape"]
    o = mx.nd.array([0.0])
    mx.nd.all_finite(a, init_output=False, out=o)
    assert o.asnumpy().tolist() == misc["all_finite_noinit_keeps"]
    o = mx.nd.array([7.0])
    mx.nd.all_finite(b, init_output=False, out=o)
    assert o.asnumpy().tolist() == misc["all_finite_noinit_bad"]
    assert [mx.nd.multi_all_finite(a, mx.nd.array([1.0, 2.0]), num_arrays=2).asnumpy().tolist(),
            mx.nd.multi_all_finite(a, b, c, num_arrays=3).asnumpy().tolist()] == \
        misc["multi_all_finite"]
    s = mx.nd.multi_sum_sq(a, mx.nd.array([0.5]), mx.nd.array([3.0, 4.0]), num_arrays=3)
    assert [s.asnumpy().tolist(), s.dtype.__name__] == misc["multi_sum_sq"]
    lrs = mx.nd.array([0.1, 0.2, 0.3, 0.4])
    wss, gss = mx.nd.array([4.0, 0.0, 9.0, 1.0]), mx.nd.array([1.0, 2.0, 0.0, 0.25])
    wds = mx.nd.array([0.1, 0.0, 0.2, 0.0])
    got = [mx.nd.multi_lars(lrs, wss, gss, wds, eta=0.5, eps=0.01).asnumpy(),
           mx.nd.multi_lars(lrs, wss, gss, wds, eta=0.1, eps=0.0, rescale_grad=2.0).asnumpy()]
    np.testing.assert_allclose(np.array(got), np.array(misc["multi_lars"]), rtol=1e-6)
    x, y = mx.nd.array([1.0, 2.0]), mx.nd.array([[3.0], [4.0]])
    ret = mx.nd.reset_arrays(x, y, num_arrays=2)
    assert [x.asnumpy().tolist(), y.asnumpy().tolist(), repr(type(ret).__name__), len(ret)] \
        == misc["reset_arrays"]


def _error_call(label):
    calls = {
        "sgd_update shape": lambda A: mx.nd.sgd_update(A[0], A[1], lr=0.1, out=A[0]),
        "sgd_mom_update mom shape": lambda A: mx.nd.sgd_mom_update(
            A[0], A[1], A[2], lr=0.1, momentum=0.9, out=A[0]),
        "adam_update var shape": lambda A: mx.nd.adam_update(A[0], A[1], A[2], A[3], lr=0.1,
                                                             out=A[0]),
        "sgd_update no lr": lambda A: mx.nd.sgd_update(A[0], A[1], out=A[0]),
        "multi_sgd_update odd count": lambda A: mx.nd.multi_sgd_update(
            A[0], A[1], A[2], lrs=(0.1, 0.1), wds=(0.0, 0.0), num_weights=2,
            out=[A[0], A[2]]),
        "multi_sgd_update lrs count": lambda A: mx.nd.multi_sgd_update(
            A[0], A[1], A[2], A[3], lrs=(0.1,), wds=(0.0, 0.0), num_weights=2,
            out=[A[0], A[2]]),
        "multi_sgd_update shape": lambda A: mx.nd.multi_sgd_update(
            A[0], A[1], A[2], A[3], lrs=(0.1, 0.1), wds=(0.0, 0.0), num_weights=2,
            out=[A[0], A[2]]),
        "multi_sgd_update without out": lambda A: mx.nd.multi_sgd_update(
            A[0], A[1], A[2], A[3], lrs=(0.1, 0.1), wds=(0.0, 0.0), num_weights=2),
        "multi_all_finite count": lambda A: mx.nd.multi_all_finite(A[0], A[1], num_arrays=1),
        "multi_sum_sq count": lambda A: mx.nd.multi_sum_sq(A[0], A[1], num_arrays=3),
        "lamb_update_phase2 r1 shape": lambda A: mx.nd.lamb_update_phase2(
            A[0], A[1], A[2], A[3], lr=0.1, out=A[0]),
    }
    return calls[label]


SHAPES = {"sgd_update shape": [(2, 3), (3, 2)], "sgd_mom_update mom shape": [(2, 3), (2, 3), (3,)],
          "adam_update var shape": [(2, 3), (2, 3), (2, 3), (2, 2)],
          "sgd_update no lr": [(2,), (2,)], "multi_sgd_update odd count": [(2,), (2,), (2,)],
          "multi_sgd_update lrs count": [(2,)] * 4,
          "multi_sgd_update shape": [(2,), (2,), (3,), (2,)],
          "multi_sgd_update without out": [(2,)] * 4, "multi_all_finite count": [(2,), (2,)],
          "multi_sum_sq count": [(2,), (2,)],
          "lamb_update_phase2 r1 shape": [(2,), (2,), (2,), (1,)]}


@pytest.mark.parametrize("err", DATA["errors"], ids=[e["label"] for e in DATA["errors"]])
def test_bad_calls_raise_as_mxnet_and_change_nothing(err):
    assert err["error"] is not None and not err["changed"]
    arrays = [mx.nd.array(np.arange(np.prod(s), dtype=np.float32).reshape(s) + 1)
              for s in SHAPES[err["label"]]]
    before = [a.asnumpy().copy() for a in arrays]
    with pytest.raises(mx.base.MXNetError) as info:
        _error_call(err["label"])(arrays)
    if "expects" in err["error"][1] or "inconsistent" in err["error"][1] \
            or "Required parameter" in err["error"][1]:
        assert err["error"][1].split("MXNetError: ")[-1] in str(info.value)
    for b, a in zip(before, arrays):
        np.testing.assert_array_equal(b, a.asnumpy())


def test_record_behaviour_matches_mxnet():
    rec = DATA["record"]
    w, g = mx.nd.array([1.0, 2.0]), mx.nd.array([0.5, 0.5])
    with mx.autograd.record():
        mx.nd.sgd_update(w, g, lr=0.1, out=w)   # no argument in the graph: just runs
    np.testing.assert_allclose(w.asnumpy(), rec["plain"], rtol=1e-6)
    w = mx.nd.array([1.0, 2.0])
    w.attach_grad()
    with pytest.raises(mx.base.MXNetError, match="Assigning to NDArrays that are already in "
                                                 "a computational graph"):
        with mx.autograd.record():
            mx.nd.sgd_update(w, g, lr=0.1, out=w)
    assert "Assigning to NDArrays" in rec["out_marked"][1]
    np.testing.assert_array_equal(w.asnumpy(), [1.0, 2.0])
    mom = mx.nd.array([1.0, 1.0])
    with pytest.raises(mx.base.MXNetError, match="Operator sgd_mom_update is "
                                                 "non-differentiable"):
        with mx.autograd.record():
            mx.nd.sgd_mom_update(w, g, mom, lr=0.1, momentum=0.9)
    assert "non-differentiable" in rec["backward"][1]
    np.testing.assert_array_equal(mom.asnumpy(), [1.0, 1.0])
