"""The `checkpoint` pass: same results under every policy, recomputation where the policy
does not save, a lower peak of live intermediates, and golden IR text."""
import numpy as np
import pytest

from tapegraph.ir import Builder, Graph, MXNetError, TensorType, Value, parse, print_graph, \
    verify
from tapegraph.passes import checkpoint, grad, plan_memory
from tapegraph.runtime import Plan

F = """\
graph f(%x: f32[2,3], %w: f32[3,3]) -> (f32[]) {
  %0: f32[2,3] = dot(%x, %w)
  %1: f32[2,3] = tanh(%0)
  %2: f32[2,3] = sin(%1)
  %3: f32[] = sum(%2)
  return (%3)
}"""

F_DOTS = """\
graph grad_f(%x: f32[2,3], %w: f32[3,3]) -> (f32[], f32[3,3]) {
  %0: f32[2,3] = dot(%x, %w)
  %1: f32[2,3] = tanh(%0)
  %2: f32[2,3] = sin(%1)
  %3: f32[] = sum(%2)
  %4: f32[] = _full() {shape=(), value=1.0}
  %5: f32[1,1] = Reshape(%4) {shape=(1, 1)}   # vjp of %3 = sum(%2)
  %6: f32[2,3] = broadcast_to(%5) {shape=(2, 3)}   # vjp of %3 = sum(%2)
  %7: f32[2,3] = tanh(%0)
  %8: f32[2,3] = cos(%7)   # vjp of %2 = sin(%1)
  %9: f32[2,3] = elemwise_mul(%6, %8)   # vjp of %2 = sin(%1)
  %10: f32[2,3] = square(%7)   # vjp of %1 = tanh(%0)
  %11: f32[2,3] = _rminus_scalar(%10) {scalar=1.0}   # vjp of %1 = tanh(%0)
  %12: f32[2,3] = elemwise_mul(%9, %11)   # vjp of %1 = tanh(%0)
  %13: f32[3,3] = dot(%x, %12) {transpose_a=True}   # vjp of %0 = dot(%x, %w)
  return (%3, %13)
}"""


def test_checkpoint_golden_dots():
    j = grad(parse(F), wrt=[1], keep_outputs=True)
    c = checkpoint(j, policy="dots")
    verify(c)
    assert print_graph(c) == F_DOTS
    recomputed = [n for n in c.nodes if (n.meta or {}).get("recompute_of")]
    assert [n.op for n in recomputed] == ["tanh"]


def _net(layers=4, batch=16, width=8):
    x = Value(TensorType.get((batch, width), "float64"), "x")
    ws = [Value(TensorType.get((width, width), "float64"), "w%d" % i) for i in range(layers)]
    b = Builder()
    h = x
    for w in ws:
        z = b.op("dot", h, w)
        h = b.op("elemwise_mul", b.op("tanh", z), b.op("sigmoid", z))
    g = Graph("net", [x] + ws, b.nodes, [b.op("sum", h)])
    return grad(g, wrt=list(range(1, layers + 1)), keep_outputs=True)


@pytest.mark.parametrize("policy,every", [("dots", 0), ("every", 1), ("every", 3),
                                          ("nothing", 0), ("everything", 0)])
def test_policies_keep_results(policy, every):
    j = _net()
    rng = np.random.RandomState(0)
    feed = [rng.standard_normal(v.type.shape) * 0.3 for v in j.inputs]
    c = checkpoint(j, policy=policy, every=every)
    verify(c)
    for got, want in zip(Plan(c).run(feed), Plan(j).run(feed)):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-14)
    assert c.inputs == j.inputs and len(c.outputs) == len(j.outputs)


def test_saving_dots_lowers_the_peak():
    j = _net()
    peak = plan_memory(j).meta["memory_plan"].peak_before
    dots = plan_memory(checkpoint(j, policy="dots")).meta["memory_plan"].peak_before
    assert dots < 0.75 * peak


def test_bad_policy_is_named():
    with pytest.raises(MXNetError, match="unknown policy 'some'"):
        checkpoint(_net(), policy="some")
    with pytest.raises(MXNetError, match="does not say where its forward ends"):
        checkpoint(parse(F))
