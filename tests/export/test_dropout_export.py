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
