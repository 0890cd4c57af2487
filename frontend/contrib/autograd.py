"""`mx.contrib.autograd`: MXNet's pre-1.0 autograd API (`train_section`, `test_section`,
`mark_variables`, `backward`, `grad_and_loss`, `grad`), on top of `mx.autograd`.

`set_is_training(True)` turns on both recording and training mode, as in MXNet."""
from __future__ import annotations

import functools
from array import array  # noqa: F401  (MXNet's module binds Python's array.array)
from typing import Callable, List, Optional, Sequence, Union

from .. import autograd as _autograd
from ..ndarray import NDArray, zeros_like


def set_is_training(is_train: bool) -> bool:
    """Set recording and training mode together; returns the previous state."""
    prev = _autograd.set_training(bool(is_train))
    _autograd.set_recording(bool(is_train))
    return bool(prev)


class TrainingStateScope:
    """A `with` scope setting recording+training to `enter_state`, restored on exit."""

    def __init__(self, enter_state: bool):
        self._enter_state = enter_state
        self._prev: Optional[bool] = None

    def __enter__(self):
        self._prev = set_is_training(self._enter_state)

    def __exit__(self, ptype, value, trace):
        if self._prev != self._enter_state:
            set_is_training(self._prev)


def train_section() -> TrainingStateScope:
    """Record operations (in training mode) inside the block."""
    return TrainingStateScope(True)


def test_section() -> TrainingStateScope:
    """Stop recording (and training mode) inside the block."""
    return TrainingStateScope(False)


def mark_variables(variables: Sequence[NDArray], gradients: Sequence[NDArray],
                   grad_reqs: Union[str, Sequence[str]] = "write") -> None:
    """Attach `gradients` as the gradient buffers of `variables`."""
    _autograd.mark_variables(list(variables), list(gradients), grad_reqs)


def backward(outputs: Sequence[NDArray], out_grads: Optional[Sequence] = None,
             retain_graph: bool = False) -> None:
    """Gradients of `outputs` (a list) into the marked variables' buffers."""
    assert isinstance(outputs, (list, tuple)), "outputs must be a list or tuple of NDArrays"
    if out_grads is not None:
        assert len(out_grads) == len(outputs), \
            "outputs and out_grads must have the same length"
        out_grads = list(out_grads)
    _autograd.backward(list(outputs), out_grads, retain_graph=retain_graph)


def compute_gradient(outputs: Sequence[NDArray]) -> None:
    """`backward(outputs)`."""
    backward(outputs)


def grad_and_loss(func: Callable, argnum: Optional[Union[int, List[int]]] = None) -> Callable:
    """A function returning (gradients of `func` w.r.t. its arguments, `func`'s outputs);
    `argnum` selects which positional arguments."""
    @functools.wraps(func)
    def wrapped(*args):
        variables = args
        if argnum is not None:
            which = argnum if isinstance(argnum, list) else [argnum]
            variables = [args[i] for i in which]
        for x in variables:
            assert isinstance(x, NDArray), "type of autograd input should NDArray."
        grads = [zeros_like(x) for x in variables]
        mark_variables(variables, grads)
        with train_section():
            outputs = func(*args)
        compute_gradient([outputs] if isinstance(outputs, NDArray) else outputs)
        return grads, outputs
    return wrapped


def grad(func: Callable, argnum: Optional[Union[int, List[int]]] = None) -> Callable:
    """A function returning the gradients of `func` w.r.t. its arguments."""
    grad_with_loss = grad_and_loss(func, argnum)

    @functools.wraps(grad_with_loss)
    def wrapped(*args):
        return grad_with_loss(*args)[0]
    return wrapped
