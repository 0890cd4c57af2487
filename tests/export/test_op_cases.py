"""Every operator of the registry, exported alone and with its gradient graph, checked
against Apache MXNet 1.9.1 (tests/data/export/op_cases.json, captured by
make_op_cases.py + check_mxnet.py from the operator sample table)."""
import importlib.util
import json
import os

import numpy as np
import pytest

import tapegraph as mx
from tapegraph.ir import REGISTRY

from .conftest import DATA, decode, load_data

CASES = load_data("export", "op_cases.json")["cases"]
EXPORTED = [c for c in CASES if "json" in c]
VERIFIED_OPS = set().union(*[c["mxnet"]["ops"] for c in EXPORTED])
# IR operators with no MXNet 1.9.1 equivalent, and why; everything else must export.
NOT_EXPORTABLE = {
    "_polygamma": "MXNet has no polygamma/digamma operator (gradients of gamma, gammaln)",
    "fused": "exported as the operators of its region",
    "_grad_region": "exported as the operators of its region (the inline pass)",
    "_CachedOp": "a hybridized Gluon block: exported as the operators of its region",
    "_checkpoint": "a transforms.checkpoint function: exported as the operators of its region",
    "_CustomFunction": "runs Python code", "_CustomFunctionBackward": "runs Python code",
    "fill_element_0index": "MXNet 1.9.1 registers it with no symbolic kernel (\"Neither "
                           "FCompute nor FComputeEx registered\"; its executor segfaults)",
    # the data gradients of the linear region poolings: MXNet's _backward_ROIAlign /
    # _backward__contrib_PSROIPooling / _backward_RROIAlign run only inside its backward
    # pass (a symbol holding one fails shape inference), and MXNet has no scatter-add to
    # compose them from
    "_roi_align_scatter": "the gradient of ROIAlign (MXNet's backward runs only in its "
                          "executor's backward pass)",
    "_psroi_pooling_scatter": "the gradient of PSROIPooling (MXNet's backward runs only in "
                              "its executor's backward pass)",
    "_rroi_align_scatter": "the gradient of RROIAlign (MXNet 1.9.1 has none)",
}


@pytest.mark.parametrize("case", EXPORTED, ids=[c["id"] for c in EXPORTED])
def test_mxnet_evaluates_each_operator_export_to_tapegraphs_values(case):
    result = case["mxnet"]
    assert "error" not in result, result.get("error")
    assert result["load_log"] == "" and result["matches_tapegraph"]
    out = mx.sym.load_json(case["json"]).eval(
        **{k: decode(v) for k, v in case["inputs"].items()})
    for got, want in zip(out, result["outputs"]):
        np.testing.assert_allclose(got.asnumpy(), decode(want), rtol=1e-4, atol=1e-5)


def test_every_registered_operator_is_exported_and_checked():
    checked = set()
    for c in EXPORTED:  # the IR operators the verified files hold (lowered ones included)
        checked.update(n.op for n in mx.sym.load_json(c["json"]).graph.nodes)
    # sampling operators: hybridized blocks' exports MXNet loaded and ran
    # (tests/data/mxnet/random_ir/import.json, checked in tests/gluon/test_random_ir.py)
    for c in load_data("mxnet", "random_ir", "import.json").values():
        checked.update(n["op"] for n in c["json"]["nodes"]
                       if n["op"] in REGISTRY and REGISTRY.get(n["op"]).random)
    missing = [op for op in REGISTRY.names() if op not in checked and op not in NOT_EXPORTABLE]
    assert not missing, ("operators without an export checked by MXNet: %s — add a "
                         "sample or a lowering, then rerun make_op_cases.py and "
                         "check_mxnet.py op_cases.json" % missing)


def test_todays_exports_use_only_operators_mxnet_evaluated():
    path = os.path.join(DATA, "export", "make_op_cases.py")
    spec = importlib.util.spec_from_file_location("make_op_cases", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    refusals = []
    for i, sample in enumerate(module.SAMPLES):
        for case in module.cases_for(i, sample):
            if "export_error" in case:
                refusals.append(case["id"])
                continue
            ops = {n["op"] for n in json.loads(case["json"])["nodes"]} - {"null"}
            assert ops <= VERIFIED_OPS, (case["id"], sorted(ops - VERIFIED_OPS))
    def without_index(case_id):  # "take[mode=wrap]#142/grad" -> "take[mode=wrap]/grad"
        head, _, tail = case_id.partition("#")
        return head + "/" + tail.partition("/")[2]
    stored = sorted(without_index(c["id"]) for c in CASES if "export_error" in c)
    assert sorted(map(without_index, refusals)) == stored
