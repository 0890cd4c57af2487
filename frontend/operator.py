"""`mx.operator`: MXNet's custom operators written in Python.

Subclass `CustomOp` (`forward` / `backward`, writing results with `self.assign`) and
`CustomOpProp` (argument and output names, shape and type inference, `create_operator`),
register the prop with `@mx.operator.register("name")`, and call it with
`mx.nd.Custom(*inputs, op_type="name", **kwargs)`.

A call runs through the IR as an `autograd.Function` does (it is one: see
`tapegraph.ndarray.custom`), differentiable to any order.
"""
from __future__ import annotations

import ctypes
from array import array  # noqa: F401  (MXNet's mx.operator exposes the module-level import)
from typing import Any, List, Tuple

from .base import MXNetError
from .ndarray import NDArray  # noqa: F401  (MXNet's mx.operator exposes it)
from .util import is_np_array  # noqa: F401  (MXNet's mx.operator exposes it)
from .ndarray.custom import FUNCTIONS as _FUNCTIONS, REGISTRY as _REGISTRY, CustomOpFunction
from .trace.tape import STATE
from .operator_arguments import OperatorArguments, get_operator_arguments

__all__ = ["CustomOp", "CustomOpProp", "CustomOpFunction", "register",
           "get_all_registered_operators", "get_operator_arguments", "PythonOp", "NumpyOp",
           "NDArrayOp", "OperatorArguments", "c_int_p"]

c_int_p = ctypes.POINTER(ctypes.c_int)
"""MXNet's ctypes pointer-to-int type (its C API's shape arrays)."""



class CustomOp:
    """Base class of a custom operator's computation: override `forward` and `backward`."""

    def forward(self, is_train: bool, req: List[str], in_data: List[Any],
                out_data: List[Any], aux: List[Any]) -> None:
        """Compute `out_data` from `in_data` (write each with `self.assign`)."""
        raise NotImplementedError("%s.forward is not implemented" % type(self).__name__)

    def backward(self, req: List[str], out_grad: List[Any], in_data: List[Any],
                 out_data: List[Any], in_grad: List[Any], aux: List[Any]) -> None:
        """Compute `in_grad` from `out_grad` (write each with `self.assign`)."""
        raise NotImplementedError("%s.backward is not implemented" % type(self).__name__)

    def assign(self, dst, req: str, src) -> None:
        """Write `src` into `dst` as `req` says: 'write' / 'inplace' copy, 'add'
        accumulates, 'null' does nothing. While a backward is recorded (create_graph), the
        assigned array itself becomes the gradient, so it stays differentiable."""
        if req == "null":
            return
        if req not in ("write", "inplace", "add"):
            raise MXNetError("CustomOp.assign: req must be 'write', 'inplace', 'add' or "
                             "'null', got %r" % (req,))
        sink = getattr(self, "_tg_sink", None)
        if sink is not None:
            key = id(dst)
            if req == "add":
                previous = sink[key][1] if key in sink else dst
                src = previous + src
            sink[key] = (dst, src)
            if STATE.recording:
                return
        index = slice(None) if dst.ndim else Ellipsis
        if req == "add" and sink is None:
            dst[index] += src
        else:
            dst[index] = src


class CustomOpProp:
    """Base class of a custom operator's properties: names, shapes and types of its
    arguments, outputs and auxiliary states, and the `CustomOp` computing it. The keyword
    arguments of `mx.nd.Custom` reach `__init__` as strings, as in MXNet."""

    def __init__(self, need_top_grad: bool = True):
        self.need_top_grad_ = need_top_grad

    def infer_shape(self, in_shape: List[Tuple[int, ...]]):
        """(argument shapes, output shapes, aux shapes); default: all like the first."""
        return in_shape, (in_shape[0],) * len(self.list_outputs()), ()

    def infer_type(self, in_type: List[Any]):
        """(argument types, output types, aux types); default: all like the first."""
        return in_type, [in_type[0]] * len(self.list_outputs()), \
            [in_type[0]] * len(self.list_auxiliary_states())

    def infer_storage_type(self, in_stype: List[str]):
        """Storage types: only 'default' (dense) arrays are supported."""
        for st in in_stype:
            if st != "default":
                raise NotImplementedError("custom operators on sparse storage are not "
                                          "supported: tapegraph arrays are dense")
        return in_stype, ["default"] * len(self.list_outputs()), \
            ["default"] * len(self.list_auxiliary_states())

    def list_arguments(self) -> List[str]:
        return ["data"]

    def list_outputs(self) -> List[str]:
        return ["output"]

    def list_auxiliary_states(self) -> List[str]:
        return []

    def declare_backward_dependency(self, out_grad, in_data, out_data) -> List[Any]:
        """What backward reads: the output gradients (if `need_top_grad_`), inputs and
        outputs."""
        deps = list(out_grad) if self.need_top_grad_ else []
        return deps + list(in_data) + list(out_data)

    def create_operator(self, ctx, in_shapes, in_dtypes) -> CustomOp:
        """The `CustomOp` to run for these input shapes and dtypes."""
        raise NotImplementedError("%s.create_operator is not implemented"
                                  % type(self).__name__)


def register(reg_name: str):
    """Class decorator registering a `CustomOpProp` subclass as operator `reg_name`."""
    def do_register(prop_cls):
        if not (isinstance(prop_cls, type) and issubclass(prop_cls, CustomOpProp)):
            raise MXNetError("mx.operator.register(%r): expected a CustomOpProp subclass, got "
                             "%r" % (reg_name, prop_cls))
        _REGISTRY[reg_name] = prop_cls
        _FUNCTIONS.pop(reg_name, None)
        return prop_cls
    return do_register


def get_all_registered_operators() -> List[str]:
    """Names of the registered custom operators (MXNet lists its built-in ones too)."""
    return sorted(_REGISTRY)


def _deprecated(name):
    def __init__(self, *args, **kwargs):
        raise NotImplementedError("mx.operator.%s is MXNet's deprecated pre-1.0 Python "
                                  "operator API; write a CustomOp and CustomOpProp instead"
                                  % name)
    return type(name, (), {"__init__": __init__, "__doc__": "Deprecated: use CustomOp."})


PythonOp, NumpyOp, NDArrayOp = (_deprecated(n) for n in ("PythonOp", "NumpyOp", "NDArrayOp"))
