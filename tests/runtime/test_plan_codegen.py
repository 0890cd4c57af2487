"""Plans run generated straight-line code (Plan.source) from their second run: it gives
what the interpreter gives (outputs, errors, freed slots, in-place reuse, into/add), and
large plans stay interpreted."""
import gc
import weakref

import numpy as np
import pytest

import tapegraph as mx
from tapegraph.autodiff import engine
from tapegraph.ir import ExecutionError, Graph, parse
from tapegraph.passes import run_passes
from tapegraph.runtime import Plan, execute

CHAIN = """graph f(%x: f32[6], %y: f32[6]) -> (f32[6], f32[6]) {
  %0: f32[6] = sin(%x)
  %1: f32[6] = exp(%0)
  %2: f32[6] = elemwise_mul(%1, %y)
  %3: f32[6] = tanh(%2)
  %4: f32[6] = cos(%3)
  return (%4, %x)
}"""

MIXED = """graph f(%a: f32[3,4], %b: f32[4,5]) -> (f32[3,5], f32[], f32[2,4], f32[3,4]) {
  %0: f32[3,5] = dot(%a, %b)
  %1: f32[3,4] = sin(%a)
  %2: f32[] = sum(%1)
  %3: f32[4,4] = Concat(%1, %a) {dim=0, num_args=2}
  %4: f32[2,4], %5: f32[2,4] = SliceChannel(%3) {num_outputs=2, axis=0}
  %6: f32[2,4] = elemwise_add(%4, %5)
  return (%0, %2, %6, %a)
}"""

DONATING = """graph f(%x: f32[70000]) -> (f32[70000]) {
  %0: f32[70000] = sin(%x)
  %1: f32[70000] = exp(%0)
  %2: f32[] = sum(%1)
  %3: f32[70000] = broadcast_to(%2) {shape=(70000,)}
  %4: f32[70000] = elemwise_mul(%1, %3)
  %5: f32[70000] = tanh(%4)
  return (%5)
}"""


def _fail(*args, **kwargs):
    raise AssertionError("the plan was interpreted")


def _generated(graph):
    """A plan running generated code from its first run (the interpreter would fail)."""
    plan = Plan(graph)
    plan.compile_after = 0
    plan._interpret = _fail
    return plan


def _interpreted(graph):
    plan = Plan(graph)
    plan.max_compiled_steps = -1
    return plan


def _inputs(graph, seed=0):
    rng = np.random.RandomState(seed)
    return [rng.uniform(0.1, 1.0, v.type.shape).astype(v.type.dtype) for v in graph.inputs]


def _same(got, want):
    assert len(got) == len(want)
    for a, b in zip(got, want):
        assert type(a) is np.ndarray and a.dtype == b.dtype and a.shape == b.shape
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("text", [CHAIN, MIXED])
@pytest.mark.parametrize("passes", ["", "fuse,plan-memory"])
def test_generated_code_gives_what_the_interpreter_gives(text, passes):
    graph = parse(text)
    if passes:
        graph = run_passes(graph, passes)
    args = _inputs(graph)
    want = _interpreted(graph).run(args)
    plan = Plan(graph)
    for _ in range(3):  # interpreted once, then generated
        _same(plan.run(args), want)
    assert plan.source is not None
    _same(_generated(graph).run(args), want)


def test_a_backward_graph_from_the_frontend_runs_the_same_generated():
    x, w = mx.nd.array([[0.5, -1.0], [2.0, 0.25]]), mx.nd.array([[1.5, 0.5], [-0.5, 1.0]])
    x.attach_grad()
    w.attach_grad()
    with mx.autograd.record():
        y = mx.nd.sum(mx.nd.tanh(mx.nd.dot(x, w)) * mx.nd.sin(x))
    graph = mx.autograd.get_symbol(y)._graph
    args = [x.asnumpy(), w.asnumpy()][:len(graph.inputs)]
    _same(_generated(graph).run(args), execute(graph, args))


