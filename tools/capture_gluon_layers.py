"""Capture golden values of Gluon layers, recurrent layers/cells and losses from MXNet 1.9.1.

Run with the oracle's python (never in the test suite):

    /tmp/mxnet-oracle/bin/python tools/capture_gluon_layers.py

Writes tests/data/mxnet/gluon_layers/{layers,rnn,losses,nd_ctc}.json. Each case is a constructor
expression evaluated with `nn`, `rnn` and `gluon` bound (the same text is evaluated by
tapegraph's tests), its inputs, the parameter values it ran with (keyed by the name after
the block's prefix), the outputs, a random cotangent for every output and the gradients of
sum(output * cotangent) with respect to inputs and parameters, and reprs. Inputs come from
numpy.random.RandomState seeded with the CRC32 of "<case id>/<what>", so runs are repeatable.
"""
import json
import os
import sys
import zlib

import mxnet as mx
import numpy as np
from mxnet import autograd, gluon, nd
from mxnet.gluon import nn, rnn

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "data", "mxnet",
                   "gluon_layers")
ENV = {"nn": nn, "rnn": rnn, "gluon": gluon, "mx": mx}


def rng(key):
    return np.random.RandomState(zlib.crc32(key.encode()) & 0xFFFFFFFF)


def tolist(a):
    return np.asarray(a, dtype=np.float64).tolist()


def arr(a):
    a = a.asnumpy() if hasattr(a, "asnumpy") else np.asarray(a)
    return {"shape": list(a.shape), "dtype": str(a.dtype), "data": tolist(a.ravel())}


def param_value(cid, suffix, shape):
    r = rng(cid + "/" + suffix)
    if suffix.endswith("running_var"):
        return r.uniform(0.5, 1.5, shape).astype(np.float32)
    return r.uniform(-1, 1, shape).astype(np.float32)


def strip(block, name):
    """A parameter's name after the block's prefix (a modifier cell's prefix is not one of
    its parameters' prefixes: those keep their full names)."""
    return name[len(block.prefix):] if name.startswith(block.prefix) else name


def flat(outs):
    if isinstance(outs, (list, tuple)):
        return [o for x in outs for o in flat(x)]
    return [outs]


def run_block(cid, ctor, inputs, train=True, call=None, backward=True):
    """Build `ctor`, give it deterministic parameters, run forward under record and backward
    with random cotangents (backward=False: forward in predict mode only, for what MXNet
    cannot train on CPU). `inputs` maps names to (shape, kind)."""
    with mx.name.NameManager():
        block = eval(ctor, ENV)
    case = {"id": cid, "ctor": ctor, "train": train,
            "default_names": list(block.collect_params().keys()),
            "prefix": block.prefix, "repr_before": repr(block)}
    block.initialize()
    xs = {}
    for name, (shape, kind) in inputs.items():
        r = rng(cid + "/" + name)
        if kind == "float":
            xs[name] = nd.array(r.uniform(-1, 1, shape).astype(np.float32))
        elif kind.startswith("int"):
            xs[name] = nd.array(r.randint(0, int(kind[3:]), shape).astype(np.float32))
        elif kind == "lengths":  # shape holds the values
            xs[name] = nd.array(np.asarray(shape, dtype=np.float32))
        else:
            raise ValueError(kind)
    args = [xs[k] for k in inputs]
    call = call or (lambda b, *a: b(*a))
    call(block, *args)  # completes deferred initialisation (predict mode: no stat updates)
    params = {}
    for name, p in block.collect_params().items():
        suffix = strip(block, name)
        value = param_value(cid, suffix, p.shape)
        p.set_data(nd.array(value))
        params[suffix] = {"value": arr(value), "grad_req": p.grad_req}
    for name, x in xs.items():
        if inputs[name][1] == "float":
            x.attach_grad()
    if not backward:
        outs = flat(call(block, *args))
        case.update(outputs=[arr(o) for o in outs], heads=[], input_grads={}, param_grads={},
                    params_after={}, repr_after=repr(block), params=params, train=False,
                    inputs={k: dict(arr(v), kind=inputs[k][1]) for k, v in xs.items()})
        return case
    with autograd.record(train_mode=train):
        outs = flat(call(block, *args))
    heads = [nd.array(rng("%s/head%d" % (cid, i)).normal(size=o.shape).astype(np.float32))
             for i, o in enumerate(outs)]
    autograd.backward(outs, heads)
    case["inputs"] = {k: dict(arr(v), kind=inputs[k][1]) for k, v in xs.items()}
    case["params"] = params
    case["outputs"] = [arr(o) for o in outs]
    case["heads"] = [arr(h) for h in heads]
    case["input_grads"] = {k: arr(v.grad) for k, v in xs.items() if inputs[k][1] == "float"}
    case["param_grads"] = {strip(block, n): arr(p.grad())
                           for n, p in block.collect_params().items() if p.grad_req != "null"}
    case["params_after"] = {strip(block, n): arr(p.data())
                            for n, p in block.collect_params().items() if p.grad_req == "null"}
    case["repr_after"] = repr(block)
    return case


