"""Symbol's fluent methods (`x.astype(...)`, `x.reshape(...)`, ...) against MXNet 1.9.1.

    /tmp/mxnet-oracle/bin/python tools/capture_symbol_methods.py

Writes tests/data/mxnet/symbol_methods/mxnet.json: `dir(mx.sym.Symbol)` (public names and
the operator dunders), and for each case of `CASES` (method, positional and keyword
arguments, applied to a variable `x` of shape (2, 3) holding `X`) the operator nodes of
the JSON MXNet writes (op, name without its counter, attrs) and the evaluated outputs.
Also which methods raise for a Symbol (NotImplementedForSymbol) and the error type.
"""
import json
import os
import re

import mxnet as mx
import numpy as np

OUT = os.path.join(os.path.dirname(__file__), "..", "tests", "data", "mxnet",
                   "symbol_methods", "mxnet.json")
X = [[0.25, 0.5, 0.75], [0.125, 0.375, 0.625]]
CASES = [
    ("astype", ["float16"], {}), ("astype", [], {"dtype": "int32"}),
    ("abs", [], {}), ("__abs__", [], {}), ("__mod__", [0.3], {}), ("__rmod__", [2.0], {}),
    ("reshape", [(3, 2)], {}), ("reshape", [], {"shape": (-1,)}),
    ("flatten", [], {}), ("expand_dims", [1], {}), ("squeeze", [], {}),
    ("transpose", [], {}), ("swapaxes", [0, 1], {}), ("flip", [], {"axis": 1}),
    ("sum", [], {"axis": 1}), ("mean", [], {}), ("max", [], {"axis": 0}),
    ("min", [], {"axis": 1, "keepdims": True}), ("prod", [], {}), ("norm", [], {}),
    ("argmax", [], {"axis": 1}), ("argmin", [], {"axis": 0}), ("argsort", [], {}),
    ("sort", [], {"is_ascend": False}), ("topk", [], {"k": 2, "ret_typ": "value"}),
    ("clip", [0.2, 0.6], {}), ("repeat", [], {"repeats": 2, "axis": 0}),
    ("tile", [], {"reps": (1, 2)}), ("slice", [], {"begin": (0, 1), "end": (2, 3)}),
    ("slice_axis", [], {"axis": 1, "begin": 0, "end": 2}),
    ("split", [], {"num_outputs": 3, "axis": 1}), ("broadcast_to", [], {"shape": (2, 0)}),
    ("take", [], {"indices": None}), ("pick", [], {"index": None}),
    ("one_hot", [], {"depth": 3}), ("softmax", [], {}), ("log_softmax", [], {"axis": 0}),
    ("zeros_like", [], {}), ("ones_like", [], {}), ("sigmoid", [], {}), ("relu", [], {}),
    ("sign", [], {}), ("round", [], {}), ("rint", [], {}), ("fix", [], {}),
    ("floor", [], {}), ("ceil", [], {}), ("trunc", [], {}), ("square", [], {}),
    ("sqrt", [], {}), ("rsqrt", [], {}), ("cbrt", [], {}), ("rcbrt", [], {}),
    ("reciprocal", [], {}), ("exp", [], {}), ("expm1", [], {}), ("log", [], {}),
    ("log10", [], {}), ("log2", [], {}), ("log1p", [], {}), ("sin", [], {}),
    ("cos", [], {}), ("tan", [], {}), ("arcsin", [], {}), ("arccos", [], {}),
    ("arctan", [], {}), ("degrees", [], {}), ("radians", [], {}), ("sinh", [], {}),
    ("cosh", [], {}), ("tanh", [], {}), ("arcsinh", [], {}), ("arctanh", [], {}),
]
# (method, args, kwargs) applied to x.reshape(PAD_SHAPE): Pad takes 4-D input only.
PAD_SHAPE = (1, 1, 2, 3)
PAD = ("pad", [], {"mode": "constant", "pad_width": (0, 0, 0, 0, 1, 1, 2, 2),
                   "constant_value": 1.0})
# Methods MXNet's Symbol refuses (NotImplementedForSymbol) and the ones only an NDArray has.
REFUSED = ["asnumpy", "asscalar", "copy", "as_in_context", "detach", "backward",
           "wait_to_read", "__bool__"]


def _args(args, kwargs, x):
    """Symbol arguments: None in an index keyword means 'an index variable'."""
    kw = dict(kwargs)
    for k in ("indices", "index"):
        if k in kw:
            kw[k] = mx.sym.var("i")
    return list(args), kw


def main():
    doc = {"x": X, "i": [1, 0], "dir": sorted(n for n in dir(mx.sym.Symbol)
                                              if not n.startswith("_") or n in (
                                                  "__abs__", "__mod__", "__rmod__",
                                                  "__bool__", "__iter__", "__len__")),
           "cases": [], "refused": {}}
    for method, args, kwargs in CASES + [PAD]:
        mx.name.NameManager._current.value = mx.name.NameManager()
        x = mx.sym.var("x")
        if method == "pad":
            x = x.reshape(PAD_SHAPE)
        a, kw = _args(args, kwargs, x)
        out = getattr(x, method)(*a, **kw)
        nodes = json.loads(out.tojson())["nodes"]
        ops = [{"op": n["op"], "name": re.sub(r"\d+$", "", n["name"]),
                "attrs": n.get("attrs", {})} for n in nodes if n["op"] != "null"]
        feed = {"x": mx.nd.array(X)}
        if "i" in out.list_arguments():
            feed["i"] = mx.nd.array([1, 0])
        values = out.eval(ctx=mx.cpu(), **feed)
        doc["cases"].append({"method": method, "args": args, "kwargs": kwargs, "nodes": ops,
                             "outputs": [v.asnumpy().tolist() for v in values],
                             "dtypes": [np.dtype(v.dtype).name for v in values]})
    for method in REFUSED:
        x = mx.sym.var("x")
        try:
            getattr(x, method)()
            doc["refused"][method] = None
        except Exception as e:  # noqa: BLE001 - the captured fact is the error type
            doc["refused"][method] = type(e).__name__
    with open(OUT, "w") as f:
        json.dump(doc, f, indent=1, sort_keys=True)


if __name__ == "__main__":
    main()
