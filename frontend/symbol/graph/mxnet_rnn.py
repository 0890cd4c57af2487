"""MXNet's fused recurrent operator `RNN` (and `_rnn_param_concat`, which packs its
parameters) in graphs: what `mx.sym.RNN` builds and what a Gluon `rnn.LSTM` / `GRU` / `RNN`
layer exported by MXNet 1.9.1 holds. The layer unrolls into registered operators with the
recurrence `mx.nd.RNN` and `gluon.rnn` use (`tapegraph.ir.recurrent`), written
against an `F` namespace: here one over an `ir.Builder` (`BuilderF`), whose values support
the arithmetic the recurrence writes (`a + b`, `1 - z`, ...)."""
from __future__ import annotations

import math
from typing import Any, Dict, List

from ...ir import Builder, MXNetError, Value
from ...ir import recurrent
from ...ir.recurrent import param_layout


class _V:
    """A Value of a BuilderF, with the arithmetic of an NDArray."""

    __slots__ = ("f", "value")

    def __init__(self, f: "BuilderF", value: Value):
        self.f, self.value = f, value

    @property
    def shape(self):
        return self.value.type.shape

    def _binary(self, other, op, scalar_op):
        if isinstance(other, _V):
            return self.f.wrap(self.f.b.op(op, self.value, other.value))
        return self.f.wrap(self.f.b.op(scalar_op, self.value, scalar=float(other)))

    def __add__(self, other):
        return self._binary(other, "elemwise_add", "_plus_scalar")

    __radd__ = __add__

    def __mul__(self, other):
        return self._binary(other, "elemwise_mul", "_mul_scalar")

    __rmul__ = __mul__

    def __sub__(self, other):
        return self._binary(other, "elemwise_sub", "_minus_scalar")

    def __rsub__(self, other):
        return self.f.wrap(self.f.b.op("_rminus_scalar", self.value, scalar=float(other)))


class BuilderF:
    """The `F` operators `ir.recurrent` calls, building nodes with `b.op`."""

    def __init__(self, b: Builder):
        self.b = b

    def wrap(self, out):
        return tuple(_V(self, v) for v in out) if isinstance(out, tuple) else _V(self, out)

    def _op(self, name: str, *args: Any, **attrs: Any):
        return self.wrap(self.b.op(name, *[a.value for a in args if a is not None], **attrs))

    def FullyConnected(self, x, weight, bias=None, *, num_hidden, flatten=True,
                       no_bias=False):
        return self._op("FullyConnected", x, weight, None if no_bias else bias,
                        num_hidden=num_hidden, flatten=flatten,
                        no_bias=no_bias or bias is None)

    def SliceChannel(self, x, *, num_outputs, axis=1, squeeze_axis=False):
        out = self._op("SliceChannel", x, num_outputs=num_outputs, axis=axis,
                       squeeze_axis=squeeze_axis)
        return out if isinstance(out, tuple) else (out,)

    def Activation(self, x, *, act_type):
        return self._op("Activation", x, act_type=act_type)

    def sigmoid(self, x):
        return self._op("sigmoid", x)

    def tanh(self, x):
        return self._op("tanh", x)

    def squeeze(self, x, *, axis=None):
        return self._op("squeeze", x, axis=(axis,) if isinstance(axis, int) else axis)

    def stack(self, *xs, axis=0):
        return self._op("stack", *xs, axis=axis, num_args=len(xs))

    def concat(self, *xs, dim=1):
        return self._op("Concat", *xs, dim=dim, num_args=len(xs))


def _flag(value: Any) -> bool:
    return value.strip().lower() == "true" if isinstance(value, str) else bool(value)


def _given(value: Any) -> bool:
    return value is not None and str(value) != "None"


def _modes(attrs: Dict[str, Any]) -> tuple:
    mode = str(attrs.get("mode", ""))
    if mode not in recurrent.GATES:
        raise MXNetError("RNN: mode=%r, valid values are: {'gru', 'lstm', 'rnn_relu', "
                         "'rnn_tanh'}" % (mode,))
    return mode, _flag(attrs.get("state_outputs", False))


