"""Deferred element-wise operations (tapegraph.accel.lazy): large element-wise results recorded
under autograd are computed on first read by one fused kernel, and the backward pass
recomputes pending forward values inside its own kernel. Behaviour never changes."""
import numpy as np
import pytest

import tapegraph as mx
from tapegraph import autograd
from tapegraph.autodiff import engine
from tapegraph.accel import large_ops, lazy


@pytest.fixture
def small_lazy(monkeypatch):
    monkeypatch.setattr(lazy, "LAZY_MIN", 8)


def _f(x):
    return mx.nd.sin(x) * mx.nd.exp(-x ** 2) + mx.nd.tanh(x) * 0.5 + x ** 3


def test_pending_arrays_compute_on_first_read_and_look_eager(small_lazy):
    xs = np.linspace(-1, 1, 16).astype(np.float32)
    x = mx.nd.array(xs)
    x.attach_grad()
    with autograd.record():
        y = _f(x)
        assert type(y) in lazy.PENDING_TYPES and type(y).__name__ == "NDArray"
        assert y._value.data is None  # nothing computed yet
        assert (y.shape, y.size, y.ndim) == ((16,), 16, 1)  # known without computing
        assert y._value.data is None
        y.wait_to_read()  # reading the data runs the pending chain once
    assert type(y) is mx.nd.NDArray and y._value.data is not None
    with autograd.pause():
        want = _f(mx.nd.array(xs)).asnumpy()
    np.testing.assert_allclose(y.asnumpy(), want, rtol=1e-6)
    assert "NDArray 16 @cpu(0)" in repr(y)


def test_backward_recomputes_pending_values_in_its_kernel(small_lazy):
    xs = np.linspace(-1.5, 1.5, 32).astype(np.float32)
    x = mx.nd.array(xs)
    x.attach_grad()
    with autograd.record():
        s = mx.nd.sum(_f(x))
    compiled = engine.compile_for([s], [x])
    # The only array the backward reads is x (plus the head's shape-1 cotangent seed).
    assert [n.op for n in compiled.graph.nodes] == ["fused"]
    assert all(v.type.shape in ((32,), (1,)) for v in compiled.graph.inputs)
    s.backward()
    x64 = xs.astype(np.float64)
    e = np.exp(-x64 ** 2)
    want = np.cos(x64) * e - 2 * x64 * np.sin(x64) * e + 0.5 * (1 - np.tanh(x64) ** 2) \
        + 3 * x64 ** 2
    np.testing.assert_allclose(x.grad.asnumpy(), want, rtol=1e-5, atol=1e-6)


def test_pending_and_eager_runs_share_no_cache_entry(small_lazy, monkeypatch):
    xs = np.linspace(-1, 1, 16).astype(np.float32)
    grads = []
    for lazy_min in (8, 0):
        monkeypatch.setattr(lazy, "LAZY_MIN", lazy_min)
        x = mx.nd.array(xs)
        x.attach_grad()
        with autograd.record():
            s = mx.nd.sum(_f(x))
        s.backward()
        grads.append(x.grad.asnumpy())
    np.testing.assert_allclose(grads[0], grads[1], rtol=1e-6)


def test_a_pending_head_differentiates_and_higher_order_works(small_lazy):
    x = mx.nd.array(np.linspace(0.1, 1, 8))
    x.attach_grad()
    with autograd.record():
        y = mx.nd.sin(x) * x
        g = autograd.grad(y, [x], create_graph=True)[0]
        z = mx.nd.sum(g)
    z.backward()
    xx = x.asnumpy().astype(np.float64)
    np.testing.assert_allclose(x.grad.asnumpy(), 2 * np.cos(xx) - xx * np.sin(xx), rtol=1e-5)
    np.testing.assert_allclose(g.asnumpy(), np.sin(xx) + xx * np.cos(xx), rtol=1e-5)


def test_large_eager_element_wise_calls_run_through_generated_kernels(monkeypatch):
    from tapegraph.trace import invoke as _tape
    monkeypatch.setattr(_tape, "PARALLEL_MIN", 4)
    monkeypatch.setattr(lazy, "LAZY_MIN", 0)
    large_ops._PARALLEL.clear()
    xs = np.linspace(-3, 3, 50).astype(np.float32)
    x = mx.nd.array(xs)
    y = mx.nd.tanh(x) * 2.0 + x
    np.testing.assert_allclose(y.asnumpy(), np.tanh(xs) * 2.0 + xs, rtol=1e-6)
    assert any(entry for entry in large_ops._PARALLEL.values())  # the kernels were used
    with pytest.raises(Exception):  # bad input still fails before running anything
        mx.nd.elemwise_add(x, mx.nd.array(np.ones(3, np.float32)))


def _iadd(z):
    z += 3


def _set_data(z):
    p = mx.gluon.Parameter("w", shape=z.shape)
    p.initialize()
    p._data = [z]
    p.set_data(mx.nd.full(z.shape, 5))


@pytest.mark.parametrize("write", [
    lambda z: z.__setitem__(slice(None), 5),
    lambda z: mx.nd.full(z.shape, 5).copyto(z),
    lambda z: mx.nd.elemwise_add(mx.nd.ones(z.shape), mx.nd.full(z.shape, 4), out=z),
    _iadd,
    lambda z: mx.nd.random.uniform(shape=z.shape, out=z),
    lambda z: mx.nd.reset_arrays(z, num_arrays=1),
    _set_data,
], ids=["setitem", "copyto", "out", "iadd", "random-out", "reset_arrays", "set_data"])
def test_a_write_after_a_pending_read_leaves_the_read_value(small_lazy, write):
    # MXNet's engine runs a write after the reads issued before it: y = 2 * (old z)
    z = mx.nd.ones((4, 4))
    with autograd.record():
        y = z * 2
    assert type(y) in lazy.PENDING_TYPES
    write(z)
    assert (y.asnumpy() == 2).all()
    assert (z.asnumpy() != 1).any()


def test_a_trainer_step_after_a_pending_read_of_a_weight(small_lazy):
    net = mx.gluon.nn.Dense(4, in_units=4)
    net.initialize(mx.init.One())
    trainer = mx.gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": 1.0})
    x = mx.nd.ones((2, 4))
    with autograd.record():
        loss = net(x).sum()
        scaled = net.weight.data() * 3  # pending: reads the weight's buffer
    loss.backward()
    trainer.step(1)
    assert (net.weight.data().asnumpy() != 1).all()
    assert (scaled.asnumpy() == 3).all()
