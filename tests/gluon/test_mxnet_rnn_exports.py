"""Recurrent Gluon layers exported by MXNet 1.9.1 (tests/data/mxnet/rnn, made by its
capture.py under the oracle): their JSON holds MXNet's fused `RNN` operator fed by
`_rnn_param_concat`, or ("cells") unrolled LSTM and GRU cells whose begin states are
`_zeros` of shape (0, hidden), MXNet's unknown batch size, inferred from the operators
around them. `SymbolBlock.imports` builds them from registered operators; the output and
the gradients (input and every parameter) must be MXNet's."""
import json
import os
import sys

import numpy as np
import pytest

import tapegraph as mx

sys.path.insert(0, os.path.dirname(__file__))
from mxnet_captures import check_like_mxnet  # noqa: E402

DATA = os.path.join(os.path.dirname(__file__), "..", "data", "mxnet", "rnn")
LAYERS = ["lstm2bi", "gru1", "rnn_tanh2", "rnn_relu1bi", "cells"]


def _load(name):
    path = os.path.join(DATA, name)
    with open(path + "-symbol.json") as f:
        doc = json.load(f)
    values = dict(np.load(path + "-values.npz"))
    rnn = [n["attrs"] for n in doc["nodes"] if n["op"] == "RNN"]
    if not rnn:  # unrolled cells: the data is the only input
        return (mx.gluon.SymbolBlock.imports(path + "-symbol.json", ["data"],
                                             path + "-0000.params"), values, [])
    states = 2 if rnn[0]["mode"] == "lstm" else 1
    inputs = ["data%d" % i for i in range(1 + states)]
    net = mx.gluon.SymbolBlock.imports(path + "-symbol.json", inputs, path + "-0000.params")
    layers = int(rnn[0]["num_layers"]) * (2 if rnn[0]["bidirectional"] == "True" else 1)
    zeros = [mx.nd.zeros((layers, values["x"].shape[1], int(rnn[0]["state_size"])))
             for _ in range(states)]
    return net, values, zeros


@pytest.mark.parametrize("name", LAYERS)
@pytest.mark.parametrize("hybridize", [False, True])
def test_an_mxnet_recurrent_layer_loads_and_differentiates_as_in_mxnet(name, hybridize):
    net, values, zeros = _load(name)
    if hybridize:
        net.hybridize()
    x = mx.nd.array(values["x"])
    x.attach_grad()
    check_like_mxnet(net, [x] + zeros, values, x=x, grad_atol=1e-5)


def test_mx_sym_rnn_evaluates_as_mx_nd_rnn_and_names_bad_input():
    rng = np.random.RandomState(1)
    data = rng.randn(4, 2, 3).astype(np.float32)
    size = 4 * 5 * (3 + 5) + 2 * 4 * 5  # LSTM: i2h (20, 3), h2h (20, 5), two (20,) biases
    params = rng.randn(size).astype(np.float32) * 0.3
    h0, c0 = (rng.randn(1, 2, 5).astype(np.float32) for _ in range(2))
    want = mx.nd.RNN(mx.nd.array(data), mx.nd.array(params), mx.nd.array(h0),
                     mx.nd.array(c0), state_size=5, num_layers=1, mode="lstm",
                     state_outputs=True)
    syms = [mx.sym.var(n) for n in ("data", "params", "h0", "c0")]
    out = mx.sym.RNN(*syms, state_size=5, num_layers=1, mode="lstm", state_outputs=True)
    got = out.eval(data=mx.nd.array(data), params=mx.nd.array(params),
                   h0=mx.nd.array(h0), c0=mx.nd.array(c0))
    assert len(got) == 3
    for g, w in zip(got, want):
        np.testing.assert_allclose(g.asnumpy(), w.asnumpy(), rtol=1e-6, atol=1e-6)
    bad = mx.sym.RNN(*syms[:3], state_size=5, num_layers=1, mode="lstm")
    with pytest.raises(mx.base.MXNetError, match="mode=lstm takes 4 inputs"):
        bad.eval(data=mx.nd.array(data), params=mx.nd.array(params), h0=mx.nd.array(h0))
    short = mx.sym.RNN(*syms, state_size=5, num_layers=1, mode="lstm")
    with pytest.raises(mx.base.MXNetError, match=r"parameters of shape \(10,\), expected"):
        short.eval(data=mx.nd.array(data), params=mx.nd.zeros((10,)),
                   h0=mx.nd.array(h0), c0=mx.nd.array(c0))


def test_unknown_sizes_follow_the_batch_and_unresolvable_ones_are_named():
    """The cells' begin states take each call's batch size (MXNet infers it per bind);
    a 0 that no operator fixes is an error naming the node (infer_shape: None, as MXNet)."""
    net, values, _ = _load("cells")
    net.hybridize()
    for batch in (2, 5):
        x = np.concatenate([values["x"]] * 3)[:batch]
        assert net(mx.nd.array(x)).shape == (batch, 4, 3)
    np.testing.assert_allclose(net(mx.nd.array(values["x"])).asnumpy(), values["y"],
                               rtol=1e-5, atol=1e-6)
    assert (mx.sym.zeros((0, 4)) + mx.sym.var("a")).infer_shape(a=(3, 4))[1] == [(3, 4)]
    # a batch of one: an operator wanting equal shapes fixes the 0 to 1 (MXNet 1.9.1 does);
    # a broadcasting one leaves it unknown (MXNet: (None, None, None))
    assert (mx.sym.zeros((0, 4)) + mx.sym.var("a")).infer_shape(a=(1, 4))[1] == [(1, 4)]
    assert mx.sym.broadcast_add(mx.sym.var("a"), mx.sym.zeros((0, 4))).infer_shape(
        a=(1, 4)) == (None, None, None)
    lonely = mx.sym.zeros((0, 4)) * 2
    assert lonely.infer_shape() == (None, None, None)  # MXNet 1.9.1: (None, None, None)
    with pytest.raises(mx.base.MXNetError, match=r"unknown dimension \(0\) of '_zeros"):
        lonely.eval()
