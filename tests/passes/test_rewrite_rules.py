"""The rule-table rewrite engine (passes.patterns) and the rules simplify, fold and
prune-inputs added for a clean IR: golden text, and values unchanged."""
import numpy as np
import pytest

import tapegraph as mx
from tapegraph.ir import parse, print_graph, verify
from tapegraph.passes import PassManager, Pat, RuleSet, dce, fold, prune_inputs, rewrite, simplify
from tapegraph.passes.patterns import C, X, var
from tapegraph.runtime import execute

GOLDEN = {}


def simplify_dce(graph):
    return dce(simplify(graph))


GOLDEN["scalar_chain"] = (simplify_dce, """\
graph f(%x: f32[3]) -> (f32[3]) {
  %0: f32[3] = _mul_scalar(%x) {scalar=2.0}
  %1: f32[3] = _mul_scalar(%0) {scalar=0.125}
  return (%1)
}""", """\
graph f(%x: f32[3]) -> (f32[3]) {
  %0: f32[3] = _mul_scalar(%x) {scalar=0.25}
  return (%0)
}""")

GOLDEN["inexact_chain_kept"] = (simplify, """\
graph f(%x: f32[3]) -> (f32[3]) {
  %0: f32[3] = _mul_scalar(%x) {scalar=3.0}
  %1: f32[3] = _mul_scalar(%0) {scalar=0.1}
  return (%1)
}""", None)

GOLDEN["division_by_constant"] = (simplify_dce, """\
graph f(%x: f32[3], %y: f32[3]) -> (f32[3], f32[3]) {
  %0: f32[3] = _full() {shape=(3,), value=4.0}
  %1: f32[3] = elemwise_div(%x, %0)
  %2: f32[3] = _full() {shape=(3,), value=3.0}
  %3: f32[3] = elemwise_div(%y, %2)
  return (%1, %3)
}""", """\
graph f(%x: f32[3], %y: f32[3]) -> (f32[3], f32[3]) {
  %0: f32[3] = _mul_scalar(%x) {scalar=0.25}
  %1: f32[3] = _div_scalar(%y) {scalar=3.0}
  return (%0, %1)
}""")

GOLDEN["negation_into_factor"] = (simplify_dce, """\
graph f(%x: f32[3]) -> (f32[3]) {
  %0: f32[3] = negative(%x)
  %1: f32[3] = _mul_scalar(%0) {scalar=0.5}
  %2: f32[3] = _mul_scalar(%1) {scalar=4.0}
  %3: f32[3] = negative(%2)
  return (%3)
}""", """\
graph f(%x: f32[3]) -> (f32[3]) {
  %0: f32[3] = _mul_scalar(%x) {scalar=2.0}
  return (%0)
}""")

GOLDEN["fold_through_reshapes"] = (fold, """\
graph f(%x: f32[4]) -> (f32[4]) {
  %0: f32[1] = ones_like(%x)
  %1: f32[1] = negative(%0)
  %2: f32[] = Reshape(%1) {shape=()}
  %3: f32[] = _div_scalar(%2) {scalar=4.0}
  %4: f32[1] = Reshape(%3) {shape=(1,)}
  %5: f32[4] = broadcast_to(%4) {shape=(4,)}
  %6: f32[4] = elemwise_mul(%x, %5)
  return (%6)
}""".replace("%0: f32[1] = ones_like(%x)", "%0: f32[1] = _full() {shape=(1,), value=1.0}"),
    """\
graph f(%x: f32[4]) -> (f32[4]) {
  %0: f32[1] = _full() {shape=(1,), value=1.0}
  %1: f32[1] = _full() {shape=(1,), value=-1.0}
  %2: f32[] = _full() {shape=(), value=-1.0}
  %3: f32[] = _full() {shape=(), value=-0.25}
  %4: f32[1] = _full() {shape=(1,), value=-0.25}
  %5: f32[4] = _full() {shape=(4,), value=-0.25}
  %6: f32[4] = elemwise_mul(%x, %5)
  return (%6)
}""")

GOLDEN["prune_inputs"] = (prune_inputs, """\
graph f(%x: f32[3], %unused: f32[2], %y: f32[3]) -> (f32[3]) {
  %0: f32[3] = elemwise_mul(%x, %y)
  return (%0)
}""", """\
graph f(%x: f32[3], %y: f32[3]) -> (f32[3]) {
  %0: f32[3] = elemwise_mul(%x, %y)
  return (%0)
}""")

