"""Weight gradients computed by a matrix product (`dot` in the backward of
FullyConnected or dot) are written straight into their gradient buffers (or added to
them), with MXNet's write/add/null semantics, exactly as if they were copied."""
import numpy as np
import pytest

import tapegraph as mx
from tapegraph.autodiff import engine
from tapegraph.runtime import Plan

RNG = np.random.default_rng(7)
X = RNG.standard_normal((16, 12)).astype(np.float32)
W = RNG.standard_normal((10, 12)).astype(np.float32)
B = RNG.standard_normal(10).astype(np.float32)


@pytest.fixture(autouse=True)
def small_into(monkeypatch):
    monkeypatch.setattr(engine, "INTO_MIN", 8)
    engine.PLAN_CACHE.clear()
    yield
    engine.PLAN_CACHE.clear()


def _expected():
    y = X @ W.T + B
    g = np.cos(y)  # d sum(sin(y)) / dy
    return g.T @ X, g.sum(0), g @ W


def _step(w, b, x):
    with mx.autograd.record():
        loss = mx.nd.sum(mx.nd.sin(mx.nd.FullyConnected(x, w, b, num_hidden=10)))
    loss.backward()


def test_write_goes_into_the_buffer_itself(monkeypatch):
    w, b, x = mx.nd.array(W), mx.nd.array(B), mx.nd.array(X)
    w.attach_grad()
    b.attach_grad()
    x.attach_grad()
    buffer = w.grad._data
    into_seen = []
    original = Plan.run

    def spy(self, inputs, into=None, add=()):
        out = original(self, inputs, into, add)
        into_seen.append([o is i for o, i in zip(out, into or [])])
        return out
    monkeypatch.setattr(Plan, "run", spy)
    _step(w, b, x)
    dw, db, dx = _expected()
    assert w.grad._data is buffer
    np.testing.assert_allclose(w.grad.asnumpy(), dw, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(b.grad.asnumpy(), db, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(x.grad.asnumpy(), dx, rtol=1e-5, atol=1e-5)
    assert into_seen and any(into_seen[-1])  # some gradient was written in place


def test_add_accumulates_and_null_is_left_alone():
    w, b, x = mx.nd.array(W), mx.nd.array(B), mx.nd.array(X)
    w.attach_grad(grad_req="add")
    b.attach_grad(grad_req="null")
    x.attach_grad()
    w.grad[:] = 1.0
    assert b.grad is None  # as in MXNet; the buffer behind it must stay untouched
    b._value.grad[:] = 5.0
    _step(w, b, x)
    _step(w, b, x)
    dw, _, dx = _expected()
    np.testing.assert_allclose(w.grad.asnumpy(), 1.0 + 2 * dw, rtol=1e-5, atol=1e-5)
    np.testing.assert_array_equal(b._value.grad.asnumpy(), np.full(10, 5.0))
    np.testing.assert_allclose(x.grad.asnumpy(), dx, rtol=1e-5, atol=1e-5)
