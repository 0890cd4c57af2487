"""A hybridized block with Dropout exports MXNet's Dropout nodes (p, axes, cudnn_off),
which MXNet 1.9.1 loads and runs: the identity in predict mode, dropping in training
(tools/capture_dropout_export.py)."""
import json
import os

import numpy as np

import tapegraph as mx

HERE = os.path.dirname(__file__)
DATA = os.path.join(HERE, "..", "data", "mxnet", "dropout_export")
TOOL = os.path.join(HERE, "..", "..", "tools", "capture_dropout_export.py")


def _load(name):
    with open(os.path.join(DATA, name)) as f:
        return json.load(f)


def _tool():
    scope = {"__name__": "capture_dropout_export", "__file__": TOOL}
    with open(TOOL) as f:
        exec(compile(f.read(), TOOL, "exec"), scope)
    return scope


def _operators(doc):
    return [(n["op"], n["name"], {k: v for k, v in n.get("attrs", {}).items()
                                  if not k.startswith("__")})
            for n in doc["nodes"] if n["op"] != "null"]


def test_dropout_exports_as_mxnets_node(tmp_path):
    tool = _tool()
    with mx.name.NameManager():  # fresh counters, as in MXNet's capturing process
        tool["write"](str(tmp_path))
    with open(str(tmp_path / "tapegraph-symbol.json")) as f:
        ours = _operators(json.load(f))
    theirs = _operators(_load("mxnet-symbol.json"))
    assert [(op, name) for op, name, _ in ours] == [(op, name) for op, name, _ in theirs]
    for (op, _, attrs), (_, _, want) in zip(ours, theirs):
        assert attrs == {k: want.get(k) for k in attrs}, op
    assert [a for op, _, a in ours if op == "Dropout"] == [
        a for op, _, a in theirs if op == "Dropout"]


def test_mxnet_runs_our_dropout_export():
    captured, imported = _load("mxnet.json"), _load("import.json")
    np.testing.assert_allclose(imported["predict"], captured["predict"], rtol=1e-6)
    assert 0.5 < imported["train_zero_fraction"] < 0.8  # 1 - 0.7 * 0.5 expected


def test_we_run_mxnets_dropout_export_in_predict_mode():
    block = mx.gluon.SymbolBlock.imports(os.path.join(DATA, "mxnet-symbol.json"), ["data"],
                                         os.path.join(DATA, "mxnet-0000.params"))
    out = block(mx.nd.array(_tool()["X"]))
    np.testing.assert_allclose(out.asnumpy(), _load("mxnet.json")["predict"], rtol=1e-6)


def test_the_run_plan_has_no_copy_but_the_graph_keeps_it_for_export(tmp_path):
    from tapegraph import gluon
    net = gluon.nn.HybridSequential()
    net.add(gluon.nn.Dense(4, in_units=3), gluon.nn.Dropout(0.5), gluon.nn.Dense(2, in_units=4))
    net.initialize()
    net.hybridize()
    x = mx.nd.array(np.arange(6.0).reshape(2, 3))
    y = net(x)  # predict mode: Dropout is the identity
    assert [n.op for n in net.forward_graph.nodes].count("_copy") == 1
    assert "_copy" not in [n.op for n in net._last.plan.graph.nodes]
    dense0, dense1 = net[0], net[2]
    want = dense1(dense0(x)).asnumpy()
    np.testing.assert_allclose(y.asnumpy(), want, rtol=1e-6)
    net.export(str(tmp_path / "net"))
    with open(str(tmp_path / "net-symbol.json")) as f:
        assert "Dropout" in [n["op"] for n in json.load(f)["nodes"]]


def test_an_output_copy_of_an_input_is_kept():
    from tapegraph.ir import Graph, Node, Value, TensorType
    from tapegraph.passes import drop_export_copies
    t = TensorType.get((3,), "float32")
    x = Value(t)
    inner, outer = Value(t), Value(t)
    marked = {"export_as": ("Dropout", {"p": 0.5})}
    g = Graph("f", [x], [Node("_copy", (x,), (inner,), {}, None, marked),
                         Node("sin", (inner,), (outer,), {}),
                         Node("_copy", (outer,), (Value(t),), {}, None, marked)],
              [outer])
    g2 = Graph("g", [x], [Node("_copy", (x,), (inner,), {}, None, marked)], [inner])
    assert [n.op for n in drop_export_copies(g).nodes] == ["sin"]
    assert drop_export_copies(g2) is g2  # the output would alias the input
