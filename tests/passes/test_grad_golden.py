"""Golden IR text for the gradient pass on small programs, and its application to its own
output (second order). Input text -> passes.grad -> expected text."""
import numpy as np

from tapegraph.ir import parse, print_graph, verify
from tapegraph.passes import dce, grad
from tapegraph.runtime import execute

SQUARE = """\
graph f(%x: f32[4]) -> (f32[4]) {
  %0: f32[4] = elemwise_mul(%x, %x)
  %1: f32[4] = _plus_scalar(%0) {scalar=1.0}
  return (%1)
}"""

SQUARE_GRAD = """\
graph grad_f(%x: f32[4]) -> (f32[4]) {
  %0: f32[4] = elemwise_mul(%x, %x)
  %1: f32[4] = _plus_scalar(%0) {scalar=1.0}
  %2: f32[4] = ones_like(%1)
  %3: f32[4] = elemwise_mul(%2, %x)   # vjp of %0 = elemwise_mul(%x, %x)
  %4: f32[4] = elemwise_mul(%2, %x)   # vjp of %0 = elemwise_mul(%x, %x)
  %5: f32[4] = elemwise_add(%3, %4)   # vjp of %0 = elemwise_mul(%x, %x)
  return (%5)
}"""

BROADCAST = """\
graph h(%x: f32[3], %w: f32[2,3]) -> (f32[]) {
  %0: f32[2,3] = broadcast_to(%x) {shape=(2, 3)}
  %1: f32[2,3] = elemwise_mul(%0, %w)
  %2: f32[2,3] = exp(%1)
  %3: f32[] = sum(%2)
  return (%3)
}"""

BROADCAST_GRAD_X = """\
graph grad_h(%x: f32[3], %w: f32[2,3]) -> (f32[3]) {
  %0: f32[2,3] = broadcast_to(%x) {shape=(2, 3)}
  %1: f32[2,3] = elemwise_mul(%0, %w)
  %2: f32[2,3] = exp(%1)
  %3: f32[] = sum(%2)
  %4: f32[] = ones_like(%3)
  %5: f32[1,1] = Reshape(%4) {shape=(1, 1)}   # vjp of %3 = sum(%2)
  %6: f32[2,3] = broadcast_to(%5) {shape=(2, 3)}   # vjp of %3 = sum(%2)
  %7: f32[2,3] = elemwise_mul(%6, %2)   # vjp of %2 = exp(%1)
  %8: f32[2,3] = elemwise_mul(%7, %w)   # vjp of %1 = elemwise_mul(%0, %w)
  %9: f32[1,3] = sum(%8) {axis=(0,), keepdims=True}   # vjp of %0 = broadcast_to(%x) {shape=(2, 3)}
  %10: f32[3] = Reshape(%9) {shape=(3,)}   # vjp of %0 = broadcast_to(%x) {shape=(2, 3)}
  return (%10)
}"""

SIN = """\
graph c(%x: f32[2]) -> (f32[2]) {
  %0: f32[2] = sin(%x)
  return (%0)
}"""

SIN_SECOND_ORDER = """\
graph grad_grad_c(%x: f32[2]) -> (f32[2]) {
  %0: f32[2] = sin(%x)
  %1: f32[2] = ones_like(%0)
  %2: f32[2] = cos(%x)   # vjp of %0 = sin(%x)
  %3: f32[2] = elemwise_mul(%1, %2)   # vjp of %0 = sin(%x)
  %4: f32[2] = ones_like(%3)
  %5: f32[2] = elemwise_mul(%4, %1)   # vjp of %3 = elemwise_mul(%1, %2)
  %6: f32[2] = sin(%x)   # vjp of %2 = cos(%x)
  %7: f32[2] = elemwise_mul(%5, %6)   # vjp of %2 = cos(%x)
  %8: f32[2] = negative(%7)   # vjp of %2 = cos(%x)
  return (%8)
}"""


def check(source: str, expected: str, **kwargs) -> None:
    g = grad(parse(source), **kwargs)
    verify(g)
    assert print_graph(g) == expected
    assert parse(expected) == g


def test_grad_of_square_plus_one():
    check(SQUARE, SQUARE_GRAD)


def test_grad_through_explicit_broadcast_after_dce():
    g = dce(grad(parse(BROADCAST), wrt=[0]))
    assert print_graph(g) == BROADCAST_GRAD_X


def test_grad_of_grad_is_second_order():
    g = dce(grad(grad(parse(SIN))))
    assert print_graph(g) == SIN_SECOND_ORDER
    x = np.array([0.3, 1.2], dtype=np.float32)
    np.testing.assert_allclose(execute(g, [x])[0], -np.sin(x), rtol=1e-6)


def test_head_gradients_as_inputs_and_keep_outputs():
    g = grad(parse(SQUARE), head_grads="input", keep_outputs=True)
    assert [v.hint for v in g.inputs] == ["x", "head_grad0"]
    x = np.array([1, 2, 3, 4], dtype=np.float32)
    y, dx = execute(g, [x, np.full(4, 10, np.float32)])
    np.testing.assert_allclose(y, x * x + 1)
    np.testing.assert_allclose(dx, 20 * x)


def test_unused_input_gets_a_materialised_zero_gradient():
    g = grad(parse(SIN.replace("(%x: f32[2])", "(%x: f32[2], %y: f32[2])")), wrt=[1])
    assert g.nodes[-1].op == "zeros_like"
    out = execute(dce(g), [np.ones(2, np.float32), np.ones(2, np.float32)])[0]
    assert out.tolist() == [0.0, 0.0]
