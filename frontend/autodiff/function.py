"""`autograd.Function`: user-defined forward and backward.

A call records one `_CustomFunction` node. Its gradient rule emits a
`_CustomFunctionBackward` node, whose kernel calls the user's `backward`. When the
backward pass is itself recorded (`create_graph=True`) the user's `backward` runs under
recording instead, so gradients of any order flow through the operators it uses.
"""
from __future__ import annotations

from typing import Any, List, Sequence

import numpy as np

from ..ir import Node, REGISTRY, OpDef, TensorType, get_op
from ..ir.errors import MXNetError
from ..trace.invoke import invoke
from ..trace.builder import record
from ..trace.tape import STATE
from ..trace.values import TracedValue
from ..trace.key import FunctionSlot


class bound:
    """`with bound(instances):` compiled graphs run in this block call `instances[k]`
    where they hold `FunctionSlot(k)` (this thread; blocks nest)."""

    __slots__ = ("instances", "previous")

    def __init__(self, instances: Sequence["Function"]):
        self.instances = list(instances)

    def __enter__(self):
        self.previous = STATE.functions
        STATE.functions = self.instances
        return self

    def __exit__(self, *exc):
        STATE.functions = self.previous
        return False


def _resolve(function):
    """The instance a FunctionSlot stands for in the running backward."""
    if type(function) is FunctionSlot:
        return STATE.functions[function.index]
    return function


def _fn_label(fn) -> str:
    return fn.cls.__name__ if type(fn) is FunctionSlot else type(fn).__name__


def _forward_infer(ins, attrs):
    return list(attrs["function"]._tg_out_types)


def _forward_kernel(*arrays, function, num_outputs):
    """Re-run the user's forward on NumPy data (used when a graph is re-executed)."""
    from ..ndarray import NDArray
    function = _resolve(function)
    outs = function.forward(*[NDArray._wrap(a) for a in arrays])
    outs = outs if isinstance(outs, (list, tuple)) else (outs,)
    res = tuple(o._data for o in outs)
    return res if len(res) > 1 else res[0]


def _backward_infer(ins, attrs):
    return list(attrs["function"]._tg_in_types)


def _check_grads(function, grads, cls_default=None) -> List[Any]:
    name = _fn_label(function)
    grads = list(grads) if isinstance(grads, (list, tuple)) else [grads]
    want = function._tg_in_types
    if len(grads) != len(want):
        raise MXNetError("Function.backward of %s returned %d gradient(s), but forward took %d "
                         "input(s)" % (name, len(grads), len(want)))
    from ..ndarray import NDArray
    for i, (g, t) in enumerate(zip(grads, want)):
        if not isinstance(g, NDArray):
            raise MXNetError("Function.backward of %s returned a %s as gradient %d; expected an "
                             "NDArray" % (name, type(g).__name__, i))
        if g.shape != t.shape:
            raise MXNetError("Function.backward of %s returned gradient %d of shape %s for an "
                             "input of shape %s" % (name, i, g.shape, t.shape))
    return grads


def mark_user_error(e: BaseException, note: str) -> None:
    """Tag `e` as raised by user code, so the engine re-raises it as it is."""
    try:
        e._tg_user_code = True
        e.add_note(note)
    except (AttributeError, TypeError):  # exception types without a __dict__
        pass


def _backward_kernel(*cotangents, function, num_inputs):
    """Call the user's backward on NumPy cotangents with recording paused."""
    from ..ndarray import NDArray
    function = _resolve(function)
    cls = getattr(function, "_tg_cls", NDArray)
    previous = STATE.recording
    STATE.recording = False
    try:
        grads = function.backward(*[cls._wrap(c) for c in cotangents])
        grads = _check_grads(function, grads)
    except Exception as e:
        # Surfaced unwrapped by the engine: the user's own exception type and message.
        mark_user_error(e, "raised in %s.backward, called by autograd during backward"
                        % _fn_label(function))
        raise
    finally:
        STATE.recording = previous
    res = tuple(np.asarray(g._data, dtype=t.dtype) for g, t in zip(grads, function._tg_in_types))
    return res if len(res) > 1 else res[0]