def rnn_outputs(attrs: Dict[str, Any]) -> int:
    """The RNN node's outputs: the sequence, then with state_outputs the final h (and c)."""
    mode, state_outputs = _modes(attrs)
    return 1 + (2 if mode == "lstm" else 1) * state_outputs


def build_rnn(b: Builder, ins: List[Value], attrs: Dict[str, Any]):
    """`RNN(data (T, N, I), parameters (packed), state (L*D, N, H)[, state_cell])`. The
    dropout between layers (`p`) is MXNet's train-mode draw: a graph evaluated from a file
    runs the layer as in inference, as the loader runs `Dropout`."""
    mode, state_outputs = _modes(attrs)
    if any(_given(attrs.get(k)) for k in ("projection_size", "lstm_state_clip_min",
                                          "lstm_state_clip_max")) \
            or _flag(attrs.get("use_sequence_length", False)):
        raise MXNetError("RNN: projection_size, lstm_state_clip_* and use_sequence_length "
                         "are only available with cuDNN in MXNet 1.9.1 (not on CPU)")
    want = 4 if mode == "lstm" else 3
    if len(ins) != want:
        raise MXNetError("RNN: mode=%s takes %d inputs (data, parameters, state%s), got %d"
                         % (mode, want, ", state_cell" if mode == "lstm" else "", len(ins)))
    data, parameters, states = ins[0], ins[1], ins[2:]
    if data.type.ndim != 3:
        raise MXNetError("RNN: data must be 3-d (seq_length, batch, input_size), got %s"
                         % (data.type.shape,))
    hidden, layers = int(attrs["state_size"]), int(attrs.get("num_layers", 1))
    bidirectional = _flag(attrs.get("bidirectional", False))
    layout = param_layout(mode, data.type.shape[2], hidden, layers, bidirectional)
    total = sum(math.prod(shape) for _, shape in layout)
    if parameters.type.shape != (total,):
        raise MXNetError("RNN: parameters of shape %s, expected (%d,) for mode=%s, "
                         "input_size=%d, state_size=%d, num_layers=%d, bidirectional=%s"
                         % (parameters.type.shape, total, mode, data.type.shape[2], hidden,
                            layers, bidirectional))
    shape = (layers * (2 if bidirectional else 1), data.type.shape[1], hidden)
    for s in states:
        if s.type.shape != shape:
            raise MXNetError("RNN: state of shape %s, expected %s" % (s.type.shape, shape))
    F = BuilderF(b)
    pieces, offset = {}, 0
    for name, piece in layout:
        size = math.prod(piece)
        flat = b.op("slice", parameters, begin=(offset,), end=(offset + size,), step=())
        pieces[name] = F.wrap(b.op("Reshape", flat, shape=piece, reverse=False))
        offset += size
    outputs, finals = recurrent.layer_sequence(
        F, mode, F.wrap(data), [F.wrap(s) for s in states], pieces, hidden, layers,
        bidirectional, 0.0)
    if not state_outputs:
        return outputs.value
    return tuple([outputs.value] + [f.value for f in finals])


def build_param_concat(b: Builder, ins: List[Value], attrs: Dict[str, Any]) -> Value:
    """`_rnn_param_concat`: MXNet's Concat for the RNN's packed parameters."""
    return b.op("Concat", *ins, dim=int(attrs.get("dim", 1)), num_args=len(ins))


def rnn_mappings(mapping_cls) -> Dict[str, Any]:
    """The mappings of this module (`mapping_cls` is `mxnet_ops.OpMapping`)."""
    return {
        "RNN": mapping_cls("FullyConnected", build_rnn, arity=(3, 5), outputs=rnn_outputs),
        "_rnn_param_concat": mapping_cls("Concat", build_param_concat, arity=(1, None),
                                         ignore=("num_args",)),
    }
