"""Golden IR text for the optimisation passes: input text -> one pass -> expected text,
and the rewritten graph computes what the original computed."""
import numpy as np
import pytest

from tapegraph.ir import parse, print_graph, verify
from tapegraph.passes import cse, dce, fold, fuse, simplify
from tapegraph.runtime import execute

CASES = {}

CASES["cse"] = (cse, """\
graph f(%x: f32[3], %y: f32[3]) -> (f32[3]) {
  %0: f32[3] = elemwise_mul(%x, %y)
  %1: f32[3] = elemwise_mul(%x, %y)
  %2: f32[3] = exp(%0)
  %3: f32[3] = exp(%1)
  %4: f32[3] = elemwise_add(%2, %3)
  return (%4)
}""", """\
graph f(%x: f32[3], %y: f32[3]) -> (f32[3]) {
  %0: f32[3] = elemwise_mul(%x, %y)
  %1: f32[3] = exp(%0)
  %2: f32[3] = elemwise_add(%1, %1)
  return (%2)
}""")

CASES["simplify"] = (simplify, """\
graph f(%x: f32[2,3], %s: f32[]) -> (f32[2,3], f32[3,2], f32[2,3]) {
  %0: f32[] = ones_like(%s)
  %1: f32[1,1] = Reshape(%0) {shape=(1, 1)}
  %2: f32[2,3] = broadcast_to(%1) {shape=(2, 3)}
  %3: f32[2,3] = elemwise_mul(%x, %2)
  %4: f32[2,3] = negative(%3)
  %5: f32[2,3] = negative(%4)
  %6: f32[3,2] = transpose(%5)
  %7: f32[2,3] = transpose(%6)
  %8: f32[2,3] = zeros_like(%x)
  %9: f32[2,3] = elemwise_add(%8, %7)
  %10: f32[2,3] = _mul_scalar(%9) {scalar=1.0}
  return (%10, %6, %x)
}""", """\
graph f(%x: f32[2,3], %s: f32[]) -> (f32[2,3], f32[3,2], f32[2,3]) {
  %0: f32[] = ones_like(%s)
  %1: f32[1,1] = Reshape(%0) {shape=(1, 1)}
  %2: f32[2,3] = broadcast_to(%1) {shape=(2, 3)}
  %3: f32[2,3] = negative(%x)
  %4: f32[3,2] = transpose(%x)
  %5: f32[2,3] = zeros_like(%x)
  %6: f32[2,3] = _copy(%x)
  return (%6, %4, %x)
}""")

CASES["simplify_reduce"] = (simplify, """\
graph f(%x: f32[1,3], %y: f32[3]) -> (f32[1,3], f32[3], f32[3]) {
  %0: f32[4,3] = broadcast_to(%x) {shape=(4, 3)}
  %1: f32[1,3] = sum(%0) {axis=(0,), keepdims=True}
  %2: f32[3] = sum(%x) {axis=(0,)}
  %3: f32[3] = ones_like(%y)
  %4: f32[3] = _mul_scalar(%3) {scalar=2.0}
  %5: f32[3] = elemwise_mul(%y, %3)
  return (%1, %2, %5)
}""", """\
graph f(%x: f32[1,3], %y: f32[3]) -> (f32[1,3], f32[3], f32[3]) {
  %0: f32[4,3] = broadcast_to(%x) {shape=(4, 3)}
  %1: f32[1,3] = _mul_scalar(%x) {scalar=4.0}
  %2: f32[3] = Reshape(%x) {shape=(3,)}
  %3: f32[3] = ones_like(%y)
  %4: f32[3] = _mul_scalar(%3) {scalar=2.0}
  %5: f32[3] = _copy(%y)
  return (%1, %2, %5)
}""")

CASES["fold"] = (fold, """\
graph f(%x: f32[3]) -> (f32[3]) {
  %0: f32[3] = ones_like(%x)
  %1: f32[3] = _mul_scalar(%0) {scalar=2.0}
  %2: f32[3] = _plus_scalar(%1) {scalar=1.0}
  %3: f32[3] = elemwise_mul(%x, %2)
  return (%3)
}""", """\
graph f(%x: f32[3]) -> (f32[3]) {
  %0: f32[3] = _full() {shape=(3,), value=1.0}
  %1: f32[3] = _full() {shape=(3,), value=2.0}
  %2: f32[3] = _full() {shape=(3,), value=3.0}
  %3: f32[3] = elemwise_mul(%x, %2)
  return (%3)
}""")

