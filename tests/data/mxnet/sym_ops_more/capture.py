"""Capture the cases of cases.py in MXNet 1.9.1: for each, the symbol's JSON as MXNet
writes it, the inferred output shapes, the forward outputs and (when the case asks) the
input gradients for head gradients of ones (`simple_bind(...).backward`).

    /tmp/mxnet-oracle/bin/python tests/data/mxnet/sym_ops_more/capture.py
"""
import json
import os
import sys
import warnings

import numpy as np
import mxnet as mx

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import sym_cases as cases  # noqa: E402

warnings.simplefilter("ignore")


def capture(case_id, build, inputs, check_grad):
    with mx.name.NameManager():  # each case named as in a fresh process
        sym = build(mx)
    arrays = {k: mx.nd.array(v, dtype=v.dtype) for k, v in inputs.items()}
    record = {"json": sym.tojson(), "inputs": {k: v.tolist() for k, v in inputs.items()},
              "dtypes": {k: str(v.dtype) for k, v in inputs.items()}}
    try:
        _, out_shapes, _ = sym.infer_shape(**{k: v.shape for k, v in inputs.items()})
        record["out_shapes"] = [list(s) for s in out_shapes]
        grad_req = "write" if check_grad else "null"
        exe = sym.bind(mx.cpu(), arrays, args_grad={k: mx.nd.zeros_like(a)
                                                    for k, a in arrays.items()}
                       if check_grad else None, grad_req=grad_req)
        outs = exe.forward(is_train=check_grad)
        record["outputs"] = [o.asnumpy().tolist() for o in outs]
        record["out_dtypes"] = [str(o.dtype.__name__ if hasattr(o.dtype, "__name__")
                                    else o.dtype) for o in outs]
        if check_grad:
            exe.backward([mx.nd.ones_like(o) for o in outs])
            record["grads"] = {k: exe.grad_dict[k].asnumpy().tolist() for k in arrays
                               if np.dtype(arrays[k].dtype).kind == "f"}
    except mx.MXNetError as e:
        record["error"] = [line for line in str(e).splitlines() if line.strip()][-1]
    return record


def main():
    out = {}
    for case_id, build, inputs, check_grad in cases.CASES:
        out[case_id] = capture(case_id, build, inputs, check_grad)
        print(case_id, "error" if "error" in out[case_id] else "ok", file=sys.stderr)
    with open(os.path.join(HERE, "captured.json"), "w") as f:
        json.dump(out, f, indent=1, sort_keys=True)


if __name__ == "__main__":
    assert mx.__version__ == "1.9.1", mx.__version__
    main()
