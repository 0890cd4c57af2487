"""`mx.nd.RNN`: MXNet's fused recurrent operator (rnn_relu, rnn_tanh, lstm, gru; stacked,
bidirectional) taking all weights as one packed parameter vector. MXNet runs one opaque
kernel; here the vector is sliced into the per-layer matrices and the recurrence unrolls
with registered operators (tapegraph.ir.recurrent, shared with gluon.rnn and the symbol
loader), so the result is ordinary IR: recorded, exported and differentiated to any order.

Packing (MXNet's): every weight first — for each layer, for each direction, i2h (G*H, I)
then h2h (G*H, H) — then every bias in the same order (i2h (G*H,), h2h (G*H,)); G is 1,
4 or 3 gates (LSTM: in, forget, cell, out; GRU: reset, update, new)."""
from __future__ import annotations

from types import SimpleNamespace
from typing import Dict

from ..ir.errors import MXNetError
from ..trace.tape import STATE
from ..ir import recurrent
from ..ir.recurrent import param_layout
from .ndarray import NDArray
from .ops import NAMESPACE, _as_inputs, reject_unknown_kwargs

_ARGS = ("state_size", "num_layers", "bidirectional", "mode", "p", "state_outputs",
         "projection_size", "lstm_state_clip_min", "lstm_state_clip_max",
         "lstm_state_clip_nan", "use_sequence_length")


def _unpack(parameters: NDArray, layout) -> Dict[str, NDArray]:
    pieces, offset = {}, 0
    for name, shape in layout:
        size = 1
        for s in shape:
            size *= s
        flat = NAMESPACE["slice"](parameters, begin=(offset,), end=(offset + size,))
        pieces[name] = NAMESPACE["Reshape"](flat, shape=shape)
        offset += size
    return pieces


def RNN(data, parameters, state, state_cell=None, sequence_length=None, *, state_size,
        num_layers, mode, bidirectional=False, p=0.0, state_outputs=False,
        projection_size=None, lstm_state_clip_min=None, lstm_state_clip_max=None,
        lstm_state_clip_nan=False, use_sequence_length=False, out=None, **kw):
    """Run the fused recurrent layer over `data` (T, N, I) from `state` (L*D, N, H) (and,
    for LSTM, `state_cell`). Returns the outputs (T, N, D*H), or with state_outputs=True
    the list [outputs, final h (, final c)]. `p` is the dropout between layers (train
    mode only)."""
    reject_unknown_kwargs("RNN", kw, _ARGS)
    if mode not in recurrent.GATES:
        raise MXNetError("Invalid Input: '%s', valid values are: {'gru', 'lstm', 'rnn_relu', "
                         "'rnn_tanh'}" % (mode,))
    if projection_size is not None or lstm_state_clip_min is not None \
            or lstm_state_clip_max is not None or use_sequence_length:
        raise MXNetError("RNN: projection_size, lstm_state_clip_* and use_sequence_length "
                         "are only available with cuDNN in MXNet 1.9.1 (not on CPU)")
    hidden, layers, dirs = int(state_size), int(num_layers), 2 if bidirectional else 1
    arrays = [data, parameters, state] + ([state_cell] if mode == "lstm" else [])
    if mode == "lstm" and state_cell is None:
        raise MXNetError("RNN: mode='lstm' needs state_cell (the initial cell state)")
    arrays = _as_inputs(arrays)
    data, parameters, states = arrays[0], arrays[1], arrays[2:]
    if data.ndim != 3:
        raise MXNetError("RNN: data must be 3-d (seq_length, batch, input_size), got %s"
                         % (data.shape,))
    layout = param_layout(mode, data.shape[2], hidden, layers, bool(bidirectional))
    expected = sum(int(s[0]) * (int(s[1]) if len(s) > 1 else 1) for _, s in layout)
    if parameters.shape != (expected,):
        raise MXNetError("RNN: parameters of shape %s, expected (%d,) for mode=%s, "
                         "input_size=%d, state_size=%d, num_layers=%d, bidirectional=%s"
                         % (parameters.shape, expected, mode, data.shape[2], hidden, layers,
                            bool(bidirectional)))
    want = (layers * dirs, data.shape[1], hidden)
    for s in states:
        if s.shape != want:
            raise MXNetError("RNN: state of shape %s, expected %s" % (s.shape, want))
    F = SimpleNamespace(**NAMESPACE)
    dropout = float(p) if STATE.training else 0.0
    outputs, finals = recurrent.layer_sequence(
        F, mode, data, states, _unpack(parameters, layout), hidden, layers,
        bool(bidirectional), dropout)
    if not state_outputs:
        return outputs
    return [outputs] + list(finals)


NAMESPACE["RNN"] = RNN
