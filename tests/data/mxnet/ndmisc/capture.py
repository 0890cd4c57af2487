"""Capture the cases of cases.py from Apache MXNet 1.9.1 (run under the oracle venv:
/tmp/mxnet-oracle/bin/python capture.py > golden.json; with --isolate each case runs in
its own process).

The cases run with MKLDNN (oneDNN) off, except those of ONEDNN, each run in its own
process with it on (the wheel's default): MXNet 1.9.1's CPU RNN and BatchNormWithReLU
exist only as oneDNN kernels (without it RNN refuses state outputs and state_cell,
BatchNormWithReLU "is not implemented for CPU"), while with it on, sign_ste segfaults and
float16 arrays fail ("unknown type for MKLDNN").
Per case: output shapes, dtypes and values, or the error's type and message; and the
gradients of sum(out0 * cotangent) with respect to the listed inputs."""
import json
import os
import sys

import numpy as np

ONEDNN = ("nd.RNN(", "npx.rnn(", "BatchNormWithReLU(")
if len(sys.argv) < 3 or sys.argv[2] != "onednn":
    os.environ["MXNET_MKLDNN_ENABLED"] = "0"
import mxnet as mx  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cases import CASES, cotangent, inputs, key  # noqa: E402

nd = mx.nd


def arrays():
    return {k: nd.array(v) for k, v in inputs().items()}


def as_list(r):
    return list(r) if isinstance(r, (list, tuple)) else [r]


def record(outs):
    return [{"shape": list(o.shape), "dtype": np.dtype(o.dtype).name,
             "data": o.asnumpy().astype(np.float64).ravel().tolist()} for o in outs]


def run(expr, wrt):
    env = dict(arrays(), mx=mx, nd=nd)
    case = {}
    try:
        with mx.autograd.record():
            for name in wrt:
                env[name].attach_grad()
            res = as_list(eval(expr, env))
        case["outputs"] = record(res)
        if wrt:
            res[0].backward(nd.array(cotangent(res[0].shape), dtype=res[0].dtype))
            case["grads"] = {n: env[n].grad.asnumpy().astype(np.float64).ravel().tolist()
                             for n in wrt}
    except Exception as e:  # noqa: BLE001  (the error is the captured result)
        msg = str(e)
        lines = [ln for ln in msg.splitlines() if ln.strip()]
        key = next((ln for ln in lines if "Error" in ln and ":" in ln), lines[-1] if lines else "")
        case = {"error": type(e).__name__, "message": key.strip()[:400]}
    return case


if len(sys.argv) > 1 and sys.argv[1] != "--isolate":  # one case in this process
    print(json.dumps(run(*CASES[int(sys.argv[1])])))
elif len(sys.argv) == 1:  # all cases in this process (fast), but ONEDNN's
    import subprocess
    out = {"captured_with": "mxnet " + mx.__version__, "cases": {}}
    for i, (expr, wrt) in enumerate(CASES):
        if any(k in expr for k in ONEDNN):
            env = {k: v for k, v in os.environ.items() if k != "MXNET_MKLDNN_ENABLED"}
            p = subprocess.run([sys.executable, __file__, str(i), "onednn"], env=env,
                               capture_output=True, text=True, timeout=120)
            lines = p.stdout.strip().splitlines()
            out["cases"][key(expr, wrt)] = json.loads(lines[-1]) if p.returncode == 0 else {
                "error": "crash", "message": "MXNet aborted (exit status %d)" % p.returncode}
        else:
            out["cases"][key(expr, wrt)] = run(expr, wrt)
        print(i, expr[:60], list(out["cases"][key(expr, wrt)])[:1], file=sys.stderr)
    print(json.dumps(out, indent=0))
else:  # --isolate: each case in its own process (a case may crash MXNet)
    out = {"captured_with": "mxnet " + mx.__version__, "cases": {}}
    for i, (expr, wrt) in enumerate(CASES):
        try:
            p = subprocess.run([sys.executable, __file__, str(i)], capture_output=True,
                               text=True, timeout=60)
        except subprocess.TimeoutExpired:
            out["cases"][key(expr, wrt)] = {"error": "hang", "message": "MXNet did not return in 60 s"}
            continue
        lines = p.stdout.strip().splitlines()
        out["cases"][key(expr, wrt)] = json.loads(lines[-1]) if p.returncode == 0 and lines else {
            "error": "crash", "message": "MXNet aborted (exit status %d)" % p.returncode}
        print(i, expr[:60], list(out["cases"][key(expr, wrt)])[:1], file=sys.stderr)
    print(json.dumps(out, indent=0))
