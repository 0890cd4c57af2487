"""Threads: recording and training state belong to the thread that set them; threads that
record and run backward at the same time get exactly their own gradients; the plan cache
and the interned types are safe to share."""
import sys
import threading

import numpy as np
import pytest

import tapegraph as mx
from tapegraph.ir import TensorType
from tapegraph.runtime import PLAN_CACHE, PlanCache

nd = mx.nd


@pytest.fixture(autouse=True)
def fast_switching():
    """Switch threads every few microseconds so interleavings actually happen."""
    previous = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(previous)


def _run_threads(target, count):
    errors = []

    def guarded(i):
        try:
            target(i)
        except BaseException as e:  # noqa: BLE001  (reported by the main thread)
            errors.append((i, e))

    threads = [threading.Thread(target=guarded, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a thread hung"
    if errors:
        raise errors[0][1]


def test_recording_and_training_state_is_per_thread():
    barrier = threading.Barrier(2)
    seen = {}

    def worker(i):
        if i == 0:
            with mx.autograd.record(train_mode=True):
                barrier.wait()  # 1: thread 0 records while thread 1 looks
                barrier.wait()  # 2: thread 1 has changed its own flags
                seen[0] = (mx.autograd.is_recording(), mx.autograd.is_training())
        else:
            barrier.wait()
            seen[1] = (mx.autograd.is_recording(), mx.autograd.is_training())
            mx.autograd.set_recording(True)
            mx.autograd.set_training(False)
            barrier.wait()
            mx.autograd.set_recording(False)

    _run_threads(worker, 2)
    assert seen[0] == (True, True)
    assert seen[1] == (False, False)
    assert not mx.autograd.is_recording()


def test_new_threads_start_not_recording():
    seen = []
    with mx.autograd.record():
        t = threading.Thread(target=lambda: seen.append(mx.autograd.is_recording()))
        t.start()
        t.join()
    assert seen == [False]


def _mlp_step(rng, same_structure):
    """One recorded step of a small network; returns (grads, expected grads)."""
    n = 4 if same_structure else int(rng.integers(2, 6))
    xd = rng.standard_normal((n, 3)).astype(np.float32)
    wd = rng.standard_normal((5, 3)).astype(np.float32)
    bd = rng.standard_normal((5,)).astype(np.float32)
    x, w, b = nd.array(xd), nd.array(wd), nd.array(bd)
    w.attach_grad()
    b.attach_grad()
    with mx.autograd.record():
        h = nd.FullyConnected(x, w, b, num_hidden=5)
        loss = (nd.tanh(h) * nd.tanh(h)).sum()
    loss.backward()
    hd = xd.astype(np.float64) @ wd.T.astype(np.float64) + bd
    dh = 2 * np.tanh(hd) * (1 - np.tanh(hd) ** 2)
    return (w.grad.asnumpy(), b.grad.asnumpy()), (dh.T @ xd, dh.sum(axis=0))


@pytest.mark.parametrize("same_structure", [True, False], ids=["shared_plan", "mixed_plans"])
def test_concurrent_recording_and_backward_give_each_thread_its_gradients(same_structure):
    barrier = threading.Barrier(4)

    def worker(i):
        rng = np.random.default_rng(1000 + i)
        barrier.wait()
        for _ in range(25):
            got, want = _mlp_step(rng, same_structure)
            for g, e in zip(got, want):
                np.testing.assert_allclose(g, e, rtol=2e-4, atol=2e-4)
            assert not mx.autograd.is_recording()

    _run_threads(worker, 4)


def test_concurrent_higher_order_and_retained_graphs():
    barrier = threading.Barrier(3)

    def worker(i):
        x = nd.array(np.linspace(0.5, 1.5, 6).astype(np.float32) + i)
        x.attach_grad()
        barrier.wait()
        for _ in range(10):
            with mx.autograd.record():
                y = (x * x * x).sum()
                g = mx.autograd.grad(y, [x], create_graph=True, retain_graph=True)[0]
            g.backward(retain_graph=True)  # d/dx sum(3x^2) = 6x
            np.testing.assert_allclose(x.grad.asnumpy(), 6 * x.asnumpy(), rtol=1e-5)
            y.backward()  # the retained first-order graph still works: 3x^2
            np.testing.assert_allclose(x.grad.asnumpy(), 3 * x.asnumpy() ** 2, rtol=1e-5)

    _run_threads(worker, 3)


def test_an_error_in_one_thread_leaves_the_others_alone():
    barrier = threading.Barrier(2)
    results = {}

    def worker(i):
        x = nd.array([1.0, 2.0])
        x.attach_grad()
        with mx.autograd.record():
            y = x * x
            barrier.wait()
            if i == 0:
                with pytest.raises(mx.base.MXNetError):
                    y.backward(nd.ones((5,)))
            barrier.wait()
            results[i] = mx.autograd.is_recording()
        y.backward()
        np.testing.assert_allclose(x.grad.asnumpy(), [2.0, 4.0])

    _run_threads(worker, 2)
    assert results == {0: True, 1: True}


def test_plan_cache_is_consistent_under_contention():
    cache = PlanCache(capacity=8)
    calls = [0] * 6

    def worker(i):
        for k in range(300):
            key = ("key", (k * (i + 1)) % 13)
            entry = cache.get_or_build(key, lambda key=key: ("entry", key))
            assert entry == ("entry", key)
            calls[i] += 1
            assert len(cache) <= cache.capacity + 6  # at most one pending insert per thread

    _run_threads(worker, 6)
    stats = cache.stats()
    assert stats["size"] <= cache.capacity
    assert stats["hits"] + stats["misses"] == sum(calls)
    assert stats["evictions"] <= stats["misses"]
    for key, entry in cache._entries.items():
        assert entry == ("entry", key)


def test_shared_plan_cache_is_bounded_while_threads_compile():
    previous = PLAN_CACHE.capacity
    PLAN_CACHE.capacity = 4
    try:
        def worker(i):
            for n in range(1, 9):  # eight shapes: eight structures, eight plans
                x = nd.ones((n, i + 1))
                x.attach_grad()
                with mx.autograd.record():
                    y = (nd.exp(x) * 2).sum()
                y.backward()
                np.testing.assert_allclose(x.grad.asnumpy(), 2 * np.e, rtol=1e-5)
        _run_threads(worker, 3)
        assert len(PLAN_CACHE) <= 4
    finally:
        PLAN_CACHE.capacity = previous


def test_type_interning_gives_one_object_per_type_across_threads():
    results = [[] for _ in range(6)]
    barrier = threading.Barrier(6)

    def worker(i):
        barrier.wait()
        for d in range(300):
            results[i].append(TensorType.get((7919, d, 3), "float32"))

    _run_threads(worker, 6)
    for column in zip(*results):
        assert all(t is column[0] for t in column)


def test_threads_with_deferred_large_arrays():
    """Large recorded arrays are deferred and run as fused kernels on a shared worker
    pool: threads doing this at once still get their own, correct gradients."""
    from tapegraph.accel import lazy
    n = lazy.LAZY_MIN if lazy.LAZY_MIN else 1 << 20
    barrier = threading.Barrier(3)

    def worker(i):
        base = np.linspace(-1.0, 1.0, n, dtype=np.float32) + np.float32(i)
        x = nd.array(base)
        x.attach_grad()
        barrier.wait()
        for _ in range(3):
            with mx.autograd.record():
                y = nd.tanh(x) * x + x * 2.0
            y.backward()
            t = np.tanh(base.astype(np.float64))
            np.testing.assert_allclose(x.grad.asnumpy(), (1 - t * t) * base + t + 2.0,
                                       rtol=1e-5, atol=1e-5)

    _run_threads(worker, 3)


def test_threads_missing_the_same_key_compile_it_once():
    cache = PlanCache(capacity=8)
    started = threading.Event()
    builds = []

    def slow_build():
        builds.append(threading.get_ident())
        started.set()
        threading.Event().wait(0.05)  # long enough for the others to miss too
        return ("plan",)

    results = []

    def worker(i):
        if i:
            started.wait(5)
        results.append(cache.get_or_build("k", slow_build))

    _run_threads(worker, 4)
    assert len(builds) == 1 and results == [("plan",)] * 4
    stats = cache.stats()
    assert stats["misses"] == 1 and stats["hits"] == 3


def test_a_failed_build_lets_a_waiting_thread_build_again():
    cache = PlanCache(capacity=8)
    started = threading.Event()
    attempts = []

    def build():
        attempts.append(1)
        if len(attempts) == 1:
            started.set()
            threading.Event().wait(0.05)
            raise ValueError("first build fails")
        return ("plan",)

    outcomes = []

    def worker(i):
        if i:
            started.wait(5)
        try:
            outcomes.append(cache.get_or_build("k", build))
        except ValueError as e:
            outcomes.append(str(e))

    _run_threads(worker, 2)
    assert sorted(map(str, outcomes)) == ["('plan',)", "first build fails"]
    assert len(attempts) == 2 and len(cache) == 1
