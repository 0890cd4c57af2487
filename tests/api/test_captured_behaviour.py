"""Replay the cases captured from MXNet 1.9.1 (tests/data/mxnet/api/*.json, written by
tools/capture_api_behaviour.py) on tapegraph: same values, shapes, dtypes, Python results
and error types."""
import builtins
import glob
import json
import math
import os

import numpy as onp
import pytest

import tapegraph as mx
from tapegraph.base import MXNetError

DATA = os.path.join(os.path.dirname(__file__), "..", "data", "mxnet", "api")
FILES = sorted(glob.glob(os.path.join(DATA, "*.json")))


def _summarise(value, random):
    spec = __import__("importlib.util").util.spec_from_file_location(
        "capture", os.path.join(os.path.dirname(__file__), "..", "..", "tools",
                                "capture_api_behaviour.py"))
    module = __import__("importlib.util").util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.summarise(value, random)


def _compare(got, want, where):
    if "value" in want or "shape" in want:
        assert "shape" in got, "%s: expected an array, got %r" % (where, got)
        assert got["shape"] == want["shape"], where
        assert got["dtype"] == want["dtype"], where
        if "value" in want:
            assert onp.allclose(onp.asarray(got["value"], dtype=float),
                                onp.asarray(want["value"], dtype=float),
                                rtol=1e-5, atol=1e-6, equal_nan=True), where
        return
    if "seq" in want:
        assert "seq" in got and len(got["seq"]) == len(want["seq"]), (where, got)
        for i, (g, w) in enumerate(zip(got["seq"], want["seq"])):
            _compare(g, w, "%s[%d]" % (where, i))
        return
    if "dict" in want:
        assert "dict" in got and set(got["dict"]) == set(want["dict"]), (where, got)
        for k in want["dict"]:
            _compare(got["dict"][k], want["dict"][k], "%s[%s]" % (where, k))
        return
    if "py" in want and isinstance(want["py"], float):
        assert "py" in got and isinstance(got["py"], (int, float)), (where, got, want)
        if math.isnan(want["py"]):
            assert math.isnan(got["py"]), (where, got, want)
            return
        assert abs(got["py"] - want["py"]) <= 1e-5 * (1 + abs(want["py"])), (where, got, want)
        return
    assert got == want, where


def _topics():
    for path in FILES:
        with open(path) as fh:
            yield pytest.param(json.load(fh), id=os.path.basename(path)[:-5])


def _check(scope, case):
    expr, want = case["expr"], case["result"]
    random = expr.startswith("~")
    if "error" in want:
        expected = MXNetError if want["error"] == "MXNetError" else \
            getattr(builtins, want["error"])
        with pytest.raises(expected):
            _summarise(eval(expr.lstrip("~"), scope), random)
        return
    _compare(_summarise(eval(expr.lstrip("~"), scope), random), want, expr)


@pytest.mark.parametrize("topic", list(_topics()))
def test_cases_match_mxnet(topic):
    """The cases of a topic run in order in one scope (some change global state)."""
    scope = {"mx": mx, "nd": mx.nd, "onp": onp}
    exec(topic["prelude"].replace("from mxnet", "from tapegraph"), scope)
    failures = []
    for case in topic["cases"]:
        try:
            _check(scope, case)
        except BaseException as err:  # noqa: BLE001  (collect every mismatch)
            failures.append("%s: %s: %s" % (case["expr"], type(err).__name__,
                                           str(err).split("\n")[0][:200]))
    assert not failures, "\n".join(failures)
