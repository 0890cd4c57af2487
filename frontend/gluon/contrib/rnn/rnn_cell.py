"""`gluon.contrib.rnn`'s other cells (MXNet 1.9.1's contrib/rnn/rnn_cell.py):
VariationalDropoutCell (one dropout mask per sequence), LSTMPCell (an LSTM whose
recurrent state is a projection of h) and `dynamic_unroll` (a cell run over a sequence
with `contrib.foreach`)."""
from __future__ import annotations

from typing import List, Optional

from .... import ndarray
from ....ir import recurrent as _kernels
from ...rnn.cell_wrappers import BidirectionalCell, ModifierCell
from ...rnn.rnn_cell import (HybridRecurrentCell, format_sequence, get_begin_state,
                             mask_steps)

__all__ = ["VariationalDropoutCell", "LSTMPCell"]


class VariationalDropoutCell(ModifierCell):
    """Variational dropout (https://arxiv.org/pdf/1512.05287.pdf) on `base_cell`: one
    dropout mask for the inputs, one for the first state (h) and one for the outputs, drawn
    at the first step and kept until `reset()` (which `unroll` calls), so every time step
    drops the same units. A rate of 0 applies no dropout; outside training mode Dropout is
    the identity."""

    def __init__(self, base_cell, drop_inputs: float = 0., drop_states: float = 0.,
                 drop_outputs: float = 0.) -> None:
        if drop_states and isinstance(base_cell, BidirectionalCell):
            raise ValueError("BidirectionalCell doesn't support variational state dropout. "
                             "Please add VariationalDropoutCell to the cells underneath "
                             "instead.")
        super().__init__(base_cell)
        self.drop_inputs = drop_inputs
        self.drop_states = drop_states
        self.drop_outputs = drop_outputs
        self.drop_inputs_mask = None
        self.drop_states_mask = None
        self.drop_outputs_mask = None

    def _alias(self) -> str:
        return "vardrop"

    def reset(self) -> None:
        super().reset()
        self.drop_inputs_mask = None
        self.drop_states_mask = None
        self.drop_outputs_mask = None

    def _initialize_input_masks(self, F, inputs, states) -> None:
        if self.drop_states and self.drop_states_mask is None:
            self.drop_states_mask = F.Dropout(F.ones_like(states[0]), p=self.drop_states)
        if self.drop_inputs and self.drop_inputs_mask is None:
            self.drop_inputs_mask = F.Dropout(F.ones_like(inputs), p=self.drop_inputs)

    def _initialize_output_mask(self, F, output) -> None:
        if self.drop_outputs and self.drop_outputs_mask is None:
            self.drop_outputs_mask = F.Dropout(F.ones_like(output), p=self.drop_outputs)

    def hybrid_forward(self, F, inputs, states):
        self._initialize_input_masks(F, inputs, states)
        if self.drop_states:
            states = list(states)
            # only h, always the first state, is dropped
            states[0] = states[0] * self.drop_states_mask
        if self.drop_inputs:
            inputs = inputs * self.drop_inputs_mask
        next_output, next_states = self.base_cell(inputs, states)
        self._initialize_output_mask(F, next_output)
        if self.drop_outputs:
            next_output = next_output * self.drop_outputs_mask
        return next_output, next_states

    def __repr__(self) -> str:
        return "%s(p_out = %s, p_state = %s)" % (type(self).__name__, self.drop_outputs,
                                                 self.drop_states)

    def unroll(self, length: int, inputs, begin_state=None, layout: str = "NTC",
               merge_outputs: Optional[bool] = None, valid_length=None):
        """Unroll as any cell; without state dropout, the input and output dropout run on
        the whole sequence at once (masks shared along the time axis)."""
        if self.drop_states:
            return super().unroll(length, inputs, begin_state, layout, merge_outputs,
                                  valid_length=valid_length)
        self.reset()
        inputs, axis, F, batch_size = format_sequence(length, inputs, layout, True)
        states = get_begin_state(self, F, begin_state, inputs, batch_size)
        if self.drop_inputs:
            inputs = F.Dropout(inputs, p=self.drop_inputs, axes=(axis,))
        outputs, states = self.base_cell.unroll(length, inputs, states, layout,
                                                merge_outputs=True, valid_length=valid_length)
        if self.drop_outputs:
            outputs = F.Dropout(outputs, p=self.drop_outputs, axes=(axis,))
        if merge_outputs is None:
            merge_outputs = isinstance(outputs, ndarray.NDArray)
        outputs, _, _, _ = format_sequence(length, outputs, layout, merge_outputs)
        if valid_length is not None:
            outputs = mask_steps(F, outputs, length, valid_length, axis, merge_outputs)
        return outputs, states