CUSTOM = REGISTRY.add(OpDef("_CustomFunction", _forward_kernel, _forward_infer,
                            attrs={"function": None, "num_outputs": 1}, num_inputs=None,
                            callback=True, mxnet="Custom",
                            doc="A call of a user-defined autograd.Function."))
CUSTOM_BACKWARD = REGISTRY.add(OpDef(
    "_CustomFunctionBackward", _backward_kernel, _backward_infer,
    attrs={"function": None, "num_inputs": 1}, num_inputs=None, callback=True,
    nondiff_note="Runs the user's Python backward. It is differentiated by recording that "
                 "backward when create_graph=True.",
    doc="The backward of a user-defined autograd.Function."))


@CUSTOM.gradient
def _custom_vjp(b, node, cts):
    cts = [c if c is not None else b.op("zeros_like", v) for v, c in zip(node.outputs, cts)]
    fn = node.attrs["function"]
    out = b.op("_CustomFunctionBackward", *cts, function=fn, num_inputs=len(node.inputs))
    return list(out) if isinstance(out, tuple) else [out]


class Function:
    """Customize differentiation: subclass and define `forward` and `backward`.

    `forward(*inputs)` runs with recording paused and returns one or more NDArrays;
    `backward(*output_grads)` returns one gradient per input. `save_for_backward` keeps
    arrays for the backward pass (`saved_tensors`).
    """

    def __init__(self):
        self._saved_tensors = ()

    def save_for_backward(self, *args) -> None:
        self._saved_tensors = args

    @property
    def saved_tensors(self):
        return self._saved_tensors

    def forward(self, *inputs):
        raise NotImplementedError

    def backward(self, *output_grads):
        raise NotImplementedError

    def __call__(self, *inputs):
        from ..ndarray import NDArray
        for i, x in enumerate(inputs):
            if not isinstance(x, NDArray):
                raise MXNetError("%s: input %d is a %s; Function takes NDArrays"
                                 % (_fn_label(self), i, type(x).__name__))
        previous = STATE.recording
        STATE.recording = False
        try:
            outputs = self.forward(*inputs)
        finally:
            STATE.recording = previous
        single = not isinstance(outputs, (list, tuple))
        outs = [outputs] if single else list(outputs)
        for i, o in enumerate(outs):
            if not isinstance(o, NDArray):
                raise MXNetError("%s.forward returned a %s as output %d; expected NDArrays"
                                 % (_fn_label(self), type(o).__name__, i))
        if not (STATE.recording and any(x._value is not None for x in inputs)):
            return outputs
        self._tg_in_types = [TensorType.get(x.shape, x._data.dtype) for x in inputs]
        self._tg_out_types = [TensorType.get(o.shape, o._data.dtype) for o in outs]
        self._tg_cls = type(inputs[0])
        in_values = [x._value if x._value is not None else
                     TracedValue(TensorType.get(x.shape, x._data.dtype), None, x._data)
                     for x in inputs]
        out_values = record("_CustomFunction", in_values, self._tg_out_types,
                            [o._data for o in outs], {"function": self, "num_outputs": len(outs)})
        wrapped = []
        for v, o in zip(out_values, outs):
            arr = type(o)._wrap(o._data)
            arr._value = v
            wrapped.append(arr)
        return wrapped[0] if single else tuple(wrapped)


def replay_node(node: Node, inputs: Sequence[Any], cls) -> List[Any]:
    """Execute `node` on NDArrays through `invoke` (recording), for create_graph."""
    if node.op == "_CustomFunctionBackward":
        fn = _resolve(node.attrs["function"])
        grads = _check_grads(fn, fn.backward(*inputs))
        return grads
    out = invoke(get_op(node.op), list(inputs), node.attrs, out_cls=cls)
    return list(out) if isinstance(out, tuple) else [out]
