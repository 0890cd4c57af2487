"""Result dtypes of binary operators, as MXNet 1.9.1 computes them (the one place this rule
lives; the frontend asks it before recording a binary operator).

Legacy `mx.nd` and numpy mode `mx.np` differ. Both give an array combined with a Python
scalar the array's dtype (the scalar is cast to it: `int32 + 2.5` adds 2), except that a
bool array computes in int64. Legacy operators need equal dtypes and refuse bool; numpy
mode promotes some mixed pairs (`int64 + float32` is float32, a float beats any integer
and the wider float wins) and refuses others, differently per operator family. Captured
from MXNet in `tests/data/mxnet/dtype_promotion.json` (`tools/capture_dtypes.py`).

An operand is a dtype name or the kind of a Python scalar: "py_int", "py_float",
"py_bool".
"""
from __future__ import annotations

import numbers
from typing import Any, NamedTuple

import numpy as np

from .errors import DTypeError

SCALAR_KINDS = ("py_int", "py_float", "py_bool")

# operator -> family: which numpy-mode rule applies (legacy mode has one rule for all)
FAMILY = {
    "add": "arith", "mul": "arith", "pow": "arith",
    "sub": "exact_int", "mod": "exact_int",
    "div": "div",
    "eq": "compare", "ne": "compare", "gt": "compare", "ge": "compare", "lt": "compare",
    "le": "compare",
    "maximum": "same", "minimum": "same",
    "hypot": "float", "arctan2": "float",
}
# MXNet's operator names, for messages
MXNET_NAME = {
    "add": "add", "sub": "subtract", "mul": "multiply", "div": "true_divide", "pow": "power",
    "mod": "mod", "eq": "equal", "ne": "not_equal", "gt": "greater", "ge": "greater_equal",
    "lt": "less", "le": "less_equal", "maximum": "maximum", "minimum": "minimum",
    "hypot": "hypot", "arctan2": "arctan2",
}


class BinaryDtypes(NamedTuple):
    """How to compute `lhs op rhs`: cast array operands to `compute` (a scalar is cast to
    it by the kernel), run the operator, and cast the result to `out` when it differs."""
    compute: str
    out: str


def scalar_kind(x: Any) -> str:
    """The operand kind of a Python (or NumPy) scalar."""
    if isinstance(x, (bool, np.bool_)):
        return "py_bool"
    if isinstance(x, numbers.Integral):
        return "py_int"
    return "py_float"


def _is_float(d: str) -> bool:
    return d.startswith("float")


def _legacy_name(op: str) -> str:
    return "broadcast_" + {"add": "add", "sub": "sub", "mul": "mul", "div": "div",
                           "pow": "power", "mod": "mod", "eq": "equal", "ne": "not_equal",
                           "gt": "greater", "ge": "greater_equal", "lt": "lesser",
                           "le": "lesser_equal"}.get(op, op)


def _refuse(mode: str, op: str, lhs: str, rhs: str, why: str) -> DTypeError:
    name = _legacy_name(op) if mode == "nd" else "np." + MXNET_NAME[op]
    return DTypeError("%s: MXNet 1.9.1 does not support operands of dtypes %s and %s (%s)"
                      % (name, lhs, rhs, why))


def binary_dtypes(mode: str, op: str, lhs: str, rhs: str) -> BinaryDtypes:
    """The compute and result dtypes of `lhs op rhs` in `mode` ("nd" or "np"), or a
    `DTypeError` when MXNet refuses the pair. `op` is a key of `FAMILY`."""
    family = FAMILY[op]
    if lhs in SCALAR_KINDS or rhs in SCALAR_KINDS:
        if lhs in SCALAR_KINDS and rhs in SCALAR_KINDS:
            raise DTypeError("%s: at least one operand must be an array" % MXNET_NAME[op])
        return _with_scalar(mode, family, rhs if lhs in SCALAR_KINDS else lhs)
    if mode == "nd":
        return _legacy(op, lhs, rhs)
    return _numpy(op, family, lhs, rhs)


def _with_scalar(mode: str, family: str, d: str) -> BinaryDtypes:
    if mode == "np" and family == "compare":
        return BinaryDtypes(d, "bool")
    out = "int64" if d == "bool" else d
    if mode == "np" and family == "div" and not _is_float(d):
        return BinaryDtypes("float32", "float32")
    return BinaryDtypes(out, out)


def _legacy(op: str, lhs: str, rhs: str) -> BinaryDtypes:
    if lhs != rhs:
        raise _refuse("nd", op, lhs, rhs, "legacy mx.nd operators need equal dtypes: "
                      "convert one operand with .astype()")
    if lhs == "bool":
        raise _refuse("nd", op, lhs, rhs, "legacy mx.nd operators do not support bool")
    return BinaryDtypes(lhs, lhs)


def _numpy(op: str, family: str, lhs: str, rhs: str) -> BinaryDtypes:
    if family in ("compare", "same", "float"):
        if lhs != rhs:
            raise _refuse("np", op, lhs, rhs, "this operator needs equal dtypes")
        if family == "compare":
            return BinaryDtypes(lhs, "bool")
        if family == "float" and not _is_float(lhs):
            raise _refuse("np", op, lhs, rhs, "it takes floating-point arrays only")
        if lhs == "bool":
            raise _refuse("np", op, lhs, rhs, "bool arrays are not supported")
        return BinaryDtypes(lhs, lhs)
    fl, fr = _is_float(lhs), _is_float(rhs)
    if fl and fr:
        if lhs != rhs and family == "div":
            raise _refuse("np", op, lhs, rhs, "division of two different float dtypes is "
                          "not implemented")
        d = np.result_type(lhs, rhs).name
        return BinaryDtypes(d, d)
    if fl or fr:
        d = lhs if fl else rhs
        return BinaryDtypes(d, d)
    # two integer or bool arrays
    if family == "div":
        if lhs != rhs:
            raise _refuse("np", op, lhs, rhs, "true division of different integer dtypes "
                          "is not implemented")
        return BinaryDtypes("float32", "float32")
    if family == "exact_int":
        if lhs != rhs or lhs == "bool":
            raise _refuse("np", op, lhs, rhs, "integer operands need one dtype, and bool "
                          "is not supported")
        return BinaryDtypes(lhs, lhs)
    if lhs == rhs == "bool":
        return BinaryDtypes("int64", "bool")
    if {lhs, rhs} == {"uint8", "int8"}:
        raise _refuse("np", op, lhs, rhs, "uint8 with int8 is not supported")
    d = np.result_type(lhs, rhs).name
    return BinaryDtypes(d, d)
