"""The tape (tapegraph.trace.tape.Tape): the structural key built while recording equals the
key a walk from the heads computes, and whenever the tape is not exactly the graph of
the heads the walk is used, so results never depend on which path ran."""
import gc
import random

import numpy as np
import pytest

import tapegraph as mx
from tapegraph import autograd
from tapegraph.trace.collect import Collected, TapeCollected, collect

nd = mx.nd


def _var(seed, n=4):
    a = nd.array(np.random.RandomState(seed).uniform(0.5, 1.5, n).astype(np.float32))
    a.attach_grad()
    return a


def _random_program(rng, leaves):
    """A random DAG of element-wise, scalar, broadcast and reduction ops; returns its
    last value (every other value feeds it)."""
    pool = list(leaves)
    for _ in range(rng.randint(1, 12)):
        kind = rng.choice(["unary", "scalar", "binary", "binary", "split"])
        a = rng.choice(pool)
        if kind == "unary":
            out = getattr(nd, rng.choice(["sin", "tanh", "exp", "sqrt", "square"]))(a)
        elif kind == "scalar":
            out = a * rng.choice([0.5, 2.0]) + rng.choice([0.1, 1.0])
        elif kind == "binary":
            out = a * rng.choice(pool) + rng.choice(pool)
        else:
            first, second = nd.split(a, num_outputs=2, axis=0)
            out = nd.concat(second, first, dim=0)
        pool.append(out)
    total = pool[len(leaves)] if len(pool) > len(leaves) else pool[0] * 1.0
    for extra in pool[len(leaves) + 1:]:
        total = total + extra  # consume everything: the tape is the heads' graph
    return nd.sum(total + leaves[0])  # (and be recorded even if only constants were used)


@pytest.mark.parametrize("seed", range(40))
def test_tape_key_equals_the_walk_key_on_random_programs(seed):
    rng = random.Random(seed)
    leaves = [_var(seed * 10 + i) for i in range(rng.randint(1, 3))]
    leaves.append(nd.array(np.linspace(1, 2, 4).astype(np.float32)))  # untraced input
    with autograd.record():
        head = _random_program(rng, leaves)
    col = collect([head._value])
    assert isinstance(col, TapeCollected)
    walk = Collected([head._value])
    assert col.key == walk.key
    assert col.values == walk.values and col.leaves == walk.leaves and col.nodes == walk.nodes
    head.backward()  # and the gradients are right (against finite differences elsewhere)


def test_an_unconsumed_branch_falls_back_to_the_walk_and_leaves_its_variables_alone():
    a, b = _var(1), _var(2)
    b.grad[:] = 7.0
    with autograd.record():
        y = nd.sum(nd.sin(a))
        nd.cos(b)  # recorded in the scope but not part of y's graph
    assert type(collect([y._value])) is Collected
    y.backward()
    np.testing.assert_allclose(a.grad.asnumpy(), np.cos(a.asnumpy()), rtol=1e-6)
    np.testing.assert_array_equal(b.grad.asnumpy(), np.full(4, 7.0))  # not overwritten


def test_two_heads_that_are_all_open_ends_use_the_tape():
    a = _var(3)
    with autograd.record():
        y1 = nd.sum(a * 2.0)
        y2 = nd.sum(nd.exp(a))
    assert isinstance(collect([y1._value, y2._value]), TapeCollected)
    assert type(collect([y1._value])) is Collected  # y2's graph is not y1's
    autograd.backward([y1, y2])
    np.testing.assert_allclose(a.grad.asnumpy(), 2.0 + np.exp(a.asnumpy()), rtol=1e-6)


def test_values_from_an_earlier_scope_make_the_walk_run():
    a = _var(4)
    with autograd.record():
        h = nd.tanh(a)
    with autograd.record():  # a new tape: h was computed off it
        y = nd.sum(h * h)
    assert type(collect([y._value])) is Collected
    y.backward()
    t = np.tanh(a.asnumpy())
    np.testing.assert_allclose(a.grad.asnumpy(), 2 * t * (1 - t * t), rtol=1e-5)


