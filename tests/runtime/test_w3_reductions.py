"""Reduction epilogues (W3): a full `sum`/`mean` of a pending chain is pending itself and
runs as the last step of the chain's fused kernel (per-chunk partial sums), and the
backward of such a head is one fused kernel that also returns the head's value."""
import os
import signal
import time

import numpy as np
import pytest

import tapegraph as mx
from tapegraph import autograd
from tapegraph.autodiff import engine
from tapegraph.accel import lazy
from tapegraph.ir import parse, print_graph, verify
from tapegraph.passes import fuse, run_passes
from tapegraph.runtime import FusedKernel, Plan, execute, fusion


@pytest.fixture
def small_lazy(monkeypatch):
    monkeypatch.setattr(lazy, "LAZY_MIN", 8)


@pytest.fixture(params=["small", "chunked", "threaded"])
def kernel_path(request, monkeypatch):
    """The three ways a fused kernel runs: straight-line, chunks, chunks on two threads."""
    if request.param != "small":
        monkeypatch.setattr(fusion, "CHUNK", 64)
        monkeypatch.setattr(fusion, "THREAD_MIN", 256 if request.param == "threaded" else 1 << 40)
        monkeypatch.setattr(fusion, "THREADS", 2)
    return request.param


def _f(x):
    return mx.nd.sin(x) * mx.nd.exp(-x ** 2) + mx.nd.tanh(x) * 0.5 + x ** 3


def _f64(x):
    return np.sin(x) * np.exp(-x ** 2) + np.tanh(x) * 0.5 + x ** 3


def _grad64(x):
    e = np.exp(-x ** 2)
    return np.cos(x) * e - 2 * x * np.sin(x) * e + 0.5 * (1 - np.tanh(x) ** 2) + 3 * x ** 2


XS = np.linspace(-1.5, 2, 1000).astype(np.float32)


@pytest.mark.parametrize("reduce", ["sum", "mean"])
def test_a_pending_reduction_equals_the_eager_one_and_stores_no_chain(small_lazy, kernel_path,
                                                                      reduce):
    x = mx.nd.array(XS)
    with autograd.record():
        y = _f(x)
        s = getattr(mx.nd, reduce)(y)
        assert type(s) in lazy.PENDING_TYPES and s.shape == (1,)
        assert s._value.data is None and s._value.node.op in (reduce, "Reshape")
    got = s.asnumpy()
    assert y._value.data is None  # the chain's values were never written to memory
    with autograd.pause():
        want = getattr(mx.nd, reduce)(_f(mx.nd.array(XS))).asnumpy()
    assert got.dtype == np.float32 and got.shape == (1,)
    np.testing.assert_allclose(got, want, rtol=2e-6)
    exact = getattr(np, reduce)(_f64(XS.astype(np.float64)))
    np.testing.assert_allclose(got, [exact], rtol=2e-6)


def test_mx_np_reductions_of_pending_arrays_are_0d(small_lazy, kernel_path):
    x = mx.np.array(XS)
    with autograd.record():
        s = mx.np.sum(mx.np.sin(x) * x)
        m = mx.np.mean(mx.np.sin(x) * x)
        assert type(s) in lazy.PENDING_TYPES and s.shape == () and s.ndim == 0
    want = np.sin(XS.astype(np.float64)) * XS
    np.testing.assert_allclose(float(s), want.sum(), rtol=2e-6)
    np.testing.assert_allclose(float(m), want.mean(), rtol=2e-6)


def test_one_input_ops_of_a_pending_reduction_are_its_scalar_tail(small_lazy, kernel_path):
    x = mx.nd.array(XS)
    with autograd.record():
        s = mx.nd.sum(mx.nd.sin(x))
        t = mx.nd.sqrt(s * 2 + 1) / XS.size  # one-input operators: pending, no chain stored
        assert type(t) in lazy.PENDING_TYPES and lazy.phase(t._value) == "scalar"
    want = np.sqrt(2 * np.sin(XS.astype(np.float64)).sum() + 1) / XS.size
    np.testing.assert_allclose(t.asnumpy(), [want], rtol=2e-6)
    assert s._value.data is None  # the tail's kernel did not store the sum either


