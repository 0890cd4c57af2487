"""`passes.fuse.region_phase`: the one rule of what a fused region may hold, used by the
fuse pass and by deferred chains (tapegraph.accel.lazy) alike."""
import pytest

from tapegraph.ir import Node, TensorType, Value
from tapegraph.passes.fuse import ARRAY, SCALAR, region_phase

BIG = TensorType.get((8, 4), "float32")
ONE = TensorType.get((), "float32")
VEC1 = TensorType.get((1,), "float32")


def _node(op, in_types, out_type, **attrs):
    from tapegraph.ir import get_op
    attrs = get_op(op).complete_attrs(attrs)
    return Node(op, [Value(t) for t in in_types], [Value(out_type)], attrs)


@pytest.mark.parametrize("node, phases, expected", [
    (_node("exp", [BIG], BIG), [ARRAY], ARRAY),
    (_node("exp", [BIG], BIG), [None], ARRAY),  # a region input
    (_node("elemwise_mul", [BIG, BIG], BIG), [ARRAY, None], ARRAY),
    (_node("sum", [BIG], ONE), [ARRAY], SCALAR),  # a reduction epilogue
    (_node("sum", [BIG], ONE), [None], None),  # nothing to end
    (_node("mean", [BIG], ONE), [ARRAY], SCALAR),
    (_node("Reshape", [ONE], VEC1, shape=(1,)), [SCALAR], SCALAR),  # a scalar tail
    (_node("_div_scalar", [ONE], ONE, scalar=4.0), [SCALAR], SCALAR),
    (_node("elemwise_add", [ONE, ONE], ONE), [SCALAR, None], None),
    (_node("Reshape", [BIG], TensorType.get((32,), "float32"), shape=(32,)), [ARRAY], None),
    (_node("exp", [BIG], BIG), ["unknown"], None),
    (_node("sum", [BIG], ONE), [SCALAR], None),
])
def test_region_phase(node, phases, expected):
    assert region_phase(node, phases) == expected