def test_a_freeing_backward_retires_the_tape_and_later_heads_walk():
    a = _var(5)
    with autograd.record():
        h = nd.exp(a)
        y1 = nd.sum(h)
        y1.backward()  # frees exp: h is now a constant for what follows
        y2 = nd.sum(h * a)
    assert y1._value.tape is not y2._value.tape  # the freed tape retired; a new one began
    col = collect([y2._value])
    assert col.key == Collected([y2._value]).key
    assert [n.op for n in col.nodes] == ["elemwise_mul", "sum"]  # a vector's total: (1,)
    y2.backward()
    np.testing.assert_allclose(a.grad.asnumpy(), np.exp(a.asnumpy()), rtol=1e-6)


def test_retain_graph_keeps_the_tape_and_the_same_key_hits():
    a = _var(6)
    with autograd.record():
        y = nd.sum(nd.sin(a) * a)
    first = collect([y._value])
    y.backward(retain_graph=True)
    again = collect([y._value])
    assert isinstance(again, TapeCollected) and again.key == first.key
    y.backward()
    with pytest.raises(mx.base.MXNetError):
        y.backward()  # freed now


def test_grad_req_is_read_at_backward_time():
    a = _var(7)
    with autograd.record():
        y = nd.sum(a * 3.0)
    key_write = collect([y._value]).key
    a._value.grad_req = "add"
    assert collect([y._value]).key != key_write


def test_a_dropped_graph_is_still_reclaimed_by_the_collector():
    import weakref
    a = _var(8)
    with autograd.record():
        h = nd.exp(a)
        y = nd.sum(h * h)
    ref = weakref.ref(h._data)
    del h, y
    gc.collect()
    assert ref() is None


def test_the_tape_retires_past_its_size_limit(monkeypatch):
    from tapegraph.trace import tape as tape_module
    monkeypatch.setattr(tape_module, "TAPE_MAX", 50)
    a = _var(9)
    with autograd.record():
        y = a
        for _ in range(60):
            y = y * 1.0
        y = nd.sum(y)
    assert y._value.tape is None  # recorded after the tape retired
    assert type(collect([y._value])) is Collected
    y.backward()
    np.testing.assert_allclose(a.grad.asnumpy(), np.ones(4))


def test_a_backward_on_another_thread_walks():
    import threading
    a = _var(10)
    with autograd.record():
        y = nd.sum(nd.exp(a))
    assert isinstance(collect([y._value]), TapeCollected)
    seen = []
    t = threading.Thread(target=lambda: seen.append(type(collect([y._value]))))
    t.start()
    t.join()
    assert seen == [Collected]


def _unhashable_attribute(x):
    from tapegraph.trace.invoke import invoke_by_name
    t = invoke_by_name("transpose", [x.reshape((2, 2))], {"axes": [1, 0]})  # a list
    return nd.sum(t * t)


class _Square(autograd.Function):
    def forward(self, x):
        self.save_for_backward(x)
        return x * x

    def backward(self, dy):
        (x,) = self.saved_tensors
        return 2 * x * dy


def _function(x):
    return nd.sum(_Square()(x) + x)


def _recorded_gradient(x):
    (g,) = autograd.grad(nd.sum(nd.tanh(x) * x), [x], create_graph=True)
    return nd.sum(g * g)


@pytest.mark.parametrize("program", [_unhashable_attribute, _function, _recorded_gradient])
def test_every_recording_path_tapes_the_key_the_walk_computes(program):
    """Nodes recorded by every builder path (an unhashable attribute, an autograd.Function,
    a recorded gradient region) are on the tape, with the key a walk computes."""
    x = _var(7)
    with autograd.record():
        head = program(x)
    col = collect([head._value])
    assert isinstance(col, TapeCollected)
    walk = Collected([head._value])
    assert col.key == walk.key
    hash(col.key)
    assert col.values == walk.values and col.leaves == walk.leaves and col.nodes == walk.nodes
    assert col.leaf_positions() == walk.leaf_positions()
    head.backward()