def test_training_steps_give_the_same_gradients_on_every_run(monkeypatch):
    monkeypatch.setattr(engine, "INTO_MIN", 1)  # gradients go into their buffers
    engine.PLAN_CACHE.clear()
    x = mx.nd.array(np.linspace(-1, 1, 12).reshape(3, 4).astype(np.float32))
    w = mx.nd.array(np.linspace(0.5, 1.5, 20).reshape(5, 4).astype(np.float32))
    w.attach_grad()
    grads = []
    try:
        for _ in range(4):
            with mx.autograd.record():
                loss = mx.nd.sum(mx.nd.sin(mx.nd.FullyConnected(x, w, no_bias=True,
                                                                num_hidden=5)))
            loss.backward()
            grads.append(w.grad.asnumpy().copy())
    finally:
        engine.PLAN_CACHE.clear()
    want = np.cos(x.asnumpy() @ w.asnumpy().T).T @ x.asnumpy()
    for g in grads:
        np.testing.assert_allclose(g, want, rtol=1e-5, atol=1e-6)


def test_a_user_exception_in_a_function_backward_still_reaches_the_caller(monkeypatch):
    class UserBug(Exception):
        pass

    class Flaky(mx.autograd.Function):
        def forward(self, x):
            return x * 3

        def backward(self, dy):
            raise UserBug("not yet")

    monkeypatch.setattr(Plan, "compile_after", 0)
    x = mx.nd.array([1.0, 2.0])
    x.attach_grad()
    with mx.autograd.record():
        y = Flaky()(x) + x
    with pytest.raises(UserBug, match="not yet"):
        y.backward()


def test_errors_name_the_failing_node_and_keep_the_cause():
    graph = parse("""graph f(%x: f32[4,4]) -> (f32[3,2]) {
  %0: f32[4,4] = sin(%x)
  %1: f32[3,2] = Reshape(%0) {shape=(3, 2)}
  return (%1)
}""")
    args = [np.ones((4, 4), np.float32)]
    messages = []
    for plan in (_interpreted(graph), _generated(graph)):
        with pytest.raises(ExecutionError, match="while executing: %1: f32\\[3,2\\] = Reshape"
                           ) as info:
            plan.run(args)
        assert isinstance(info.value.__cause__, ValueError)
        messages.append(str(info.value))
        with pytest.raises(ExecutionError, match="takes 1 inputs, got 2") as info:
            plan.run(args + args)
        messages.append(str(info.value))
    assert messages[:2] == messages[2:]


def test_a_wrong_number_of_kernel_results_is_an_error_naming_the_node():
    plan = _generated(parse(MIXED))
    fn, ins, outs, frees, k, donate = plan.steps[4]
    plan.steps[4] = (lambda a: fn(a)[:1], ins, outs, frees, k, donate)
    with pytest.raises(ExecutionError, match="while executing: %4: f32\\[2,4\\], %5"):
        plan.run(_inputs(plan.graph))


@pytest.mark.parametrize("make", [_interpreted, _generated])
def test_slots_are_freed_after_their_last_use(make):
    plan = make(parse(CHAIN))
    seen = {}

    def spy(step, check):
        fn = plan.steps[step][0]

        def kernel(*arrays):
            for name in check:  # the value died before this step
                assert seen[name]() is None, name
            r = fn(*arrays)
            seen[step] = weakref.ref(r)
            return r
        plan.steps[step] = (kernel,) + plan.steps[step][1:]
    spy(0, [])
    spy(1, [])
    spy(2, [])
    spy(3, [0, 1])  # %0 was last read by step 1, %1 by step 2
    spy(4, [0, 1, 2])
    for _ in range(2):
        gc.disable()  # freed by reference counting, not by a collection
        try:
            out, x = plan.run(_inputs(plan.graph))
        finally:
            gc.enable()
        assert seen[4]() is out
        assert seen[3]() is None


def _donating_plan(make, text):
    """A plan whose step 1 may write its output over an input (donations forced)."""
    plan = make(parse(text))
    fn, ins, outs, frees, k, _ = plan.steps[1]
    written = []

    def kernel(a, b, out):
        written.append(out[0])
        return np.multiply(a, b, out=out[0])
    plan.steps[1] = (kernel, ins, outs, frees, k, (0,))
    return plan, written


PAIR = """graph f(%x: f32[5], %y: f32[5]) -> (f32[5]) {
  %0: f32[5] = sin(%x)
  %1: f32[5] = elemwise_mul(%0, %y)
  return (%1)
}"""


