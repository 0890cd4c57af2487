"""Graphs calling autograd.Function are compiled once and cached: the compiled graph
holds FunctionSlots, and every backward binds the instances of its own step."""
import numpy as np

import tapegraph as mx
from tapegraph.runtime import PLAN_CACHE

nd = mx.nd


class Scale(mx.autograd.Function):
    """y = k * x with a per-instance k, so a backward using the wrong instance shows."""

    def __init__(self, k):
        super().__init__()
        self.k = k

    def forward(self, x):
        return x * self.k

    def backward(self, dy):
        return dy * self.k


class Square(mx.autograd.Function):
    def forward(self, x):
        self.save_for_backward(x)
        return x * x

    def backward(self, dy):
        x, = self.saved_tensors
        return dy * 2 * x


def _x(values=(1.0, 2.0, 3.0)):
    x = nd.array(np.array(values, dtype=np.float32))
    x.attach_grad()
    return x


def test_each_step_uses_its_own_instances_and_the_plan_is_reused():
    PLAN_CACHE.clear()
    for step, k in enumerate([2.0, 3.0, 5.0]):
        x = _x((1.0, 2.0, 3.0 + step))  # saved tensors differ from step to step too
        with mx.autograd.record():
            y = nd.sum(Square()(Scale(k)(x)))
        y.backward()
        np.testing.assert_allclose(x.grad.asnumpy(), 2 * k * k * x.asnumpy(), rtol=1e-6)
    stats = PLAN_CACHE.stats()
    assert (stats["misses"], stats["hits"]) == (1, 2)


def test_instances_are_bound_in_graph_order():
    x = _x()
    with mx.autograd.record():
        a = Scale(3.0)(x)
        b = Scale(7.0)(x)
        y = nd.sum(a * 1.0 + b * 10.0)
    y.backward()
    np.testing.assert_allclose(x.grad.asnumpy(), np.full(3, 3.0 + 70.0))


def test_the_compiled_graph_shows_slots_not_instances():
    x = _x()
    with mx.autograd.record():
        y = nd.sum(Scale(2.0)(x))
    text = str(mx.autograd.backward_graph(y, [x]))
    assert "_CustomFunctionBackward" in text and "<Scale #0>" in text


def test_second_order_through_a_function_across_cached_steps():
    for k in (2.0, 4.0):
        x = _x()
        with mx.autograd.record():
            y = nd.sum(Square()(x) * k)
            (g,) = mx.autograd.grad(y, [x], create_graph=True, retain_graph=True)
            z = nd.sum(g * g)
        z.backward()  # z = sum((2kx)^2) -> dz/dx = 8 k^2 x
        np.testing.assert_allclose(x.grad.asnumpy(), 8 * k * k * x.asnumpy(), rtol=1e-5)


def test_a_failing_backward_leaves_the_binding_and_buffers_alone():
    from tapegraph.trace.tape import STATE

    class Broken(Scale):
        def backward(self, dy):
            raise ValueError("broken backward")

    x = _x()
    x.grad[:] = 9.0
    with mx.autograd.record():
        y = nd.sum(Broken(2.0)(x))
    try:
        y.backward()
    except ValueError as e:
        assert "broken backward" in str(e)
    else:
        raise AssertionError("the user's exception did not propagate")
    assert STATE.functions == []
    np.testing.assert_array_equal(x.grad.asnumpy(), np.full(3, 9.0))


def test_function_nodes_go_on_the_tape_with_the_walk_key():
    from tapegraph.trace.collect import Collected, TapeCollected, collect
    keys = []
    for k in (2.0, 3.0):
        x = _x()
        with mx.autograd.record():
            y = nd.sum(Square()(Scale(k)(x)) * 2.0)
        col = collect([y._value])
        assert isinstance(col, TapeCollected)
        assert col.key == Collected([y._value]).key
        keys.append(col.key)
        y.backward()
        np.testing.assert_allclose(x.grad.asnumpy(), 4 * k * k * x.asnumpy(), rtol=1e-6)
    assert keys[0] == keys[1]  # new instances, same compiled graph
