"""Every user error captured from Apache MXNet 1.9.1 (tests/data/mxnet/errors_golden.json)
runs against tapegraph. Where MXNet raises, tapegraph raises an exception whose class
hierarchy contains MXNet's class name (MXNetError, ValueError, IndexError, TypeError);
where MXNet crashes or silently computes garbage, tapegraph raises a clear MXNetError."""
import json
import os
import re

import numpy as np
import pytest

import tapegraph as mx
from tapegraph.base import MXNetError, ShapeError

GOLDEN = os.path.join(os.path.dirname(__file__), "..", "data", "mxnet", "errors_golden.json")
with open(GOLDEN) as f:
    CASES = json.load(f)["cases"]

# Where MXNet crashes, reads out of bounds or truncates silently: what tapegraph does.
INSTEAD_OF_MXNET = {
    "mark_variables_len": (MXNetError, r"2 variables but 1 gradient buffers"),
    "mark_variables_len_only": (MXNetError, r"2 variables but 1 gradient buffers"),
    "mark_variables_reqs_len": (MXNetError, r"2 variables but 1 grad_reqs"),
    "backward_head_shape": (MXNetError, r"head gradient 0 has shape \(3,\)"),
    "backward_head_shape_transposed": (MXNetError, r"head gradient 0 has shape \(3, 2\)"),
    "backward_head_broadcastable": (MXNetError, r"head gradient 0 has shape \(1, 3\)"),
    "autograd_grad_head_shape": (MXNetError, r"head gradient 0 has shape \(5,\)"),
    "np_backward_head_shape": (MXNetError, r"head gradient 0 has shape \(3,\)"),
    "reshape_fn_size": (ShapeError, r"\(2, 3\) into shape \(5,\)"),
}
# Deliberate differences in the exception class, with the reason.
DIFFERENT_CLASS = {
    # MXNet's check is a bare `assert` (gone under python -O); tapegraph's is an MXNetError.
    "backward_heads_count": (MXNetError, r"2 head gradients for 1 heads"),
}
# Cases where MXNet gives a result and so must tapegraph: id -> check(namespace dict).
RESULTS = {
    "getitem_slice_past_end": lambda env: np.testing.assert_array_equal(
        env["out"].asnumpy(), np.ones((2, 4), np.float32)),
}
# Known gaps in other areas, expected to fail until fixed (then remove the entry).
KNOWN_GAPS = {}
MISSING_API = re.compile(r"module '[\w.]+' has no attribute|object has no attribute")


def _run(case):
    env = {"mx": mx}
    code = case["code"] if isinstance(case["code"], str) else "\n".join(case["code"])
    if case["namespace"] == "np":
        mx.npx.set_np()
    try:
        exec(compile(code, "<case %s>" % case["id"], "exec"), env)
    finally:
        mx.npx.reset_np()
        mx.autograd.set_recording(False)
    return env


def _skip_if_missing_api(error):
    if isinstance(error, AttributeError) and MISSING_API.search(str(error)):
        pytest.skip("tapegraph has no %s yet" % str(error).split("attribute")[-1].strip())


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_mxnet_error_case(case, capsys, request):
    cid = case["id"]
    if cid in KNOWN_GAPS:
        request.applymarker(pytest.mark.xfail(reason=KNOWN_GAPS[cid], strict=True))
    if cid in RESULTS:
        RESULTS[cid](_run(case))
        return
    if cid in INSTEAD_OF_MXNET or cid in DIFFERENT_CLASS:
        error, pattern = INSTEAD_OF_MXNET.get(cid) or DIFFERENT_CLASS[cid]
        with pytest.raises(error, match=pattern):
            _run(case)
        return
    assert case["outcome"] == "exception", "uncovered MXNet outcome %s for %s" % (
        case["outcome"], cid)
    try:
        _run(case)
    except Exception as e:  # noqa: BLE001  (the class is what is checked)
        _skip_if_missing_api(e)
        names = [k.__name__ for k in type(e).__mro__]
        assert case["exception_type"] in names, (
            "%s: raised %s (%s), MXNet raises %s" % (cid, type(e).__name__, e,
                                                    case["exception_type"]))
        assert isinstance(e, MXNetError) or type(e) in (ValueError, IndexError, TypeError), (
            "%s: %s is neither an MXNetError nor the builtin MXNet raises" % (cid, type(e)))
        assert str(e).strip(), "%s: empty message" % cid
    else:
        pytest.fail("%s: MXNet raises %s, tapegraph raised nothing"
                    % (cid, case["exception_type"]))


def test_every_crash_or_silent_case_is_covered():
    for case in CASES:
        if case["outcome"] != "exception":
            assert case["id"] in INSTEAD_OF_MXNET or case["id"] in RESULTS or (
                case["id"] in DIFFERENT_CLASS), case["id"]
