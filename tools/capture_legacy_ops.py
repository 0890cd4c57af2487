"""Capture MXNet 1.9.1's deprecated NumpyOp / NDArrayOp / PythonOp in Symbols, running
tests/api_ops/legacy_op_programs.py.

    /tmp/mxnet-oracle/bin/python tools/capture_legacy_ops.py > tests/data/mxnet/legacy_ops.json
"""
import json
import os
import sys

import mxnet as mx

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "api_ops"))
import legacy_op_programs  # noqa: E402


def main():
    result = {"mxnet": mx.__version__, "programs": legacy_op_programs.run(mx)}
    json.dump(result, sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
