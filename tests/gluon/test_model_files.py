"""Block.save / Block.load (MXNet 1.9.1's `<prefix>-model.json` + `-model.params`):
files written by MXNet load here (tests/data/mxnet/gluon_features/saved-*,
tools/capture_gluon_features.py) and files written here have MXNet's layout."""
import json
import os

import numpy as np
import pytest

import tapegraph as mx
from tapegraph.gluon import nn

DATA = os.path.join(os.path.dirname(__file__), "..", "data", "mxnet", "gluon_features")
SAVE = json.load(open(os.path.join(DATA, "features.json")))["save"]


GRAPH_KEYS = ("symbol", "inputs", "in_format", "out_format")


def build():
    net = nn.Sequential()
    with net.name_scope():
        body = nn.HybridSequential()
        with body.name_scope():
            body.add(nn.Dense(5, activation="tanh"), nn.BatchNorm())
        net.add(body, nn.Dense(3))
    return net


def array(d):
    return np.array(d["data"], dtype=d["dtype"]).reshape(d["shape"])


def test_load_a_model_saved_by_mxnet_restores_names_and_values():
    net = build()
    net.load(os.path.join(DATA, "saved"))
    assert net.name == SAVE["names_after"][0] == "sequential0"
    assert net[0].name == SAVE["names_after"][1]
    assert net[0][0].name == SAVE["names_after"][2]
    assert list(net[0][0].params.keys()) == SAVE["names_after"][3]
    assert net[0]._active  # saved hybridized: traced again at its next call
    x = mx.nd.array(array(SAVE["x"]))
    np.testing.assert_allclose(net(x).asnumpy(), array(SAVE["y_loaded"]), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(net(x).asnumpy(), array(SAVE["y"]), rtol=1e-5, atol=1e-6)
    assert net[0].forward_graph is not None


def test_save_writes_mxnet_layout_and_round_trips(tmp_path):
    mx.random.seed(2)
    net = build()
    net.initialize(mx.init.Xavier())
    net[0].hybridize()
    x = mx.nd.array(array(SAVE["x"]))
    y = net(x).asnumpy()
    prefix = str(tmp_path / "mine")
    net.save(prefix)
    model = json.load(open(prefix + "-model.json"))
    ours = json.load(open(os.path.join(DATA, "saved-model.json")))
    top = model[net._alias() + "0"]
    assert top["orig_name"] == net.name and "hybridized" not in top  # a plain Block

    def shape_of(entry):  # the keys and nesting MXNet writes, names aside
        return {k: (shape_of(v) if isinstance(v, dict) and k != "children" else None)
                for k, v in entry.items() if k not in GRAPH_KEYS}
    # MXNet also saves the graph of a Dense that was never hybridized (its deferred
    # initialization built one), and its load then hybridizes that Dense: not here
    assert ours["sequential0"]["dense5"]["hybridized"]
    assert not top["dense5"]["hybridized"]
    assert shape_of(model) == shape_of(ours)
    body = top["hybridsequential1"]
    assert body["hybridized"] and body["in_format"] == [0] and body["out_format"] == 0
    assert top["children"] == {net[0].name: "0", net[1].name: "1"}
    sym = mx.sym.load_json(body["symbol"])
    assert sym.list_arguments()[0] == "data"
    assert set(mx.nd.load(prefix + "-model.params")) == {
        "0.0.weight", "0.0.bias", "0.1.gamma", "0.1.beta", "0.1.running_mean",
        "0.1.running_var", "1.weight", "1.bias"}
    other = build()
    other.load(prefix)
    assert [other.name, other[0].name] == [net.name, net[0].name]
    np.testing.assert_allclose(other(x).asnumpy(), y, rtol=1e-6)


def test_load_a_different_architecture_fails_before_changing_anything():
    net = nn.Sequential()
    with net.name_scope():
        net.add(nn.Dense(3))
    name = net.name
    with pytest.raises(mx.base.MXNetError, match="no entry 'dense1'"):
        net.load(os.path.join(DATA, "saved"))
    assert net.name == name and net[0].name == name + "_dense0"
