"""Capture MXNet 1.9.1's result dtypes, values and refusals of every elementwise unary
operator on bool / int8 / uint8 / int32 / int64 (and float32) arrays, and of in-place
mixed-dtype updates (`a += b`, `a[:] = b`, ...), in legacy `mx.nd` and numpy mode `mx.np`.

Run with the oracle's Python (real MXNet 1.9.1):

    /tmp/mxnet-oracle/bin/python tools/capture_dtype_facts.py > tests/data/mxnet/dtype_facts.json

Entries are {"dtype": name, "value": [...]} (NaN as null) or {"error": type name,
"message": last line}. In-place entries also say whether the statement kept the same array
object ("same") and, after a refusal, the left array's dtype and values ("lhs_after").
"""
import json
import sys

import mxnet as mx
import numpy as onp

UNARY_DTYPES = ["bool", "int8", "uint8", "int32", "int64", "float32"]
VALUES = {"bool": [True, False, True, False], "uint8": [0, 2, 5, 250]}
SIGNED = [-3, 0, 2, 5]
FLOATS = [-3.0, 0.0, 2.5, 5.0]

ND_UNARY = ["abs", "negative", "sign", "sqrt", "rsqrt", "cbrt", "rcbrt", "exp", "expm1", "log",
            "log2", "log10", "log1p", "sin", "cos", "tan", "arcsin", "arccos", "arctan", "sinh",
            "cosh", "tanh", "arcsinh", "arccosh", "arctanh", "degrees", "radians", "floor",
            "ceil", "round", "rint", "trunc", "fix", "square", "reciprocal", "relu", "sigmoid",
            "softsign", "erf", "erfinv", "gamma", "gammaln", "logical_not", "ones_like",
            "zeros_like", "identity", "BlockGrad", "stop_gradient", "softmax", "log_softmax"]
NP_UNARY = ["abs", "absolute", "negative", "sign", "sqrt", "cbrt", "exp", "expm1", "log", "log2",
            "log10", "log1p", "sin", "cos", "tan", "arcsin", "arccos", "arctan", "sinh", "cosh",
            "tanh", "arcsinh", "arccosh", "arctanh", "degrees", "radians", "deg2rad", "rad2deg",
            "floor", "ceil", "rint", "trunc", "fix", "square", "reciprocal", "logical_not",
            "bitwise_not", "invert", "isnan", "isinf", "isfinite", "isposinf", "isneginf",
            "ones_like", "zeros_like", "copy", "around", "round"]
# Python operators and methods on the array
OPERATOR_UNARY = {"-x": lambda a: -a, "+x": lambda a: +a, "abs(x)": lambda a: abs(a),
                  "~x": lambda a: ~a, "x.abs()": lambda a: a.abs(), "x.sign()": lambda a: a.sign(),
                  "x.square()": lambda a: a.square(), "x.sqrt()": lambda a: a.sqrt(),
                  "x.exp()": lambda a: a.exp(), "x.copy()": lambda a: a.copy()}

INPLACE_LHS = ["float16", "float32", "float64", "uint8", "int8", "int32", "int64", "bool"]
INPLACE_RHS = INPLACE_LHS + ["py_int", "py_float", "py_bool", "py_neg_float"]
SCALARS = {"py_int": 2, "py_float": 2.5, "py_bool": True, "py_neg_float": -1.5}
LHS = [5, 3, 2]
RHS = [2, 3, 1]
LHS_BOOL = [True, True, False]
RHS_BOOL = [True, False, True]


def _inplace_add(a, b):
    a += b
    return a


def _inplace_sub(a, b):
    a -= b
    return a


def _inplace_mul(a, b):
    a *= b
    return a


def _inplace_div(a, b):
    a /= b
    return a


def _inplace_mod(a, b):
    a %= b
    return a


def _inplace_pow(a, b):
    a **= b
    return a


def _setitem_all(a, b):
    a[:] = b
    return a


def _setitem_one(a, b):
    a[1] = b if not hasattr(b, "shape") else b[1]
    return a


INPLACE = {"+=": _inplace_add, "-=": _inplace_sub, "*=": _inplace_mul, "/=": _inplace_div,
           "%=": _inplace_mod, "**=": _inplace_pow, "a[:]=": _setitem_all,
           "a[1]=": _setitem_one}


def make(mod, dtype, values):
    return mod.array(onp.array(values).astype(dtype), dtype=dtype)


def unary_values(dtype):
    if dtype in VALUES:
        return VALUES[dtype]
    return FLOATS if dtype.startswith("float") else SIGNED


def host(arr):
    value = arr.asnumpy()
    if value.dtype == bool:
        return [bool(v) for v in value.ravel()]
    return [None if onp.isnan(v) else float(v) for v in value.astype(onp.float64).ravel()]


def refusal(e):
    lines = [ln for ln in str(e).strip().splitlines() if ln.strip()]
    return {"error": type(e).__name__, "message": (lines[-1] if lines else "")[:300]}


def run(fn, *args):
    try:
        out = fn(*args)
        out.wait_to_read()
        return {"dtype": onp.dtype(out.dtype).name, "value": host(out)}
    except Exception as e:  # record MXNet's refusal as it is
        return refusal(e)


def unary_table(mod, names):
    out = {}
    for name in names:
        fn = getattr(mod, name)
        out[name] = {d: run(fn, make(mod, d, unary_values(d))) for d in UNARY_DTYPES}
    for name, fn in OPERATOR_UNARY.items():
        if mod is mx.np and name in ("x.abs()", "x.sign()", "x.square()", "x.sqrt()",
                                     "x.exp()"):
            continue  # not methods of mx.np.ndarray
        out[name] = {d: run(fn, make(mod, d, unary_values(d))) for d in UNARY_DTYPES}
    return out


def inplace_table(mod):
    out = {}
    for name, fn in INPLACE.items():
        entries = {}
        for lk in INPLACE_LHS:
            for rk in INPLACE_RHS:
                lhs = make(mod, lk, LHS_BOOL if lk == "bool" else LHS)
                rhs = SCALARS[rk] if rk in SCALARS else make(
                    mod, rk, RHS_BOOL if rk == "bool" else RHS)
                ident = id(lhs)
                keep = lhs
                try:
                    res = fn(lhs, rhs)
                    res.wait_to_read()
                    entry = {"dtype": onp.dtype(res.dtype).name, "value": host(res),
                             "same": id(res) == ident}
                except Exception as e:  # record MXNet's refusal as it is
                    entry = refusal(e)
                    try:
                        entry["lhs_after"] = {"dtype": onp.dtype(keep.dtype).name,
                                              "value": host(keep)}
                    except Exception as e2:  # noqa: BLE001  (the array itself is broken)
                        entry["lhs_after"] = refusal(e2)
                entries[lk + "|" + rk] = entry
        out[name] = entries
    return out


def main():
    result = {
        "mxnet": mx.__version__,
        "unary_inputs": {d: unary_values(d) for d in UNARY_DTYPES},
        "inplace_inputs": {"lhs": LHS, "rhs": RHS, "lhs_bool": LHS_BOOL,
                           "rhs_bool": RHS_BOOL, "scalars": SCALARS},
        "unary_nd": unary_table(mx.nd, ND_UNARY),
        "unary_np": unary_table(mx.np, NP_UNARY),
        "inplace_nd": inplace_table(mx.nd),
        "inplace_np": inplace_table(mx.np),
    }
    json.dump(result, sys.stdout, indent=None, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
