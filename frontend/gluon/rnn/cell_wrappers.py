"""Cells built from other cells (MXNet 1.9.1's gluon/rnn/rnn_cell.py, second half):
SequentialRNNCell, HybridSequentialRNNCell, DropoutCell, ModifierCell, ZoneoutCell,
ResidualCell and BidirectionalCell."""
from __future__ import annotations

from numbers import Number
from typing import Any, List, Optional

from ... import ndarray
from .rnn_cell import (HybridRecurrentCell, RecurrentCell, cells_begin_state,
                       cells_state_info, format_sequence, get_begin_state, mask_steps)

__all__ = ["SequentialRNNCell", "HybridSequentialRNNCell", "DropoutCell", "ModifierCell",
           "ZoneoutCell", "ResidualCell", "BidirectionalCell"]


def _indent(s: str, num_spaces: int) -> str:
    lines = s.split("\n")
    return "\n".join([lines[0]] + [" " * num_spaces + line for line in lines[1:]])


class _StackMixin:
    """Stepping and unrolling a stack of cells, each feeding the next."""

    def __repr__(self) -> str:
        return "%s(\n%s\n)" % (type(self).__name__, "\n".join(
            "(%s): %s" % (i, _indent(repr(m), 2)) for i, m in self._children.items()))

    def add(self, cell) -> None:
        """Append a cell to the stack."""
        self.register_child(cell)

    def state_info(self, batch_size: int = 0) -> List[dict]:
        return cells_state_info(self._children.values(), batch_size)

    def begin_state(self, **kwargs: Any) -> list:
        if self._modified:
            raise RuntimeError("After applying modifier cells (e.g. ZoneoutCell) the base "
                               "cell cannot be called directly. Call the modifier cell "
                               "instead.")
        return cells_begin_state(self._children.values(), **kwargs)

    def __call__(self, inputs, states):
        self._counter += 1
        next_states = []
        p = 0
        for cell in self._children.values():
            if isinstance(cell, BidirectionalCell):
                raise NotImplementedError("Bidirectional cannot be stepped. Please use unroll")
            n = len(cell.state_info())
            inputs, state = cell(inputs, states[p:p + n])
            p += n
            next_states.append(state)
        return inputs, sum(next_states, [])

    def unroll(self, length: int, inputs, begin_state=None, layout: str = "NTC",
               merge_outputs: Optional[bool] = None, valid_length=None):
        self.reset()
        inputs, _, F, batch_size = format_sequence(length, inputs, layout, None)
        num_cells = len(self._children)
        begin_state = get_begin_state(self, F, begin_state, inputs, batch_size)
        p = 0
        next_states = []
        for i, cell in enumerate(self._children.values()):
            n = len(cell.state_info())
            states = begin_state[p:p + n]
            p += n
            inputs, states = cell.unroll(
                length, inputs=inputs, begin_state=states, layout=layout,
                merge_outputs=None if i < num_cells - 1 else merge_outputs,
                valid_length=valid_length)
            next_states.extend(states)
        return inputs, next_states

    def __getitem__(self, i):
        return self._children[str(i)]

    def __len__(self) -> int:
        return len(self._children)


class SequentialRNNCell(_StackMixin, RecurrentCell):
    """A stack of cells: each step runs the cells in order."""

    def __init__(self, prefix=None, params=None) -> None:
        super().__init__(prefix=prefix, params=params)

    def hybrid_forward(self, *args, **kwargs):
        """A SequentialRNNCell is not hybrid: it runs its cells through `__call__`."""
        raise NotImplementedError


class HybridSequentialRNNCell(_StackMixin, HybridRecurrentCell):
    """A stack of hybrid cells."""

    def __init__(self, prefix=None, params=None) -> None:
        super().__init__(prefix=prefix, params=params)

    def hybrid_forward(self, F, inputs, states):
        return self.__call__(inputs, states)


