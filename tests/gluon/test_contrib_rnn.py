"""gluon.contrib.rnn (the convolutional cells, LSTMPCell, VariationalDropoutCell,
dynamic_unroll) and gluon.contrib.cnn (the deformable convolution layers): what the
captured MXNet script (tests/data/mxnet/scripts/gluon_contrib_rnn.py) cannot show:
channel-last layouts (MXNet's CPU convolution fails on them), gradients against finite
differences to second order, dropout masks in training mode, and errors. The deformable
layers' values are MXNet 1.9.1's (printed by it, constants below)."""
import json

import numpy as np
import pytest

import tapegraph as mx
from tapegraph import autograd, nd
from tapegraph.gluon.contrib import cnn
from tapegraph.gluon.contrib import rnn as crnn
from tapegraph.gluon.rnn import HybridRecurrentCell


def _set(block, rng, scale=0.4):
    for p in block.collect_params().values():
        p.set_data(nd.array(rng.uniform(-scale, scale, p.shape)))


def _to_first(a):
    return np.moveaxis(a, -1, 1)


@pytest.mark.parametrize("cls, shape, layout", [
    (crnn.Conv1DGRUCell, (6, 2), "NWC"),
    (crnn.Conv2DLSTMCell, (5, 4, 2), "NHWC"),
    (crnn.Conv3DRNNCell, (4, 3, 3, 2), "NDHWC"),
])
def test_channel_last_cells_compute_the_channel_first_cell_transposed(cls, shape, layout):
    rng = np.random.RandomState(0)
    last = cls(shape, 3, 3, 3, i2h_pad=1, conv_layout=layout)
    first = cls((shape[-1],) + shape[:-1], 3, 3, 3, i2h_pad=1)
    last.initialize()
    first.initialize()
    _set(last, rng)
    for (name, p), q in zip(last.collect_params().items(), first.collect_params().values()):
        assert p.shape[0] == q.shape[0]
        q.set_data(nd.array(_to_first(p.data().asnumpy())) if "weight" in name else p.data())
    assert last.state_info(2)[0]["shape"] == (2,) + shape[:-1] + (3,)
    x = rng.uniform(-1, 1, (2, 3) + shape)
    out_last, states_last = last.unroll(3, nd.array(x), merge_outputs=True)
    out_first, states_first = first.unroll(3, nd.array(np.moveaxis(x, -1, 2)),
                                           merge_outputs=True)
    np.testing.assert_allclose(np.moveaxis(out_last.asnumpy(), -1, 2), out_first.asnumpy(),
                               rtol=1e-5, atol=1e-6)
    for a, b in zip(states_last, states_first):
        np.testing.assert_allclose(_to_first(a.asnumpy()), b.asnumpy(), rtol=1e-5, atol=1e-6)


def _cell_fn(cell):
    def f(x, *args):
        n = len(cell.state_info())
        states, weights = list(args[:n]), args[n:]
        names = list(cell.collect_params().keys())
        kwargs = {k[len(cell.prefix):]: w for k, w in zip(names, weights)}
        out, new_states = cell.hybrid_forward(nd, x, states, **kwargs)
        return [out] + list(new_states)
    return f


@pytest.mark.parametrize("make", [
    lambda: crnn.Conv2DLSTMCell((2, 4, 3), 2, 3, 3, i2h_pad=1),
    lambda: crnn.Conv1DGRUCell((2, 5), 2, 3, 3, i2h_dilate=2, conv_layout="NCW"),
    lambda: crnn.Conv1DRNNCell((4, 2), 2, 1, 3, conv_layout="NWC", activation="softsign"),
    lambda: crnn.LSTMPCell(3, 2, input_size=2),
], ids=["conv2d_lstm", "conv1d_gru", "conv1d_rnn_nwc", "lstmp"])
def test_cell_second_order_gradients_match_finite_differences(make):
    cell = make()
    rng = np.random.RandomState(1)
    x_shape = (2,) + getattr(cell, "_input_shape", (2,))
    inputs = [rng.uniform(-1, 1, x_shape)]
    inputs += [rng.uniform(-1, 1, s["shape"]) for s in cell.state_info(2)]
    inputs += [rng.uniform(-0.5, 0.5, p.shape) for p in cell.collect_params().values()]
    mx.test_utils.gradcheck(_cell_fn(cell), inputs, order=2, rtol=1e-4, atol=1e-6)


