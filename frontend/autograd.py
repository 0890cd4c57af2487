"""`mx.autograd`: recording scopes, backward, grad, mark_variables, Function, get_symbol.

Gradients come from a backward IR graph derived by `tapegraph.passes.grad` and executed
by `tapegraph.runtime` (see `tapegraph.engine`).
"""
from __future__ import annotations

from array import array  # noqa: F401  (MXNet's module binds Python's array.array)
from typing import Any, List, Optional, Sequence, Union

from .ir import TensorType
from .ir.errors import GradReqError, MXNetError
from .trace.tape import STATE, new_tape
from .trace.values import VariableValue
from .accel.gc_pause import pause_gc, resume_gc
from .autodiff.function import Function
from .autodiff import engine
from .ndarray import NDArray
from .ndarray.ndarray import bad_grad_req
from .passes import inline
from .symbol.graph.naming import caller_names, graph_names
from .symbol.api.symbol import Symbol, symbol_from_arrays

__all__ = ["Function", "backward", "get_symbol", "grad", "is_recording", "is_training",
           "backward_graph", "mark_variables", "pause", "predict_mode", "record", "set_recording",
           "set_training", "train_mode"]


def set_recording(is_recording: bool) -> bool:
    """Turn recording on or off; returns the previous state."""
    previous = STATE.recording
    if is_recording and not previous:
        new_tape()
    STATE.recording = bool(is_recording)
    return previous


def set_training(train_mode: bool) -> bool:
    """Set training (True) or predicting (False) mode; returns the previous state."""
    previous = STATE.training
    STATE.training = bool(train_mode)
    return previous


def is_recording() -> bool:
    """Whether operations are being recorded (this thread)."""
    return STATE.recording


def is_training() -> bool:
    """Whether operators run in training mode (this thread)."""
    return STATE.training


class _Scope:
    """Sets recording and/or training for a `with` block and restores both on exit, even
    when the block raises."""

    __slots__ = ("_enter_record", "_enter_train", "_prev_record", "_prev_train")

    def __init__(self, is_record: Optional[bool], train_mode: Optional[bool]):
        self._enter_record = is_record
        self._enter_train = train_mode
        self._prev_record = None
        self._prev_train = None

    def __enter__(self):
        state = STATE
        self._prev_record = previous = state.recording
        self._prev_train = state.training
        record = self._enter_record
        if record is not None:
            state.recording = record
        if self._enter_train is not None:
            state.training = self._enter_train
        if record:
            if not previous:
                new_tape()  # an outermost recording scope: operators go on a fresh tape
            pause_gc()
        return self

    def __exit__(self, *exc):
        state = STATE
        state.recording = self._prev_record
        state.training = self._prev_train
        if self._enter_record:
            resume_gc()
        return False


def record(train_mode: bool = True) -> _Scope:
    """Scope in which operations are recorded for differentiation (training mode by default)."""
    return _Scope(True, train_mode)


def pause(train_mode: bool = False) -> _Scope:
    """Scope in which recording is off (predict mode by default)."""
    return _Scope(False, train_mode)


def train_mode() -> _Scope:
    """Scope in training mode, recording unchanged."""
    return _Scope(None, True)


def predict_mode() -> _Scope:
    """Scope in predict mode, recording unchanged."""
    return _Scope(None, False)


def _as_list(x) -> List[Any]:
    if x is None:
        return []
    return list(x) if isinstance(x, (list, tuple)) else [x]


