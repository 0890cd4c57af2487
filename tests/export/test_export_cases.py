"""tapegraph's exports checked against Apache MXNet 1.9.1 (results captured by
tests/data/export/check_mxnet.py): forward graphs, gradient graphs recorded with
create_graph=True, and backward graphs (joint, optimized, default pipeline)."""
import importlib.util
import json
import os

import numpy as np
import pytest

import tapegraph as mx
from tapegraph.symbol.graph.mxnet_operators import MXNET_OPERATORS

from .conftest import DATA, decode, load_data

CASES = load_data("export", "cases.json")["cases"]
VERIFIED_OPS = set().union(*[c["mxnet"]["ops"] for c in CASES])


def _make_cases_module():
    path = os.path.join(DATA, "export", "make_cases.py")
    spec = importlib.util.spec_from_file_location("make_cases", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_mxnet_loads_and_evaluates_our_json_to_our_values(case):
    result = case["mxnet"]
    assert result["load_log"] == "", "MXNet logged while loading (version upgrade?)"
    assert "error" not in result, result.get("error")
    assert result["matches_tapegraph"]
    for got, want in zip(result["outputs"], case["tapegraph_outputs"]):
        np.testing.assert_allclose(decode(got), decode(want), rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_tapegraph_evaluates_the_json_like_mxnet(case):
    if case["id"].startswith("np_"):
        mx.npx.set_np()
    sym = mx.sym.load_json(case["json"])
    out = sym.eval(**{k: decode(v) for k, v in case["inputs"].items()})
    for got, want in zip(out, case["mxnet"]["outputs"]):
        np.testing.assert_allclose(got.asnumpy(), decode(want), rtol=1e-4, atol=1e-5)


def test_list_arguments_match_mxnet_for_unfused_graphs():
    for case in CASES:
        if "default_pipeline" in case["id"]:
            continue  # fused regions are inlined on export, which reorders first uses
        if case["id"].startswith("batchnorm_train/"):
            # Batch-statistics BatchNorm is exported as arithmetic that ignores the moving
            # statistics, so MXNet does not list them; tapegraph's IR node still takes them.
            assert mx.sym.load_json(case["json"]).list_arguments()[:3] == \
                case["mxnet"]["list_arguments"][:3]
            continue
        assert mx.sym.load_json(case["json"]).list_arguments() == \
            case["mxnet"]["list_arguments"], case["id"]


@pytest.fixture(scope="module")
def current_cases():
    module = _make_cases_module()
    out = []
    for pid, (ns, shapes, code) in module.PROGRAMS.items():
        out.extend(module.run(pid, ns, shapes, code))
    return out


def test_current_exports_use_only_operators_checked_against_mxnet(current_cases):
    """If this fails, an export now writes an operator never evaluated by real MXNet:
    rerun make_cases.py and check_mxnet.py (see tests/data/export/README.md)."""
    for case in current_cases:
        ops = {n["op"] for n in json.loads(case["json"])["nodes"]} - {"null"}
        assert ops <= MXNET_OPERATORS, (case["id"], ops - MXNET_OPERATORS)
        assert ops <= VERIFIED_OPS, (case["id"], sorted(ops - VERIFIED_OPS))


def test_current_exports_round_trip_to_the_same_values(current_cases):
    for case in current_cases:
        if case["id"].startswith("np_"):
            mx.npx.set_np()
        out = mx.sym.load_json(case["json"]).eval(
            **{k: decode(v) for k, v in case["inputs"].items()})
        for got, want in zip(out, case["tapegraph_outputs"]):
            np.testing.assert_allclose(got.asnumpy(), decode(want), rtol=1e-5, atol=1e-6,
                                       err_msg=case["id"])
        mx.npx.reset_np()


def test_gradient_graph_exports_are_self_contained():
    """No head-gradient input when the head gradient is the default ones."""
    for case in CASES:
        if "grad_create_graph" in case["id"] or "backward" in case["id"]:
            names = case["mxnet"]["list_arguments"]
            assert not any(n.startswith("head_grad") for n in names), case["id"]
            assert not any(op.startswith("_backward") for op in case["mxnet"]["ops"])
