"""Golden text of small recorded programs: names from the user's variables, residuals
named after the forward values they stand for, provenance comments."""
import tapegraph as mx
from tapegraph import autograd
from tapegraph.ir import parse

FORWARD = """\
graph recorded(%x: f32[4]) -> (f32[4]) {
  %0: f32[4] = elemwise_mul(%x, %x)
  %1: f32[4] = _plus_scalar(%0) {scalar=1.0}
  return (%1)
}"""

JOINT = """\
graph grad_forward(%x: f32[4]) -> (f32[4]) {
  %0: f32[4] = elemwise_mul(%x, %x)
  %1: f32[4] = _plus_scalar(%0) {scalar=1.0}
  %2: f32[4] = ones_like(%1)
  %3: f32[4] = elemwise_mul(%2, %x)   # vjp of %0 = elemwise_mul(%x, %x)
  %4: f32[4] = elemwise_mul(%2, %x)   # vjp of %0 = elemwise_mul(%x, %x)
  %5: f32[4] = elemwise_add(%3, %4)   # vjp of %0 = elemwise_mul(%x, %x)
  return (%5)
}"""

RESIDUALIZED = """\
graph grad_forward(%x: f32[4], %y: f32[4]) -> (f32[4]) {
  %0: f32[4] = ones_like(%y)
  %1: f32[4] = elemwise_mul(%0, %x)   # vjp of %mul0 = elemwise_mul(%x, %x)
  %2: f32[4] = elemwise_mul(%0, %x)   # vjp of %mul0 = elemwise_mul(%x, %x)
  %3: f32[4] = elemwise_add(%1, %2)   # vjp of %mul0 = elemwise_mul(%x, %x)
  return (%3)
}"""


def test_seed_example_prints_with_the_users_names():
    x = mx.nd.array([1, 2, 3, 4])
    x.attach_grad()
    with autograd.record():
        y = x * x + 1
    assert str(autograd.get_symbol(y)) == FORWARD
    assert str(autograd.backward_graph(y, [x], optimized=False)) == JOINT
    residualized = autograd.backward_graph(y, [x], pipeline="dce")
    assert str(residualized) == RESIDUALIZED
    for text in (FORWARD, JOINT, RESIDUALIZED):
        assert str(parse(text)) == text  # the comments survive as provenance text
