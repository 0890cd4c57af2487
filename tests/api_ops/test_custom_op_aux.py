"""A CustomOp's auxiliary states are written back as in MXNet 1.9.1: through `assign` or
directly, in forward and backward, for mx.nd.Custom (recorded or not) and for a bound
Symbol's aux_dict (tests/data/mxnet/custom_op_aux.json, tools/capture_custom_op_aux.py)."""
import json
import os

import numpy as np

import tapegraph as mx

import custom_aux_programs

HERE = os.path.dirname(__file__)
WANT = json.load(open(os.path.join(HERE, "..", "data", "mxnet", "custom_op_aux.json")))["programs"]
GOT = custom_aux_programs.run(mx)


def _same(got, want):
    assert len(got) == len(want)
    for g, w in zip(got, want):
        if isinstance(w, list) and w and isinstance(w[0], str):
            assert g == w
        else:
            np.testing.assert_allclose(np.array(g, dtype=float), np.array(w, dtype=float),
                                       rtol=1e-6)


def test_nd_custom_forward_writes_aux_as_mxnet():
    for got, want in zip(GOT["nd_forward"], WANT["nd_forward"]):
        _same(got, want)


def test_symbol_executor_aux_dict_after_forward_and_backward_as_mxnet():
    for got, want in zip(GOT["symbol_executor"], WANT["symbol_executor"]):
        _same(got, want)


def test_nd_custom_recorded_backward_writes_aux():
    got, want = GOT["nd_record_backward"], WANT["nd_record_backward"]
    # the values after each forward, and the gradients, are MXNet's
    for k in (0, 2):
        _same(got[k], want[k])
    for k in (1, 3):
        _same(got[k][2:], want[k][2:])
    # MXNet reads aux right after backward before its asynchronous custom-op backward has
    # written them (the next forward sees the writes: 55 = 50 + sum(x), 1.5 = 0.5 + 1);
    # here backward has finished when it returns
    total = 5.0
    assert got[1][:2] == [[want[2][0][0] - total], [want[2][1][0] - 1.0]]
    assert got[3][:2] == [[got[2][0][0] * 10], [got[2][1][0] - 0.5]]