class LSTMPCell(HybridRecurrentCell):
    """LSTM with a projected recurrent state (https://arxiv.org/abs/1402.1128): the LSTM's
    gates [in, forget, cell, out] read r_{t-1} (projection_size) instead of h_{t-1};
    c_t = f c_{t-1} + i tanh(g), h_t = o tanh(c_t), r_t = W_hr h_t (no bias). The output is
    r_t; states [r, c] of shapes (N, projection_size) and (N, hidden_size)."""

    def __init__(self, hidden_size: int, projection_size: int, i2h_weight_initializer=None,
                 h2h_weight_initializer=None, h2r_weight_initializer=None,
                 i2h_bias_initializer="zeros", h2h_bias_initializer="zeros",
                 input_size: int = 0, prefix=None, params=None) -> None:
        super().__init__(prefix=prefix, params=params)
        self._hidden_size = hidden_size
        self._input_size = input_size
        self._projection_size = projection_size
        rows = 4 * hidden_size
        self.i2h_weight = self.params.get("i2h_weight", shape=(rows, input_size),
                                          init=i2h_weight_initializer,
                                          allow_deferred_init=True)
        self.h2h_weight = self.params.get("h2h_weight", shape=(rows, projection_size),
                                          init=h2h_weight_initializer,
                                          allow_deferred_init=True)
        self.h2r_weight = self.params.get("h2r_weight", shape=(projection_size, hidden_size),
                                          init=h2r_weight_initializer,
                                          allow_deferred_init=True)
        self.i2h_bias = self.params.get("i2h_bias", shape=(rows,), init=i2h_bias_initializer,
                                        allow_deferred_init=True)
        self.h2h_bias = self.params.get("h2h_bias", shape=(rows,), init=h2h_bias_initializer,
                                        allow_deferred_init=True)

    def state_info(self, batch_size: int = 0) -> List[dict]:
        return [{"shape": (batch_size, self._projection_size), "__layout__": "NC"},
                {"shape": (batch_size, self._hidden_size), "__layout__": "NC"}]

    def _alias(self) -> str:
        return "lstmp"

    def infer_shape(self, inputs, *args) -> None:
        """The input size comes from the first input."""
        self.i2h_weight.shape = (self.i2h_weight.shape[0], inputs.shape[-1])

    def __repr__(self) -> str:
        shape = self.i2h_weight.shape
        return "%s(%s -> %s -> %s)" % (type(self).__name__, shape[1] or None, shape[0],
                                       self.h2r_weight.shape[0])

    def hybrid_forward(self, F, inputs, states, i2h_weight, h2h_weight, h2r_weight, i2h_bias,
                       h2h_bias):
        prefix = "t%d_" % self._counter
        n = 4 * self._hidden_size
        i2h = F.FullyConnected(data=inputs, weight=i2h_weight, bias=i2h_bias, num_hidden=n,
                               name=prefix + "i2h")
        h2h = F.FullyConnected(data=states[0], weight=h2h_weight, bias=h2h_bias, num_hidden=n,
                               name=prefix + "h2h")
        hidden, next_c = _kernels.named_lstm(
            F, i2h + h2h, states[1], lambda x, name: F.Activation(x, act_type="tanh", name=name),
            lambda key: prefix + key, out="hidden")
        next_r = F.FullyConnected(data=hidden, num_hidden=self._projection_size,
                                  weight=h2r_weight, no_bias=True, name=prefix + "out")
        return next_r, [next_r, next_c]


def dynamic_unroll(cell, inputs, begin_state, drop_inputs: float = 0,
                   drop_outputs: float = 0, layout: str = "TNC", valid_length=None):
    """Run `cell` over the sequence `inputs` (one array in `layout`) with
    `contrib.foreach`, from the states `begin_state`; returns (outputs, last states). With
    `valid_length` (N,), each sequence's states stop changing after its length and its
    outputs past it are zero. `drop_inputs` / `drop_outputs`: dropout rates of the inputs
    and outputs, masks shared along the time axis."""
    inputs, axis, F, _ = format_sequence(0, inputs, layout, True)
    axes = list(range(len(layout)))
    axes[0], axes[axis] = axes[axis], axes[0]
    if axis != 0:
        inputs = F.transpose(inputs, axes=axes)
    states = begin_state
    if drop_inputs:
        inputs = F.Dropout(inputs, p=drop_inputs, axes=(axis,))
    if valid_length is None:
        def loop_body(inputs, states):
            return cell(inputs, states)
    else:
        states = list(states) + [F.zeros((1,))]

        def loop_body(inputs, states):
            cell_states, iter_no = states[:-1], states[-1]
            out, new_states = cell(inputs, cell_states)
            new_states = list(new_states)
            going = F.broadcast_greater(valid_length, iter_no)
            for i, state in enumerate(cell_states):
                keep = F.reshape(going, shape=(-1,) + (1,) * (state.ndim - 1))
                new_states[i] = F.where(F.broadcast_like(keep, state), new_states[i], state)
            return out, new_states + [iter_no + 1]
    outputs, states = F.contrib.foreach(loop_body, inputs, states)
    if drop_outputs:
        outputs = F.Dropout(outputs, p=drop_outputs, axes=(axis,))
    if axis != 0:
        outputs = F.transpose(outputs, axes=axes)
    if valid_length is None:
        return outputs, states
    outputs = F.SequenceMask(outputs, sequence_length=valid_length, use_sequence_length=True,
                             axis=axis)
    return outputs, states[:-1]
