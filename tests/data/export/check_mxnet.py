"""Evaluate every exported JSON of cases.json with Apache MXNet 1.9.1 and store the result
in each case under "mxnet": whether `mx.sym.load_json` logged anything, its
list_arguments, and the outputs of `bind(...).forward(is_train=False)` (or the error).

    /tmp/mxnet-oracle/bin/python tests/data/export/check_mxnet.py

Runs only under the oracle venv (Python 3.8); the tests read the stored results.
"""
from __future__ import print_function

import io
import json
import logging
import os

import numpy as np
import mxnet as mx

HERE = os.path.dirname(os.path.abspath(__file__))


def decode(a):
    return np.array(a["data"], dtype=a["dtype"]).reshape(a["shape"])


def encode(a):
    a = np.asarray(a)
    return {"shape": list(a.shape), "dtype": a.dtype.name, "data": a.ravel().tolist()}


def check(case):
    log = io.StringIO()
    handler = logging.StreamHandler(log)
    logging.getLogger().addHandler(handler)
    try:
        sym = mx.sym.load_json(case["json"])
    finally:
        logging.getLogger().removeHandler(handler)
    result = {"load_log": log.getvalue(), "list_arguments": sym.list_arguments(),
              "list_auxiliary_states": sym.list_auxiliary_states(),
              "ops": sorted({n["op"] for n in json.loads(case["json"])["nodes"]} - {"null"})}
    inputs = {k: mx.nd.array(decode(v), dtype=v["dtype"]) for k, v in case["inputs"].items()}
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
        result["error"] = "%s: %s" % (type(e).__name__, str(e).splitlines()[0])
    return result


def main():
    path = os.path.join(HERE, "cases.json")
    with open(path) as f:
        doc = json.load(f)
    bad = 0
    for case in doc["cases"]:
        case["mxnet"] = check(case)
        ok = case["mxnet"].get("matches_tapegraph")
        bad += not ok
        print("%-45s %s" % (case["id"], "ok" if ok else case["mxnet"].get("error", "MISMATCH")))
    doc["checked_with"] = "mxnet " + mx.__version__
    with open(path, "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    print("%d cases, %d not matching" % (len(doc["cases"]), bad))


if __name__ == "__main__":
    main()