def f(*shape):
    return (shape, "float")


LAYERS = [
    ("conv2d", "nn.Conv2D(4, 3, in_channels=2)", {"x": f(2, 2, 6, 6)}),
    ("conv2d_strided", "nn.Conv2D(4, (3, 2), strides=(2, 1), padding=(1, 0), dilation=(1, 2),"
     " use_bias=False)", {"x": f(2, 3, 7, 8)}),
    ("conv2d_groups_relu", "nn.Conv2D(6, 3, groups=2, activation='relu', in_channels=4)",
     {"x": f(1, 4, 5, 5)}),
    ("conv1d", "nn.Conv1D(3, 3, padding=1)", {"x": f(2, 2, 7)}),
    ("conv1d_groups", "nn.Conv1D(4, 2, strides=2, dilation=2, groups=2, in_channels=2)",
     {"x": f(2, 2, 9)}),
    ("conv3d", "nn.Conv3D(2, 2, padding=1, activation='tanh')", {"x": f(1, 2, 4, 4, 3)}),
    ("conv2d_transpose", "nn.Conv2DTranspose(3, 3, strides=2, padding=1, output_padding=1,"
     " in_channels=2)", {"x": f(1, 2, 4, 4)}),
    ("conv2d_transpose_plain", "nn.Conv2DTranspose(2, (2, 3), use_bias=False)",
     {"x": f(2, 3, 3, 4)}),
    ("conv1d_transpose", "nn.Conv1DTranspose(2, 3, strides=2)", {"x": f(2, 3, 5)}),
    ("conv3d_transpose", "nn.Conv3DTranspose(2, 2, strides=(1, 2, 1))", {"x": f(1, 2, 3, 3, 2)}),
    ("maxpool2d", "nn.MaxPool2D()", {"x": f(2, 3, 6, 6)}),
    ("maxpool2d_pad", "nn.MaxPool2D(3, 2, 1)", {"x": f(1, 2, 7, 7)}),
    ("maxpool2d_ceil", "nn.MaxPool2D(2, ceil_mode=True)", {"x": f(1, 2, 5, 5)}),
    ("avgpool2d", "nn.AvgPool2D(3, 1, 1)", {"x": f(1, 2, 5, 5)}),
    ("avgpool2d_nopad", "nn.AvgPool2D(3, 1, 1, count_include_pad=False)", {"x": f(1, 2, 5, 5)}),
    ("avgpool2d_ceil", "nn.AvgPool2D(2, ceil_mode=True)", {"x": f(1, 2, 5, 5)}),
    ("maxpool1d", "nn.MaxPool1D(2)", {"x": f(2, 3, 8)}),
    ("avgpool1d", "nn.AvgPool1D(3, 2, 1)", {"x": f(2, 2, 7)}),
    ("maxpool3d", "nn.MaxPool3D(2)", {"x": f(1, 2, 4, 4, 4)}),
    ("avgpool3d", "nn.AvgPool3D(2, strides=1)", {"x": f(1, 2, 3, 3, 3)}),
    ("globalavgpool1d", "nn.GlobalAvgPool1D()", {"x": f(2, 3, 5)}),
    ("globalmaxpool1d", "nn.GlobalMaxPool1D()", {"x": f(2, 3, 5)}),
    ("globalavgpool2d", "nn.GlobalAvgPool2D()", {"x": f(2, 3, 4, 5)}),
    ("globalmaxpool2d", "nn.GlobalMaxPool2D()", {"x": f(2, 3, 4, 5)}),
    ("globalavgpool3d", "nn.GlobalAvgPool3D()", {"x": f(1, 2, 3, 4, 2)}),
    ("globalmaxpool3d", "nn.GlobalMaxPool3D()", {"x": f(1, 2, 3, 4, 2)}),
    ("reflectionpad2d", "nn.ReflectionPad2D(1)", {"x": f(1, 2, 4, 4)}),
    ("batchnorm_train", "nn.BatchNorm(in_channels=3)", {"x": f(2, 3, 4, 4)}),
    ("batchnorm_predict", "nn.BatchNorm()", {"x": f(2, 3, 4, 4)}, False),
    ("batchnorm_axis_last", "nn.BatchNorm(axis=-1, center=False, scale=False, momentum=0.8,"
     " epsilon=1e-3)", {"x": f(4, 5)}),
    ("batchnorm_global", "nn.BatchNorm(use_global_stats=True)", {"x": f(3, 2, 5)}),
    ("layernorm", "nn.LayerNorm()", {"x": f(2, 3, 5)}),
    ("layernorm_axis1", "nn.LayerNorm(axis=1, center=False, epsilon=1e-3)", {"x": f(2, 4, 3)}),
    ("instancenorm", "nn.InstanceNorm()", {"x": f(2, 3, 5)}),
    ("instancenorm_scale_axis2", "nn.InstanceNorm(axis=2, scale=True)", {"x": f(2, 3, 4, 2)}),
    ("groupnorm", "nn.GroupNorm(num_groups=2)", {"x": f(2, 4, 3, 3)}),
    ("groupnorm_one", "nn.GroupNorm(center=False, epsilon=1e-3)", {"x": f(2, 3, 5)}),
    ("leakyrelu", "nn.LeakyReLU(0.1)", {"x": f(3, 4)}),
    ("prelu", "nn.PReLU()", {"x": f(2, 3, 4)}),
    ("prelu_channels", "nn.PReLU(in_channels=3)", {"x": f(2, 3, 4)}),
    ("elu", "nn.ELU()", {"x": f(3, 4)}),
    ("elu_alpha", "nn.ELU(0.5)", {"x": f(3, 4)}),
    ("selu", "nn.SELU()", {"x": f(3, 4)}),
    ("gelu", "nn.GELU()", {"x": f(3, 4)}),
    ("swish", "nn.Swish()", {"x": f(3, 4)}),
    ("swish_beta", "nn.Swish(2.0)", {"x": f(3, 4)}),
    ("act_relu", "nn.Activation('relu')", {"x": f(3, 4)}),
    ("act_sigmoid", "nn.Activation('sigmoid')", {"x": f(3, 4)}),
    ("act_tanh", "nn.Activation('tanh')", {"x": f(3, 4)}),
    ("act_softrelu", "nn.Activation('softrelu')", {"x": f(3, 4)}),
    ("act_softsign", "nn.Activation('softsign')", {"x": f(3, 4)}),
]


