"""Golden IR text for `linearize` (the primal graph and the linear tangent graph) and
`transpose` on a small program, and the refusal to transpose a non-linear graph."""
import pytest

from tapegraph.ir import MXNetError, parse, print_graph, verify
from tapegraph.passes import get_pass

linearize, transpose = get_pass("linearize"), get_pass("transpose")

F = """\
graph f(%x: f32[4], %w: f32[4]) -> (f32[]) {
  %0: f32[4] = elemwise_mul(%x, %w)
  %1: f32[4] = tanh(%0)
  %2: f32[] = sum(%1)
  return (%2)
}"""

PRIMAL = """\
graph primal_f(%x: f32[4], %w: f32[4]) -> (f32[], f32[4], f32[4]) {
  %0: f32[4] = elemwise_mul(%x, %w)
  %1: f32[4] = tanh(%0)
  %2: f32[4] = square(%1)   # jvp of %1 = tanh(%0)
  %3: f32[4] = _rminus_scalar(%2) {scalar=1.0}   # jvp of %1 = tanh(%0)
  %4: f32[] = sum(%1)
  return (%4, %w, %3)
}"""

LINEAR = """\
graph lin_f(%w: f32[4], %r1: f32[4], %t_x: f32[4]) -> (f32[]) {
  %0: f32[4] = elemwise_mul(%t_x, %w)   # jvp of elemwise_mul
  %1: f32[4] = elemwise_mul(%0, %r1)   # jvp of tanh
  %2: f32[] = sum(%1)   # jvp of sum
  return (%2)
}"""

TRANSPOSED = """\
graph transpose_lin_f(%w: f32[4], %r1: f32[4], %ct0: f32[]) -> (f32[4]) {
  %0: f32[1] = Reshape(%ct0) {shape=(1,)}
  %1: f32[4] = broadcast_to(%0) {shape=(4,)}
  %2: f32[4] = elemwise_mul(%1, %r1)
  %3: f32[4] = elemwise_mul(%2, %w)
  return (%3)
}"""


def test_linearize_and_transpose_golden():
    lin = linearize(parse(F), wrt=[0])
    verify(lin)
    assert print_graph(lin.meta["primal"]) == PRIMAL
    assert print_graph(lin) == LINEAR
    assert lin.meta["num_residuals"] == 2
    t = transpose(lin)
    verify(t)
    assert print_graph(t) == TRANSPOSED


def test_transposing_twice_gives_the_linear_map_back():
    lin = linearize(parse(F), wrt=[0])
    tt = transpose(transpose(lin), linear=[2])
    assert [v.type for v in tt.inputs] == [v.type for v in lin.inputs]
    import numpy as np
    from tapegraph.runtime import Plan
    rng = np.random.RandomState(0)
    feed = [rng.uniform(-1, 1, v.type.shape).astype("float32") for v in lin.inputs]
    np.testing.assert_allclose(Plan(tt).run(feed)[0], Plan(lin).run(feed)[0], rtol=1e-5)


def test_a_non_linear_graph_is_refused():
    g = parse("""\
graph q(%x: f32[3]) -> (f32[3]) {
  %0: f32[3] = elemwise_mul(%x, %x)
  return (%0)
}""")
    with pytest.raises(MXNetError, match="elemwise_mul is not linear"):
        transpose(g)