GOLDEN["negation_into_other_factor"] = (simplify_dce, """\
graph f(%a: f32[3], %c: f32[3]) -> (f32[3], f32[3]) {
  %0: f32[3] = negative(%a)
  %1: f32[3] = _mul_scalar(%c) {scalar=3.0}
  %2: f32[3] = elemwise_mul(%0, %1)
  %3: f32[3] = _mul_scalar(%c) {scalar=0.5}
  %4: f32[3] = negative(%a)
  %5: f32[3] = elemwise_mul(%3, %4)
  return (%2, %5)
}""", """\
graph f(%a: f32[3], %c: f32[3]) -> (f32[3], f32[3]) {
  %0: f32[3] = _mul_scalar(%c) {scalar=-3.0}
  %1: f32[3] = elemwise_mul(%a, %0)
  %2: f32[3] = _mul_scalar(%c) {scalar=-0.5}
  %3: f32[3] = elemwise_mul(%2, %a)
  return (%1, %3)
}""")

# a negation read elsewhere too: folding it into the factor would add a node
GOLDEN["shared_negation_kept"] = (simplify, """\
graph f(%a: f32[3], %c: f32[3]) -> (f32[3], f32[3]) {
  %0: f32[3] = negative(%a)
  %1: f32[3] = _mul_scalar(%c) {scalar=3.0}
  %2: f32[3] = elemwise_mul(%0, %1)
  return (%2, %0)
}""", None)


# exactly one element per row receives the cotangent: summing along the pick's axis
# gives it back (the log_softmax gradient of a picked loss sums it)
GOLDEN["sum_of_pick_scatter"] = (simplify_dce, """\
graph f(%g: f32[4,1], %i: f32[4]) -> (f32[4], f32[4,1]) {
  %0: f32[4,3] = _pick_scatter(%g, %i) {shape=(4, 3), keepdims=True}
  %1: f32[4] = sum(%0) {axis=(1,)}
  %2: f32[4,1] = sum(%0) {axis=(-1,), keepdims=True}
  return (%1, %2)
}""", """\
graph f(%g: f32[4,1], %i: f32[4]) -> (f32[4], f32[4,1]) {
  %0: f32[4] = Reshape(%g) {shape=(4,)}
  %1: f32[4,1] = _copy(%g)
  return (%0, %1)
}""")

# summed along another axis, the scatter is not the cotangent
GOLDEN["sum_of_pick_scatter_other_axis_kept"] = (simplify, """\
graph f(%g: f32[4,1], %i: f32[4]) -> (f32[1,3]) {
  %0: f32[4,3] = _pick_scatter(%g, %i) {shape=(4, 3), keepdims=True}
  %1: f32[1,3] = sum(%0) {axis=(0,), keepdims=True}
  return (%1)
}""", None)

@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_golden(name):
    fn, source, expected = GOLDEN[name]
    graph = parse(source)
    result = verify(fn(graph))
    if expected is None:
        assert result is graph
        return
    text = print_graph(result)
    assert text == expected
    assert parse(text) == result
    assert print_graph(graph) == source  # the input was not mutated
    rng = np.random.RandomState(0)
    by_input = {v: rng.uniform(0.5, 1.5, v.type.shape).astype(v.type.dtype)
                for v in graph.inputs}
    got = execute(dce(result), [by_input[v] for v in result.inputs])
    want = execute(graph, [by_input[v] for v in graph.inputs])
    for a, b in zip(got, want):
        np.testing.assert_array_equal(a, b)  # these rules are exact


def test_gradient_of_negative_mean_is_one_constant_node():
    x = mx.nd.array([1.0, 2.0, 3.0, 4.0])
    x.attach_grad()
    with mx.autograd.record():
        y = -mx.nd.mean(x)
    graph = mx.autograd.backward_graph([y], [x]).graph
    assert [n.op for n in graph.nodes] == ["_full"], print_graph(graph)
    assert graph.nodes[0].inputs == ()
    y.backward()
    np.testing.assert_array_equal(x.grad.asnumpy(), [-0.25] * 4)