CASES["fuse"] = (fuse, """\
graph f(%x: f32[4], %w: f32[4,4]) -> (f32[4]) {
  %0: f32[4] = sin(%x)
  %1: f32[4] = _mul_scalar(%0) {scalar=2.0}
  %2: f32[4] = dot(%w, %1)
  %3: f32[4] = tanh(%2)
  %4: f32[4] = elemwise_add(%3, %1)
  %5: f32[4] = exp(%4)
  return (%5)
}""", """\
graph f(%x: f32[4], %w: f32[4,4]) -> (f32[4]) {
  %0: f32[4] = fused(%x) region
      graph region(%x: f32[4]) -> (f32[4]) {
        %0: f32[4] = sin(%x)
        %1: f32[4] = _mul_scalar(%0) {scalar=2.0}
        return (%1)
      }
  %1: f32[4] = dot(%w, %0)
  %2: f32[4] = fused(%1, %0) region
      graph region(%in0: f32[4], %in1: f32[4]) -> (f32[4]) {
        %0: f32[4] = tanh(%in0)
        %1: f32[4] = elemwise_add(%0, %in1)
        %2: f32[4] = exp(%1)
        return (%2)
      }
  return (%2)
}""")

# sin and mul cannot share a group: the dot between them would make a cycle.
CASES["fuse_no_cycle"] = (fuse, """\
graph f(%x: f32[4], %w: f32[4,4]) -> (f32[4]) {
  %0: f32[4] = sin(%x)
  %1: f32[4] = dot(%w, %0)
  %2: f32[4] = elemwise_mul(%0, %1)
  return (%2)
}""", None)

# Two chains meeting in an add become one group (groups merge), with two outputs kept.
CASES["fuse_merge"] = (fuse, """\
graph f(%x: f32[4]) -> (f32[4], f32[4]) {
  %0: f32[4] = sin(%x)
  %1: f32[4] = square(%x)
  %2: f32[4] = exp(%1)
  %3: f32[4] = elemwise_mul(%0, %2)
  %4: f32[] = sum(%2)
  return (%3, %1)
}""", """\
graph f(%x: f32[4]) -> (f32[4], f32[4]) {
  %0: f32[4], %1: f32[4], %2: f32[4] = fused(%x) region
      graph region(%x: f32[4]) -> (f32[4], f32[4], f32[4]) {
        %0: f32[4] = sin(%x)
        %1: f32[4] = square(%x)
        %2: f32[4] = exp(%1)
        %3: f32[4] = elemwise_mul(%0, %2)
        return (%1, %2, %3)
      }
  %3: f32[] = sum(%1)
  return (%2, %0)
}""")


def _inputs(graph, rng):
    return [rng.uniform(0.5, 1.5, v.type.shape).astype(v.type.dtype) for v in graph.inputs]


@pytest.mark.parametrize("name", sorted(CASES))
def test_pass_golden(name):
    fn, source, expected = CASES[name]
    graph = parse(source)
    result = verify(fn(graph))
    text = print_graph(result)
    if expected is None:
        assert result is graph  # nothing to do: the very same graph comes back
    else:
        assert text == expected
        assert parse(text) == result  # fused regions print inline and parse back
    assert print_graph(graph) == source  # the input graph was not mutated
    rng = np.random.RandomState(0)
    args = _inputs(graph, rng)
    for got, want in zip(execute(dce(result), args), execute(graph, args)):
        np.testing.assert_allclose(got, want, rtol=1e-6)


def test_cse_keeps_random_ops_apart():
    from tapegraph.ir import Node, REGISTRY, Value, Graph
    assert REGISTRY.get("Dropout").random or REGISTRY.get("Dropout").uses_train_mode
    g = parse("""graph f(%x: f32[3], %m: f32[3]) -> (f32[3]) {
  %0: f32[3] = elemwise_mul(%x, %m)
  %1: f32[3] = elemwise_mul(%x, %m)
  %2: f32[3] = elemwise_add(%0, %1)
  return (%2)
}""")
    assert len(cse(g).nodes) == 2
    # The same two nodes as Dropout are never merged (two masks are two values).
    a, b = Value(g.inputs[0].type), Value(g.inputs[0].type)
    out = Value(a.type)
    drop = Graph("d", g.inputs, [Node("Dropout", g.inputs, (a,), {"p": 0.5, "mode": "training",
                                                                 "axes": ()}),
                                 Node("Dropout", g.inputs, (b,), {"p": 0.5, "mode": "training",
                                                                 "axes": ()}),
                                 Node("elemwise_add", (a, b), (out,), {})], [out])
    assert cse(drop) is drop


def test_simplify_returns_same_graph_when_nothing_applies():
    g = parse("""graph f(%x: f32[3]) -> (f32[3]) {
  %0: f32[3] = sin(%x)
  return (%0)
}""")
    assert simplify(g) is g and cse(g) is g and fold(g) is g and fuse(g) is g
