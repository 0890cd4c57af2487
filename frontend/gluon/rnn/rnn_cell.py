"""Recurrent cells (MXNet 1.9.1's gluon/rnn/rnn_cell.py, first half): the RecurrentCell base
with begin_state and unroll, and RNNCell, LSTMCell, GRUCell. One call is one time step;
`unroll` runs a sequence step by step, so an unrolled cell is plain IR."""
from __future__ import annotations

from typing import Any, List, Optional

from ... import ndarray
from ...util import is_np_array
from ..block import Block
from ..hybrid_block import HybridBlock
from ..nn.activations import LeakyReLU
from ...ir import recurrent as _kernels
from ...base import names_from

__all__ = ["RecurrentCell", "HybridRecurrentCell", "RNNCell", "LSTMCell", "GRUCell"]


SYMBOLIC_UNROLL = ("unrolling needs the sequence length and batch size, which Symbols do not "
                   "have: call with NDArrays (hybridize() traces them into one graph)")


def as_np_if_active(state):
    """An `mx.np` array under `npx.set_np()` (as MXNet's begin_state returns), else as is."""
    if is_np_array() and isinstance(state, ndarray.NDArray):
        return state.as_np_ndarray()
    return state


def _as_list(x) -> list:
    return list(x) if isinstance(x, (list, tuple)) else [x]


def cells_state_info(cells, batch_size: int) -> List[dict]:
    return sum([c.state_info(batch_size) for c in cells], [])


def cells_begin_state(cells, **kwargs: Any) -> list:
    return sum([c.begin_state(**kwargs) for c in cells], [])


def format_sequence(length: Optional[int], inputs, layout: str, merge: Optional[bool],
                    in_layout: Optional[str] = None):
    """(inputs as a list of steps or one merged array, time axis, F, batch size), as
    MXNet's _format_sequence: `merge` True stacks a list, False splits an array, None
    keeps what was given."""
    if inputs is None:
        raise ValueError("unroll(inputs=None) has been deprecated. Please create input "
                         "variables outside unroll.")
    first = inputs[0] if isinstance(inputs, (list, tuple)) and inputs else inputs
    if not isinstance(first, ndarray.NDArray):
        raise ValueError(SYMBOLIC_UNROLL)
    axis = layout.find("T")
    batch_axis = layout.find("N")
    in_axis = in_layout.find("T") if in_layout is not None else axis
    F = ndarray
    if isinstance(inputs, ndarray.NDArray):
        batch_size = inputs.shape[batch_axis]
        if merge is False:
            if length is not None and length != inputs.shape[in_axis]:
                raise ValueError("unroll: length %d does not match the %d steps of the input"
                                 % (length, inputs.shape[in_axis]))
            inputs = _as_list(F.split(inputs, axis=in_axis, num_outputs=inputs.shape[in_axis],
                                      squeeze_axis=1))
    else:
        if length is not None and len(inputs) != length:
            raise ValueError("unroll: length %d does not match the %d inputs given"
                             % (length, len(inputs)))
        batch_size = inputs[0].shape[0]
        if merge is True:
            inputs = F.stack(*inputs, axis=axis)
            in_axis = axis
    if isinstance(inputs, ndarray.NDArray) and axis != in_axis:
        inputs = F.SwapAxis(inputs, dim1=axis, dim2=in_axis)
    return inputs, axis, F, batch_size


def mask_steps(F, data, length: int, valid_length, time_axis: int, merge: bool):
    """Zero the steps past each sequence's valid length (one array, or a list of steps
    when `merge` is False), as MXNet's _mask_sequence_variable_length."""
    if not isinstance(data, ndarray.NDArray):
        data = F.stack(*data, axis=time_axis)
    outputs = F.SequenceMask(data, sequence_length=valid_length, use_sequence_length=True,
                             axis=time_axis)
    if not merge:
        outputs = _as_list(F.split(outputs, num_outputs=length, axis=time_axis,
                                   squeeze_axis=True))
    return outputs


def get_begin_state(cell, F, begin_state, inputs, batch_size: int) -> list:
    if begin_state is None:
        first = inputs if isinstance(inputs, ndarray.NDArray) else inputs[0]
        begin_state = cell.begin_state(func=F.zeros, batch_size=batch_size,
                                       dtype=first.dtype)
    return begin_state