@pytest.mark.parametrize("make", [_interpreted, _generated])
def test_a_dying_buffer_no_one_else_holds_is_written_in_place(make):
    plan, written = _donating_plan(make, PAIR)
    x, y = _inputs(plan.graph)
    sin = plan.steps[0][0]
    held = []  # ids of the arrays step 0 returns (no reference kept)
    plan.steps[0] = (lambda a: _record(held, sin(a)),) + plan.steps[0][1:]
    for run in range(1, 4):
        out, = plan.run([x, y])
        np.testing.assert_allclose(out, np.sin(x) * y, rtol=1e-6)
        assert written[-1] is out and id(out) == held[-1]
        assert plan.inplace_hits == run


def _record(ids, a):
    ids.append(id(a))
    return a


@pytest.mark.parametrize("make", [_interpreted, _generated])
def test_a_buffer_someone_else_holds_is_never_written_over(make):
    plan, written = _donating_plan(make, PAIR)
    x, y = _inputs(plan.graph)
    sin = plan.steps[0][0]
    held = []
    plan.steps[0] = (lambda a: held.append(sin(a)) or held[-1],) + plan.steps[0][1:]
    for _ in range(3):
        out, = plan.run([x, y])
        np.testing.assert_array_equal(held[-1], np.sin(x))  # untouched
        np.testing.assert_allclose(out, np.sin(x) * y, rtol=1e-6)
        assert written[-1] is not held[-1]
    assert plan.inplace_hits == 0


@pytest.mark.parametrize("make", [_interpreted, _generated])
def test_inputs_and_buffers_read_twice_by_the_step_are_not_written_over(make):
    plan, _ = _donating_plan(make, PAIR)  # the input %y, held by the caller
    fn, ins, outs, frees, k, _ = plan.steps[1]
    plan.steps[1] = (fn, ins, outs, frees, k, (1,))
    x, y = _inputs(plan.graph)
    keep = y.copy()
    for _ in range(2):
        plan.run([x, y])
    np.testing.assert_array_equal(y, keep)
    square, _ = _donating_plan(make, PAIR.replace("elemwise_mul(%0, %y)",
                                                  "elemwise_mul(%0, %0)"))
    for _ in range(2):
        out, = square.run([x, y])
        np.testing.assert_allclose(out, np.sin(x) ** 2, rtol=1e-6)
    assert plan.inplace_hits == square.inplace_hits == 0


def test_memory_plan_donations_are_reused_by_generated_code():
    graph = run_passes(parse(DONATING), "fuse,plan-memory")
    assert graph.meta["memory_plan"].donations
    x = np.linspace(0, 1, 70000).astype(np.float32)
    e = np.exp(np.sin(x))
    plan = _generated(graph)
    for run in range(1, 3):
        out, = plan.run([x])
        np.testing.assert_allclose(out, np.tanh(e * e.sum(dtype=np.float32)), rtol=1e-5)
        assert plan.inplace_hits == run


@pytest.mark.parametrize("make", [_interpreted, _generated])
def test_into_writes_or_adds_to_the_given_buffers(make):
    graph = parse(MIXED)
    a, b = _inputs(graph)
    want = _interpreted(graph).run([a, b])
    plan = make(graph)
    for _ in range(2):
        buf = np.full((3, 5), 2.0, np.float32)
        ignored = np.zeros((2, 4), np.float32)  # Concat/elemwise_add take no out=
        got = plan.run([a, b], into=[buf, None, ignored, None])
        assert got[0] is buf and got[2] is not ignored
        _same(got, want)
        buf = np.full((3, 5), 2.0, np.float32)
        got = plan.run([a, b], into=[buf, None, None, None], add=[True, False, False, False])
        assert got[0] is buf
        np.testing.assert_allclose(buf, want[0] + 2.0, rtol=1e-6)
        got = plan.run([a, b], into=[None] * 4)
        _same(got, want)
    assert not ignored.any()


