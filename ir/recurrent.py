"""One step of the RNN, LSTM and GRU recurrences, whole multi-layer (bidirectional)
sequences, and the layout of MXNet's packed RNN parameters, written once against an `F`
namespace of registered operators: `mx.nd` (the `RNN` function), a Gluon block's `F`
(`gluon.rnn` cells and layers), and the symbol loader's builder-backed `F` (MXNet's `RNN`
nodes in `mx.sym` and in files MXNet writes). Plain Python: no import of its own.

MXNet runs its fused RNN layers as one opaque `RNN` kernel; here every step is ordinary IR
(FullyConnected, SliceChannel, sigmoid/tanh, elementwise arithmetic), so a recorded or
hybridized recurrent network can be printed, optimised and differentiated to any order.
Gate order and formulas are MXNet's (cuDNN's): LSTM [in, forget, cell, out]; GRU [reset,
update, new] with the reset gate applied to h2h's new-gate term (bias included).
"""
from __future__ import annotations

from typing import List, Sequence, Tuple

GATES = {"rnn_relu": 1, "rnn_tanh": 1, "lstm": 4, "gru": 3}


def _fc(F, x, weight, bias, hidden):
    return F.FullyConnected(x, weight, bias, num_hidden=hidden, flatten=False)


def _split(F, x, n):
    return list(F.SliceChannel(x, num_outputs=n, axis=-1)) if n > 1 else [x]


def step(F, mode: str, i2h, h2h, states: Sequence, hidden: int, h2r=None):
    """Given the input and hidden projections (x W_i^T + b_i, h W_h^T + b_h) of one time
    step, return (output, new states) of the `mode` cell. For LSTM, `h2r` projects the
    hidden state (LSTMP)."""
    if mode in ("rnn_relu", "rnn_tanh"):
        h = F.Activation(i2h + h2h, act_type=mode[4:])
        return h, [h]
    if mode == "lstm":
        i, f, g, o = _split(F, i2h + h2h, 4)
        c = F.sigmoid(f) * states[1] + F.sigmoid(i) * F.tanh(g)
        h = F.sigmoid(o) * F.tanh(c)
        if h2r is not None:
            h = F.FullyConnected(h, h2r, no_bias=True, num_hidden=h2r.shape[0], flatten=False)
        return h, [h, c]
    if mode == "gru":
        ir, iz, inew = _split(F, i2h, 3)
        hr, hz, hnew = _split(F, h2h, 3)
        r = F.sigmoid(ir + hr)
        z = F.sigmoid(iz + hz)
        n = F.tanh(inew + r * hnew)
        h = (1 - z) * n + z * states[0]
        return h, [h]
    raise ValueError("unknown recurrent mode %r (expected one of %s)"
                     % (mode, ", ".join(GATES)))


def cell_step(F, mode, x, states, i2h_weight, h2h_weight, i2h_bias, h2h_bias, hidden):
    """One step of a recurrent cell on an (N, C) input."""
    n = GATES[mode] * hidden
    return step(F, mode, _fc(F, x, i2h_weight, i2h_bias, n),
                _fc(F, states[0], h2h_weight, h2h_bias, n), states, hidden)


def named_lstm(F, gates, c, act, name, axis=None, out: str = "out"):
    """MXNet's written-out LSTM step, node by node with its names (mx.rnn's LSTMCell and
    ConvLSTMCell, gluon.contrib.rnn's conv LSTM cells and LSTMPCell): `gates` (i2h + h2h)
    sliced on `axis` into [in, forget, cell, out]; `act(x, name)` the cell activation;
    `name(key)` a node's name (`out` names h). Returns (h, c)."""
    kw = {} if axis is None else {"axis": axis}
    i, f, g, o = F.SliceChannel(gates, num_outputs=4, name=name("slice"), **kw)
    i = F.Activation(i, act_type="sigmoid", name=name("i"))
    f = F.Activation(f, act_type="sigmoid", name=name("f"))
    g = act(g, name("c"))
    o = F.Activation(o, act_type="sigmoid", name=name("o"))
    c = F.elemwise_add(f * c, i * g, name=name("state"))
    return F.elemwise_mul(o, act(c, None), name=name(out)), c


def named_gru(F, i2h, h2h, h, act, name, axis=None):
    """MXNet's written-out GRU step with its node names (mx.rnn's GRUCell and ConvGRUCell,
    gluon.contrib.rnn's conv GRU cells): gates [reset, update, new], the reset gate scaling
    h2h's new-gate term; `act(x, name)` the new-gate activation. Returns the new h."""
    kw = {} if axis is None else {"axis": axis}
    i2h_r, i2h_z, i2h = F.SliceChannel(i2h, num_outputs=3, name=name("i2h_slice"), **kw)
    h2h_r, h2h_z, h2h = F.SliceChannel(h2h, num_outputs=3, name=name("h2h_slice"), **kw)
    r = F.Activation(i2h_r + h2h_r, act_type="sigmoid", name=name("r_act"))
    z = F.Activation(i2h_z + h2h_z, act_type="sigmoid", name=name("z_act"))
    new = act(i2h + r * h2h, name("h_act"))
    return F.elemwise_add((1. - z) * new, z * h, name=name("out"))