def mark_variables(variables, gradients, grad_reqs: Union[str, Sequence[str]] = "write") -> None:
    """Mark arrays as variables whose gradients go into `gradients` (buffers used in place)."""
    variables, gradients = _as_list(variables), _as_list(gradients)
    if len(variables) != len(gradients):
        raise MXNetError("mark_variables: %d variables but %d gradient buffers"
                         % (len(variables), len(gradients)))
    reqs = [grad_reqs] * len(variables) if isinstance(grad_reqs, str) else list(grad_reqs)
    if len(reqs) != len(variables):
        raise MXNetError("mark_variables: %d variables but %d grad_reqs"
                         % (len(variables), len(reqs)))
    for i, (v, g, r) in enumerate(zip(variables, gradients, reqs)):
        if not isinstance(v, NDArray) or not isinstance(g, NDArray):
            raise MXNetError("mark_variables: entry %d is not a pair of NDArrays" % i)
        if r not in ("write", "add", "null"):
            raise GradReqError("mark_variables: entry %d: %s" % (i, bad_grad_req(r)))
        if v.shape != g.shape:
            raise MXNetError("mark_variables: variable %d has shape %s but its gradient buffer "
                             "has shape %s" % (i, v.shape, g.shape))
    for v, g, r in zip(variables, gradients, reqs):
        v._value = VariableValue(TensorType.get(v.shape, v._data.dtype), v._data, g, r)


def backward(heads, head_grads=None, retain_graph: bool = False, train_mode: bool = True,
             pipeline=None) -> None:
    """Compute gradients of `heads` with respect to the marked variables, into their
    gradient buffers (grad_req 'write' overwrites, 'add' accumulates)."""
    heads = _as_list(heads)
    hg = None if head_grads is None else _as_list(head_grads)
    if hg is not None and len(hg) != len(heads):
        raise MXNetError("backward: %d head gradients for %d heads" % (len(hg), len(heads)))
    engine.run_backward(heads, hg, None, retain_graph, False, train_mode, pipeline)


def grad(heads, variables, head_grads=None, retain_graph: Optional[bool] = None,
         create_graph: bool = False, train_mode: bool = True, pipeline=None):
    """Gradients of `heads` with respect to `variables`, returned as new arrays (a list).

    With `create_graph=True` the gradient computation is recorded, so the results can
    be differentiated again (to any order).
    """
    heads = _as_list(heads)
    variables_list = _as_list(variables)
    if not variables_list:
        raise MXNetError("grad: no variables given (pass the arrays to differentiate with "
                         "respect to)")
    hg = None if head_grads is None else _as_list(head_grads)
    if retain_graph is None:
        retain_graph = create_graph
    grads = engine.run_backward(heads, hg, variables_list, retain_graph, create_graph,
                                train_mode, pipeline)
    if create_graph:
        return list(grads)
    cls = type(variables_list[0])
    return [cls._wrap(g if g.dtype == v._data.dtype else g.astype(v._data.dtype))
            for g, v in zip(grads, variables_list)]


def backward_graph(heads, variables, head_grads=None, optimized: bool = True, pipeline=None):
    """The IR of the gradient computation of `heads` w.r.t. `variables`, as a Symbol.

    With `optimized=False` it is the joint graph straight from the gradient pass (the
    forward nodes followed by the backward nodes); otherwise the graph the runtime runs
    (forward values as inputs, after the pipeline). Gradients recorded with
    `create_graph=True` appear as their operators (the `inline` pass). Nothing is
    executed or freed.
    """
    heads, variables = _as_list(heads), _as_list(variables)
    joint, final = engine.backward_graphs(heads, variables, head_grads, pipeline)
    # Recorded gradient computations (create_graph) are shown as their operators.
    joint, final = inline(joint), inline(final)
    # Name every value of the joint graph (user variables first), so the optimized graph's
    # residual inputs read as the forward values they stand for.
    values = list(joint.inputs) + [v for n in joint.nodes for v in n.outputs]
    names = graph_names(joint, caller_names(values))
    graph = final if optimized else joint
    labels = ["grad " + names.get(v._value, "input%d" % i) for i, v in enumerate(variables)]
    return Symbol.from_graph(graph, names,
                             np_mode=bool(getattr(type(heads[0]), "_bool_comparisons", False)),
                             output_labels=labels)


def get_symbol(x):
    """The recorded computation that produced `x`, as a Symbol."""
    return symbol_from_arrays(_as_list(x))