def both(b, x, *states):
    return b(x, list(states))


def lstm_states(b, x, h, c):
    return b(x, [h, c])


def with_lengths(b, x, *rest):
    return b(x, list(rest[:-1]), rest[-1])


def cell_step(b, x, *states):
    return b(x, list(states))


def unroll_ntc(b, x):
    return b.unroll(x.shape[1], x, layout="NTC", merge_outputs=True)


def unroll_tnc_list(b, x, *states):
    return b.unroll(x.shape[0], x, begin_state=list(states), layout="TNC", merge_outputs=False)


RNNS = [
    ("rnn_tanh", "rnn.RNN(4, input_size=3)", {"x": f(5, 2, 3)}, None),
    ("rnn_relu_2l_ntc", "rnn.RNN(4, num_layers=2, activation='relu', layout='NTC',"
     " input_size=3)", {"x": f(2, 5, 3), "h0": f(2, 2, 4)}, both),
    ("lstm", "rnn.LSTM(4, input_size=3)", {"x": f(5, 2, 3), "h0": f(1, 2, 4),
                                            "c0": f(1, 2, 4)}, lstm_states),
    ("lstm_bi_2l", "rnn.LSTM(3, num_layers=2, bidirectional=True, input_size=2)",
     {"x": f(4, 2, 2)}, None),
    ("lstm_ntc_deferred", "rnn.LSTM(3, layout='NTC')", {"x": f(2, 4, 3)}, None),
    ("lstm_projection", "rnn.LSTM(4, input_size=3, projection_size=2)",
     {"x": f(5, 2, 3), "h0": f(1, 2, 2), "c0": f(1, 2, 4)}, lstm_states),
    ("lstm_clip", "rnn.LSTM(3, input_size=2, state_clip_min=-0.3, state_clip_max=0.3)",
     {"x": f(4, 2, 2)}, None),
    ("lstm_bi_lengths", "rnn.LSTM(3, bidirectional=True, input_size=2, "
     "use_sequence_length=True)", {"x": f(5, 3, 2), "h0": f(2, 3, 3), "c0": f(2, 3, 3),
                                   "lengths": ([5, 2, 3], "lengths")}, with_lengths),
    ("gru_2l_ntc_lengths", "rnn.GRU(3, num_layers=2, layout='NTC', input_size=2, "
     "use_sequence_length=True)", {"x": f(3, 4, 2), "h0": f(2, 3, 3),
                                   "lengths": ([1, 4, 2], "lengths")}, with_lengths),
    ("gru", "rnn.GRU(4, input_size=3)", {"x": f(5, 2, 3), "h0": f(1, 2, 4)}, both),
    ("gru_bi_2l_ntc", "rnn.GRU(3, num_layers=2, bidirectional=True, layout='NTC',"
     " input_size=2)", {"x": f(2, 4, 2)}, None),
    ("rnncell", "rnn.RNNCell(4, input_size=3)", {"x": f(2, 3), "h": f(2, 4)}, cell_step),
    ("rnncell_relu", "rnn.RNNCell(4, activation='relu', input_size=3)",
     {"x": f(2, 3), "h": f(2, 4)}, cell_step),
    ("lstmcell_activations", "rnn.LSTMCell(3, input_size=2, activation='relu', "
     "recurrent_activation='tanh')", {"x": f(2, 2), "h": f(2, 3), "c": f(2, 3)}, cell_step),
    ("rnncell_softsign", "rnn.RNNCell(3, activation='softsign', input_size=2)",
     {"x": f(2, 2), "h": f(2, 3)}, cell_step),
    ("rnncell_leaky", "rnn.RNNCell(3, activation=nn.LeakyReLU(0.2), input_size=2)",
     {"x": f(2, 2), "h": f(2, 3)}, cell_step),
    ("lstmcell", "rnn.LSTMCell(4, input_size=3)", {"x": f(2, 3), "h": f(2, 4), "c": f(2, 4)},
     cell_step),
    ("grucell", "rnn.GRUCell(4, input_size=3)", {"x": f(2, 3), "h": f(2, 4)}, cell_step),
    ("lstmcell_unroll", "rnn.LSTMCell(3, input_size=2)", {"x": f(2, 4, 2)}, unroll_ntc),
    ("grucell_unroll_tnc", "rnn.GRUCell(3, input_size=2)", {"x": f(4, 2, 2), "h": f(2, 3)},
     unroll_tnc_list),
]


