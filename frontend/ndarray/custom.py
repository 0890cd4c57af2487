"""`mx.nd.Custom`: a call of a registered custom operator (`mx.operator`), run through the
IR as an `autograd.Function` (it *is* one, see `CustomOpFunction`): one opaque
`_CustomFunction` region node is recorded, its gradient is a `_CustomFunctionBackward` node
calling the operator's `backward`, compiled plans are cached per operator type and types,
and with `create_graph=True` the backward is replayed under recording, so the arrays it
assigns carry gradients of any order.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence, Tuple

import numpy as np

from ..autodiff.function import Function
from ..base import MXNetError
from ..context import cpu
from ..trace.tape import STATE
from .ndarray import NDArray

REGISTRY: Dict[str, type] = {}  # op_type -> CustomOpProp subclass (mx.operator.register)


FUNCTIONS: Dict[str, type] = {}  # op_type -> its Function class (names plans and graphs)


class CustomOpFunction(Function):
    """One call of a custom operator as an `autograd.Function` (one subclass per op_type,
    named after it): forward and backward allocate MXNet's `out_data` / `in_grad` arrays,
    call the `CustomOp`, and return what it assigned."""

    op_type = ""

    def __init__(self, op: Any, prop: Any, aux: Sequence[Any], is_train: bool,
                 out_types: Sequence[Tuple[Tuple[int, ...], Any]],
                 kwargs: Optional[Dict[str, str]] = None):
        super().__init__()
        self.op, self.prop, self.aux, self.is_train = op, prop, list(aux), is_train
        self.out_types = list(out_types)
        self.kwargs = dict(kwargs or {})
        self.in_data: List[Any] = []
        self.out_data: List[Any] = []

    def mxnet_attrs(self) -> Optional[Dict[str, str]]:
        """The attributes of MXNet's `Custom` node for this call (`op_type` and the prop's
        keyword arguments, as strings), or None when the node's inputs cannot say it (a
        recorded call's auxiliary states are not inputs of its node)."""
        if self.aux:
            return None
        return dict(self.kwargs, op_type=self.op_type)

    def _run(self, call, dsts):
        self.op._tg_sink = sink = {}
        try:
            call()
        finally:
            self.op._tg_sink = None
        out = []
        for dst in dsts:
            got = sink.get(id(dst), (dst, dst))[1]
            out.append(_as_like(got, dst))
        return out

    def forward(self, *inputs):
        cls = type(inputs[0])
        out_data = [cls._wrap(np.zeros(s, dtype=d)) for s, d in self.out_types]
        req = ["write"] * len(out_data)
        outs = self._run(lambda: self.op.forward(self.is_train, req, list(inputs), out_data,
                                                 self.aux), out_data)
        self.in_data, self.out_data = list(inputs), outs
        return outs[0] if len(outs) == 1 else tuple(outs)

    def backward(self, *out_grads):
        cls = type(out_grads[0])
        in_grad = [cls._wrap(np.zeros(x.shape, dtype=x._data.dtype)) for x in self.in_data]
        req = ["write"] * len(in_grad)
        grads = self._run(lambda: self.op.backward(req, list(out_grads), self.in_data,
                                                   self.out_data, in_grad, self.aux), in_grad)
        return grads[0] if len(grads) == 1 else tuple(grads)


def _as_like(src, dst):
    """`src` (an array, NumPy array or number) as an array of `dst`'s class, shape, dtype."""
    if not isinstance(src, NDArray):
        return type(dst)._wrap(np.broadcast_to(np.asarray(src, dtype=dst._data.dtype),
                                               dst.shape).copy())
    if type(src) is not type(dst):
        src = src.as_np_ndarray() if type(dst)._bool_comparisons else src.as_nd_ndarray()
    if src._data.dtype != dst._data.dtype:
        src = src.astype(dst._data.dtype)
    if src.shape != dst.shape:
        src = src.broadcast_to(dst.shape)
    return src


def make_operator(prop: Any, shapes: Sequence[Tuple[int, ...]], dtypes: Sequence[Any]) -> Any:
    """The prop's `CustomOp` for inputs of these shapes and dtypes (on the CPU)."""
    return prop.create_operator(cpu(), list(shapes), list(dtypes))


def function_class(op_type: str) -> type:
    cls = FUNCTIONS.get(op_type)
    if cls is None:
        name = "Custom[%s]" % op_type
        cls = FUNCTIONS[op_type] = type(name, (CustomOpFunction,), {"op_type": op_type})
    return cls


def Custom(*args, op_type: str = None, name: str = None, **kwargs):
    """Call registered custom operator `op_type` on its arguments then auxiliary states
    (by position, or by the names its prop lists); other keyword arguments go to the
    prop's constructor as strings. Returns one array, or a list for several outputs."""
    if op_type not in REGISTRY:
        raise MXNetError("Custom: op_type %r is not registered (use @mx.operator.register; "
                         "registered: %s)" % (op_type, ", ".join(sorted(REGISTRY)) or "none"))
    arrays = {k: kwargs.pop(k) for k in list(kwargs) if isinstance(kwargs[k], NDArray)}
    kwargs = {k: str(v) for k, v in kwargs.items()}
    prop = REGISTRY[op_type](**kwargs)
    arg_names, aux_names = prop.list_arguments(), prop.list_auxiliary_states()
    given = list(args)
    for nm in (arg_names + aux_names)[len(given):]:
        if nm in arrays:
            given.append(arrays.pop(nm))
    if arrays:
        raise MXNetError("Custom %s: unknown array argument(s) %s (arguments: %s)"
                         % (op_type, ", ".join(sorted(arrays)), ", ".join(arg_names)))
    if len(given) != len(arg_names) + len(aux_names):
        raise MXNetError("Custom %s: expected %d arrays (%s), got %d"
                         % (op_type, len(arg_names) + len(aux_names),
                            ", ".join(arg_names + aux_names), len(given)))
    for i, a in enumerate(given):
        if not isinstance(a, NDArray):
            raise MXNetError("Custom %s: argument %d is a %s; expected an NDArray"
                             % (op_type, i, type(a).__name__))
    inputs, aux = given[:len(arg_names)], given[len(arg_names):]
    shapes = prop.infer_shape([a.shape for a in inputs])
    types = prop.infer_type([a._data.dtype.type for a in inputs])
    out_shapes, out_dtypes = list(shapes[1]), list(types[1])
    n_out = len(prop.list_outputs())
    if len(out_shapes) != n_out or len(out_dtypes) != n_out:
        raise MXNetError("Custom %s: infer_shape/infer_type gave %d/%d output(s) for %d "
                         "declared output(s)" % (op_type, len(out_shapes), len(out_dtypes),
                                                 n_out))
    op = make_operator(prop, [a.shape for a in given], [a._data.dtype.type for a in given])
    fn = function_class(op_type)(op, prop, aux, STATE.training,
                                  [(tuple(int(d) for d in s), np.dtype(t))
                                   for s, t in zip(out_shapes, out_dtypes)], kwargs)
    out = fn(*inputs)
    return list(out) if isinstance(out, tuple) else out

