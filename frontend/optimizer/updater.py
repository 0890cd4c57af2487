"""`Updater`: keeps each index's optimizer state and applies `Optimizer.update`, as
`mx.optimizer.get_updater` does; `get_states`/`set_states` serialize the states (and the
optimizer) in the format of `tapegraph.optimizer.states`."""
from __future__ import annotations

from typing import Any, Dict

from ..inplace import buffer
from . import lean as _lean
from .optimizer import Optimizer
from .states import dumps_states, loads_states


class Updater:
    """Calls `optimizer.update_multi_precision(index, weight, grad, state)`, creating each
    index's state on first use; aggregating optimizers (SGD) get groups of up to
    `aggregate_num` same-dtype weights at once, as in MXNet."""

    def __init__(self, optimizer: Optimizer) -> None:
        self.optimizer = optimizer
        self.states: Dict[Any, Any] = {}
        self.states_synced: Dict[Any, bool] = {}
        # whose update counts to use when one optimizer serves several contexts
        self.device_id = 0

    def __call__(self, index: Any, grad: Any, weight: Any) -> None:
        if not isinstance(index, (list, tuple)):
            indices, grads, weights = [index], [grad], [weight]
        else:
            indices, grads, weights = list(index), list(grad), list(weight)
        optimizer, states = self.optimizer, self.states
        optimizer._set_current_context(self.device_id)
        for i, idx in enumerate(indices):
            if isinstance(idx, bytes):
                indices[i] = idx = idx.decode()
            if idx not in states:
                states[idx] = optimizer.create_state_multi_precision(idx, weights[i])
        self.states_synced.update(dict.fromkeys(indices, True))
        if optimizer.aggregate_num <= 0:
            for i, w, g in zip(indices, weights, grads):
                optimizer.update_multi_precision(i, w, g, states[i])
            return
        by_dtype: Dict[Any, list] = {}
        for item in zip(indices, weights, grads):
            by_dtype.setdefault(buffer(item[1]).dtype, []).append(item)
        size = optimizer.aggregate_num
        for items in by_dtype.values():
            for start in range(0, len(items), size):
                group = items[start:start + size]
                idx = [item[0] for item in group]
                optimizer.update_multi_precision(idx, [item[1] for item in group],
                                                 [item[2] for item in group],
                                                 [states[i] for i in idx])

    def update_lean(self, indices: list, grads: list, weights: list) -> None:
        """`self(indices, grads, weights)` for lists of int indices and NDArrays, through
        `tapegraph.optimizer.lean` when it takes the optimizer and the arrays (the same
        updates, counts and states, with less Python); otherwise exactly that call."""
        run = _lean.runner(type(self.optimizer))
        found = _lean.buffers(weights, grads) if run is not None else None
        if found is None:
            self(indices, grads, weights)
            return
        _lean.make_states(self, indices, weights)
        run.run(self.optimizer, run.plan(self.optimizer, indices, *found), self.states)

    @property
    def aggregate_updates(self) -> bool:
        """Whether updates go to the optimizer in groups (`aggregate_num` > 0)."""
        return self.optimizer.aggregate_num > 0

    def sync_state_context(self, state: Any, context: Any) -> Any:
        """States live on the CPU here: returned as they are."""
        return state

    def set_states(self, states: bytes) -> None:
        """Restore states (and the optimizer, if it was saved with them)."""
        loaded, optimizer = loads_states(states, self.optimizer)
        self.states = loaded
        if optimizer is not None:
            self.optimizer = optimizer
        self.states_synced = dict.fromkeys(self.states, False)

    def get_states(self, dump_optimizer: bool = False) -> bytes:
        """The states (and the optimizer if `dump_optimizer`) as bytes."""
        return dumps_states(self.states, self.optimizer if dump_optimizer else None)


def get_updater(optimizer: Optimizer) -> Updater:
    """An `Updater` for `optimizer`."""
    return Updater(optimizer)
