"""`mx.operator`: MXNet's custom operators written in Python.

Subclass `CustomOp` (`forward` / `backward`, writing results with `self.assign`) and
`CustomOpProp` (argument and output names, shape and type inference, `create_operator`),
register the prop with `@mx.operator.register("name")`, and call it with
`mx.nd.Custom(*inputs, op_type="name", **kwargs)`. MXNet's deprecated pre-1.0 operator
classes `NumpyOp` / `NDArrayOp` (used by calling an instance on Symbols) run through the
same machinery.

A call runs through the IR as an `autograd.Function` does (it is one: see
`tapegraph.ndarray.custom`), differentiable to any order.
"""
from __future__ import annotations

import ctypes
from array import array  # noqa: F401  (MXNet's mx.operator exposes the module-level import)
import warnings
from typing import Any, List, Tuple

import numpy as np

from .base import MXNetError
from .ndarray import NDArray  # noqa: F401  (MXNet's mx.operator exposes it)
from .util import is_np_array  # noqa: F401  (MXNet's mx.operator exposes it)
from .ndarray.custom import FUNCTIONS as _FUNCTIONS, REGISTRY as _REGISTRY, CustomOpFunction
from .trace.tape import STATE
from .symbol.api.custom import Custom as _sym_custom
from .symbol.api.symbol import auto_name
from .operator_arguments import OperatorArguments, get_operator_arguments

__all__ = ["CustomOp", "CustomOpProp", "CustomOpFunction", "register",
           "get_all_registered_operators", "get_operator_arguments", "PythonOp", "NumpyOp",
           "NDArrayOp", "OperatorArguments", "c_int_p"]

_LEGACY_PREFIX = "_tg_legacy_"  # op_type of a PythonOp's custom operator (not listed)
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
    return sorted(n for n in _REGISTRY if not n.startswith(_LEGACY_PREFIX))


class PythonOp:
    """MXNet's deprecated pre-1.0 Python operator (base of `NumpyOp` and `NDArrayOp`):
    override `list_arguments`, `list_outputs`, `infer_shape`, `forward(in_data, out_data)`
    and `backward(out_grad, in_data, out_data, in_grad)`; calling the instance on Symbols
    (`get_symbol`) gives a Symbol of it. The defaults are MXNet's: forward copies the
    first input, backward writes ones into the first input's gradient."""

    _ref_holder: List[Any] = []
    _array_kind = ""

    def __init__(self, need_top_grad: bool = True):
        self.info_ = None
        self.need_top_grad_ = need_top_grad
        warnings.warn("PythonOp has been deprecated. Please use CustomOp")

    def __call__(self, *args, **kwargs):
        return self.get_symbol(*args, **kwargs)

    def get_symbol(self, *args, **kwargs):
        """A Symbol applying this operator to the Symbols `args` (`name=` names it; MXNet's
        automatic names are `_native<N>` for NumpyOp, `_ndarray<N>` for NDArrayOp)."""
        if not self._array_kind:
            raise NotImplementedError("Must override this")
        op_type = "%s%s_%d" % (_LEGACY_PREFIX, self._array_kind, id(self))
        if op_type not in _REGISTRY:
            register(op_type)(_legacy_prop(self))
        PythonOp._ref_holder.append(self)
        name = kwargs.pop("name", None) or auto_name(
            "_Native" if self._array_kind == "numpy" else "_NDArray")
        return _sym_custom(*args, op_type=op_type, name=name, **kwargs)

    def forward(self, in_data, out_data):
        """Compute `out_data` from `in_data` (write into the arrays)."""
        out_data[0][:] = in_data[0]

    def backward(self, out_grad, in_data, out_data, in_grad):
        """Compute `in_grad` (write into the arrays)."""
        in_grad[0][:] = 1.0

    def infer_shape(self, in_shape):
        """(argument shapes, output shapes)."""
        return in_shape, [in_shape[0]]

    def list_outputs(self):
        return ["output"]

    def list_arguments(self):
        return ["data"]

    def need_top_grad(self):
        """Whether backward reads the output gradients (False for loss layers)."""
        return self.need_top_grad_


class NumpyOp(PythonOp):
    """A PythonOp whose `forward` / `backward` get NumPy arrays (MXNet's deprecated
    NumpyOp): run as a custom operator (`tapegraph.ndarray.custom`) in a Symbol."""

    _array_kind = "numpy"

    def __init__(self, need_top_grad: bool = True):
        super().__init__(need_top_grad)
        warnings.warn("NumpyOp has been deprecated. Please use CustomOp")


class NDArrayOp(PythonOp):
    """A PythonOp whose `forward` / `backward` get NDArrays (MXNet's deprecated
    NDArrayOp), with `declare_backward_dependency`."""

    _array_kind = "ndarray"

    def __init__(self, need_top_grad: bool = True):
        super().__init__(need_top_grad)
        warnings.warn("NDArrayOp has been deprecated. Please use CustomOp")

    def declare_backward_dependency(self, out_grad, in_data, out_data):
        """What backward reads: the output gradients (if needed), inputs and outputs."""
        deps = list(out_grad) if self.need_top_grad() else []
        return deps + list(in_data) + list(out_data)


class _LegacyOp(CustomOp):
    """Runs a PythonOp's forward / backward on fresh arrays (NumPy ones for NumpyOp), then
    assigns what it wrote."""

    def __init__(self, pyop: PythonOp):
        self.pyop = pyop

    def _arrays(self, arrays, writable: bool):
        numpy = self.pyop._array_kind == "numpy"
        out = []
        for a in arrays:
            data = np.array(a.asnumpy(), copy=True) if writable or numpy else a.asnumpy()
            out.append(data if numpy else NDArray._wrap(data))
        return out

    def _assign(self, dsts, req, values) -> None:
        for dst, r, v in zip(dsts, req, values):
            self.assign(dst, r, NDArray._wrap(v if isinstance(v, np.ndarray) else v._data))

    def forward(self, is_train, req, in_data, out_data, aux):
        ins, outs = self._arrays(in_data, False), self._arrays(out_data, True)
        self.pyop.forward(in_data=ins, out_data=outs)
        self._assign(out_data, req, outs)

    def backward(self, req, out_grad, in_data, out_data, in_grad, aux):
        grads = self._arrays(in_grad, True)
        self.pyop.backward(out_grad=self._arrays(out_grad, False),
                           in_data=self._arrays(in_data, False),
                           out_data=self._arrays(out_data, False), in_grad=grads)
        self._assign(in_grad, req, grads)


def _legacy_prop(pyop: PythonOp) -> type:
    class LegacyProp(CustomOpProp):
        def __init__(self):
            super().__init__(need_top_grad=pyop.need_top_grad())

        def list_arguments(self):
            return list(pyop.list_arguments())

        def list_outputs(self):
            return list(pyop.list_outputs())

        def infer_shape(self, in_shape):
            ishape, oshape = pyop.infer_shape([list(s) for s in in_shape])
            return ([tuple(s) for s in ishape], [tuple(s) for s in oshape], [])

        def create_operator(self, ctx, in_shapes, in_dtypes):
            return _LegacyOp(pyop)

    LegacyProp.__name__ = "%sProp" % type(pyop).__name__
    return LegacyProp
