"""gluon.rnn against MXNet 1.9.1 (tests/data/mxnet/gluon_layers/rnn.json): RNN/LSTM/GRU
layers (layouts, stacked, bidirectional, with and without states) and their cells (one
step, unroll, SequentialRNNCell): outputs, states, gradients, parameter names, reprs,
state_info; and that the unrolled graph is ordinary IR made of registered operators."""
import json
import os
import sys

import numpy as np
import pytest

import tapegraph as mx
from tapegraph import autograd, nd
from tapegraph.gluon import rnn

sys.path.insert(0, os.path.dirname(__file__))
from gluon_golden import build, check_case, load  # noqa: E402

CASES = load("rnn")
IDS = [c["id"] for c in CASES]


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_recurrent_block_matches_mxnet(case):
    block = check_case(case)
    assert repr(block) == case["repr_after"]


@pytest.mark.parametrize("case", [c for c in CASES if not c["ctor"].startswith("seq_cell")
                                  and "unroll" not in (c["call"] or "")],
                         ids=[c["id"] for c in CASES if not c["ctor"].startswith("seq_cell")
                              and "unroll" not in (c["call"] or "")])
def test_hybridized_recurrent_block_matches_mxnet(case):
    check_case(case, hybridize=True)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_names_repr_and_state_info(case):
    block = build(case["ctor"])
    assert repr(block) == case["repr_before"]
    assert list(block.collect_params().keys()) == case["default_names"]
    if case["state_info"] is not None:
        info = [dict(i, shape=list(i["shape"])) for i in block.state_info(2)]
        assert info == case["state_info"]
    shapes = [list(s.shape) for s in block.begin_state(batch_size=2)]
    assert shapes == case["begin_state_shapes"]


def test_wrong_state_shape_names_the_expected_shape():
    layer = rnn.LSTM(4, input_size=3)
    layer.initialize()
    x = nd.ones((5, 2, 3))
    with pytest.raises(ValueError, match=r"Invalid recurrent state shape. Expecting \(1, 2, 4\)"):
        layer(x, [nd.zeros((1, 3, 4)), nd.zeros((1, 2, 4))])


def test_unrolled_lstm_is_ir_of_registered_operators():
    layer = rnn.LSTM(3, input_size=2)
    layer.initialize()
    x = nd.array(np.random.RandomState(0).uniform(-1, 1, (4, 2, 2)))
    x.attach_grad()
    with autograd.record():
        y = layer(x)
    ops = {n["op"] for n in json.loads(autograd.get_symbol(y).tojson())["nodes"]}
    assert "RNN" not in ops and {"FullyConnected", "sigmoid", "tanh"} <= ops, ops


def _lstm_cell_fn(hidden):
    cell = rnn.LSTMCell(hidden, input_size=2)

    def f(x, h, c, wi, wh, bi, bh):
        out, states = cell.hybrid_forward(nd, x, [h, c], i2h_weight=wi, h2h_weight=wh,
                                          i2h_bias=bi, h2h_bias=bh)
        return [out, states[1]]
    return f


def test_lstm_cell_second_order_gradients_match_finite_differences():
    rng = np.random.RandomState(1)
    h = 3
    shapes = [(2, 2), (2, h), (2, h), (4 * h, 2), (4 * h, h), (4 * h,), (4 * h,)]
    inputs = [rng.uniform(-1, 1, s) for s in shapes]
    mx.test_utils.gradcheck(_lstm_cell_fn(h), inputs, order=2, rtol=1e-4, atol=1e-6)


def test_gru_layer_second_order_gradients_match_finite_differences():
    layer = rnn.GRU(2, input_size=2, bidirectional=True)
    layer.initialize()
    layer(nd.ones((3, 1, 2)))
    rng = np.random.RandomState(2)
    names = sorted(layer.collect_params().keys())
    params = layer.collect_params()

    def f(x, *weights):
        kwargs = {n[len(layer.prefix):]: w for n, w in zip(names, weights)}
        begin = [nd.zeros((2, 1, 2), dtype=x.dtype)]
        layer.skip_states = False  # as a call with explicit states sets it
        out, states = layer.hybrid_forward(nd, x, begin, **kwargs)
        return [out, states[0]]
    inputs = [rng.uniform(-1, 1, (3, 1, 2))] + [rng.uniform(-1, 1, params[n].shape)
                                                for n in names]
    mx.test_utils.gradcheck(f, inputs, order=2, rtol=1e-4, atol=1e-6)


def test_symbols_cannot_be_unrolled_and_the_error_says_what_to_do():
    layer = rnn.GRU(3)
    with pytest.raises(ValueError, match="GRU: unrolling needs the sequence length"):
        layer(mx.sym.var("data"))
    with pytest.raises(ValueError, match="unrolling needs the sequence length"):
        rnn.LSTMCell(3).unroll(4, mx.sym.var("data"))


def test_a_cell_step_on_symbols_builds_a_graph():
    cell = rnn.LSTMCell(3, input_size=2, prefix="lstm_")
    out, states = cell(mx.sym.var("x"), [mx.sym.var("h"), mx.sym.var("c")])
    assert out.list_arguments() == ["x", "lstm_i2h_weight", "lstm_i2h_bias", "h",
                                    "lstm_h2h_weight", "lstm_h2h_bias", "c"]
    assert len(states) == 2


def test_dropout_between_layers_only_while_training():
    layer = rnn.GRU(4, num_layers=2, dropout=0.5, input_size=3)
    layer.initialize()
    assert repr(layer) == "GRU(3 -> 4, TNC, num_layers=2, dropout=0.5)"
    x = nd.array(np.random.RandomState(0).uniform(-1, 1, (5, 2, 3)))
    np.testing.assert_array_equal(layer(x).asnumpy(), layer(x).asnumpy())
    with autograd.record():
        first, second = layer(x), layer(x)
    assert not np.array_equal(first.asnumpy(), second.asnumpy())


def test_zoneout_and_dropout_cells_are_the_identity_when_predicting():
    base = rnn.GRUCell(3, input_size=2)
    cell = rnn.ZoneoutCell(base, zoneout_outputs=0.5, zoneout_states=0.5)
    assert repr(cell) == "ZoneoutCell(p_out=0.5, p_state=0.5, GRUCell(2 -> 9))"
    cell.initialize()
    twin = rnn.GRUCell(3, input_size=2, params=base.params)
    x = nd.array(np.random.RandomState(1).uniform(-1, 1, (4, 2, 2)))
    out, states = cell.unroll(4, x, layout="TNC", merge_outputs=True)
    want, want_states = twin.unroll(4, x, layout="TNC", merge_outputs=True)
    np.testing.assert_allclose(out.asnumpy(), want.asnumpy(), rtol=1e-6)
    np.testing.assert_allclose(states[0].asnumpy(), want_states[0].asnumpy(), rtol=1e-6)
    with pytest.raises(RuntimeError, match="base cell cannot be called directly"):
        base.begin_state(batch_size=2)
    drop = rnn.DropoutCell(0.5)
    assert repr(drop) == "DropoutCell(rate=0.5, axes=())"
    same, _ = drop.unroll(4, x, layout="TNC", merge_outputs=True)
    np.testing.assert_array_equal(same.asnumpy(), x.asnumpy())
    with autograd.record():
        dropped, _ = drop.unroll(4, x, layout="TNC", merge_outputs=True)
    kept = dropped.asnumpy() != 0
    np.testing.assert_allclose(dropped.asnumpy()[kept], 2 * x.asnumpy()[kept], rtol=1e-6)
    assert 0 < kept.mean() < 1
