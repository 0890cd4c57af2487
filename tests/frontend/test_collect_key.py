"""The structural key of a recorded graph (tapegraph.trace.collect): equal programs share it,
and anything that changes the compiled backward changes it."""
import numpy as np
import tapegraph as mx
from tapegraph.trace.collect import Collected


def _variables(n=2, shape=(3,)):
    out = []
    for i in range(n):
        a = mx.nd.array(np.arange(3, dtype=np.float32) + i)
        a.attach_grad()
        out.append(a)
    return out


def _key(head):
    return Collected([head._value]).key


def test_the_same_program_recorded_twice_has_one_key():
    a, b = _variables()

    def program():
        with mx.autograd.record():
            return mx.nd.sum(mx.nd.sin(a * 2.0) * b + a)

    assert _key(program()) == _key(program())


def test_sharing_a_leaf_is_not_using_two_leaves():
    a, b = _variables()
    with mx.autograd.record():
        same = a * a
        two = a * b
    assert _key(same) != _key(two)


def test_leaf_types_grad_req_and_attributes_are_part_of_the_key():
    a, b = _variables()
    c = mx.nd.array(np.arange(3), dtype="float64")
    c.attach_grad()
    with mx.autograd.record():
        base, other_scalar, other_type = a * 2.0, a * 3.0, c * 2.0
    assert len({_key(base), _key(other_scalar), _key(other_type)}) == 3
    b.attach_grad(grad_req="add")
    with mx.autograd.record():
        add_req = b * 2.0
    assert _key(add_req) != _key(base)


def test_operand_order_matters():
    a, b = _variables()
    with mx.autograd.record():
        ab, ba = a - b, b - a
    assert _key(ab) == _key(ba)  # leaves are numbered where first used: same structure
    with mx.autograd.record():
        x = a * 2.0
        y = b * 2.0
        xy, yx = x - y, y - x
    assert _key(xy) != _key(yx)


def test_unreachable_recorded_nodes_are_not_collected():
    a, b = _variables()
    with mx.autograd.record():
        y = mx.nd.sin(a)
        mx.nd.cos(b)  # recorded, but not an ancestor of y
    col = Collected([y._value])
    assert [n.op for n in col.nodes] == ["sin"]
    assert _key(y) == Collected([y._value]).key


def test_an_unhashable_attribute_still_gives_a_usable_key():
    from tapegraph.trace.invoke import invoke_by_name
    a = mx.nd.array(np.arange(4, dtype=np.float32).reshape(2, 2))
    a.attach_grad()
    w = mx.nd.array(np.array([[1, 2], [3, 4]], dtype=np.float32))

    def program(axes):
        with mx.autograd.record():
            t = invoke_by_name("transpose", [a], {"axes": axes})  # a list: unhashable
            return mx.nd.sum(t * w)

    k1, k2, k3 = _key(program([1, 0])), _key(program([1, 0])), _key(program([0, 1]))
    hash(k1)
    assert k1 == k2 and k1 != k3
    program([1, 0]).backward()
    np.testing.assert_allclose(a.grad.asnumpy(), [[1, 3], [2, 4]])
    program([0, 1]).backward()
    np.testing.assert_allclose(a.grad.asnumpy(), [[1, 2], [3, 4]])