def test_hybridized_cell_records_the_eager_gradients():
    rng = np.random.RandomState(2)
    x = nd.array(rng.uniform(-1, 1, (2, 3, 2, 4, 4)))
    grads = []
    for hybridize in (False, True):
        cell = crnn.Conv2DGRUCell((2, 4, 4), 2, 3, 3, prefix="g_")
        cell.initialize()
        _set(cell, np.random.RandomState(3))
        if hybridize:
            cell.hybridize()
        x.attach_grad()
        with autograd.record():
            out, states = cell.unroll(3, x, merge_outputs=True)
            (out.sum() + 2 * states[0].sum()).backward()
        grads.append([x.grad.asnumpy()] + [p.grad().asnumpy()
                                           for p in cell.collect_params().values()])
    for a, b in zip(*grads):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


class _Echo(HybridRecurrentCell):
    """Returns its input; one state, passed through."""

    def state_info(self, batch_size=0):
        return [{"shape": (batch_size, 3), "__layout__": "NC"}]

    def hybrid_forward(self, F, x, states):
        return x, states


@pytest.mark.parametrize("drop_states", [0., 0.5])
def test_variational_dropout_uses_one_mask_for_every_step(drop_states):
    cell = crnn.VariationalDropoutCell(_Echo(prefix="echo_"), drop_inputs=0.5,
                                       drop_states=drop_states)
    assert cell.prefix == "echo_vardrop"
    with autograd.train_mode():
        out, states = cell.unroll(5, nd.ones((4, 5, 3)), [nd.ones((4, 3))],
                                  merge_outputs=True)
    out = out.asnumpy()
    assert set(np.unique(out)) <= {0., 2.} and 0. in out and 2. in out
    for t in range(1, 5):
        np.testing.assert_array_equal(out[:, t], out[:, 0])
    if drop_states:  # the state mask was drawn once and applied to h at each step
        mask = cell.drop_states_mask.asnumpy()
        np.testing.assert_array_equal(states[0].asnumpy(), mask ** 5)
    else:
        np.testing.assert_array_equal(states[0].asnumpy(), np.ones((4, 3)))
    cell.reset()
    assert cell.drop_inputs_mask is None and cell.drop_states_mask is None


def test_variational_dropout_is_the_identity_in_predict_mode_and_refuses_bidirectional():
    base = mx.gluon.rnn.GRUCell(3, input_size=2)
    cell = crnn.VariationalDropoutCell(base, 0.3, 0.3, 0.3)
    cell.initialize()
    x = nd.array(np.random.RandomState(4).uniform(-1, 1, (2, 3, 2)))
    out, _ = cell.unroll(3, x, merge_outputs=True)
    ref, _ = base.unroll(3, x, cell.begin_state(batch_size=2), merge_outputs=True)
    np.testing.assert_allclose(out.asnumpy(), ref.asnumpy())
    bi = mx.gluon.rnn.BidirectionalCell(mx.gluon.rnn.GRUCell(2), mx.gluon.rnn.GRUCell(2))
    with pytest.raises(ValueError, match="BidirectionalCell doesn't support variational"):
        crnn.VariationalDropoutCell(bi, drop_states=0.5)
    crnn.VariationalDropoutCell(bi, drop_inputs=0.5)  # input dropout is fine


@pytest.mark.parametrize("kwargs, match", [
    ({"h2h_kernel": 2}, "Only support odd number"),
    ({"i2h_kernel": (3, 3, 3)}, "2D convolution.*i2h_kernel"),
    ({"i2h_pad": (1,)}, "list/tuple of length 2: i2h_pad"),
    ({"conv_layout": "NCW"}, "conv_layout must be 'NCHW' or 'NHWC'"),
    ({"input_shape": (2, 5)}, "input_shape must be the shape of one step"),
    ({"i2h_kernel": 7}, "does not fit the input's spatial shape"),
])
def test_conv_cell_errors_name_the_problem(kwargs, match):
    args = dict(input_shape=(2, 5, 5), hidden_channels=2, i2h_kernel=3, h2h_kernel=3)
    args.update(kwargs)
    with pytest.raises(ValueError, match=match):
        crnn.Conv2DLSTMCell(**args)