def test_scalar_tails_may_read_several_reductions(small_lazy, kernel_path):
    x = mx.nd.array(XS)
    x.attach_grad()
    calls = []
    real = lazy.FusedKernel.__call__
    with autograd.record():
        s = mx.nd.sum(mx.nd.sin(x))
        t = s + s  # a scalar tail of two inputs, both after the chunk loop
        m = mx.nd.mean(mx.nd.cos(x))
        u = t * m  # two reductions of one chain, one tail
        assert type(u) in lazy.PENDING_TYPES and s._value.data is None
    lazy.FusedKernel.__call__ = lambda self, *a: calls.append(1) or real(self, *a)
    try:
        value = u.asnumpy()
    finally:
        lazy.FusedKernel.__call__ = real
    assert len(calls) == 1  # one kernel computes both reductions and the tail
    x64 = XS.astype(np.float64)
    np.testing.assert_allclose(value, 2 * np.sin(x64).sum() * np.cos(x64).mean(), rtol=1e-5)
    u.backward()
    want = 2 * (np.cos(x64) * np.cos(x64).mean() - np.sin(x64).sum() * np.sin(x64) / x64.size)
    np.testing.assert_allclose(x.grad.asnumpy(), want, rtol=1e-4, atol=1e-6)


def test_ops_mixing_a_pending_reduction_with_other_values_run_eagerly(small_lazy):
    x = mx.nd.array(XS)
    with autograd.record():
        s = mx.nd.sum(mx.nd.sin(x))
        t = s + mx.nd.array([1.0])  # reads a computed value too: the sum is computed
        assert type(t) not in lazy.PENDING_TYPES and s._value.data is not None
        u = mx.nd.sum(s)  # a reduction of a reduction is not deferred either
        assert type(u) not in lazy.PENDING_TYPES
        y = mx.nd.sin(x)
        z = y * mx.nd.broadcast_to(mx.nd.sum(y), y.shape)  # the broadcast reads the sum
    np.testing.assert_allclose(t.asnumpy(), np.sin(XS).sum() + 1, rtol=1e-5)
    s64 = np.sin(XS.astype(np.float64))
    np.testing.assert_allclose(z.asnumpy(), s64 * s64.sum(), rtol=1e-5)


def test_backward_of_a_pending_loss_is_one_kernel_that_also_computes_the_loss(small_lazy,
                                                                             kernel_path):
    x = mx.nd.array(XS)
    x.attach_grad()
    with autograd.record():
        s = mx.nd.sum(_f(x))
    compiled = engine.compile_for([s], [x])
    assert [n.op for n in compiled.graph.nodes] == ["fused"]
    assert compiled.computed_heads == (0,)
    region = compiled.graph.nodes[0].region
    ops = [n.op for n in region.nodes]
    assert ops.count("sum") == 1  # the epilogue
    assert [n.op for n in region.nodes].count("sin") == 1  # shared by value and gradient
    assert [v.type.shape for v in compiled.graph.outputs] == [(1000,), (1,)]
    s.backward()
    assert s._value.data is not None  # the loss came with the gradient
    x64 = XS.astype(np.float64)
    np.testing.assert_allclose(s.asnumpy(), [_f64(x64).sum()], rtol=2e-6)
    np.testing.assert_allclose(x.grad.asnumpy(), _grad64(x64), rtol=1e-5, atol=1e-5)
    assert type(s) is mx.nd.NDArray


def test_a_loss_read_before_backward_is_not_recomputed_by_it(small_lazy, kernel_path):
    x = mx.nd.array(XS)
    x.attach_grad()
    with autograd.record():
        s = mx.nd.sum(_f(x))
    value = s.asscalar()
    compiled = engine.compile_for([s], [x])
    assert compiled.computed_heads == () and len(compiled.graph.outputs) == 1
    s.backward()
    assert s.asscalar() == value
    np.testing.assert_allclose(x.grad.asnumpy(), _grad64(XS.astype(np.float64)),
                               rtol=1e-5, atol=1e-5)


