"""Capture MXNet 1.9.1's outputs and gradients of the custom operators in
tests/api_ops/custom_op_examples.py (MXNet's documented CustomOp examples).

    /tmp/mxnet-oracle/bin/python tools/capture_custom_op.py > tests/data/mxnet/custom_op.json
"""
import json
import os
import sys

import mxnet as mx

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "api_ops"))
import custom_op_examples  # noqa: E402


def main():
    custom_op_examples.define(mx)
    result = {"mxnet": mx.__version__, "programs": {}}
    for name in custom_op_examples.PROGRAMS:
        out, arrays = custom_op_examples.run(mx, name)
        result["programs"][name] = {
            "out": out.asnumpy().tolist(),
            "grads": {k: a.grad.asnumpy().tolist() for k, a in arrays.items()
                      if a.grad is not None},
            "after": {k: a.asnumpy().tolist() for k, a in arrays.items()},
        }
    json.dump(result, sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
