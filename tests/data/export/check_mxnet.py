"""Evaluate every exported JSON of cases.json with Apache MXNet 1.9.1 and store the result
in each case under "mxnet": whether `mx.sym.load_json` logged anything, its
list_arguments, and the outputs of `bind(...).forward(is_train=False)` (or the error).

    /tmp/mxnet-oracle/bin/python tests/data/export/check_mxnet.py [cases.json|op_cases.json]

Runs only under the oracle venv (Python 3.8); the tests read the stored results.
"""
from __future__ import print_function

import io
import json
import logging
import os
import sys

import numpy as np
import mxnet as mx

HERE = os.path.dirname(os.path.abspath(__file__))


def decode(a):
    return np.array(a["data"], dtype=a["dtype"]).reshape(a["shape"])


def encode(a):
    a = np.asarray(a)
    return {"shape": list(a.shape), "dtype": a.dtype.name, "data": a.ravel().tolist()}


def _first_line(e):
    """The MXNetError line of an exception (MXNet prepends C++ tracebacks)."""
    lines = [l for l in str(e).splitlines() if l.strip()]
    key = [l for l in lines if "Error" in l or "Check failed" in l]
    return "%s: %s" % (type(e).__name__, (key or lines or [""])[-1].strip())


def check(case):
    """Load and evaluate one case, in MXNet's np mode when the JSON says so."""
    doc = json.loads(case["json"])
    ops = sorted({n["op"] for n in doc["nodes"]} - {"null"})
    np_shape = bool(doc.get("attrs", {}).get("is_np_shape", ["int", 0])[1])
    with mx.util.np_shape(np_shape), mx.util.np_array(np_shape):
        return _check(case, ops, np_shape)


def _check(case, ops, np_shape):
    log = io.StringIO()
    handler = logging.StreamHandler(log)
    logging.getLogger().addHandler(handler)
    try:
        sym = mx.sym.load_json(case["json"])
    except Exception as e:
        return {"ops": ops, "error": "load: %s" % _first_line(e)}
    finally:
        logging.getLogger().removeHandler(handler)
    result = {"load_log": log.getvalue(), "list_arguments": sym.list_arguments(),
              "list_auxiliary_states": sym.list_auxiliary_states(), "ops": ops}
    inputs = {}
    for k, v in case["inputs"].items():
        a = mx.nd.array(decode(v), dtype=v["dtype"])
        inputs[k] = a.as_np_ndarray() if np_shape else a
    try:
        args = {n: inputs[n] for n in sym.list_arguments()}
        aux = {n: inputs[n] for n in sym.list_auxiliary_states()}
        exe = sym.bind(mx.cpu(), args=args, aux_states=aux, grad_req="null")
        outs = exe.forward(is_train=False)
        result["outputs"] = [encode(o.asnumpy()) for o in outs]
        want = [decode(o) for o in case["tapegraph_outputs"]]
        result["matches_tapegraph"] = len(want) == len(outs) and all(
            np.allclose(o.asnumpy(), w, rtol=1e-4, atol=1e-5) for o, w in zip(outs, want))
    except Exception as e:  # recorded, so a failure is visible in the data
        result["error"] = _first_line(e)
    return result


def main():
    name = sys.argv[1] if len(sys.argv) > 1 else "cases.json"
    path = os.path.join(HERE, name)
    with open(path) as f:
        doc = json.load(f)
    bad = 0
    for case in doc["cases"]:
        if "json" not in case:
            continue  # tapegraph refused to export it (recorded in the case)
        case["mxnet"] = check(case)
        ok = case["mxnet"].get("matches_tapegraph")
        bad += not ok
        print("%-45s %s" % (case["id"], "ok" if ok else case["mxnet"].get("error", "MISMATCH")))
    doc["checked_with"] = "mxnet " + mx.__version__
    with open(path, "w") as f:
        json.dump(doc, f, indent=1 if name == "cases.json" else None)
        f.write("\n")
    print("%d cases, %d not matching" % (len(doc["cases"]), bad))


if __name__ == "__main__":
    main()