def test_pending_loss_with_head_gradient_and_retain_graph(small_lazy):
    x = mx.nd.array(XS)
    x.attach_grad(grad_req="add")
    with autograd.record():
        s = mx.nd.mean(_f(x))
    s.backward(mx.nd.array([2.0]), retain_graph=True)
    s.backward(mx.nd.array([1.0]))
    want = 3.0 * _grad64(XS.astype(np.float64)) / XS.size
    np.testing.assert_allclose(x.grad.asnumpy(), want, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(s.asnumpy(), [_f64(XS.astype(np.float64)).mean()], rtol=2e-6)


def test_a_training_loop_on_a_pending_loss_compiles_once(small_lazy):
    x = mx.nd.array(XS)
    x.attach_grad()
    losses, plans = [], set()
    for _ in range(3):
        with autograd.record():
            loss = mx.nd.sum(_f(x))
        plans.add(id(engine.compile_for([loss], [x])))
        loss.backward()
        losses.append(loss.asscalar())
        with autograd.pause():
            x -= 1e-4 * x.grad
    assert len(plans) == 1
    assert losses[0] > losses[1] > losses[2]


EPILOGUE = """graph f(%x: f32[1000]) -> (f32[1], f32[1000]) {
  %0: f32[1000] = sin(%x)
  %1: f32[1000] = square(%x)
  %2: f32[1000] = elemwise_mul(%0, %1)
  %3: f32[] = sum(%2)
  %4: f32[1] = Reshape(%3) {shape=(1,)}
  %5: f32[1000] = broadcast_to(%4) {shape=(1000,)}
  %6: f32[1000] = elemwise_mul(%0, %5)
  %7: f32[1000] = tanh(%6)
  return (%4, %7)
}"""

EPILOGUE_FUSED = """graph f(%x: f32[1000]) -> (f32[1], f32[1000]) {
  %0: f32[1000], %1: f32[1] = fused(%x) region
      graph region(%x: f32[1000]) -> (f32[1000], f32[1]) {
        %0: f32[1000] = sin(%x)
        %1: f32[1000] = square(%x)
        %2: f32[1000] = elemwise_mul(%0, %1)
        %3: f32[] = sum(%2)
        %4: f32[1] = Reshape(%3) {shape=(1,)}
        return (%0, %4)
      }
  %2: f32[1000] = broadcast_to(%1) {shape=(1000,)}
  %3: f32[1000] = fused(%0, %2) region
      graph region(%in0: f32[1000], %in1: f32[1000]) -> (f32[1000]) {
        %0: f32[1000] = elemwise_mul(%in0, %in1)
        %1: f32[1000] = tanh(%0)
        return (%1)
      }
  return (%1, %3)
}"""


def test_fuse_ends_a_group_with_its_reduction_and_reshape(kernel_path):
    g = parse(EPILOGUE)
    fused = verify(fuse(g))
    assert print_graph(fused) == EPILOGUE_FUSED  # the sum cannot join the group reading it
    assert parse(print_graph(fused)) == fused
    x = np.linspace(-0.5, 1, 1000).astype(np.float32)
    for got, want in zip(Plan(fused).run([x]), execute(g, [x])):
        np.testing.assert_allclose(got, want, rtol=2e-5)


def test_a_reduction_whose_result_its_own_group_reads_stays_outside():
    g = parse("""graph f(%x: f32[1]) -> (f32[1]) {
  %0: f32[1] = sin(%x)
  %1: f32[1] = sum(%0) {axis=0, keepdims=True}
  %2: f32[1] = elemwise_mul(%0, %1)
  return (%2)
}""")
    fused = verify(fuse(g))
    for n in fused.nodes:
        if n.op == "fused":
            assert "sum" not in [m.op for m in n.region.nodes]
    x = np.array([0.5], np.float32)
    np.testing.assert_allclose(Plan(fused).run([x])[0], np.sin(x) ** 2, rtol=1e-6)


def test_the_generated_kernel_accumulates_partial_sums(kernel_path):
    node = fuse(parse(EPILOGUE)).nodes[0]
    kernel = FusedKernel(node)
    assert "A[0] = np.add.reduce(" in kernel.chunk_source
    x = np.linspace(-0.5, 1, 1000).astype(np.float32)
    values, total = kernel(x)
    assert total.dtype == np.float32 and total.shape == (1,)
    np.testing.assert_allclose(total, [np.sum(np.sin(x) * x * x, dtype=np.float64)], rtol=1e-6)
    np.testing.assert_array_equal(values, np.sin(x))


def test_reductions_keep_results_on_random_graphs(request, kernel_path):
    budget = 120 if request.config.getoption("--long") else 20
    rng = np.random.RandomState(11)
    ops = [("sin", 1), ("tanh", 1), ("square", 1), ("elemwise_add", 2), ("elemwise_mul", 2)]
    epilogues = 0
    for _ in range(budget):
        lines, names, outs = [], ["%x", "%y"], []
        for k in range(rng.randint(3, 12)):
            if rng.rand() < 0.25:  # a sum, a scalar tail, and its broadcast back
                a = names[rng.randint(len(names))]
                lines.append("  %%s%d: f64[] = sum(%s)" % (k, a))
                lines.append("  %%t%d: f64[] = _mul_scalar(%%s%d) {scalar=0.5}" % (k, k))
                lines.append("  %%%d: f64[200] = broadcast_to(%%t%d) {shape=(200,)}" % (k, k))
                outs.append("%%t%d" % k)
            else:
                op, arity = ops[rng.randint(len(ops))]
                args = ", ".join(names[rng.randint(len(names))] for _ in range(arity))
                lines.append("  %%%d: f64[200] = %s(%s)" % (k, op, args))
            names.append("%%%d" % k)
        outs = outs[-1:] + [names[-1]]
        types = ["f64[]" if o.startswith("%t") else "f64[200]" for o in outs]
        head = "graph r(%%x: f64[200], %%y: f64[200]) -> (%s) {" % ", ".join(types)
        g = parse("\n".join([head] + lines + ["  return (%s)" % ", ".join(outs), "}"]))
        args = [rng.uniform(-0.5, 0.5, 200) for _ in g.inputs]
        want = execute(g, args)
        for pipeline in ("fuse", "cse,simplify,dce,fuse,plan-memory"):
            got = run_passes(g, pipeline, verify=True)
            epilogues += sum(m.op == "sum" for n in got.nodes if n.op == "fused"
                             for m in n.region.nodes)
            for a, b in zip(Plan(got).run(args), want):
                np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)
    assert epilogues >= 5  # the cases do exercise reductions inside fused kernels