@pytest.mark.parametrize("make", [_interpreted, _generated])
def test_plans_without_nodes_and_repeated_inputs(make):
    graph = parse("""graph f(%x: f32[2], %y: f32[3]) -> (f32[3], f32[2], f32[3]) {
  return (%y, %x, %y)
}""")
    x, y = _inputs(graph)
    got = make(graph).run([x, y])
    assert got[0] is y and got[1] is x and got[2] is y
    g = parse("""graph f(%x: f32[2], %y: f32[2]) -> (f32[2], f32[2]) {
  %0: f32[2] = elemwise_sub(%x, %y)
  return (%0, %x)
}""")
    twice = Graph(g.name, [g.inputs[0], g.inputs[1], g.inputs[0]], g.nodes, g.outputs)
    a, b, c = (np.array(v, np.float32) for v in ([1, 2], [10, 20], [100, 200]))
    out, first = make(twice).run([a, b, c])  # as the interpreter: the last one counts
    assert first is c
    np.testing.assert_array_equal(out, c - b)


def test_large_plans_are_interpreted():
    graph = parse(CHAIN)
    plan = Plan(graph)
    plan.max_compiled_steps = len(plan.steps) - 1
    calls = []
    interpret = plan._interpret
    plan._interpret = lambda *a: calls.append(1) or interpret(*a)
    args = _inputs(graph)
    want = _interpreted(graph).run(args)
    for _ in range(4):
        _same(plan.run(args), want)
    assert len(calls) == 4 and plan.source is None
    assert Plan.max_compiled_steps >= 100


def test_the_generated_source_can_be_printed_and_holds_no_graph_text(tmp_path):
    graph = parse(CHAIN.replace("%y", "%secret_weights"))
    plan = Plan(graph)
    source = plan.source
    assert source.startswith("def run(inputs):")
    assert "# node 0: sin" in source and "# node 4: cos" in source
    assert "del " in source and "return [" in source
    assert "secret_weights" not in source
    compile(source, "<test>", "exec")
    marker = tmp_path / "pwned"
    payload = "float32'\n__import__('os').system('touch %s')\n'" % marker
    bad = parse("""graph f(%%x: f32[2]) -> (f32[2]) {
  %%0: f32[2] = Cast(%%x) {dtype=%r}
  return (%%0)
}""" % payload)
    plan = Plan(bad)
    assert "touch" not in plan.source
    for _ in range(3):
        with pytest.raises(ExecutionError):
            plan.run([np.ones(2, np.float32)])
    assert not marker.exists()


@pytest.mark.parametrize("shapes", [((3, 4), (4, 5)), ((3, 4), (4,)), ((4,), (4, 5)),
                                    ((4, 4), (4, 4))])
@pytest.mark.parametrize("ta", [False, True])
@pytest.mark.parametrize("tb", [False, True])
def test_a_products_direct_form_computes_what_its_kernel_does(shapes, ta, tb):
    from tapegraph.ir import Node, TensorType, Value, get_op
    from tapegraph.runtime.plan import MatrixProduct, direct_kernel
    sa, sb = shapes
    rng = np.random.RandomState(0)
    a = rng.rand(*(sa[::-1] if ta else sa)).astype(np.float32)
    b = rng.rand(*(sb[::-1] if tb else sb)).astype(np.float32)
    attrs = {"transpose_a": ta, "transpose_b": tb}
    ins = [Value(TensorType.get(a.shape, "float32")), Value(TensorType.get(b.shape, "float32"))]
    out = get_op("dot").infer([v.type for v in ins], attrs)[0]
    product = MatrixProduct(Node("dot", ins, [Value(out)], attrs))
    expected = product(a, b)
    assert direct_kernel(product) is not product  # (all of these are plain products)
    np.testing.assert_array_equal(direct_kernel(product)(a, b), expected)
    np.testing.assert_allclose(expected, np.dot(a.T if ta else a, b.T if tb else b), rtol=1e-6)


def test_the_interpreters_reference_threshold_is_measured_and_tells_a_held_buffer():
    from tapegraph.runtime.plan import _interpreter_refs, _refs_seen
    own = _interpreter_refs()
    assert own > 0  # this CPython lets the interpreter write in place
    env = [np.ones(3)]
    args = [env[0]]
    assert _refs_seen(env, (0,), args) == own
    user = env[0]
    assert _refs_seen(env, (0,), args) > own  # a user's reference forbids the reuse
    del user
