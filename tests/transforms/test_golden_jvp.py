"""Golden IR text for the `jvp` pass on small programs: a direct rule (tanh, mul, sum) and
a rule derived from the VJP (prod)."""
from tapegraph.ir import parse, print_graph, verify
from tapegraph.passes import get_pass

jvp = get_pass("jvp")

F = """\
graph f(%x: f32[4], %w: f32[4]) -> (f32[]) {
  %0: f32[4] = elemwise_mul(%x, %w)
  %1: f32[4] = tanh(%0)
  %2: f32[] = sum(%1)
  return (%2)
}"""

F_JVP_X = """\
graph jvp_f(%x: f32[4], %w: f32[4], %t_x: f32[4]) -> (f32[], f32[]) {
  %0: f32[4] = elemwise_mul(%x, %w)
  %1: f32[4] = elemwise_mul(%t_x, %w)   # jvp of %0 = elemwise_mul(%x, %w)
  %2: f32[4] = tanh(%0)
  %3: f32[4] = square(%2)   # jvp of %2 = tanh(%0)
  %4: f32[4] = _rminus_scalar(%3) {scalar=1.0}   # jvp of %2 = tanh(%0)
  %5: f32[4] = elemwise_mul(%1, %4)   # jvp of %2 = tanh(%0)
  %6: f32[] = sum(%2)
  %7: f32[] = sum(%5)   # jvp of %6 = sum(%2)
  return (%6, %7)
}"""

P = """\
graph p(%x: f32[2,3]) -> (f32[2]) {
  %0: f32[2] = prod(%x) {axis=1}
  return (%0)
}"""

P_JVP = """\
graph jvp_p(%x: f32[2,3], %t_x: f32[2,3]) -> (f32[2], f32[2]) {
  %0: f32[2] = prod(%x) {axis=1}
  %1: f32[] = _full() {shape=(), value=1.0}   # jvp of %0 = prod(%x) {axis=1}
  %2: f32[1,1] = Reshape(%1) {shape=(1, 1)}   # jvp of %0 = prod(%x) {axis=1}
  %3: f32[2,3] = broadcast_to(%2) {shape=(2, 3)}   # jvp of %0 = prod(%x) {axis=1}
  %4: f32[2,3] = elemwise_mul(%3, %t_x)   # jvp of %0 = prod(%x) {axis=1}
  %5: f32[2,3] = elemwise_div(%4, %x)   # jvp of %0 = prod(%x) {axis=1}
  %6: f32[2,1] = sum(%5) {axis=(1,), keepdims=True}   # jvp of %0 = prod(%x) {axis=1}
  %7: f32[2] = Reshape(%6) {shape=(2,)}   # jvp of %0 = prod(%x) {axis=1}
  %8: f32[2] = elemwise_mul(%7, %0)   # jvp of %0 = prod(%x) {axis=1}
  return (%0, %8)
}"""


def test_jvp_golden_direct_rules():
    j = jvp(parse(F), wrt=[0])
    verify(j)
    assert print_graph(j) == F_JVP_X
    assert parse(print_graph(j)) == j


def test_jvp_golden_derived_rule():
    j = jvp(parse(P))
    verify(j)
    assert print_graph(j) == P_JVP
    assert parse(print_graph(j)) == j


def test_an_operator_without_rules_is_named():
    import pytest
    from tapegraph.ir import NonDifferentiableError
    g = parse("""\
graph s(%x: f32[3]) -> (f32[3]) {
  %0: f32[3] = _backward_sign(%x)
  return (%0)
}""")
    with pytest.raises(NonDifferentiableError, match="_backward_sign"):
        jvp(g)
