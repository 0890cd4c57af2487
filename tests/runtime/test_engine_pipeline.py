"""backward()/grad() run the default pipeline, users change it globally or per call and
inspect what it did, and the plan cache makes a steady training loop compile nothing."""
import numpy as np
import pytest

import tapegraph as mx
from tapegraph import autograd
from tapegraph.autodiff import engine
from tapegraph.passes import PASSES, register_pass
from tapegraph.runtime import PLAN_CACHE, plan_cache_stats
from tapegraph.runtime import fusion


def _w3(x):
    return mx.nd.sum(mx.nd.sin(x) * mx.nd.exp(-x ** 2) + mx.nd.tanh(x) * 0.5 + x ** 3)


def _w3_grad(x):
    x = x.astype(np.float64)
    return (np.cos(x) * np.exp(-x * x) - 2 * x * np.sin(x) * np.exp(-x * x)
            + 0.5 * (1 - np.tanh(x) ** 2) + 3 * x * x)


@pytest.fixture
def counting_pass():
    calls = []

    @register_pass("test-count")
    def count(graph):
        calls.append(graph)
        return graph
    yield calls
    PASSES.pop("test-count")


def test_steady_loop_hits_the_cache_and_runs_no_pass(counting_pass):
    previous = engine.set_default_pipeline(list(engine.DEFAULT_PIPELINE) + ["test-count"])
    try:
        PLAN_CACHE.clear()
        x = mx.nd.array(np.linspace(-1, 1, 10))
        x.attach_grad()
        for step in range(5):
            with autograd.record():
                y = _w3(x)
            y.backward()
            np.testing.assert_allclose(x.grad.asnumpy(), _w3_grad(x.asnumpy()), rtol=1e-5)
        stats = plan_cache_stats()
        assert stats["misses"] == 1 and stats["hits"] == 4
        assert len(counting_pass) == 1  # the pipeline ran on the first iteration only
    finally:
        engine.set_default_pipeline(previous)


def test_large_arrays_take_the_chunked_threaded_path():
    n = fusion.THREAD_MIN + 1000
    xs = np.random.RandomState(1).uniform(-2, 2, n).astype(np.float32)
    x = mx.nd.array(xs)
    x.attach_grad()
    with autograd.record():
        y = _w3(x)
    y.backward()
    np.testing.assert_allclose(x.grad.asnumpy(), _w3_grad(xs), rtol=2e-5, atol=2e-5)


def test_what_the_pipeline_did_is_inspectable():
    x = mx.nd.array(np.linspace(-1, 1, 6))
    x.attach_grad()
    with autograd.record():
        y = _w3(x)
    compiled = engine.compile_for([y], [x])
    names = [r.name for r in compiled.history]
    assert names == list(engine.DEFAULT_PIPELINE)
    assert [n.op for n in compiled.graph.nodes] == ["fused"]  # one kernel for the backward
    assert "memory_plan" in compiled.graph.meta
    plain = engine.compile_for([y], [x], pipeline="dce")
    assert [r.name for r in plain.history] == ["dce"]
    assert "fused" not in [n.op for n in plain.graph.nodes]
    assert any(n.op == "ones_like" for n in plain.graph.nodes)


def test_per_call_and_global_pipelines_give_the_same_gradients():
    xs = np.linspace(-1, 1, 6)
    results = []
    for pipeline in (None, "dce", "dce,cse,simplify", "dce,fuse"):
        x = mx.nd.array(xs)
        x.attach_grad()
        with autograd.record():
            y = _w3(x)
        autograd.backward([y], pipeline=pipeline)
        results.append(x.grad.asnumpy())
    for r in results[1:]:
        np.testing.assert_allclose(r, results[0], rtol=1e-6)
    previous = engine.set_default_pipeline("dce,fuse")
    try:
        assert engine.DEFAULT_PIPELINE == ["dce", "fuse"]
        with pytest.raises(Exception, match="unknown pass"):
            engine.set_default_pipeline("dce,no-such-pass")
        assert engine.DEFAULT_PIPELINE == ["dce", "fuse"]  # unchanged by the bad call
    finally:
        engine.set_default_pipeline(previous)


def test_grad_req_add_and_higher_order_through_the_default_pipeline():
    x = mx.nd.array([0.3, -0.7, 1.1])
    x.attach_grad(grad_req="add")
    for _ in range(2):
        with autograd.record():
            y = mx.nd.sum(mx.nd.tanh(x) * x)
        y.backward()
    t = np.tanh(x.asnumpy().astype(np.float64))
    np.testing.assert_allclose(x.grad.asnumpy(), 2 * (t + x.asnumpy() * (1 - t * t)), rtol=1e-5)
    z = mx.nd.array([0.3, -0.7, 1.1])
    z.attach_grad()
    with autograd.record():
        y = mx.nd.sum(mx.nd.sin(z) * z)
        g = autograd.grad(y, [z], create_graph=True)[0]
        s = mx.nd.sum(g)
    s.backward()
    zz = z.asnumpy().astype(np.float64)
    np.testing.assert_allclose(z.grad.asnumpy(), 2 * np.cos(zz) - zz * np.sin(zz), rtol=1e-5)