def seq_cell():
    net = rnn.SequentialRNNCell()
    with net.name_scope():
        net.add(rnn.LSTMCell(3, input_size=2))
        net.add(rnn.GRUCell(2, input_size=3))
    return net


def bi_cell():
    return rnn.BidirectionalCell(rnn.LSTMCell(3, input_size=2, prefix="l_"),
                                 rnn.GRUCell(2, input_size=2, prefix="r_"))


def residual_cell():
    return rnn.ResidualCell(rnn.GRUCell(2, input_size=2))


def hybrid_seq_cell():
    net = rnn.HybridSequentialRNNCell()
    with net.name_scope():
        net.add(rnn.RNNCell(3, input_size=2))
        net.add(rnn.LSTMCell(2, input_size=3))
    return net


def unroll_ntc_list(b, x):
    return b.unroll(x.shape[1], x, layout="NTC", merge_outputs=False)


def unroll_valid(b, x, lengths):
    return b.unroll(x.shape[1], x, layout="NTC", merge_outputs=True, valid_length=lengths)


def step_three_states(b, x, h, h2, c2):
    return b(x, [h, h2, c2])


ENV.update(seq_cell=seq_cell, bi_cell=bi_cell, residual_cell=residual_cell,
           hybrid_seq_cell=hybrid_seq_cell)
