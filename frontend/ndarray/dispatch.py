"""Binary operators on arrays (Python operators and the broadcasting functions): scalars pick
the `_*_scalar` operators, arrays of different shapes are broadcast explicitly with
`broadcast_to`, and dtypes follow MXNet's rule (`ir.promotion`): operands are cast to the
compute dtype, the result to the result dtype, or the pair is refused as MXNet does."""
from __future__ import annotations

import numbers
from contextlib import nullcontext
from typing import Any, Optional

import numpy as np

from ..ir import get_op
from ..ir.errors import DTypeError, MXNetError
from ..ir.promotion import binary_dtypes, scalar_kind
from ..trace.invoke import invoke
from ..trace.opnames import auto_naming, helper
from ..accel.lazy import PENDING_TYPES, shape_dtype

# python operator -> (array op, scalar op, reflected scalar op, MXNet broadcast name)
BINARY = {
    "add": ("elemwise_add", "_plus_scalar", "_plus_scalar", "broadcast_add"),
    "sub": ("elemwise_sub", "_minus_scalar", "_rminus_scalar", "broadcast_sub"),
    "mul": ("elemwise_mul", "_mul_scalar", "_mul_scalar", "broadcast_mul"),
    "div": ("elemwise_div", "_div_scalar", "_rdiv_scalar", "broadcast_div"),
    "pow": ("_power", "_power_scalar", "_rpower_scalar", "broadcast_power"),
    "eq": ("_equal", "_equal_scalar", "_equal_scalar", "broadcast_equal"),
    "ne": ("_not_equal", "_not_equal_scalar", "_not_equal_scalar", "broadcast_not_equal"),
    "gt": ("_greater", "_greater_scalar", "_lesser_scalar", "broadcast_greater"),
    "ge": ("_greater_equal", "_greater_equal_scalar", "_lesser_equal_scalar",
           "broadcast_greater_equal"),
    "lt": ("_lesser", "_lesser_scalar", "_greater_scalar", "broadcast_lesser"),
    "le": ("_lesser_equal", "_lesser_equal_scalar", "_greater_equal_scalar",
           "broadcast_lesser_equal"),
    "maximum": ("_maximum", "_maximum_scalar", "_maximum_scalar", "broadcast_maximum"),
    "minimum": ("_minimum", "_minimum_scalar", "_minimum_scalar", "broadcast_minimum"),
    "hypot": ("_hypot", "_hypot_scalar", "_hypot_scalar", "broadcast_hypot"),
    "mod": ("_mod", "_mod_scalar", "_rmod_scalar", "broadcast_mod"),
    "arctan2": ("_arctan2", "_arctan2_scalar", "_rarctan2_scalar", "_npi_arctan2"),
}
COMPARISONS = {"eq", "ne", "gt", "ge", "lt", "le"}
_OPS = {}


def _op(name):
    op = _OPS.get(name)
    if op is None:
        op = _OPS[name] = get_op(name)
    return op


def is_scalar(x: Any) -> bool:
    t = type(x)
    if t is float or t is int:  # fast path: isinstance against an ABC costs ~0.3 us
        return True
    return isinstance(x, (numbers.Number, np.bool_)) and not isinstance(x, complex)


def _family(arr) -> str:
    return "mx.np.ndarray" if type(arr)._bool_comparisons else "mx.nd.NDArray"


def as_array(x: Any, like) -> Any:
    """`x` as an array of the class of `like` (NDArrays pass through)."""
    from .ndarray import NDArray
    if isinstance(x, NDArray):
        if type(x) is not type(like) and (type(x)._bool_comparisons
                                          != type(like)._bool_comparisons):
            raise DTypeError("cannot mix %s and %s operands: convert one with as_np_ndarray() "
                             "or as_nd_ndarray()" % (_family(like), _family(x)))
        return x
    data = np.asarray(x)
    if data.dtype.kind not in "biuf":
        raise DTypeError("cannot combine an NDArray with a %s: operands must be numbers or "
                         "arrays of numbers" % type(x).__name__)
    if data.dtype == np.float64 and not isinstance(x, np.ndarray):
        data = data.astype(like._data.dtype if data.dtype.kind == "f" else np.float32)
    return type(like)._wrap(data)


def _cast(x, dtype: str):
    with helper():  # (in a block's trace: MXNet's symbol has no node for it)
        return invoke(_op("Cast"), [x], {"dtype": dtype})


