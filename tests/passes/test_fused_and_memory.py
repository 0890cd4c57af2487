"""`fused` nodes stay differentiable (their gradient differentiates the region), the fuse
pass forms the expected groups on random graphs without changing results, and
`plan-memory` reports peaks and plans in-place reuse."""
import numpy as np
import pytest

from tapegraph.ir import parse, print_graph, verify
from tapegraph.passes import dce, fuse, grad, plan_memory, run_passes
from tapegraph.runtime import Plan, execute

W3 = """graph f(%x: f64[5]) -> (f64[]) {
  %0: f64[5] = sin(%x)
  %1: f64[5] = square(%x)
  %2: f64[5] = negative(%1)
  %3: f64[5] = exp(%2)
  %4: f64[5] = elemwise_mul(%0, %3)
  %5: f64[5] = tanh(%x)
  %6: f64[5] = _mul_scalar(%5) {scalar=0.5}
  %7: f64[5] = elemwise_add(%4, %6)
  %8: f64[5] = _power_scalar(%x) {scalar=3.0}
  %9: f64[5] = elemwise_add(%7, %8)
  %10: f64[] = sum(%9)
  return (%10)
}"""


def _fd_grad(graph, x, eps=1e-6):
    out = np.zeros_like(x)
    for i in range(x.size):
        d = np.zeros_like(x)
        d[i] = eps
        out[i] = (execute(graph, [x + d])[0] - execute(graph, [x - d])[0]) / (2 * eps)
    return out


@pytest.mark.parametrize("order", [1, 2])
def test_gradient_of_a_fused_graph_matches_the_unfused_one(order):
    g = parse(W3)
    fused = fuse(g)
    assert [n.op for n in fused.nodes] == ["fused"]
    assert fused.nodes[0].region.nodes[-1].op == "sum"  # a reduction epilogue
    x = np.linspace(-1.3, 1.1, 5)
    plain, through = g, fused
    for k in range(order):
        if k:  # differentiate the sum of the previous gradient again
            plain, through = fuse(_sum(plain)), fuse(_sum(through))
        plain = dce(grad(plain))
        through = dce(grad(through))
    verify(through)
    np.testing.assert_allclose(execute(through, [x])[0], execute(plain, [x])[0], rtol=1e-12)
    if order == 1:
        np.testing.assert_allclose(execute(through, [x])[0], _fd_grad(g, x), rtol=1e-6)
    assert any(n.op == "fused" for n in fuse(through).nodes)
    assert parse(print_graph(fuse(through))) == fuse(through)


def _sum(graph):
    from tapegraph.ir import Builder, Graph
    b = Builder()
    s = b.op("sum", graph.outputs[0])
    return Graph(graph.name, graph.inputs, list(graph.nodes) + b.nodes, [s])


ELEMENTWISE = [("sin", 1), ("tanh", 1), ("exp", 1), ("negative", 1), ("square", 1),
               ("elemwise_add", 2), ("elemwise_mul", 2), ("elemwise_sub", 2)]


def _random_graph(rng, n_nodes, barrier=0.15):
    """Random mixes of element-wise ops with occasional dots (fusion barriers)."""
    lines, names = [], ["%x", "%y"]
    for k in range(n_nodes):
        if rng.rand() < barrier:
            a = names[rng.randint(len(names))]
            lines.append("  %%%d: f64[4] = dot(%%w, %s)" % (k, a))
        else:
            op, arity = ELEMENTWISE[rng.randint(len(ELEMENTWISE))]
            args = ", ".join(names[rng.randint(len(names))] for _ in range(arity))
            lines.append("  %%%d: f64[4] = %s(%s)" % (k, op, args))
        names.append("%%%d" % k)
    outs = sorted(set(names[-1:] + [names[rng.randint(2, len(names))] for _ in range(2)]))
    head = "graph r(%%x: f64[4], %%y: f64[4], %%w: f64[4,4]) -> (%s) {" % ", ".join(
        ["f64[4]"] * len(outs))
    return parse("\n".join([head] + lines + ["  return (%s)" % ", ".join(outs), "}"]))


def test_fuse_and_the_whole_pipeline_keep_results_on_random_graphs(request):
    budget = 200 if request.config.getoption("--long") else 25
    rng = np.random.RandomState(7)
    for _ in range(budget):
        g = _random_graph(rng, rng.randint(3, 14))
        args = [rng.uniform(-0.5, 0.5, v.type.shape) for v in g.inputs]
        want = execute(g, args)
        for pipeline in ("fuse", "cse,simplify,fold,simplify,dce,fuse,plan-memory"):
            got = run_passes(g, pipeline, verify=True)
            for a, b in zip(Plan(got).run(args), want):
                np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)


