"""Vision and detection operators against Apache MXNet 1.9.1 (tests/data/mxnet/
vision_golden.json, captured by capture_vision.py): values, gradients of the first output
under one backward, and the errors MXNet raises for bad input."""
import json
import os

import numpy as np
import pytest

import tapegraph as mx

HERE = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(HERE, "..", "data", "mxnet", "vision_golden.json")) as fh:
    GOLDEN = json.load(fh)
CASES, ERRORS = GOLDEN["cases"], GOLDEN["errors"]


def fn_of(path):
    obj = mx
    for part in path.split("."):
        obj = getattr(obj, part)
    return obj


def _attrs(case):
    return {k: tuple(v) if isinstance(v, list) else v for k, v in case["attrs"].items()}


def _arrays(path, values, dtype):
    mod = mx.np if path.startswith("npx.") else mx.nd
    return [mod.array(np.array(v, dtype=dtype), dtype=dtype) for v in values]


def _tol(dtype):
    return dict(rtol=2e-5, atol=2e-6) if dtype == "float32" else dict(rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_values_and_gradients_match_mxnet(case):
    dtype = case["dtype"]
    ins = _arrays(case["fn"], case["inputs"], dtype)
    for i in case["diff"]:
        ins[i].attach_grad()
    with mx.autograd.record():
        outs = fn_of(case["fn"])(*ins, **_attrs(case))
    outs = list(outs) if isinstance(outs, (list, tuple)) else [outs]
    assert len(outs) == len(case["outs"])
    for got, want in zip(outs, case["outs"]):
        assert got.shape == np.shape(want)
        assert got.dtype == np.dtype(dtype)
        np.testing.assert_allclose(got.asnumpy(), np.array(want, dtype), **_tol(dtype))
    if case["diff"]:
        outs[0].backward(_arrays(case["fn"], [case["head"]], dtype)[0])
        for i, want in zip(case["diff"], case["grads"]):
            np.testing.assert_allclose(ins[i].grad.asnumpy(), np.array(want, dtype),
                                       **_tol(dtype))


@pytest.mark.parametrize("case", ERRORS, ids=[c["name"] for c in ERRORS])
def test_bad_input_raises_as_mxnet_does(case):
    assert case["type"] == "MXNetError"
    ins = _arrays(case["fn"], case["inputs"], "float32")
    with pytest.raises(mx.base.MXNetError):
        fn_of(case["fn"])(*ins, **_attrs(case))