class DropoutCell(HybridRecurrentCell):
    """Dropout on the inputs of each step (no states)."""

    def __init__(self, rate: float, axes=(), prefix=None, params=None) -> None:
        super().__init__(prefix, params)
        if not isinstance(rate, Number):
            raise TypeError("rate must be a number, got %s" % type(rate).__name__)
        self._rate = rate
        self._axes = axes

    def __repr__(self) -> str:
        return "%s(rate=%s, axes=%s)" % (type(self).__name__, self._rate, self._axes)

    def state_info(self, batch_size: int = 0) -> List[dict]:
        return []

    def _alias(self) -> str:
        return "dropout"

    def hybrid_forward(self, F, inputs, states):
        if self._rate > 0:
            inputs = F.Dropout(inputs, p=self._rate, axes=self._axes)
        return inputs, states

    def unroll(self, length: int, inputs, begin_state=None, layout: str = "NTC",
               merge_outputs: Optional[bool] = None, valid_length=None):
        self.reset()
        inputs, _, F, _ = format_sequence(length, inputs, layout, merge_outputs)
        if isinstance(inputs, ndarray.NDArray):
            return self.hybrid_forward(F, inputs, begin_state if begin_state else [])
        return super().unroll(length, inputs, begin_state=begin_state, layout=layout,
                              merge_outputs=merge_outputs, valid_length=None)


class ModifierCell(HybridRecurrentCell):
    """Base class of cells that wrap another cell (`base_cell`) and change its steps."""

    def __init__(self, base_cell) -> None:
        if base_cell._modified:
            raise ValueError("Cell %s is already modified. One cell cannot be modified twice"
                             % base_cell.name)
        base_cell._modified = True
        super().__init__(prefix=base_cell.prefix + self._alias(), params=None)
        self.base_cell = base_cell

    @property
    def params(self):
        return self.base_cell.params

    def state_info(self, batch_size: int = 0) -> List[dict]:
        return self.base_cell.state_info(batch_size)

    def begin_state(self, func=ndarray.zeros, **kwargs: Any) -> list:
        if self._modified:
            raise RuntimeError("After applying modifier cells (e.g. DropoutCell) the base "
                               "cell cannot be called directly. Call the modifier cell "
                               "instead.")
        self.base_cell._modified = False
        try:
            return self.base_cell.begin_state(func=func, **kwargs)
        finally:
            self.base_cell._modified = True

    def hybrid_forward(self, F, inputs, states):
        raise NotImplementedError

    def __repr__(self) -> str:
        return "%s(%r)" % (type(self).__name__, self.base_cell)


class ZoneoutCell(ModifierCell):
    """Zoneout: each output and state unit keeps its previous value with probability
    zoneout_outputs / zoneout_states while training."""

    def __init__(self, base_cell, zoneout_outputs: float = 0., zoneout_states: float = 0.):
        if isinstance(base_cell, BidirectionalCell):
            raise ValueError("BidirectionalCell doesn't support zoneout since it doesn't "
                             "support step. Please add ZoneoutCell to the cells underneath "
                             "instead.")
        super().__init__(base_cell)
        self.zoneout_outputs = zoneout_outputs
        self.zoneout_states = zoneout_states
        self._prev_output = None

    def __repr__(self) -> str:
        return "%s(p_out=%s, p_state=%s, %r)" % (type(self).__name__, self.zoneout_outputs,
                                                 self.zoneout_states, self.base_cell)

    def _alias(self) -> str:
        return "zoneout"

    def reset(self) -> None:
        super().reset()
        self._prev_output = None

    def hybrid_forward(self, F, inputs, states):
        cell, p_outputs, p_states = self.base_cell, self.zoneout_outputs, self.zoneout_states
        next_output, next_states = cell(inputs, states)

        def mask(p, like):
            return F.Dropout(F.ones_like(like), p=p)

        prev_output = self._prev_output
        if prev_output is None:
            prev_output = F.zeros_like(next_output)
        output = (F.where(mask(p_outputs, next_output), next_output, prev_output)
                  if p_outputs != 0. else next_output)
        states = ([F.where(mask(p_states, new_s), new_s, old_s)
                   for new_s, old_s in zip(next_states, states)]
                  if p_states != 0. else next_states)
        self._prev_output = output
        return output, states