def _components(graph):
    """Number of groups of nodes connected through shared values (inputs included)."""
    parent = {}

    def find(a):
        while parent.setdefault(a, a) != a:
            a = parent[a]
        return a
    for n in graph.nodes:
        for v in n.inputs + n.outputs:
            parent[find(v)] = find(n)
    return len({find(n) for n in graph.nodes})


def test_without_barriers_each_connected_component_is_one_group():
    rng = np.random.RandomState(3)
    for _ in range(30):
        g = dce(_random_graph(rng, rng.randint(3, 14), barrier=0.0))
        fused = fuse(g)
        assert len(fused.nodes) == _components(g)


def test_plan_memory_reports_peaks_and_reuses_dying_buffers():
    # more than one chunk (runtime.fusion.CHUNK): smaller fused kernels return fresh arrays
    g = run_passes(parse("""graph f(%x: f32[70000]) -> (f32[70000]) {
  %0: f32[70000] = sin(%x)
  %1: f32[70000] = exp(%0)
  %2: f32[] = sum(%1)
  %3: f32[70000] = broadcast_to(%2) {shape=(70000,)}
  %4: f32[70000] = elemwise_mul(%1, %3)
  %5: f32[70000] = tanh(%4)
  return (%5)
}"""), "fuse,plan-memory")
    plan = g.meta["memory_plan"]
    assert plan.peak_after < plan.peak_before <= plan.total
    assert "peak" in plan.report() and "in-place" in plan.report()
    donated = [n for n in plan.donations]
    assert len(donated) == 1 and donated[0].op == "fused"
    x = np.linspace(0, 1, 70000).astype(np.float32)
    p = Plan(g)
    out = p.run([x])[0]
    e = np.exp(np.sin(x))
    np.testing.assert_allclose(out, np.tanh(e * e.sum(dtype=np.float32)), rtol=1e-5)
    assert p.inplace_hits == 1
    assert plan_memory(g).meta["memory_plan"].donations.keys() == plan.donations.keys()


def test_in_place_is_skipped_when_someone_else_holds_the_buffer():
    g = run_passes(parse("""graph f(%x: f32[8]) -> (f32[8], f32[8]) {
  %0: f32[8] = _copy(%x)
  %1: f32[8] = sin(%0)
  %2: f32[8] = exp(%1)
  return (%2, %0)
}"""), "fuse,plan-memory")
    # %0 is an output: never donated.
    assert not g.meta["memory_plan"].donations


# Found by the hardening property tests: the incremental cycle test misses a path through
# a group that grew after it was read; fuse must fall back to conservative groups.
CYCLE_TRAP = """\
graph g(%a: f32[2,3], %b: f32[2,3], %c: f32[2,3], %d: f32[2,3]) -> (f32[2,3], f32[2,3]) {
  %0: f32[2,3] = _mul_scalar(%b) {scalar=0.5}
  %1: f32[2,3] = _mul_scalar(%c) {scalar=0.5}
  %2: f32[2,3] = _plus_scalar(%1) {scalar=0.2}
  %3: f32[1,3] = sum(%0) {axis=(0,), keepdims=True}
  %4: f32[2,3] = _slice_scatter(%3) {shape=(2, 3), begin=(0, 0), end=(1, 3), step=(1, 1)}
  %5: f32[2,3] = elemwise_add(%2, %4)
  %6: f32[2,3] = _mul_scalar(%a) {scalar=0.4}
  %7: f32[2,3] = _mul_scalar(%d) {scalar=0.4}
  %8: f32[2,3] = _plus_scalar(%7) {scalar=2.1}
  %9: f32[1,3] = sum(%6) {axis=(0,), keepdims=True}
  %10: f32[2,3] = _slice_scatter(%9) {shape=(2, 3), begin=(0, 0), end=(1, 3), step=(1, 1)}
  %11: f32[2,3] = elemwise_add(%8, %10)
  %12: f32[2,3] = _mul_scalar(%b) {scalar=0.3}
  %13: f32[2,3] = _mul_scalar(%a) {scalar=0.3}
  %14: f32[2,3] = elemwise_add(%11, %12)
  %15: f32[2,3] = elemwise_add(%5, %13)
  return (%14, %15)
}"""


def test_fuse_never_creates_a_cycle_on_a_known_trap():
    g = parse(CYCLE_TRAP)
    fused = verify(fuse(g))
    assert any(n.op == "fused" for n in fused.nodes)
    rng = np.random.RandomState(5)
    args = [rng.uniform(0.5, 1.5, v.type.shape).astype(v.type.dtype) for v in g.inputs]
    for a, b in zip(Plan(fused).run(args), execute(g, args)):
        np.testing.assert_allclose(a, b, rtol=1e-6)
