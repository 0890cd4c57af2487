"""Generated kernels of fused nodes: the small and chunked (and threaded) paths agree with
op-by-op execution; the source can be printed; errors name the node."""
import numpy as np
import pytest

from tapegraph.ir import ExecutionError, parse
from tapegraph.passes import fuse, run_passes
from tapegraph.runtime import FusedKernel, Plan, execute, fused_source
from tapegraph.runtime import fusion

TEMPLATE = """graph f(%x: f32[N], %y: f32[N]) -> (f32[N], f32[N]) {
  %0: f32[N] = sin(%x)
  %1: f32[N] = _power_scalar(%x) {scalar=3.0}
  %2: f32[N] = elemwise_mul(%0, %y)
  %3: f32[N] = _rminus_scalar(%2) {scalar=1.5}
  %4: f32[N] = elemwise_add(%3, %1)
  %5: f32[N] = _greater_scalar(%4) {scalar=0.0}
  %6: f32[N] = elemwise_mul(%5, %4)
  %7: f32[N] = _power_scalar(%6) {scalar=2.0}
  %8: f32[N] = zeros_like(%7)
  %9: f32[N] = elemwise_add(%8, %7)
  return (%9, %2)
}"""


def _graph(n):
    return parse(TEMPLATE.replace("N", str(n)))


@pytest.mark.parametrize("n", [7, fusion.CHUNK + 3, fusion.THREAD_MIN + 5])
def test_fused_kernel_matches_op_by_op(n):
    g = _graph(n)
    fused = fuse(g)
    assert [node.op for node in fused.nodes] == ["fused"]
    rng = np.random.RandomState(0)
    x = rng.uniform(-2, 2, n).astype(np.float32)
    y = rng.uniform(-2, 2, n).astype(np.float32)
    want = execute(g, [x, y])
    got = Plan(fused).run([x, y])
    for a, b in zip(got, want):
        assert a.dtype == b.dtype and a.shape == b.shape
        np.testing.assert_allclose(a, b, rtol=2e-6, atol=1e-6)


def test_broadcast_views_are_read_in_chunks_without_copies():
    n = fusion.CHUNK * 2 + 1
    g = run_passes(parse("""graph f(%x: f32[N], %s: f32[1]) -> (f32[N]) {
  %0: f32[N] = broadcast_to(%s) {shape=(N,)}
  %1: f32[N] = elemwise_mul(%x, %0)
  %2: f32[N] = exp(%1)
  return (%2)
}""".replace("N", str(n))), "fuse")
    x = np.linspace(-1, 1, n).astype(np.float32)
    s = np.array([0.5], np.float32)
    np.testing.assert_allclose(Plan(g).run([x, s])[0], np.exp(x * 0.5), rtol=1e-6)


def test_source_uses_out_buffers_and_can_be_printed():
    node = fuse(_graph(16)).nodes[0]
    src = fused_source(node)
    assert src.startswith("def small(x0, x1):")
    assert "def chunk(lo, hi, I, O, S, A):" in src
    assert "np.sin(i0, out=" in src and "np.square(" in src
    assert FusedKernel(node).source == src


def test_caller_arrays_are_never_aliased_by_a_copy_region():
    g = run_passes(parse("""graph f(%x: f32[3]) -> (f32[3]) {
  %0: f32[3] = _copy(%x)
  %1: f32[3] = BlockGrad(%0)
  return (%1)
}"""), "fuse")
    x = np.ones(3, np.float32)
    out = Plan(g).run([x])[0]
    assert out is not x and not np.shares_memory(out, x)


def test_failure_inside_a_plan_names_the_node():
    g = parse("""graph f(%x: f32[2,3]) -> (f32[3,2]) {
  %0: f32[3,2] = Reshape(%x) {shape=(3, 2)}
  return (%0)
}""")
    with pytest.raises(ExecutionError, match="while executing: %0: f32\\[3,2\\] = Reshape"):
        Plan(g).run([np.ones((4, 4), np.float32)])


def test_small_kernels_run_straight_line_code_even_when_given_out_buffers(monkeypatch):
    kernel = FusedKernel(fuse(_graph(7)).nodes[0])
    x = np.linspace(-1, 1, 7).astype(np.float32)
    want = kernel(x, x)
    monkeypatch.setattr(kernel, "_run", None)  # the chunked path would fail
    got = kernel(x, x, out=[np.empty(7, np.float32), np.empty(7, np.float32)])
    for a, b in zip(got, want):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("n", [16, fusion.CHUNK + 16])
def test_plans_donate_buffers_only_to_kernels_that_write_into_them(n):
    g = run_passes(parse("""graph f(%x: f32[N]) -> (f32[N]) {
  %0: f32[N] = sin(%x)
  %1: f32[] = sum(%0)
  %2: f32[N] = broadcast_to(%1) {shape=(N,)}
  %3: f32[N] = elemwise_mul(%0, %2)
  %4: f32[N] = tanh(%3)
  return (%4)
}""".replace("N", str(n))), "fuse,plan-memory")
    assert g.meta["memory_plan"].donations  # the pass offers the dying buffer...
    plan = Plan(g)
    donating = [step for step in plan.steps if step[5] is not None]
    assert len(donating) == (1 if n > fusion.CHUNK else 0)  # ...a small kernel ignores it
    x = np.linspace(0, 1, n).astype(np.float32)
    s = np.sin(x)
    np.testing.assert_allclose(plan.run([x])[0], np.tanh(s * s.sum()), rtol=1e-5)