def test_conv_cell_defaults_signature_and_deferred_channels():
    import inspect
    sig = inspect.signature(crnn.Conv3DGRUCell.__init__)
    assert sig.parameters["i2h_pad"].default == (0, 0, 0)
    assert sig.parameters["conv_layout"].default == "NCDHW"
    assert sig.parameters["activation"].default == "tanh"
    assert crnn.Conv3DGRUCell.__module__ == "tapegraph.gluon.contrib.rnn.conv_rnn_cell"
    cell = crnn.Conv1DLSTMCell((0, 6), 2, 3, 3, conv_layout="NCW")
    assert cell.i2h_weight.shape == (8, 0, 3)
    cell.initialize()
    out, _ = cell(nd.ones((1, 5, 6)), cell.begin_state(1))
    assert cell.i2h_weight.shape == (8, 5, 3) and out.shape == (1, 2, 4)


def test_dynamic_unroll_with_valid_length_keeps_finished_states():
    cell = mx.gluon.rnn.RNNCell(2, input_size=2)
    cell.initialize()
    x = nd.array(np.random.RandomState(5).uniform(-1, 1, (4, 3, 2)))
    begin = cell.begin_state(3)
    out, states = crnn.rnn_cell.dynamic_unroll(cell, x, begin,
                                               valid_length=nd.array([4, 2, 1]))
    ref, _ = cell.unroll(4, x, begin, layout="TNC", merge_outputs=True)
    ref = ref.asnumpy()
    got = out.asnumpy()
    np.testing.assert_allclose(got[:, 0], ref[:, 0], rtol=1e-6)
    np.testing.assert_allclose(got[:2, 1], ref[:2, 1], rtol=1e-6)
    assert not got[2:, 1].any() and not got[1:, 2].any()
    np.testing.assert_allclose(states[0].asnumpy(), [ref[3, 0], ref[1, 1], ref[0, 2]],
                               rtol=1e-6)


# ---------------------------------------------------------------- gluon.contrib.cnn

# MXNet 1.9.1: (shape, sum, first values, [x.grad sum, each parameter's grad sum])
MXNET_DEFORMABLE = [
    (cnn.DeformableConvolution, {},
     [[2, 4, 6, 5], -17.2197, [-0.0748, -0.2874, -0.2123, -0.6072],
      28.0601, 4.801, 0.0794, -85.9654, -34.4394]),
    (cnn.DeformableConvolution, {"groups": 2, "num_deformable_group": 2, "use_bias": False,
                                 "activation": "relu", "strides": 2},
     [[2, 4, 3, 3], 6.7534, [0.3283, 0.0, 0.0, 0.0427], -2.5584, 1.4358, -1.375, 3.2309]),
    (cnn.ModulatedDeformableConvolution, {},
     [[2, 4, 6, 5], -10.7141, [0.2075, 0.3905, 0.0112, 0.1751]]),
    (cnn.ModulatedDeformableConvolution, {"num_deformable_group": 2,
                                          "offset_use_bias": False, "dilation": 2,
                                          "padding": 2},
     [[2, 4, 6, 5], -8.6206, [-0.0045, 0.1606, 0.1837, -0.4491]]),
]


def test_deformable_layers_match_mxnet():
    rng = np.random.RandomState(3)  # drawn in MXNet's script order
    for cls, kw, want in MXNET_DEFORMABLE:
        kw = dict(kw)
        net = cls(4, kernel_size=3, padding=kw.pop("padding", 1), in_channels=4, **kw)
        net.initialize()
        net(nd.zeros((1, 4, 6, 5)))
        _set(net, rng, 0.3)
        x = nd.array(rng.uniform(-1, 1, (2, 4, 6, 5)))
        x.attach_grad()
        with autograd.record():
            y = net(x)
            loss = (y * y).sum()
        got = [list(y.shape), round(float(y.sum().asscalar()), 4),
               np.round(y.asnumpy().astype("float64").ravel()[:4], 4).tolist()]
        if cls is cnn.DeformableConvolution:
            loss.backward()
            got += [round(float(x.grad.sum().asscalar()), 4)]
            got += [round(float(p.grad().sum().asscalar()), 4)
                    for p in net.collect_params().values()]
        np.testing.assert_allclose(np.hstack([np.ravel(v) for v in got]),
                                   np.hstack([np.ravel(v) for v in want]), rtol=1e-3,
                                   atol=2e-4)