RNNS += [
    ("sequential_cell_unroll", "seq_cell()", {"x": f(2, 4, 2)}, unroll_ntc),
    ("bidirectional_cell_unroll", "bi_cell()", {"x": f(2, 3, 2)}, unroll_ntc),
    ("residual_cell_unroll", "residual_cell()", {"x": f(2, 3, 2)}, unroll_ntc_list),
    ("lstmcell_unroll_valid", "rnn.LSTMCell(3, input_size=2)",
     {"x": f(3, 4, 2), "lengths": ([4, 1, 2], "lengths")}, unroll_valid),
    ("bidirectional_cell_unroll_valid", "bi_cell()",
     {"x": f(3, 4, 2), "lengths": ([4, 1, 2], "lengths")}, unroll_valid),
    ("hybrid_sequential_cell_step", "hybrid_seq_cell()",
     {"x": f(2, 2), "h": f(2, 3), "h2": f(2, 2), "c2": f(2, 2)}, step_three_states),
]


def rnn_extra(cid, ctor):
    """begin_state shapes and the state_info of a layer or cell."""
    with mx.name.NameManager():
        block = eval(ctor, ENV)
    info = block.state_info(2) if hasattr(block, "state_info") else None
    states = [s.shape for s in block.begin_state(batch_size=2, func=nd.zeros)]
    return {"state_info": [dict(i, shape=list(i["shape"])) for i in info] if info else None,
            "begin_state_shapes": [list(s) for s in states]}


def loss_case(cid, ctor, inputs, grads):
    with mx.name.NameManager():
        loss = eval(ctor, ENV)
    xs = []
    for name, spec in inputs:
        r = rng(cid + "/" + name)
        kind, shape = spec[0], spec[1]
        if kind == "float":
            v = r.uniform(-1, 1, shape)
        elif kind == "pos":
            v = r.uniform(0.1, 2.0, shape)
        elif kind == "prob":
            v = r.uniform(0.05, 1, shape)
            v = v / v.sum(axis=spec[2], keepdims=True)
        elif kind == "unit":
            v = r.uniform(0.05, 0.95, shape)
        elif kind == "int":
            v = r.randint(0, spec[2], shape)
        elif kind == "sign":
            v = r.randint(0, 2, shape) * 2 - 1
        elif kind == "binary":
            v = r.randint(0, 2, shape)
        elif kind == "logsoftmax":
            v = r.uniform(-1, 1, shape)
            v = v - np.log(np.exp(v).sum(axis=-1, keepdims=True))
        elif kind == "count":
            v = r.randint(0, 5, shape)
        elif kind == "count1":  # Stirling's term is nan for a zero target in MXNet too
            v = r.randint(1, 6, shape)
        elif kind == "const":
            v = np.asarray(spec[2], dtype=np.float64).reshape(shape)
        else:
            raise ValueError(kind)
        xs.append((name, nd.array(v.astype(np.float32))))
    for name, x in xs:
        if name in grads:
            x.attach_grad()
    # MXNet 1.9.1 cannot record PoissonNLLLoss(compute_full=True) (an in-place *= inside
    # record): such cases have no gradients and run without recording.
    with autograd.record() if grads else autograd.pause():
        out = loss(*[x for _, x in xs])
    head = nd.array(rng(cid + "/head").normal(size=out.shape).astype(np.float32))
    if grads:
        out.backward(head)
    return {"id": cid, "ctor": ctor, "repr": repr(loss),
            "inputs": [dict(arr(x), name=n) for n, x in xs],
            "output": arr(out), "head": arr(head),
            "grads": {n: arr(x.grad) for n, x in xs if n in grads}}


