"""Capture how MXNet 1.9.1 writes back a CustomOp's auxiliary states (assign and direct
writes, in forward and backward; mx.nd.Custom with and without autograd.record, and a bound
Symbol's aux_dict), running tests/api_ops/custom_aux_programs.py.

    /tmp/mxnet-oracle/bin/python tools/capture_custom_op_aux.py \
        > tests/data/mxnet/custom_op_aux.json
"""
import json
import os
import sys
import warnings

import mxnet as mx

warnings.simplefilter("ignore")
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "api_ops"))
import custom_aux_programs  # noqa: E402


def main():
    result = {"mxnet": mx.__version__, "programs": custom_aux_programs.run(mx)}
    json.dump(result, sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
