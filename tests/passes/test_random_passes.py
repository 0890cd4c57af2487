"""Sampling operators are effectful IR nodes (tapegraph.ir.ops.random): passes never merge,
fold or recompute a draw, dce drops an unused one, and each plan run draws afresh from
the generator `mx.random.seed` reseeds."""
import numpy as np

import tapegraph as mx
from tapegraph.ir import REGISTRY, parse, print_graph
from tapegraph.passes import PassManager, get_pass
from tapegraph.runtime import Plan

TWO_DRAWS = """\
graph f(%x: f32[2,3]) -> (f32[2,3]) {
  %0: f32[2,3] = _random_uniform() {shape=(2, 3)}
  %1: f32[2,3] = _random_uniform() {shape=(2, 3)}
  %2: f32[2,3] = exp(%x)
  %3: f32[2,3] = exp(%x)
  %4: f32[2,3] = elemwise_sub(%0, %1)
  %5: f32[2,3] = elemwise_add(%2, %3)
  %6: f32[2,3] = elemwise_add(%4, %5)
  return (%6)
}"""


def test_every_sampling_operator_is_marked_random():
    random = {op.name for op in REGISTRY if op.random}
    assert {"_random_uniform", "_random_normal", "_sample_normal", "_random_normal_like",
            "_sample_multinomial", "_random_randint"} <= random
    # MXNet names its random image operators `_image_random_*` (mx.nd.image.random_*), not
    # `_random_*`: tapegraph keeps MXNet's operator names, so they are sampling ops too
    assert all(n.startswith(("_random_", "_sample_", "_npi_", "_image_random_"))
               or n == "_shuffle" for n in random)
    assert {"_image_random_brightness", "_image_random_lighting"} <= random
    assert all(REGISTRY.get(n).effects == {"random"} for n in random)


def test_cse_merges_pure_duplicates_but_never_two_draws():
    out = print_graph(get_pass("cse")(parse(TWO_DRAWS)))
    assert out == """\
graph f(%x: f32[2,3]) -> (f32[2,3]) {
  %0: f32[2,3] = _random_uniform() {shape=(2, 3)}
  %1: f32[2,3] = _random_uniform() {shape=(2, 3)}
  %2: f32[2,3] = exp(%x)
  %3: f32[2,3] = elemwise_sub(%0, %1)
  %4: f32[2,3] = elemwise_add(%2, %2)
  %5: f32[2,3] = elemwise_add(%3, %4)
  return (%5)
}"""


def test_fold_leaves_a_draw_even_of_a_degenerate_distribution():
    # U[2, 2) of a constant is 2 everywhere, but a fold would stop it consuming the generator
    g = parse("""\
graph f() -> (f32[3]) {
  %0: f32[3] = _full() {shape=(3,), value=1.0}
  %1: f32[3] = _random_uniform_like(%0) {low=2.0, high=2.0}
  %2: f32[3] = _plus_scalar(%1) {scalar=1.0}
  return (%2)
}""")
    folded = get_pass("fold")(g)
    assert [n.op for n in folded.nodes] == ["_full", "_random_uniform_like", "_plus_scalar"]


def test_dce_drops_an_unused_draw():
    g = parse("""\
graph f(%x: f32[2]) -> (f32[2]) {
  %0: f32[2] = _random_normal() {shape=(2,)}
  %1: f32[2] = exp(%x)
  return (%1)
}""")
    assert [n.op for n in get_pass("dce")(g).nodes] == ["exp"]


def test_each_plan_run_draws_afresh_and_seed_reproduces_the_runs():
    g = PassManager(["cse", "fuse", "plan-memory"], verify=True).run(parse(TWO_DRAWS))
    plan = Plan(g)
    x = np.zeros((2, 3), np.float32)
    mx.random.seed(7)
    first = [plan.run([x])[0].copy() for _ in range(2)]
    assert not np.array_equal(first[0], first[1])
    mx.random.seed(7)
    again = [plan.run([x])[0].copy() for _ in range(2)]
    np.testing.assert_array_equal(first, again)
    # the same numbers the eager samplers draw, in the same order
    mx.random.seed(7)
    u0 = mx.nd.random.uniform(shape=(2, 3)).asnumpy()
    u1 = mx.nd.random.uniform(shape=(2, 3)).asnumpy()
    np.testing.assert_allclose(first[0], u0 - u1 + 2.0, rtol=1e-6)


def test_checkpoint_keeps_a_draw_instead_of_recomputing_it():
    joint = parse("""\
graph f(%x: f32[3]) -> (f32[3], f32[3]) {
  %0: f32[3] = _random_uniform_like(%x)
  %1: f32[3] = elemwise_mul(%x, %0)
  %2: f32[3] = sin(%1)
  %3: f32[3] = cos(%1)
  %4: f32[3] = elemwise_mul(%3, %0)
  return (%2, %4)
}""")
    ck = get_pass("checkpoint")(joint, policy="nothing", forward_nodes=3)
    recomputed = [n.op for n in ck.nodes if (n.meta or {}).get("recompute_of") is not None]
    assert recomputed == ["elemwise_mul"]  # the policy recomputes what it may, not the draw
    assert [n.op for n in ck.nodes].count("_random_uniform_like") == 1