def test_deformable_parameters_and_repr_as_mxnet():
    net = cnn.DeformableConvolution(6, kernel_size=3, padding=1)
    assert net.prefix.startswith("deformable_conv")
    assert [(k[len(net.prefix):], v.shape) for k, v in net.collect_params().items()] == [
        ("offset_weight", (18, 0, 3, 3)), ("offset_bias", (18,)),
        ("deformable_conv_weight", (6, 0, 3, 3)), ("deformable_conv_bias", (6,))]
    assert repr(net) == ("DeformableConvolution(None -> 6, kernel_size=(3, 3), "
                         "stride=(1, 1), padding=(1, 1))")
    net = cnn.ModulatedDeformableConvolution(6, kernel_size=3, in_channels=4, prefix="m_")
    assert [(k, v.shape) for k, v in net.collect_params().items()] == [
        ("m_deformable_conv_weight", (6, 0, 3, 3)), ("m_deformable_conv_bias", (6,)),
        ("m_offset_weight", (27, 4, 3, 3)), ("m_offset_bias", (27,))]
    assert net._op_name == "ModulatedDeformableConvolution"


def test_modulated_deformable_gradients_match_finite_differences():
    """(MXNet 1.9.1's CPU backward of this layer raises "only implemented in GPU".)"""
    net = cnn.ModulatedDeformableConvolution(2, kernel_size=3, padding=1, in_channels=2)
    rng = np.random.RandomState(6)
    shapes = [(2, 2, 3, 3), (2,), (27, 2, 3, 3), (27,)]  # weight, bias, offset weight, bias

    def f(x, w, b, ow, ob):
        return net.hybrid_forward(nd, x, offset_weight=ow, deformable_conv_weight=w,
                                  offset_bias=ob, deformable_conv_bias=b)
    inputs = [rng.uniform(-1, 1, (1, 2, 4, 4))] + [rng.uniform(-0.2, 0.2, s) for s in shapes]
    mx.test_utils.gradcheck(f, inputs, order=1, rtol=1e-4, atol=1e-6)


def test_deformable_hybridizes_exports_and_builds_a_symbol(tmp_path):
    net = cnn.DeformableConvolution(2, kernel_size=3, in_channels=2)
    net.initialize(mx.init.Uniform(0.3))
    x = nd.array(np.random.RandomState(7).uniform(-1, 1, (1, 2, 5, 5)))
    eager = net(x).asnumpy()
    net.hybridize()
    np.testing.assert_allclose(net(x).asnumpy(), eager, rtol=1e-6)
    np.testing.assert_allclose(net(x).asnumpy(), eager, rtol=1e-6)
    assert not net._last.value_dependent
    net.export(str(tmp_path / "d"))
    back = mx.gluon.SymbolBlock.imports(str(tmp_path / "d-symbol.json"), ["data"],
                                        str(tmp_path / "d-0000.params"))
    np.testing.assert_allclose(back(x).asnumpy(), eager, rtol=1e-6)
    sym = net(mx.sym.var("data"))
    assert "_contrib_DeformableConvolution" in sym.tojson()


def test_deformable_errors_name_the_problem():
    with pytest.raises(ValueError, match="Only supports 'NCHW' and 'NHWC'"):
        cnn.DeformableConvolution(2, layout="NCW")
    with pytest.raises(mx.base.MXNetError, match="output num_filter must divide group size"):
        cnn.ModulatedDeformableConvolution(4, kernel_size=3, groups=2)
    net = cnn.DeformableConvolution(2, kernel_size=3, layout="NHWC")
    assert net.offset_weight.shape == (18, 3, 3, 0)
    net.initialize()
    with pytest.raises(Exception, match="layout 'NHWC' is not supported"):
        net(nd.ones((1, 5, 5, 2)))
    net = cnn.DeformableConvolution(2, kernel_size=3, groups=2)
    net.initialize()
    with pytest.raises(Exception, match="3 channels are not divisible by groups=2"):
        net(nd.ones((1, 3, 5, 5)))


def test_lstmp_export_names(tmp_path):
    cell = crnn.LSTMPCell(4, 2, input_size=3, prefix="p_")
    cell.initialize()
    cell.hybridize()
    cell(nd.ones((2, 3)), cell.begin_state(2))
    cell.export(str(tmp_path / "p"))
    sym = json.loads((tmp_path / "p-symbol.json").read_text())
    names = {n["name"] for n in sym["nodes"]}
    assert {"p_t0_i2h", "p_t0_h2h", "p_t0_slice", "p_t0_i", "p_t0_f", "p_t0_c", "p_t0_o",
            "p_t0_state", "p_t0_hidden", "p_t0_out"} <= names
