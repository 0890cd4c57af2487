"""Memory: a recorded graph is freed by backward (at once, by reference counting) unless
retained; the plan cache keeps compiled plans but never the arrays of the iteration that
compiled them, and holds at most `capacity` plans (least recently used out); a 10,000-step
training loop keeps its resident memory flat."""
import gc
import os
import weakref

import numpy as np
import pytest

import tapegraph as mx
from tapegraph.runtime import PLAN_CACHE, PlanCache
from hardening_support import LONG

nd = mx.nd


def rss_mib() -> float:
    """Resident set size of this process in MiB (Linux)."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2 ** 20


@pytest.fixture
def no_gc():
    """Prove that freeing happens by reference counting, not by a later gc pass."""
    gc.collect()
    gc.disable()
    yield
    gc.enable()


def _intermediate(retain=None):
    """Record y = sum(exp(x)^2); return (x, y, weakref to exp(x)'s data)."""
    x = nd.array(np.linspace(-1, 1, 1000).astype(np.float32))
    x.attach_grad()
    with mx.autograd.record():
        h = nd.exp(x)
        y = (h * h).sum()
    return x, y, weakref.ref(h._data)


def test_backward_frees_the_graph_at_once(no_gc):
    x, y, ref = _intermediate()
    assert ref() is not None  # the graph keeps exp(x) for the backward pass
    y.backward()
    assert ref() is None, "backward left the forward graph alive"
    np.testing.assert_allclose(x.grad.asnumpy(), 2 * np.exp(2 * x.asnumpy()), rtol=1e-5)


def test_retained_graph_lives_until_a_backward_without_retain(no_gc):
    x, y, ref = _intermediate()
    y.backward(retain_graph=True)
    assert ref() is not None
    y.backward(retain_graph=True)
    assert ref() is not None
    y.backward()
    assert ref() is None


def test_plan_cache_keeps_plans_but_not_arrays(no_gc):
    PLAN_CACHE.clear()
    x, y, ref = _intermediate()
    y.backward()
    assert len(PLAN_CACHE) == 1
    del x, y
    assert ref() is None, "the cached plan pins the arrays of the compiling iteration"
    x2, y2, ref2 = _intermediate()  # same structure: a cache hit, nothing new kept
    hits = PLAN_CACHE.hits
    y2.backward()
    assert PLAN_CACHE.hits == hits + 1 and ref2() is None


def test_second_order_graphs_are_freed_too():
    """After the second-order backward nothing keeps the graphs: freed at once, or by the
    collector when the replay pipeline leaves the first-order head as an unreachable
    cycle (simplify may cut the gradient graph's link to it)."""
    x = nd.array([0.5, 1.0, 2.0])
    x.attach_grad()
    with mx.autograd.record():
        h = nd.exp(x)
        ref = weakref.ref(h._data)
        g = mx.autograd.grad((h * x).sum(), [x], create_graph=True, retain_graph=False)[0]
    del h
    g.backward()
    gc.collect()
    assert ref() is None


def test_graph_retained_by_create_graph_is_reclaimed_by_the_collector():
    """create_graph=True retains the first-order graph by default (MXNet semantics); once
    nothing refers to it, the cyclic collector frees it."""
    x = nd.array([0.5, 1.0, 2.0])
    x.attach_grad()
    with mx.autograd.record():
        h = nd.exp(x)
        ref = weakref.ref(h._data)
        g = mx.autograd.grad((h * x).sum(), [x], create_graph=True)[0]
    del h
    g.backward()
    gc.collect()
    assert ref() is None


def test_function_saved_tensors_are_not_pinned_by_the_plan_cache():
    """A graph calling an autograd.Function is compiled once and cached (a new instance
    each step binds to the same plan), and the cache keeps no instance nor saved tensor."""
    class Square(mx.autograd.Function):
        def forward(self, x):
            y = x * x
            self.save_for_backward(x)
            return y

        def backward(self, dy):
            x, = self.saved_tensors
            return dy * 2 * x

    PLAN_CACHE.clear()
    refs = []
    for _ in range(3):
        x = nd.array(np.linspace(0, 1, 1000).astype(np.float32))
        x.attach_grad()
        with mx.autograd.record():
            f = Square()
            z = f(x).sum()
        refs.append(weakref.ref(f.saved_tensors[0]._data))
        z.backward()
        np.testing.assert_allclose(x.grad.asnumpy(), 2 * x.asnumpy(), rtol=1e-6)
        del f, z, x
    gc.collect()
    assert all(r() is None for r in refs), "the plan cache keeps Function instances alive"
    stats = PLAN_CACHE.stats()
    assert (stats["size"], stats["misses"], stats["hits"]) == (1, 1, 2)


def test_dropped_graph_without_backward_is_reclaimed_by_the_collector():
    """A graph recorded and never differentiated holds a value<->node cycle: Python's
    cyclic collector reclaims it (documented in docs/errors.md and performance.md)."""
    refs = []
    for _ in range(5):
        x, y, ref = _intermediate()
        refs.append(ref)
    del x, y
    gc.collect()
    assert all(r() is None for r in refs)


@pytest.mark.skipif(not os.path.exists("/proc/self/statm"), reason="needs Linux /proc")
def test_graphs_dropped_without_backward_keep_memory_bounded():
    """An evaluation loop left inside record(): every step's graph (2 MiB of results) is
    dropped without backward. Its value<->node cycles must be reclaimed as it runs, so
    memory stops growing (the collector is paused while recording; see _tape)."""
    x = nd.array(np.random.default_rng(0).random((256, 1024)).astype(np.float32))
    x.attach_grad()

    def run(steps):
        for _ in range(steps):
            with mx.autograd.record():
                y = nd.exp(x) * 2  # noqa: F841  (dropped without backward)

    run(300)
    start = rss_mib()
    run(1200)
    assert rss_mib() - start < 40, "memory grew by %.0f MiB over 1,200 dropped graphs" % (
        rss_mib() - start)


def test_a_training_loop_forces_no_collection(monkeypatch):
    """Graphs freed by their backward are no garbage: however much they recorded, they
    must not trigger the forced collections meant for dropped graphs (which they did,
    a full collection per 64 MiB recorded); dropped graphs still do."""
    from tapegraph.accel import gc_pause
    monkeypatch.setattr(gc_pause, "GC_EVERY_BYTES", 1 << 20)
    monkeypatch.setitem(gc_pause._gc_state, "bytes", 0)  # (what earlier tests dropped)
    monkeypatch.setitem(gc_pause._gc_state, "recorded", 0)
    x = nd.array(np.random.default_rng(0).random((64, 1024)).astype(np.float32))
    x.attach_grad()
    forced = []
    monkeypatch.setattr(gc_pause.gc, "collect", lambda generation=2: forced.append(generation))
    for _ in range(40):  # 40 steps x ~0.5 MiB recorded
        with mx.autograd.record():
            loss = (nd.exp(x) * 2).sum()
        loss.backward()
    assert forced == []
    for _ in range(40):
        with mx.autograd.record():
            (nd.exp(x) * 2).sum()  # dropped without backward
    assert forced and set(forced) == {2}


def test_plan_cache_is_lru_bounded():
    cache = PlanCache(capacity=3)
    for k in "abc":
        cache.get_or_build(k, lambda k=k: k.upper())
    cache.get_or_build("a", lambda: pytest.fail("'a' should be cached"))  # a is now newest
    cache.get_or_build("d", lambda: "D")  # evicts b, the least recently used
    assert list(cache._entries) == ["c", "a", "d"]
    assert cache.stats() == {"hits": 1, "misses": 4, "evictions": 1, "size": 3, "capacity": 3}


def test_process_plan_cache_stays_bounded_with_many_structures():
    previous = PLAN_CACHE.capacity
    PLAN_CACHE.capacity = 5
    try:
        for n in range(1, 13):
            x = nd.ones((n,))
            x.attach_grad()
            with mx.autograd.record():
                y = (x * x).sum()
            y.backward()
            assert len(PLAN_CACHE) <= 5
    finally:
        PLAN_CACHE.capacity = previous


def _train(steps, batch, sizes, seed=0):
    """A small MLP trained with SGD; returns (RSS after warm-up, RSS at the end, loss)."""
    rng = np.random.default_rng(seed)
    params = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        w = nd.array((rng.standard_normal((fan_out, fan_in)) / np.sqrt(fan_in))
                     .astype(np.float32))
        b = nd.zeros((fan_out,))
        w.attach_grad()
        b.attach_grad()
        params += [w, b]
    X = nd.array(rng.standard_normal((batch, sizes[0])).astype(np.float32))
    Y = nd.array(rng.standard_normal((batch, sizes[-1])).astype(np.float32))
    warm = max(1, steps // 10)
    start = None
    loss = None
    for step in range(steps):
        with mx.autograd.record():
            h = X
            for i in range(0, len(params), 2):
                h = nd.FullyConnected(h, params[i], params[i + 1], num_hidden=sizes[i // 2 + 1])
                if i + 2 < len(params):
                    h = nd.tanh(h)
            loss = ((h - Y) ** 2).mean()
        loss.backward()
        for p in params:
            p[:] = p - 0.05 * p.grad
        if step == warm:
            start = rss_mib()
    return start, rss_mib(), float(loss.asscalar())


@pytest.mark.skipif(not os.path.exists("/proc/self/statm"), reason="needs Linux /proc")
def test_ten_thousand_training_steps_keep_memory_flat():
    first_loss = _train(1, 16, (4, 8, 1))[2]
    start, end, loss = _train(10_000, 16, (4, 8, 1))
    assert loss < first_loss  # it trained
    assert end - start < 3.0, "resident memory grew by %.1f MiB over 9,000 steps" % (
        end - start)


@pytest.mark.skipif(not LONG, reason="long memory run: pytest --long")
def test_large_training_loop_memory_figure(capsys):
    """The figure in docs/performance.md ("Memory"): 784-512-512-10 MLP, batch 128."""
    start, end, loss = _train(2_000, 128, (784, 512, 512, 10))
    with capsys.disabled():
        print("\nmemory: 784-512-512-10 MLP, batch 128, 2000 steps: RSS %.1f MiB after "
              "warm-up, %.1f MiB at the end (%+.1f MiB)" % (start, end, end - start))
    assert end - start < 8.0


def test_backward_pauses_the_collector_only_for_graphs_that_are_not_small_tapes():
    """The cyclic collector's full collections are held back during a backward that
    walks or frees a large graph; a small graph read off its tape does not need it (saves
    two locked calls). The collector itself stays enabled throughout."""
    if not gc.isenabled():
        pytest.skip("the collector is disabled in this process")
    from tapegraph.accel.gc_pause import RECORDING_THRESHOLDS
    from tapegraph.autodiff import engine
    before = gc.get_threshold()
    seen = []

    class Probe(mx.autograd.Function):
        def forward(self, x):
            return x * 1

        def backward(self, dy):
            seen.append((gc.isenabled(), gc.get_threshold()))
            return dy

    x = mx.nd.array([1.0, 2.0])
    x.attach_grad()
    for length in (1, engine.SMALL_TAPE):
        with mx.autograd.record():
            y = x
            for _ in range(length):
                y = y * 1.0
            s = Probe()(y).sum()
        s.backward()
        np.testing.assert_array_equal(x.grad.asnumpy(), [1.0, 1.0])
    assert seen == [(True, before), (True, RECORDING_THRESHOLDS)]
    assert gc.isenabled() and gc.get_threshold() == before


def test_recording_never_disables_the_collector_and_restores_its_thresholds():
    """While a scope records, the collector stays enabled (other threads' garbage is
    still collected) with larger batches; the thresholds of before come back when the
    outermost scope closes, even when its body raises."""
    from tapegraph.accel.gc_pause import RECORDING_THRESHOLDS
    before = gc.get_threshold()
    x = nd.array([1.0, 2.0])
    with pytest.raises(ZeroDivisionError):
        with mx.autograd.record():
            with mx.autograd.record():
                assert gc.isenabled() and gc.get_threshold() == RECORDING_THRESHOLDS
            assert gc.get_threshold() == RECORDING_THRESHOLDS  # (the outer scope is open)
            (x * x).sum()
            1 / 0
    assert gc.isenabled() and gc.get_threshold() == before