P = ("pred", ("float", (4, 3)))
LOSSES = [
    ("l2", "gluon.loss.L2Loss()", [P, ("label", ("float", (4, 3)))], "pred label"),
    ("l2_weighted", "gluon.loss.L2Loss(weight=0.5)",
     [P, ("label", ("float", (4, 3))), ("sample_weight", ("pos", (4, 1)))], "pred"),
    ("l2_3d", "gluon.loss.L2Loss()", [("pred", ("float", (2, 3, 2))),
                                      ("label", ("float", (2, 6)))], "pred"),
    ("l1", "gluon.loss.L1Loss()", [P, ("label", ("float", (4, 3)))], "pred label"),
    ("l1_batch_axis1", "gluon.loss.L1Loss(batch_axis=1, weight=2.0)",
     [("pred", ("float", (3, 4))), ("label", ("float", (3, 4)))], "pred"),
    ("softmax_ce", "gluon.loss.SoftmaxCrossEntropyLoss()",
     [("pred", ("float", (4, 5))), ("label", ("int", (4,), 5))], "pred"),
    ("softmax_ce_weighted", "gluon.loss.SoftmaxCrossEntropyLoss(weight=0.3)",
     [("pred", ("float", (4, 5))), ("label", ("int", (4,), 5)),
      ("sample_weight", ("pos", (4, 1)))], "pred"),
    ("softmax_ce_dense", "gluon.loss.SoftmaxCrossEntropyLoss(sparse_label=False)",
     [("pred", ("float", (4, 5))), ("label", ("prob", (4, 5), -1))], "pred label"),
    ("softmax_ce_logits", "gluon.loss.SoftmaxCrossEntropyLoss(from_logits=True)",
     [("pred", ("logsoftmax", (4, 5))), ("label", ("int", (4,), 5))], "pred"),
    ("softmax_ce_axis1", "gluon.loss.SoftmaxCrossEntropyLoss(axis=1)",
     [("pred", ("float", (2, 3, 4))), ("label", ("int", (2, 4), 3))], "pred"),
    ("sigmoid_bce", "gluon.loss.SigmoidBinaryCrossEntropyLoss()",
     [P, ("label", ("binary", (4, 3)))], "pred label"),
    ("sigmoid_bce_from_sigmoid", "gluon.loss.SigmoidBCELoss(from_sigmoid=True)",
     [("pred", ("unit", (4, 3))), ("label", ("binary", (4, 3)))], "pred"),
    ("sigmoid_bce_pos_weight", "gluon.loss.SigmoidBCELoss()",
     [P, ("label", ("binary", (4, 3))), ("sample_weight", ("pos", (4, 1))),
      ("pos_weight", ("pos", (1, 3)))], "pred"),
    ("sigmoid_bce_pos_weight_sig", "gluon.loss.SigmoidBCELoss(from_sigmoid=True)",
     [("pred", ("unit", (4, 3))), ("label", ("binary", (4, 3))),
      ("sample_weight", ("const", (1,), [1.0])), ("pos_weight", ("pos", (1, 3)))], "pred"),
    ("kldiv", "gluon.loss.KLDivLoss()",
     [("pred", ("logsoftmax", (3, 4))), ("label", ("prob", (3, 4), -1))], "pred label"),
    ("kldiv_logits", "gluon.loss.KLDivLoss(from_logits=False)",
     [("pred", ("float", (3, 4))), ("label", ("prob", (3, 4), -1))], "pred"),
    ("huber", "gluon.loss.HuberLoss()", [("pred", ("float", (4, 3))),
                                         ("label", ("pos", (4, 3)))], "pred"),
    ("huber_rho", "gluon.loss.HuberLoss(rho=0.5)", [P, ("label", ("float", (4, 3)))], "pred"),
    ("hinge", "gluon.loss.HingeLoss()", [P, ("label", ("sign", (4, 3)))], "pred"),
    ("squared_hinge", "gluon.loss.SquaredHingeLoss(margin=2)",
     [P, ("label", ("sign", (4, 3)))], "pred"),
    ("logistic", "gluon.loss.LogisticLoss()", [P, ("label", ("sign", (4, 3)))], "pred"),
    ("logistic_binary", "gluon.loss.LogisticLoss(label_format='binary')",
     [P, ("label", ("binary", (4, 3)))], "pred"),
    ("triplet", "gluon.loss.TripletLoss(margin=0.5)",
     [P, ("positive", ("float", (4, 3))), ("negative", ("float", (4, 3)))],
     "pred positive negative"),
    ("poisson_nll", "gluon.loss.PoissonNLLLoss()",
     [P, ("target", ("count", (4, 3)))], "pred"),
    ("poisson_nll_full", "gluon.loss.PoissonNLLLoss(from_logits=False, compute_full=True)",
     [("pred", ("pos", (4, 3))), ("target", ("count1", (4, 3)))], ""),
    ("cosine_embedding", "gluon.loss.CosineEmbeddingLoss(margin=0.2)",
     [("input1", ("float", (4, 5))), ("input2", ("float", (4, 5))),
      ("label", ("sign", (4,)))], "input1 input2"),
    ("sdml", "gluon.loss.SDMLLoss()", [("x1", ("float", (4, 3))), ("x2", ("float", (4, 3)))],
     "x1 x2"),
    ("ctc", "gluon.loss.CTCLoss()",
     [("pred", ("float", (2, 6, 4))), ("label", ("const", (2, 3), [0, 1, 2, 1, 1, -1]))],
     "pred"),
    ("ctc_lengths", "gluon.loss.CTCLoss(layout='TNC')",
     [("pred", ("float", (6, 2, 4))), ("label", ("const", (2, 3), [2, 0, 0, 1, 0, 0])),
      ("pred_lengths", ("const", (2,), [6, 5])), ("label_lengths", ("const", (2,), [1, 2]))],
     "pred"),
]