def test_the_backward_kernel_computes_each_value_once(small_lazy):
    x = mx.nd.array(XS)
    x.attach_grad()
    with autograd.record():
        s = mx.nd.sum(_f(x))
    src = FusedKernel(engine.compile_for([s], [x]).graph.nodes[0]).chunk_source
    for fn in ("sin", "cos", "exp", "tanh"):
        assert src.count("np.%s(" % fn) == 1, fn
    assert src.count("np.square(i0") == 1  # x**2 and x**3 share it
    assert src.count("np.add.reduce(") == 1


def test_codegen_merges_repeated_products_but_keeps_returned_values_in_place(kernel_path):
    g = parse("""graph f(%x: f32[100], %y: f32[100]) -> (f32[100], f32[100]) {
  %0: f32[100] = elemwise_mul(%x, %y)
  %1: f32[100] = sin(%0)
  %2: f32[100] = elemwise_mul(%x, %y)
  %3: f32[100] = elemwise_add(%1, %2)
  %4: f32[100] = _power_scalar(%x) {scalar=3.0}
  %5: f32[100] = elemwise_mul(%3, %4)
  return (%5, %2)
}""")
    node = fuse(g).nodes[0]
    src = FusedKernel(node).chunk_source
    # %2 repeats %0 but is returned: it is still written where the region writes it.
    assert src.count("np.multiply(i0, i1") == 2
    assert "np.power" not in src and src.count("np.square(i0") == 1
    x, y = np.linspace(0.1, 1, 100, dtype=np.float32), np.linspace(1, 2, 100, dtype=np.float32)
    for got, want in zip(Plan(fuse(g)).run([x, y]), execute(g, [x, y])):
        np.testing.assert_allclose(got, want, rtol=1e-6)


