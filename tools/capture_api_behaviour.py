"""Capture MXNet 1.9.1 behaviours of the API surface into tests/data/mxnet/api/<topic>.json.

    /tmp/mxnet-oracle/bin/python tools/capture_api_behaviour.py [topic ...]

Each topic (tools/api_cases/<topic>.py) has a PRELUDE (statements) and CASES (expressions).
Both run in a namespace with `mx` (MXNet here, tapegraph in tests/api), `nd = mx.nd` and
`onp` (NumPy). For each expression the JSON records what it gave: an array's shape, dtype
and values, a plain Python value, or the exception's type and message. An expression
starting with "~" is random: only its shape and dtype are compared. tests/api/
test_captured_behaviour.py replays every case on tapegraph; tests never need the oracle.
"""
import importlib.util
import json
import os
import sys

import numpy as onp

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
OUT = os.path.join(ROOT, "tests", "data", "mxnet", "api")


def summarise(value, random=False):
    """A JSON-able description of `value` (shared with the replaying test)."""
    if hasattr(value, "asnumpy") or isinstance(value, onp.ndarray):
        arr = value.asnumpy() if hasattr(value, "asnumpy") else value
        out = {"shape": list(arr.shape), "dtype": onp.dtype(arr.dtype).name}
        if not random:
            out["value"] = onp.asarray(arr, dtype=onp.float64).tolist()
        return out
    if isinstance(value, (list, tuple)):
        return {"seq": [summarise(v, random) for v in value]}
    if isinstance(value, dict):
        return {"dict": {str(k): summarise(v, random) for k, v in value.items()}}
    if isinstance(value, (onp.generic,)):
        value = value.item()
    if isinstance(value, float) and random:
        return {"type": "float"}
    if value is None or isinstance(value, (bool, int, float, str)):
        return {"py": value}
    return {"repr": type(value).__name__}


def run_case(expr, scope):
    random = expr.startswith("~")
    try:
        value = eval(expr.lstrip("~"), scope)  # noqa: S307  (our own case files)
        return summarise(value, random)  # MXNet may raise only when values are read
    except Exception as err:  # noqa: BLE001  (recording what MXNet raises)
        message = str(err).strip().split("\n")[-1]
        return {"error": type(err).__name__, "message": message[:300]}


def load_topic(name):
    path = os.path.join(HERE, "api_cases", name + ".py")
    spec = importlib.util.spec_from_file_location("case_" + name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main(argv):
    import mxnet as mx
    topics = argv or sorted(f[:-3] for f in os.listdir(os.path.join(HERE, "api_cases"))
                            if f.endswith(".py"))
    os.makedirs(OUT, exist_ok=True)
    for topic in topics:
        cases = load_topic(topic)
        scope = {"mx": mx, "nd": mx.nd, "onp": onp}
        exec(cases.PRELUDE, scope)  # noqa: S102
        results = []
        for expr in cases.CASES:
            results.append({"expr": expr, "result": run_case(expr, scope)})
        with open(os.path.join(OUT, topic + ".json"), "w") as fh:
            json.dump({"prelude": cases.PRELUDE, "cases": results}, fh, indent=1)
            fh.write("\n")
        print(topic, len(results), "cases")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
