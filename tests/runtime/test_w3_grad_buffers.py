"""Large gradients are written (grad_req 'write') or added ('add') by the backward's fused
kernel straight into the variables' gradient buffers, with MXNet's write/add/null
semantics unchanged."""
import numpy as np
import pytest

import tapegraph as mx
from tapegraph import autograd
from tapegraph.autodiff import engine
from tapegraph.accel import lazy
from tapegraph.runtime import Plan, fusion

XS = np.linspace(-1.5, 2, 1000).astype(np.float32)


@pytest.fixture(autouse=True)
def large_from_small(monkeypatch):
    """1,000 elements count as large: deferred, chunked, written into buffers."""
    monkeypatch.setattr(lazy, "LAZY_MIN", 8)
    monkeypatch.setattr(engine, "INTO_MIN", 8)
    monkeypatch.setattr(fusion, "CHUNK", 64)
    monkeypatch.setattr(fusion, "THREAD_MIN", 256)
    engine.PLAN_CACHE.clear()  # plans compiled under the default INTO_MIN would not write
    yield
    engine.PLAN_CACHE.clear()


@pytest.fixture
def runs(monkeypatch):
    """(into, add, results) of every Plan.run."""
    seen = []
    original = Plan.run

    def spy(self, inputs, into=None, add=()):
        out = original(self, inputs, into, add)
        seen.append((into, add, out))
        return out
    monkeypatch.setattr(Plan, "run", spy)
    return seen


def _f(x):
    return mx.nd.sin(x) * mx.nd.exp(-x ** 2) + mx.nd.tanh(x) * 0.5 + x ** 3


def _grad64(x):
    e = np.exp(-x ** 2)
    return np.cos(x) * e - 2 * x * np.sin(x) * e + 0.5 * (1 - np.tanh(x) ** 2) + 3 * x ** 2


def test_write_goes_straight_into_the_buffer(runs):
    x = mx.nd.array(XS)
    x.attach_grad()
    grad, buf = x.grad, x.grad._data
    for _ in range(2):  # 'write' overwrites: the second result equals the first
        with autograd.record():
            s = mx.nd.sum(_f(x))
        s.backward()
        np.testing.assert_allclose(x.grad.asnumpy(), _grad64(XS.astype(np.float64)),
                                   rtol=1e-5, atol=1e-5)
    assert x.grad is grad and x.grad._data is buf
    into, add, out = runs[-1]
    assert into[0] is buf and out[0] is buf and not add[0]  # the kernel wrote it: no copy


def test_add_accumulates_into_the_same_buffer(runs):
    x = mx.nd.array(XS)
    x.attach_grad(grad_req="add")
    buf = x.grad._data
    for _ in range(3):
        with autograd.record():
            s = mx.nd.sum(_f(x))
        s.backward()
    assert x.grad._data is buf
    np.testing.assert_allclose(x.grad.asnumpy(), 3 * _grad64(XS.astype(np.float64)),
                               rtol=1e-5, atol=1e-5)
    into, add, out = runs[-1]
    assert into[0] is buf and add[0] and out[0] is buf  # the kernel added it in place


def test_null_and_write_variables_together(runs):
    x, w = mx.nd.array(XS), mx.nd.array(XS[::-1].copy())
    x.attach_grad(grad_req="null")
    w.attach_grad()
    with autograd.record():
        s = mx.nd.sum(_f(x) * w)
    s.backward()
    np.testing.assert_allclose(w.grad.asnumpy(), _f(mx.nd.array(XS)).asnumpy(), rtol=1e-5)
    into = runs[-1][0]
    assert len(into) == 1 and into[0] is w.grad._data  # x (null) has no gradient output


def test_a_buffer_the_backward_reads_is_not_written_while_it_runs(runs):
    x = mx.nd.array(XS)
    x.attach_grad()
    x.grad[:] = 2.0
    with autograd.record():
        y = _f(x)
    y.backward(x.grad)  # the head gradient is x's own gradient buffer
    np.testing.assert_allclose(x.grad.asnumpy(), 2.0 * _grad64(XS.astype(np.float64)),
                               rtol=1e-5, atol=1e-5)
    assert runs[-1][0] is None


def test_autograd_grad_returns_fresh_arrays(runs):
    x = mx.nd.array(XS)
    x.attach_grad()
    x.grad[:] = 7.0
    with autograd.record():
        s = mx.nd.sum(_f(x))
    g = autograd.grad(s, [x])[0]
    np.testing.assert_allclose(g.asnumpy(), _grad64(XS.astype(np.float64)), rtol=1e-5,
                               atol=1e-5)
    np.testing.assert_array_equal(x.grad.asnumpy(), np.full(XS.shape, 7.0, np.float32))
    assert runs[-1][0] is None


def test_write_and_add_variables_in_one_backward(runs):
    x, w = mx.nd.array(XS), mx.nd.array(XS[::-1].copy())
    x.attach_grad(grad_req="add")
    w.attach_grad()
    x.grad[:] = 1.0
    w.grad[:] = 5.0
    with autograd.record():
        s = mx.nd.sum(_f(x) * w)
    s.backward()
    x64, w64 = XS.astype(np.float64), XS[::-1].astype(np.float64)
    np.testing.assert_allclose(x.grad.asnumpy(), 1.0 + _grad64(x64) * w64, rtol=1e-5,
                               atol=1e-5)
    np.testing.assert_allclose(w.grad.asnumpy(), _f(mx.nd.array(XS)).asnumpy(), rtol=1e-5)
    into, add, out = runs[-1]
    assert list(add) == [True, False] or list(add) == [False, True]
    assert all(o is b for o, b in zip(out, into))


def test_a_fused_kernel_adds_some_outputs_and_writes_others():
    from tapegraph.ir import parse
    from tapegraph.passes import fuse
    from tapegraph.runtime import FusedKernel
    g = parse("""graph f(%x: f32[1000], %y: f32[1000]) -> (f32[1000], f32[1000]) {
  %0: f32[1000] = sin(%x)
  %1: f32[1000] = elemwise_mul(%0, %y)
  %2: f32[1000] = tanh(%1)
  return (%1, %2)
}""")
    kernel = FusedKernel(fuse(g).nodes[0])
    x, y = XS, XS[::-1].copy()
    a, b = np.full(1000, 2.0, np.float32), np.full(1000, 3.0, np.float32)
    got = kernel(x, y, out=[a, b], add=[True, False])
    assert got[0] is a and got[1] is b
    want = np.sin(x) * y
    np.testing.assert_allclose(a, 2.0 + want, rtol=1e-6)
    np.testing.assert_allclose(b, np.tanh(want), rtol=1e-6)