def test_second_order_through_a_pending_loss(small_lazy):
    x = mx.nd.array(XS)
    x.attach_grad()
    with autograd.record():
        s = mx.nd.sum(mx.nd.sin(x) * x)
        g = autograd.grad(s, [x], create_graph=True)[0]
        z = mx.nd.sum(g * g)
    z.backward()
    x64 = XS.astype(np.float64)
    first = np.sin(x64) + x64 * np.cos(x64)
    want = 2 * first * (2 * np.cos(x64) - x64 * np.sin(x64))
    np.testing.assert_allclose(x.grad.asnumpy(), want, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(s.asnumpy(), [(np.sin(x64) * x64).sum()], rtol=2e-6)


def test_two_pending_losses_of_one_chain_come_out_of_one_backward(small_lazy, kernel_path):
    x = mx.nd.array(XS)
    x.attach_grad()
    with autograd.record():
        y = mx.nd.sin(x) * x
        a, b = mx.nd.sum(y), mx.nd.mean(y * 2)
    compiled = engine.compile_for([a, b], [x])
    assert compiled.computed_heads == (0, 1)
    assert [n.op for n in compiled.graph.nodes] == ["fused"]
    autograd.backward([a, b])
    x64 = XS.astype(np.float64)
    y64 = np.sin(x64) * x64
    assert a._value.data is not None and b._value.data is not None
    np.testing.assert_allclose(a.asnumpy(), [y64.sum()], rtol=2e-6)
    np.testing.assert_allclose(b.asnumpy(), [2 * y64.mean()], rtol=2e-6)
    want = (1 + 2.0 / XS.size) * (np.sin(x64) + x64 * np.cos(x64))
    np.testing.assert_allclose(x.grad.asnumpy(), want, rtol=1e-5, atol=1e-6)


def test_a_reduction_does_not_depend_on_how_chunks_are_shared_out(monkeypatch):
    monkeypatch.setattr(fusion, "CHUNK", 64)
    monkeypatch.setattr(fusion, "THREAD_MIN", 256)
    kernel = FusedKernel(fuse(parse(EPILOGUE)).nodes[0])
    x = np.random.RandomState(1).randn(1000).astype(np.float32)
    results = []
    for threads in (1, 2, 2, 1):
        monkeypatch.setattr(fusion, "THREADS", threads)
        results.append(kernel(x)[1])
    assert all(r.tobytes() == results[0].tobytes() for r in results)


@pytest.mark.parametrize("shape", [(1000,), (40, 25)])
def test_a_scaled_loss_is_one_backward_kernel_that_returns_it(small_lazy, kernel_path, shape):
    x = mx.nd.array(XS.reshape(shape))
    x.attach_grad()
    with autograd.record():
        loss = mx.nd.sum(_f(x)) / XS.size * 4.0  # on 2-D: sum, Reshape to (1,), two scalings
    compiled = engine.compile_for([loss], [x])
    assert [n.op for n in compiled.graph.nodes] == ["fused"]
    assert compiled.computed_heads == (0,)
    loss.backward()
    assert loss._value.data is not None
    x64 = XS.astype(np.float64)
    np.testing.assert_allclose(loss.asnumpy(), [_f64(x64).sum() / XS.size * 4], rtol=2e-6)
    np.testing.assert_allclose(x.grad.asnumpy().reshape(-1), _grad64(x64) * 4 / XS.size,
                               rtol=1e-5, atol=1e-8)


def test_fuse_takes_one_input_ops_of_a_reduction_into_the_group(kernel_path):
    g = parse("""graph f(%x: f32[1000]) -> (f32[1], f32[1]) {
  %0: f32[1000] = sin(%x)
  %1: f32[] = sum(%0)
  %2: f32[1] = Reshape(%1) {shape=(1,)}
  %3: f32[1] = _div_scalar(%2) {scalar=1000.0}
  %4: f32[1] = sqrt(%3)
  %5: f32[1] = elemwise_add(%3, %4)
  return (%5, %3)
}""")
    fused = verify(fuse(g))
    region = fused.nodes[0].region
    # The two-input add reads two tail values: it runs after the group, not in it.
    assert [n.op for n in region.nodes] == ["sin", "sum", "Reshape", "_div_scalar", "sqrt"]
    assert [n.op for n in fused.nodes] == ["fused", "elemwise_add"]
    x = np.linspace(-0.5, 1, 1000).astype(np.float32)
    for got, want in zip(Plan(fused).run([x]), execute(g, [x])):
        np.testing.assert_allclose(got, want, rtol=2e-6)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_a_forked_child_runs_threaded_kernels(monkeypatch):
    monkeypatch.setattr(fusion, "CHUNK", 64)
    monkeypatch.setattr(fusion, "THREAD_MIN", 256)
    monkeypatch.setattr(fusion, "THREADS", 2)
    kernel = FusedKernel(fuse(parse(EPILOGUE)).nodes[0])
    x = np.linspace(-0.5, 1, 1000).astype(np.float32)
    want = kernel(x)[1]  # the parent's pool now exists
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover (the child)
        try:
            os.write(write, kernel(x)[1].tobytes())
        finally:
            os._exit(0)
    os.close(write)
    deadline = time.monotonic() + 30
    while os.waitpid(pid, os.WNOHANG) == (0, 0):
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            pytest.fail("the forked child's kernel never finished (a dead thread pool)")
        time.sleep(0.01)
    got = os.read(read, 64)
    os.close(read)
    assert got == want.tobytes()
