"""Capture mx.sym.linalg in MXNet 1.9.1: for each case, the symbol's JSON (as MXNet writes
it), inputs, forward outputs and the input gradients for head gradients of ones
(`bind(..).backward`).

    /tmp/mxnet-oracle/bin/python tests/data/mxnet/capture_sym_linalg.py \
        > tests/data/mxnet/sym_linalg.json
"""
import json
import sys
import warnings

import numpy as np
import mxnet as mx

warnings.simplefilter("ignore")

# (id, function, input shapes, attributes, kind of the first input)
CASES = [
    ("gemm2", "gemm2", [(3, 4), (4, 2)], {}, ""),
    ("gemm2_t", "gemm2", [(2, 4, 3), (2, 2, 4)],
     {"transpose_a": True, "transpose_b": True, "alpha": -1.5}, ""),
    ("gemm", "gemm", [(3, 4), (3, 2), (4, 2)],
     {"transpose_a": True, "alpha": 2.0, "beta": 0.5}, ""),
    ("syrk", "syrk", [(3, 4)], {}, ""),
    ("syrk_t", "syrk", [(2, 3, 4)], {"transpose": True, "alpha": 0.5}, ""),
    ("trmm", "trmm", [(3, 3), (3, 2)], {}, ""),
    ("trmm_t", "trmm", [(2, 3, 3), (2, 2, 3)],
     {"transpose": True, "rightside": True, "lower": False, "alpha": -2.0}, ""),
    ("sumlogdiag", "sumlogdiag", [(3, 3)], {}, "dominant"),
    ("sumlogdiag_b", "sumlogdiag", [(2, 3, 3)], {}, "dominant"),
    ("extractdiag", "extractdiag", [(2, 4, 4)], {"offset": -1}, ""),
    ("makediag", "makediag", [(2, 3)], {"offset": 1}, ""),
    ("extracttrian", "extracttrian", [(4, 4)], {"offset": 1}, ""),
    ("extracttrian_u", "extracttrian", [(2, 3, 3)], {"lower": False}, ""),
    ("maketrian", "maketrian", [(2, 6)], {"lower": False}, ""),
    ("maketrian_off", "maketrian", [(3,)], {"offset": -2}, ""),
]


def draw(rng, shape, kind):
    a = rng.uniform(-1, 1, shape)
    if kind == "dominant":
        a = a + 3 * np.eye(shape[-1])
    return a


def main():
    rng = np.random.RandomState(0)
    out = {"mxnet": mx.__version__, "cases": []}
    for cid, fn, shapes, attrs, kind in CASES:
        names = ["a%d" % i for i in range(len(shapes))]
        sym = getattr(mx.sym.linalg, fn)(*[mx.sym.var(n) for n in names], **attrs)
        arrays = [draw(rng, s, kind if i == 0 else "") for i, s in enumerate(shapes)]
        args = {n: mx.nd.array(a, dtype="float64") for n, a in zip(names, arrays)}
        grads = {n: mx.nd.zeros(a.shape, dtype="float64") for n, a in zip(names, arrays)}
        ex = sym.bind(mx.cpu(), args, args_grad=grads)
        res = ex.forward(is_train=True)
        ex.backward([mx.nd.ones(r.shape, dtype="float64") for r in res])
        out["cases"].append({
            "id": cid, "function": fn, "attrs": attrs, "json": sym.tojson(),
            "inputs": {n: a.tolist() for n, a in zip(names, arrays)},
            "outputs": [r.asnumpy().tolist() for r in res],
            "grads": {n: grads[n].asnumpy().tolist() for n in names}})
    json.dump(out, sys.stdout, indent=None)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