def broadcast_pair(a, b, opname: str):
    """Make `a` and `b` one shape, inserting broadcast_to nodes (dtypes must already agree)."""
    sa, sb = shape_dtype(a)[0], shape_dtype(b)[0]  # without running pending ops
    if sa == sb:
        return a, b
    try:
        shape = np.broadcast_shapes(sa, sb)
    except ValueError:
        raise MXNetError("%s: operands could not be broadcast together with shapes %s and %s"
                         % (opname, sa, sb)) from None
    with helper():  # (MXNet's broadcasting operators have no broadcast_to node)
        if sa != shape:
            a = invoke(_op("broadcast_to"), [a], {"shape": shape})
        if sb != shape:
            b = invoke(_op("broadcast_to"), [b], {"shape": shape})
    return a, b


def operator(kind: str, reflected: bool = False):
    """The method implementing Python operator `kind` (`__mul__` is `operator("mul")`):
    `binary` with the common cases (a Python number; an array of the same class, shape
    and dtype) taken without the general broadcasting and casting logic. Recorded nodes
    with the same scalar share one attribute dict (nodes' attributes are immutable)."""
    array_op, scalar_op, rscalar_op, _ = BINARY[kind]
    scalar = _op(rscalar_op if reflected else scalar_op)
    same = _op(array_op)
    if kind in COMPARISONS:
        return lambda self, other: binary(kind, self, other, reflected)

    attrs_of: dict = {}  # scalar -> its attribute dict, shared by the nodes it records

    def method(self, other):
        t = type(other)
        if (t is float or t is int) and (self._data.dtype.kind == "f" if type(self)
                                         not in PENDING_TYPES else _float_array(self)):
            attrs = attrs_of.get(other)
            if attrs is None:
                attrs = {"scalar": float(other)}
                if other and len(attrs_of) < 4096:  # (not 0: -0.0 == 0.0 as a key)
                    attrs_of[other] = attrs
            return invoke(scalar, (self,), attrs)
        if t is type(self) and not reflected and t not in PENDING_TYPES:
            a, b = self._data, other._data  # (reading a pending array's data would run it)
            if a.shape == b.shape and a.dtype == b.dtype and a.dtype.kind == "f":
                return invoke(same, (self, other))
        return binary(kind, self, other, reflected)

    method.__name__ = "__%s%s__" % ("r" if reflected else "", kind)
    return method


def _float_array(x) -> bool:
    """Whether `x` holds floats (with a Python number, its dtype is then the result's)."""
    if type(x) in PENDING_TYPES:
        return x._value.type.dtype.startswith("float")
    return x._data.dtype.kind == "f"


def binary(kind: str, lhs, rhs, reflected: bool = False, name: Optional[str] = None):
    """`lhs <kind> rhs` (or `rhs <kind> lhs` when `reflected`), lhs being an NDArray:
    MXNet's result dtype, or its refusal of the dtype pair, from `ir.promotion`. `name`:
    the function called (`broadcast_add`), which names the node in a block's trace."""
    array_op, scalar_op, rscalar_op, bname = BINARY[kind]
    mode = "np" if type(lhs)._bool_comparisons else "nd"
    if is_scalar(rhs):
        d = shape_dtype(lhs)[1].name
        k = scalar_kind(rhs)
        rule = binary_dtypes(mode, kind, k, d) if reflected else binary_dtypes(mode, kind, d, k)
        x = lhs if rule.compute == d else _cast(lhs, rule.compute)
        out = invoke(_op(rscalar_op if reflected else scalar_op), [x], {"scalar": float(rhs)})
    else:
        other = as_array(rhs, lhs)
        a, b = (other, lhs) if reflected else (lhs, other)
        da, db = shape_dtype(a)[1].name, shape_dtype(b)[1].name
        rule = binary_dtypes(mode, kind, da, db)
        if da != rule.compute:
            a = _cast(a, rule.compute)
        if db != rule.compute:
            b = _cast(b, rule.compute)
        a, b = broadcast_pair(a, b, bname)
        with auto_naming(name) if name is not None else nullcontext():
            out = invoke(_op(array_op), [a, b], out_cls=type(lhs))
    if rule.out != rule.compute:
        out = _cast(out, rule.out)
    return out