def test_demo_backward_has_no_kernel_that_only_builds_a_constant(tmp_path, capsys):
    from tapegraph.cli.demo import demo
    assert demo(str(tmp_path)) == 0
    text = capsys.readouterr().out
    optimized = text.split("# backward IR after the default pipeline")[1].split("# gradients")[0]
    graph = parse(optimized[optimized.index("graph"):].strip())
    ops = [n.op for n in graph.nodes] + [n.op for g in graph.nodes if g.region is not None
                                         for n in g.region.nodes]
    assert "ones_like" not in ops and "zeros_like" not in ops
    assert ops.count("_full") == 1
    used = {v for n in graph.nodes for v in n.inputs} | set(graph.outputs)
    assert all(v in used for v in graph.inputs)  # prune-inputs ran


def test_a_user_rule_is_one_line():
    rules = RuleSet("mine").add(Pat("exp", Pat("log", X)), lambda m: m.x)
    g = parse("""\
graph f(%x: f32[3]) -> (f32[3]) {
  %0: f32[3] = log(%x)
  %1: f32[3] = exp(%0)
  return (%1)
}""")
    assert print_graph(dce(rewrite(g, rules))) == """\
graph f(%x: f32[3]) -> (f32[3]) {
  return (%x)
}"""


def test_rules_chain_to_a_fixed_point_and_a_name_bound_twice_must_agree():
    rules = RuleSet()
    rules.add(Pat("elemwise_sub", X, X), lambda m: m.node("zeros_like", m.x))
    rules.add(Pat("zeros_like", X), lambda m: m.node("_full", shape=m.out.type.shape,
                                                   dtype=m.out.type.dtype, value=0.0))
    g = parse("""\
graph f(%x: f32[2], %y: f32[2]) -> (f32[2], f32[2]) {
  %0: f32[2] = elemwise_sub(%x, %x)
  %1: f32[2] = elemwise_sub(%x, %y)
  return (%0, %1)
}""")
    text = print_graph(rewrite(g, rules))
    assert "%0: f32[2] = _full() {shape=(2,), value=0.0}" in text
    assert "elemwise_sub(%x, %y)" in text


def test_constant_patterns_bind_numbers_and_rules_may_decline():
    seen = []

    def record(m):
        seen.append(m.c)
        return None  # declines: the graph is unchanged

    rules = RuleSet().add(Pat("elemwise_mul", var("a"), C), record)
    g = parse("""\
graph f(%x: f32[2]) -> (f32[2]) {
  %0: f32[2] = _full() {shape=(2,), value=3.5}
  %1: f32[2] = elemwise_mul(%x, %0)
  return (%1)
}""")
    assert rewrite(g, rules) is g
    assert seen == [3.5]


def test_a_pattern_must_name_its_root_operator():
    with pytest.raises(ValueError, match="root operator"):
        RuleSet().add(X, lambda m: None)


def test_pipeline_keeps_values_with_constants_everywhere():
    g = parse("""\
graph f(%x: f32[2,3]) -> (f32[2,3]) {
  %0: f32[2,3] = ones_like(%x)
  %1: f32[2,3] = _mul_scalar(%0) {scalar=2.0}
  %2: f32[2,3] = elemwise_mul(%x, %1)
  %3: f32[2,3] = _mul_scalar(%2) {scalar=0.5}
  return (%3)
}""")
    out = PassManager("simplify,fold,simplify,dce").run(g)
    assert print_graph(out) == """\
graph f(%x: f32[2,3]) -> (f32[2,3]) {
  %0: f32[2,3] = _copy(%x)
  return (%0)
}"""


def test_softmax_cross_entropy_backward_sums_no_scatter():
    """Gluon's SoftmaxCrossEntropyLoss backward: the log_softmax gradient's sum over the
    classes of the picked cotangent is the cotangent itself (no sum, no broadcast)."""
    pred = mx.nd.array(np.random.RandomState(1).randn(5, 4))
    label = mx.nd.array([0, 3, 1, 1, 2])
    pred.attach_grad()
    loss_fn = mx.gluon.loss.SoftmaxCrossEntropyLoss()
    with mx.autograd.record():
        loss = loss_fn(pred, label)
    graph = mx.autograd.backward_graph([loss], [pred]).graph
    ops = [n.op for n in graph.nodes]
    assert "sum" not in ops and "broadcast_to" not in ops, print_graph(graph)
    loss.backward()
    p = np.exp(pred.asnumpy()) / np.exp(pred.asnumpy()).sum(1, keepdims=True)
    p[np.arange(5), label.asnumpy().astype(int)] -= 1
    np.testing.assert_allclose(pred.grad.asnumpy(), p, rtol=1e-5, atol=1e-6)