class RecurrentCell(Block):
    """Abstract base class of recurrent cells: `cell(x_t, states) -> (out_t, states)`."""

    def __init__(self, prefix=None, params=None) -> None:
        super().__init__(prefix=prefix, params=params)
        self._modified = False
        self.reset()

    def reset(self) -> None:
        """Reset the step counters before a new sequence."""
        self._init_counter = -1
        self._counter = -1
        for cell in self._children.values():
            if hasattr(cell, "reset"):
                cell.reset()

    def state_info(self, batch_size: int = 0) -> List[dict]:
        """Shape and layout of each state."""
        raise NotImplementedError()

    def begin_state(self, batch_size: int = 0, func=ndarray.zeros, **kwargs: Any) -> list:
        """Initial states, made by `func` (zeros by default) from state_info."""
        if self._modified:
            raise RuntimeError("After applying modifier cells (e.g. ZoneoutCell) the base "
                               "cell cannot be called directly. Call the modifier cell "
                               "instead.")
        states = []
        for info in self.state_info(batch_size):
            self._init_counter += 1
            info = dict(info or {})
            info.update(kwargs)
            info.pop("__layout__", None)
            state = func(name="%sbegin_state_%d" % (self._prefix, self._init_counter), **info)
            states.append(as_np_if_active(state))
        return states

    def unroll(self, length: int, inputs, begin_state=None, layout: str = "NTC",
               merge_outputs: Optional[bool] = None, valid_length=None):
        """Run `length` steps over `inputs` (one array in `layout`, or a list of (N, C)
        steps); returns (outputs, last states). merge_outputs=True stacks the outputs
        into one array, False returns a list, None follows the input's form."""
        self.reset()
        inputs, axis, F, batch_size = format_sequence(length, inputs, layout, False)
        states = get_begin_state(self, F, begin_state, inputs, batch_size)
        outputs = []
        all_states = []
        for i in range(length):
            output, states = self(inputs[i], states)
            outputs.append(output)
            if valid_length is not None:
                all_states.append(states)
        if valid_length is not None:
            states = [F.SequenceLast(F.stack(*steps, axis=0), sequence_length=valid_length,
                                     use_sequence_length=True, axis=0)
                      for steps in zip(*all_states)]
            outputs = mask_steps(F, outputs, length, valid_length, axis, True)
        outputs, _, _, _ = format_sequence(length, outputs, layout, merge_outputs)
        return outputs, states

    def _get_activation(self, F, inputs, activation, **kwargs):
        """`activation` applied to `inputs`; `kwargs` (a node's `name`) go to F's operators,
        not to a block or callable."""
        func = {"tanh": F.tanh, "relu": F.relu, "sigmoid": F.sigmoid,
                "softsign": F.softsign}.get(activation)
        if func:
            return func(inputs, **kwargs)
        if isinstance(activation, str):
            return F.Activation(inputs, act_type=activation, **kwargs)
        if isinstance(activation, LeakyReLU):
            return F.LeakyReLU(inputs, act_type="leaky", slope=activation._alpha, **kwargs)
        return activation(inputs)

    def forward(self, inputs, states):
        self._counter += 1
        return super().forward(inputs, states)


class HybridRecurrentCell(RecurrentCell, HybridBlock):
    """A recurrent cell whose step is a hybrid_forward."""

    def __init__(self, prefix=None, params=None) -> None:
        super().__init__(prefix=prefix, params=params)

    def hybrid_forward(self, F, x, *args, **kwargs):
        raise NotImplementedError


class _GatedCell(HybridRecurrentCell):
    """A cell with i2h/h2h weights and biases of `gates * hidden_size` rows."""
    _mode = ""

    def __init__(self, hidden_size: int, i2h_weight_initializer=None,
                 h2h_weight_initializer=None, i2h_bias_initializer="zeros",
                 h2h_bias_initializer="zeros", input_size: int = 0, prefix=None,
                 params=None) -> None:
        super().__init__(prefix=prefix, params=params)
        self._hidden_size = hidden_size
        self._input_size = input_size
        rows = _kernels.GATES[self._mode] * hidden_size
        self.i2h_weight = self.params.get("i2h_weight", shape=(rows, input_size),
                                          init=i2h_weight_initializer,
                                          allow_deferred_init=True)
        self.h2h_weight = self.params.get("h2h_weight", shape=(rows, hidden_size),
                                          init=h2h_weight_initializer,
                                          allow_deferred_init=True)
        self.i2h_bias = self.params.get("i2h_bias", shape=(rows,), init=i2h_bias_initializer,
                                        allow_deferred_init=True)
        self.h2h_bias = self.params.get("h2h_bias", shape=(rows,), init=h2h_bias_initializer,
                                        allow_deferred_init=True)

    def infer_shape(self, inputs, *args) -> None:
        """The input size comes from the first input."""
        self.i2h_weight.shape = (self.i2h_weight.shape[0], inputs.shape[-1])

    def state_info(self, batch_size: int = 0) -> List[dict]:
        n = 2 if self._mode == "lstm" else 1
        return [{"shape": (batch_size, self._hidden_size), "__layout__": "NC"}
                for _ in range(n)]

    def _mapping(self) -> str:
        shape = self.i2h_weight.shape
        return "{0} -> {1}".format(shape[1] if shape[1] else None, shape[0])

    def __repr__(self) -> str:
        return "%s(%s)" % (type(self).__name__, self._mapping())

    def hybrid_forward(self, F, inputs, states, i2h_weight, h2h_weight, i2h_bias, h2h_bias):
        return _kernels.cell_step(F, self._mode, inputs, states, i2h_weight, h2h_weight,
                                  i2h_bias, h2h_bias, self._hidden_size)