def conv_projections(F, x, h, weights, num_filter: int, i2h: dict, h2h: dict, layout, name):
    """The input and state convolutions of a convolutional recurrent cell (mx.rnn's and
    gluon.contrib.rnn's): `weights` (i2h_weight, h2h_weight, i2h_bias, h2h_bias); `i2h`,
    `h2h` the kernel, stride, pad and dilate of each. Returns (i2h, h2h)."""
    i2h_weight, h2h_weight, i2h_bias, h2h_bias = weights
    return (F.Convolution(data=x, num_filter=num_filter, weight=i2h_weight, bias=i2h_bias,
                          layout=layout, name=name("i2h"), **i2h),
            F.Convolution(data=h, num_filter=num_filter, weight=h2h_weight, bias=h2h_bias,
                          layout=layout, name=name("h2h"), **h2h))


def _direction(F, mode, inputs: List, states, params, hidden):
    """Run one direction of one layer over the list of (N, C) inputs."""
    i2h_weight, h2h_weight, i2h_bias, h2h_bias, h2r_weight = params
    n = GATES[mode] * hidden
    seq = F.stack(*inputs, axis=0)
    i2h_all = _fc(F, seq, i2h_weight, i2h_bias, n)  # all time steps in one product
    i2h = list(F.SliceChannel(i2h_all, num_outputs=len(inputs), axis=0, squeeze_axis=True)) \
        if len(inputs) > 1 else [F.squeeze(i2h_all, axis=0)]
    outputs = []
    for t in range(len(inputs)):
        out, states = step(F, mode, i2h[t], _fc(F, states[0], h2h_weight, h2h_bias, n),
                           states, hidden, h2r_weight)
        outputs.append(out)
    return outputs, states


def _unstack(F, x, length):
    if length == 1:
        return [F.squeeze(x, axis=0)]
    return list(F.SliceChannel(x, num_outputs=length, axis=0, squeeze_axis=True))


def layer_sequence(F, mode: str, inputs, states: Sequence, params: dict, hidden: int,
                   num_layers: int, bidirectional: bool, dropout: float = 0.0
                   ) -> Tuple[object, list]:
    """A fused-RNN-layer computation on (T, N, C) `inputs` with states (L*D, N, H) each.
    `params` maps 'l0_i2h_weight'... to arrays. Returns (outputs (T, N, D*H), new states)."""
    length = inputs.shape[0]
    dirs = ["l", "r"] if bidirectional else ["l"]
    per_state = [_unstack(F, s, num_layers * len(dirs)) for s in states]
    xs = _unstack(F, inputs, length)
    finals: List[list] = [[] for _ in states]
    for layer in range(num_layers):
        outs = []
        for d, name in enumerate(dirs):
            k = layer * len(dirs) + d
            weights = [params.get("%s%d_%s" % (name, layer, w)) for w in
                       ("i2h_weight", "h2h_weight", "i2h_bias", "h2h_bias", "h2r_weight")]
            seq = xs if name == "l" else xs[::-1]
            out, last = _direction(F, mode, seq, [s[k] for s in per_state], weights, hidden)
            outs.append(out if name == "l" else out[::-1])
            for i, s in enumerate(last):
                finals[i].append(s)
        xs = [F.concat(*pair, dim=1) for pair in zip(*outs)] if len(dirs) > 1 else outs[0]
        if dropout and layer != num_layers - 1:
            xs = [F.Dropout(x, p=dropout) for x in xs]
    return F.stack(*xs, axis=0), [F.stack(*f, axis=0) for f in finals]


def param_layout(mode: str, input_size: int, hidden: int, num_layers: int,
                 bidirectional: bool) -> List[Tuple[str, Tuple[int, ...]]]:
    """(name, shape) of each piece of the packed vector, in order ('l0_i2h_weight', ...)."""
    gates = GATES[mode] * hidden
    dirs = ("l", "r") if bidirectional else ("l",)
    weights: List[Tuple[str, Tuple[int, ...]]] = []
    biases: List[Tuple[str, Tuple[int, ...]]] = []
    for layer in range(num_layers):
        width = input_size if layer == 0 else hidden * len(dirs)
        for d in dirs:
            weights += [("%s%d_i2h_weight" % (d, layer), (gates, width)),
                        ("%s%d_h2h_weight" % (d, layer), (gates, hidden))]
            biases += [("%s%d_i2h_bias" % (d, layer), (gates,)),
                       ("%s%d_h2h_bias" % (d, layer), (gates,))]
    return weights + biases
