"""MXNet's deprecated NumpyOp / NDArrayOp / PythonOp run in Symbols as in MXNet 1.9.1
(tests/data/mxnet/legacy_ops.json, tools/capture_legacy_ops.py)."""
import json
import os
import re
import warnings

import numpy as np
import pytest

import tapegraph as mx

import legacy_op_programs

HERE = os.path.dirname(__file__)
WANT = json.load(open(os.path.join(HERE, "..", "data", "mxnet", "legacy_ops.json")))["programs"]
GOT = legacy_op_programs.run(mx)


def _unnumbered(names):
    return [re.sub(r"\d+_", "N_", n) for n in names]   # automatic names count per process


@pytest.mark.parametrize("program", ["numpy_softmax", "ndarray_scale", "ndarray_default"])
def test_legacy_operator_matches_mxnet(program):
    got, want = GOT[program], WANT[program]
    assert got["arguments"] == want["arguments"]
    assert _unnumbered(got["outputs"]) == _unnumbered(want["outputs"])
    np.testing.assert_allclose(got["out"], want["out"], rtol=1e-6)
    np.testing.assert_allclose(got["grad"], want["grad"], rtol=1e-6)


def test_python_op_get_symbol_must_be_overridden():
    assert GOT["python_op"] == WANT["python_op"]


def test_deprecation_warnings_and_listing():
    with pytest.warns(UserWarning, match="NumpyOp has been deprecated"):
        op = mx.operator.NumpyOp()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        op(mx.sym.Variable("data"))
    assert not any(n.startswith("_tg_legacy") for n in
                   mx.operator.get_all_registered_operators())