ND_CTC = [  # mx.nd.CTCLoss itself: (id, data (T, N, C), label, keyword arguments)
    ("first", (5, 2, 4), [[1, 2, 2], [3, 0, 0]], {}),
    ("first_lengths", (5, 2, 4), [[1, 2, 2], [3, 1, 0]],
     {"data_lengths": [5, 3], "label_lengths": [3, 1], "use_data_lengths": True,
      "use_label_lengths": True}),
    ("last_repeats", (6, 3, 3), [[0, 0, -1], [1, 0, 1], [-1, -1, -1]], {"blank_label": "last"}),
]


def nd_ctc_case(cid, shape, label, kwargs):
    data = nd.array(rng("ctc/" + cid).uniform(-1, 1, shape).astype(np.float32))
    data.attach_grad()
    args = {k: nd.array(v) if isinstance(v, list) else v for k, v in kwargs.items()}
    with autograd.record():
        out = nd.CTCLoss(data, nd.array(label), **args)
    head = nd.array(rng("ctc/%s/head" % cid).normal(size=out.shape).astype(np.float32))
    out.backward(head)
    return {"id": cid, "data": arr(data), "label": label, "kwargs": kwargs,
            "output": arr(out), "head": arr(head), "grad": arr(data.grad)}


def dump(name, cases):
    os.makedirs(OUT, exist_ok=True)
    path = os.path.join(OUT, name + ".json")
    with open(path, "w") as fh:
        json.dump({"mxnet": mx.__version__, "cases": cases}, fh, indent=0, sort_keys=True)
    print("wrote", path, len(cases), "cases", file=sys.stderr)


def main():
    layers = []
    for spec in LAYERS:
        cid, ctor, inputs = spec[:3]
        train = spec[3] if len(spec) > 3 else True
        layers.append(run_block(cid, ctor, inputs, train=train))
    dump("layers", layers)
    rnns = []
    for cid, ctor, inputs, call in RNNS:
        # MXNet 1.9.1: "No training support for LSTM with projection on CPU currently."
        case = run_block(cid, ctor, inputs, call=call, backward="projection" not in cid)
        case["call"] = call.__name__ if call else None
        case.update(rnn_extra(cid, ctor))
        rnns.append(case)
    dump("rnn", rnns)
    dump("losses", [loss_case(cid, ctor, inputs, grads.split())
                    for cid, ctor, inputs, grads in LOSSES])
    dump("nd_ctc", [nd_ctc_case(*spec) for spec in ND_CTC])


if __name__ == "__main__":
    main()
