"""mx.operator.get_operator_arguments against MXNet 1.9.1
(tests/data/mxnet/operator_arguments.json, tools/capture_operator_arguments.py)."""
import json
import os

import pytest

import tapegraph as mx
from tapegraph.base import MXNetError

HERE = os.path.dirname(__file__)
DATA = json.load(open(os.path.join(HERE, "..", "data", "mxnet", "operator_arguments.json")))
# IR operators whose attributes are tapegraph's own: only the names MXNet lists first agree
APPROXIMATE = {"Activation", "dot"}
EXACT = sorted(set(DATA["operators"]) - APPROXIMATE)


@pytest.mark.parametrize("op", EXACT)
def test_operator_arguments_are_mxnets(op):
    narg, names, types, cls, fields = DATA["operators"][op]
    got = mx.operator.get_operator_arguments(op)
    assert isinstance(got, mx.operator.OperatorArguments)
    assert (type(got).__name__, list(got._fields)) == (cls, fields)
    assert (got.narg, got.names, got.types) == (narg, names, types)


@pytest.mark.parametrize("op", sorted(APPROXIMATE))
def test_ir_operator_arguments_start_with_mxnets_names(op):
    names = DATA["operators"][op][1]
    got = mx.operator.get_operator_arguments(op)
    assert got.narg == len(got.names) == len(got.types)
    assert got.names == names[:len(got.names)]


def test_unknown_operator_raises_mxnets_error():
    want = DATA["errors"]["no_such_operator"].split("Check failed: ")[1]
    with pytest.raises(MXNetError) as info:
        mx.operator.get_operator_arguments("no_such_operator")
    assert want in str(info.value)
