"""`mx.nd` operator functions remember the completed attributes of their keyword
arguments (tapegraph.ndarray.ops, `_keyword_attrs`): a remembered entry must only serve
calls whose attributes are the same values of the same types."""
import math

import numpy as np
import pytest

import tapegraph as mx
from tapegraph import autograd
from tapegraph.ir.errors import MXNetError

nd = mx.nd


def _picked_node(**kw):
    x = nd.array(np.arange(9, dtype=np.float32).reshape(3, 3))
    x.attach_grad()
    with autograd.record():
        y = nd.pick(x, nd.array([1, 2, 0]), **kw)
    return y, y._value.node


def test_different_values_get_their_own_attributes():
    a, na = _picked_node(axis=1, keepdims=True)
    b, nb = _picked_node(axis=0, keepdims=True)
    np.testing.assert_array_equal(a.asnumpy(), [[1], [5], [6]])
    np.testing.assert_array_equal(b.asnumpy(), [[3, 7, 2]])
    assert na.attrs["axis"] == 1 and nb.attrs["axis"] == 0
    assert na.attrs == {"axis": 1, "keepdims": True, "mode": "clip"}  # completed


def test_equal_values_of_other_types_are_not_confused():
    _, n1 = _picked_node(axis=1, keepdims=True)
    _, n2 = _picked_node(axis=1, keepdims=1)
    _, n3 = _picked_node(axis=1, keepdims=True)
    assert n1.attrs["keepdims"] is True and type(n2.attrs["keepdims"]) is int
    assert n3.attrs is n1.attrs  # remembered (and shared: node attributes are immutable)


@pytest.mark.parametrize("first,then", [(0.0, -0.0), (-0.0, 0.0)])
def test_signed_zero_floats_are_not_confused(first, then):
    x = nd.array([-2.0, 3.0])
    x.attach_grad()
    with autograd.record():
        nd.hard_sigmoid(x, alpha=1.0, beta=first)
        y = nd.hard_sigmoid(x, alpha=1.0, beta=then)
    assert math.copysign(1.0, y._value.node.attrs["beta"]) == math.copysign(1.0, then)
    with autograd.record():  # a single keyword argument (its own key form)
        with np.errstate(divide="ignore", invalid="ignore"):  # (a zero temperature)
            nd.softmax(x, temperature=first)
            z = nd.softmax(x, temperature=then)
    assert math.copysign(1.0, z._value.node.attrs["temperature"]) == math.copysign(1.0, then)


def test_single_keyword_values_of_other_types_are_not_confused():
    x = nd.array([[1.0, 2.0]])
    x.attach_grad()
    with autograd.record():
        a = nd.expand_dims(x, axis=1)
        b = nd.expand_dims(x, axis=True)
        c = nd.expand_dims(x, axis=1)
    assert type(a._value.node.attrs["axis"]) is int and b._value.node.attrs["axis"] is True
    assert c._value.node.attrs is a._value.node.attrs


def test_a_bad_keyword_raises_every_time_and_is_not_remembered():
    x = nd.ones((2, 3))
    for _ in range(2):
        with pytest.raises(MXNetError, match="no attribute 'axes'"):
            nd.log_softmax(x, axes=1)
    np.testing.assert_allclose(nd.log_softmax(x, axis=1).asnumpy(), np.log(np.full((2, 3), 1 / 3)),
                               rtol=1e-6)


def test_unhashable_and_list_values_still_work():
    x = nd.array(np.arange(6, dtype=np.float32).reshape(2, 3))
    for axes in ([1, 0], (1, 0), [1, 0]):
        np.testing.assert_array_equal(nd.transpose(x, axes=axes).asnumpy(),
                                      np.arange(6).reshape(2, 3).T)


def _conv_node(**window):
    x = nd.array(np.arange(16, dtype=np.float32).reshape(1, 1, 4, 4))
    w, b = nd.ones((1, 1, 2, 2)), nd.zeros((1,))
    x.attach_grad()
    with autograd.record():  # (the arrays given as Gluon's layers do, keywords after)
        y = nd.Convolution(x, w, b, num_filter=1, **window)
    return y, y._value.node


def test_tuples_of_ints_are_remembered():
    _, n1 = _conv_node(kernel=(2, 2), stride=(1, 1))
    _, n2 = _conv_node(kernel=(2, 2), stride=(1, 1))
    _, n3 = _conv_node(kernel=(2, 2), stride=(2, 2))
    assert n2.attrs is n1.attrs
    assert n3.attrs["stride"] == (2, 2) and n3.attrs is not n1.attrs


@pytest.mark.parametrize("other", [(2.0, 2.0), (True, 2), [2, 2]])
def test_equal_tuples_of_other_items_do_not_take_a_remembered_entry(other):
    """(2.0, 2.0) and (True, 2) are equal to (2, 2), so they hit its entry: the entry's
    tuples are checked, and these calls are normalized as if nothing were remembered."""
    _, remembered = _conv_node(kernel=(2, 2))
    try:
        _, node = _conv_node(kernel=other)
    except MXNetError:  # what the operator makes of it, as it would without the cache
        return
    assert node.attrs is not remembered.attrs
    assert [type(i) for i in node.attrs["kernel"]] == [type(i) for i in tuple(other)]


def test_a_single_tuple_keyword_is_remembered_too():
    x = nd.array(np.arange(6, dtype=np.float32).reshape(2, 3))
    x.attach_grad()
    with autograd.record():
        a = nd.transpose(x, axes=(1, 0))
        b = nd.transpose(x, axes=(1, 0))
        c = nd.transpose(x, axes=(1.0, 0))
    assert b._value.node.attrs is a._value.node.attrs
    assert c._value.node.attrs is not a._value.node.attrs
    assert type(c._value.node.attrs["axes"][0]) is float
