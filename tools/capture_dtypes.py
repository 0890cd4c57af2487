"""Capture MXNet 1.9.1's result dtypes (and values, and refusals) of every binary operator
for every dtype pair, in legacy `mx.nd` and in numpy mode `mx.np`.

Run with the oracle's Python (real MXNet 1.9.1):

    /tmp/mxnet-oracle/bin/python tools/capture_dtypes.py > tests/data/mxnet/dtype_promotion.json

Each entry is keyed "lhs|rhs" where a side is a dtype name or a Python scalar kind
("py_int" is 2, "py_float" is 2.5, "py_bool" is True) and holds either
{"dtype": name, "value": [...]} or {"error": type name, "message": last line}.
"""
import json
import sys

import mxnet as mx
import numpy as onp

DTYPES = ["float16", "float32", "float64", "uint8", "int8", "int32", "int64", "bool"]
SCALARS = {"py_int": 2, "py_float": 2.5, "py_bool": True}
LHS = [5, 3, 2]
RHS = [2, 3, 1]
LHS_BOOL = [True, True, False]
RHS_BOOL = [True, False, True]

OPERATORS = {
    "+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b,
    "/": lambda a, b: a / b, "%": lambda a, b: a % b, "**": lambda a, b: a ** b,
    "==": lambda a, b: a == b, "!=": lambda a, b: a != b, ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b, "<": lambda a, b: a < b, "<=": lambda a, b: a <= b,
}
ND_FUNCS = ["add", "subtract", "multiply", "divide", "modulo", "power", "maximum", "minimum",
            "equal", "not_equal", "greater", "greater_equal", "lesser", "lesser_equal"]
ND_BROADCAST = ["broadcast_add", "broadcast_sub", "broadcast_mul", "broadcast_div",
                "broadcast_mod", "broadcast_power", "broadcast_maximum", "broadcast_minimum",
                "broadcast_hypot", "broadcast_equal", "broadcast_not_equal",
                "broadcast_greater", "broadcast_greater_equal", "broadcast_lesser",
                "broadcast_lesser_equal"]
ND_ELEMWISE = ["elemwise_add", "elemwise_sub", "elemwise_mul", "elemwise_div"]
NP_FUNCS = ["add", "subtract", "multiply", "true_divide", "divide", "mod", "remainder",
            "power", "maximum", "minimum", "hypot", "arctan2", "equal", "not_equal",
            "greater", "greater_equal", "less", "less_equal"]


def make(mod, dtype, values):
    if mod is mx.nd:
        return mx.nd.array(onp.array(values).astype(dtype), dtype=dtype)
    return mx.np.array(onp.array(values).astype(dtype), dtype=dtype)


def side(mod, kind, values, bool_values):
    if kind in SCALARS:
        return SCALARS[kind]
    return make(mod, kind, bool_values if kind == "bool" else values)


def run(fn):
    try:
        out = fn()
        out.wait_to_read()
        value = out.asnumpy()
    except Exception as e:  # record MXNet's refusal as it is
        lines = [ln for ln in str(e).strip().splitlines() if ln.strip()]
        return {"error": type(e).__name__, "message": (lines[-1] if lines else "")[:300]}
    vals = [None if onp.isnan(v) else (bool(v) if value.dtype == bool else float(v))
            for v in value.astype(onp.float64).ravel()] if value.dtype != bool else \
        [bool(v) for v in value.ravel()]
    return {"dtype": str(onp.dtype(out.dtype).name), "value": vals}


def table(mod, ops, with_scalars):
    out = {}
    kinds = DTYPES + (list(SCALARS) if with_scalars else [])
    for name, fn in ops.items():
        entries = {}
        for lk in kinds:
            for rk in kinds:
                if lk in SCALARS and rk in SCALARS:
                    continue
                entries[lk + "|" + rk] = run(lambda: fn(side(mod, lk, LHS, LHS_BOOL),
                                                        side(mod, rk, RHS, RHS_BOOL)))
        out[name] = entries
        sys.stderr.write("%s %s\n" % (mod.__name__, name))
    return out


# Unary operators and reductions whose result dtype depends on the input's (the Python
# `-x` is MXNet's x * -1, so bool arrays give int64; mx.np means of integers are float32)
UNARY = {"-x": lambda m, a: -a, "abs": lambda m, a: m.abs(a), "sqrt": lambda m, a: m.sqrt(a),
         "exp": lambda m, a: m.exp(a), "square": lambda m, a: m.square(a),
         "floor": lambda m, a: m.floor(a), "sum": lambda m, a: m.sum(a),
         "mean": lambda m, a: m.mean(a), "prod": lambda m, a: m.prod(a),
         "max": lambda m, a: m.max(a), "x.sum()": lambda m, a: a.sum(),
         "x.mean()": lambda m, a: a.mean()}


def unary_table(mod):
    out = {}
    for name, fn in UNARY.items():
        out[name] = {d: run(lambda: fn(mod, make(mod, d, LHS_BOOL if d == "bool" else LHS)))
                     for d in DTYPES}
    return out


def main():
    nd_ops = dict(OPERATORS)
    nd_ops.update({f: (lambda f: lambda a, b: getattr(mx.nd, f)(a, b))(f) for f in ND_FUNCS})
    nd_arr = {f: (lambda f: lambda a, b: getattr(mx.nd, f)(a, b))(f)
              for f in ND_BROADCAST + ND_ELEMWISE}
    np_ops = dict(OPERATORS)
    np_ops.update({f: (lambda f: lambda a, b: getattr(mx.np, f)(a, b))(f) for f in NP_FUNCS})
    result = {
        "mxnet": mx.__version__,
        "inputs": {"lhs": LHS, "rhs": RHS, "lhs_bool": LHS_BOOL, "rhs_bool": RHS_BOOL,
                   "scalars": SCALARS},
        "nd": table(mx.nd, nd_ops, True),
        "nd_arrays_only": table(mx.nd, nd_arr, False),
        "np": table(mx.np, np_ops, True),
        "unary_nd": unary_table(mx.nd),
        "unary_np": unary_table(mx.np),
    }
    json.dump(result, sys.stdout, indent=None, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
