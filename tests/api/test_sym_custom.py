"""`mx.sym.Custom`: custom operators of `mx.operator` in Symbol graphs, against MXNet 1.9.1
(tools/capture_custom_symbol.py -> tests/data/mxnet/custom_symbol.json): the JSON MXNet
writes, argument / output / auxiliary names, infer_shape through the prop's infer_shape
(a softmax's label shape from its data), executor forward and backward values, refusals;
and the round trip through JSON, typed export included."""
import json
import os
import sys

import numpy as np
import pytest

import tapegraph as mx
from tapegraph.base import MXNetError

sys.path.insert(0, os.path.dirname(os.path.dirname(__file__)))
from capture_tools import capture_module, load_table  # noqa: E402

TABLE = load_table("custom_symbol.json")
CAPTURE = capture_module("capture_custom_symbol")
CAPTURE.custom_op_examples.define(mx)
# symbols whose every node is named explicitly (the others hold process-wide auto names)
NAMED = ["softmax", "softmax_label_created", "scale_mul", "sqr"]


@pytest.mark.parametrize("name", sorted(TABLE["symbols"]))
def test_names_and_inferred_shapes_match_mxnet(name):
    want = TABLE["symbols"][name]
    got = CAPTURE.describe(mx, name)
    for key in ("arguments", "outputs", "aux", "infer_shape"):
        assert got[key] == want[key], key


@pytest.mark.parametrize("name", NAMED)
def test_json_is_what_mxnet_writes(name):
    assert CAPTURE.describe(mx, name)["json"] == TABLE["symbols"][name]["json"]


def test_json_of_a_custom_node_among_other_operators():
    def custom_nodes(doc):
        return [n for n in doc["nodes"] if n["op"] == "Custom"]
    got = custom_nodes(CAPTURE.describe(mx, "chain")["json"])
    assert got == custom_nodes(TABLE["symbols"]["chain"]["json"])


@pytest.mark.parametrize("name", sorted(TABLE["runs"]))
def test_bind_forward_backward_match_mxnet(name):
    outs, grads = CAPTURE.run(mx, name)
    want = TABLE["runs"][name]
    assert len(outs) == len(want["outputs"])
    for got, expected in zip(outs, want["outputs"]):
        np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)
    assert sorted(grads) == sorted(want["grads"])
    for k in grads:
        np.testing.assert_allclose(grads[k], want["grads"][k], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", sorted(TABLE["errors"]))
def test_refusals_match_mxnet(name):
    error = {"TypeError": TypeError, "MXNetError": MXNetError}[TABLE["errors"][name]]
    with pytest.raises(error):
        CAPTURE.ERRORS[name](mx).tojson()


def test_eval_and_simple_bind():
    sym = CAPTURE.scale_mul(mx)
    s, p = sym.eval(a=mx.nd.array(CAPTURE.A), b=mx.nd.array(CAPTURE.B))
    np.testing.assert_allclose(s.asnumpy(), TABLE["runs"]["scale_mul"]["outputs"][0])
    np.testing.assert_allclose(p.asnumpy(), TABLE["runs"]["scale_mul"]["outputs"][1])
    ex = CAPTURE.softmax_label_created(mx).simple_bind(data=(3, 4))
    assert sorted(ex.arg_dict) == ["data", "fc_bias", "fc_weight", "sm_label"]
    out = ex.forward()[0].asnumpy()
    np.testing.assert_allclose(out, np.full((3, 4), 0.25), rtol=1e-6)  # zero weights


@pytest.mark.parametrize("name", NAMED + ["chain"])
def test_json_round_trip_evaluates_the_same(name):
    sym = CAPTURE.SYMBOLS[name](mx)
    loaded = mx.sym.load_json(sym.tojson())
    assert loaded.list_arguments() == sym.list_arguments()
    assert loaded.list_outputs() == sym.list_outputs()
    if name in CAPTURE.RUNS:
        values = {k: np.array(v, np.float32) for k, v in CAPTURE.RUNS[name][0].items()}
        aux = {n: np.zeros(s, np.float32) for n, s in zip(
            sym.list_auxiliary_states(), sym.infer_shape(**{
                k: v.shape for k, v in values.items()})[2])}
        for got, want in zip(loaded.eval(**values, **aux), sym.eval(**values, **aux)):
            np.testing.assert_allclose(got.asnumpy(), want.asnumpy(), rtol=1e-6)


def test_typed_export_writes_custom_with_its_attributes():
    """With known shapes, tojson exports the typed graph: the Custom node (checked to load
    and run in MXNet 1.9.1 by hand) keeps op_type and the prop's arguments."""
    a, b = mx.sym.var("a", shape=(3,)), mx.sym.var("b", shape=(3,))
    sym = mx.sym.Custom(a=a, b=b, op_type="scale_mul", scale="2.50", name="sc")
    doc = json.loads(sym.tojson())
    custom = [n for n in doc["nodes"] if n["op"] == "Custom"]
    assert custom == [{"op": "Custom", "name": "sc",
                       "attrs": {"op_type": "scale_mul", "scale": "2.50"},
                       "inputs": [[0, 0, 0], [1, 0, 0]]}]
    s, p = mx.sym.load_json(sym.tojson()).eval(a=np.ones(3, np.float32),
                                              b=np.ones(3, np.float32))
    np.testing.assert_allclose(s.asnumpy(), [3.5] * 3)


def test_recorded_nd_custom_exports_as_custom():
    x = mx.nd.array(CAPTURE.A)
    y = mx.nd.array(CAPTURE.B)
    x.attach_grad()
    with mx.autograd.record():
        s, p = mx.nd.Custom(x, y, op_type="scale_mul", scale=3)
    doc = json.loads(mx.autograd.get_symbol(s).tojson())
    custom = [n for n in doc["nodes"] if n["op"] == "Custom"]
    assert len(custom) == 1 and custom[0]["attrs"] == {"op_type": "scale_mul", "scale": "3"}


def test_unknown_and_doubled_inputs_are_refused():
    with pytest.raises(MXNetError, match="unknown input"):
        mx.sym.Custom(a=mx.sym.var("a"), c=mx.sym.var("c"), op_type="scale_mul")
    with pytest.raises(MXNetError, match="takes 2 inputs"):
        mx.sym.Custom(mx.sym.var("a"), mx.sym.var("b"), mx.sym.var("c"), op_type="scale_mul")