class ResidualCell(ModifierCell):
    """Adds each step's input to its output."""

    def hybrid_forward(self, F, inputs, states):
        output, states = self.base_cell(inputs, states)
        return output + inputs, states

    def unroll(self, length: int, inputs, begin_state=None, layout: str = "NTC",
               merge_outputs: Optional[bool] = None, valid_length=None):
        self.reset()
        self.base_cell._modified = False
        try:
            outputs, states = self.base_cell.unroll(
                length, inputs=inputs, begin_state=begin_state, layout=layout,
                merge_outputs=merge_outputs, valid_length=valid_length)
        finally:
            self.base_cell._modified = True
        if merge_outputs is None:
            merge_outputs = isinstance(outputs, ndarray.NDArray)
        inputs, axis, F, _ = format_sequence(length, inputs, layout, merge_outputs)
        if valid_length is not None:
            inputs = mask_steps(F, inputs, length, valid_length, axis, merge_outputs)
        if merge_outputs:
            return outputs + inputs, states
        return [o + i for o, i in zip(outputs, inputs)], states


class BidirectionalCell(HybridRecurrentCell):
    """Runs `l_cell` forward and `r_cell` backward in time and concatenates their outputs;
    it can only be unrolled."""

    def __init__(self, l_cell, r_cell, output_prefix: str = "bi_") -> None:
        super().__init__(prefix="", params=None)
        self.register_child(l_cell, "l_cell")
        self.register_child(r_cell, "r_cell")
        self._output_prefix = output_prefix

    def __call__(self, inputs, states):
        raise NotImplementedError("Bidirectional cannot be stepped. Please use unroll")

    def __repr__(self) -> str:
        return "%s(forward=%r, backward=%r)" % (type(self).__name__, self._children["l_cell"],
                                                self._children["r_cell"])

    def state_info(self, batch_size: int = 0) -> List[dict]:
        return cells_state_info(self._children.values(), batch_size)

    def begin_state(self, **kwargs: Any) -> list:
        if self._modified:
            raise RuntimeError("After applying modifier cells (e.g. DropoutCell) the base "
                               "cell cannot be called directly. Call the modifier cell "
                               "instead.")
        return cells_begin_state(self._children.values(), **kwargs)

    def unroll(self, length: int, inputs, begin_state=None, layout: str = "NTC",
               merge_outputs: Optional[bool] = None, valid_length=None):
        """Unroll both cells over the sequence (the right cell over each sequence reversed
        within its `valid_length`) and concatenate their outputs per step."""
        self.reset()
        inputs, axis, F, batch_size = format_sequence(length, inputs, layout, False)
        begin_state = get_begin_state(self, F, begin_state, inputs, batch_size)
        l_cell, r_cell = self._children.values()
        n = len(l_cell.state_info(batch_size))
        l_outputs, l_states = l_cell.unroll(length, inputs=inputs, begin_state=begin_state[:n],
                                            layout=layout, merge_outputs=merge_outputs,
                                            valid_length=valid_length)
        r_outputs, r_states = r_cell.unroll(length, inputs=_reverse(F, inputs, valid_length),
                                            begin_state=begin_state[n:], layout=layout,
                                            merge_outputs=False, valid_length=valid_length)
        r_outputs = _reverse(F, r_outputs, valid_length)
        if merge_outputs is None:
            merge_outputs = isinstance(l_outputs, ndarray.NDArray)
            l_outputs, _, _, _ = format_sequence(None, l_outputs, layout, merge_outputs)
            r_outputs, _, _, _ = format_sequence(None, r_outputs, layout, merge_outputs)
        if merge_outputs:
            if not isinstance(r_outputs, ndarray.NDArray):
                r_outputs = F.stack(*r_outputs, axis=axis)
            outputs = F.concat(l_outputs, r_outputs, dim=2)
        else:
            outputs = [F.concat(lo, ro, dim=1) for lo, ro in zip(l_outputs, r_outputs)]
        if valid_length is not None:
            outputs = mask_steps(F, outputs, length, valid_length, axis, merge_outputs)
        return outputs, l_states + r_states


def _reverse(F, steps: list, valid_length) -> list:
    """The list of steps reversed in time (each sequence within its valid length)."""
    if valid_length is None:
        return list(reversed(steps))
    flipped = F.SequenceReverse(F.stack(*steps, axis=0), sequence_length=valid_length,
                                use_sequence_length=True)
    return list(F.split(flipped, axis=0, num_outputs=len(steps), squeeze_axis=True)) \
        if len(steps) > 1 else [F.squeeze(flipped, axis=0)]