class RNNCell(_GatedCell):
    """Elman RNN cell: h' = act(W_i x + b_i + W_h h + b_h); `activation` is a name or a
    LeakyReLU block (or any callable)."""
    _mode = "rnn_tanh"

    def __init__(self, hidden_size: int, activation: str = "tanh",
                 i2h_weight_initializer=None, h2h_weight_initializer=None,
                 i2h_bias_initializer="zeros", h2h_bias_initializer="zeros",
                 input_size: int = 0, prefix=None, params=None) -> None:
        super().__init__(hidden_size, i2h_weight_initializer, h2h_weight_initializer,
                         i2h_bias_initializer, h2h_bias_initializer, input_size, prefix,
                         params)
        self._activation = activation

    def _alias(self) -> str:
        return "rnn"

    def __repr__(self) -> str:
        return "%s(%s, %s)" % (type(self).__name__, self._mapping(), self._activation)

    def hybrid_forward(self, F, inputs, states, i2h_weight, h2h_weight, i2h_bias, h2h_bias):
        i2h = F.FullyConnected(inputs, i2h_weight, i2h_bias, num_hidden=self._hidden_size)
        h2h = F.FullyConnected(states[0], h2h_weight, h2h_bias, num_hidden=self._hidden_size)
        output = self._get_activation(F, i2h + h2h, self._activation)
        return output, [output]


class LSTMCell(_GatedCell):
    """LSTM cell (gates in, forget, cell, out): states [h, c]."""
    _mode = "lstm"

    def __init__(self, hidden_size: int, i2h_weight_initializer=None,
                 h2h_weight_initializer=None, i2h_bias_initializer="zeros",
                 h2h_bias_initializer="zeros", input_size: int = 0, prefix=None, params=None,
                 activation: str = "tanh", recurrent_activation: str = "sigmoid") -> None:
        super().__init__(hidden_size, i2h_weight_initializer, h2h_weight_initializer,
                         i2h_bias_initializer, h2h_bias_initializer, input_size, prefix,
                         params)
        self._activation = activation
        self._recurrent_activation = recurrent_activation

    def _alias(self) -> str:
        return "lstm"

    def hybrid_forward(self, F, inputs, states, i2h_weight, h2h_weight, i2h_bias, h2h_bias):
        if (self._activation, self._recurrent_activation) == ("tanh", "sigmoid"):
            return super().hybrid_forward(F, inputs, states, i2h_weight, h2h_weight, i2h_bias,
                                          h2h_bias)
        n = 4 * self._hidden_size
        gates = F.FullyConnected(inputs, i2h_weight, i2h_bias, num_hidden=n) + \
            F.FullyConnected(states[0], h2h_weight, h2h_bias, num_hidden=n)
        i, f, g, o = F.SliceChannel(gates, num_outputs=4)
        rec = self._recurrent_activation
        c = self._get_activation(F, f, rec) * states[1] + \
            self._get_activation(F, i, rec) * self._get_activation(F, g, self._activation)
        h = self._get_activation(F, o, rec) * self._get_activation(F, c, self._activation)
        return h, [h, c]


class GRUCell(_GatedCell):
    """GRU cell (gates reset, update, new; the reset gate scales h2h's new-gate term)."""
    _mode = "gru"

    def _alias(self) -> str:
        return "gru"

# Defined in MXNet's namesake of this module; kept in sibling modules here
__getattr__, __dir__ = names_from("tapegraph.gluon.rnn", (
    "BidirectionalCell", "DropoutCell", "HybridSequentialRNNCell", "ModifierCell",
    "ResidualCell", "SequentialRNNCell", "ZoneoutCell"), __name__)
