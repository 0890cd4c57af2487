"""`invoke` has fast paths for one and two small inputs (tapegraph.trace.invoke); they must
record exactly what the general path records and fail the same way."""
import numpy as np
import pytest

import tapegraph as mx
from tapegraph.trace import invoke as _tape
from tapegraph import autograd
from tapegraph.trace.collect import Collected
from tapegraph.ir import get_op
from tapegraph.ir.errors import MXNetError

nd = mx.nd


def _record_mul_and_dot(general, monkeypatch):
    if general:  # every call takes the general path
        monkeypatch.setattr(_tape, "PARALLEL_MIN", 0)
    a = nd.array(np.arange(6, dtype=np.float32).reshape(2, 3))
    w = nd.array(np.linspace(0.5, 1.5, 3).astype(np.float32))
    w.attach_grad()
    c = nd.array(np.full(2, 2.0, np.float32))  # untraced
    with autograd.record():
        y = nd.dot(a, w)          # untraced @ variable
        z = c * y                 # untraced * traced
        s = nd.sum(z * z)
    key = Collected([s._value]).key
    s.backward()
    return key, s.asnumpy(), w.grad.asnumpy(), nd.dot(a, w)._value


@pytest.mark.parametrize("general", [False, True])
def test_two_input_calls_record_the_general_paths_graph(general, monkeypatch):
    fast = _record_mul_and_dot(False, monkeypatch)
    other = _record_mul_and_dot(general, monkeypatch)
    assert fast[0] == other[0]
    np.testing.assert_allclose(fast[1], other[1])
    np.testing.assert_allclose(fast[2], other[2])
    assert fast[3] is None and other[3] is None  # not recording: nothing traced


def test_two_untraced_inputs_under_record_are_not_recorded():
    a, b = nd.ones((3,)), nd.ones((3,))
    with autograd.record():
        c = a * b
    assert c._value is None
    np.testing.assert_array_equal(c.asnumpy(), [1, 1, 1])


def test_two_input_kernel_failure_names_the_operator_and_shapes():
    a, b = nd.ones((2, 3)), nd.ones((2,))
    a.attach_grad()
    with autograd.record():
        with pytest.raises(MXNetError, match="dot"):
            nd.dot(a, b)
        ok = nd.sum(a * a)  # recording goes on normally after the error
    ok.backward()
    np.testing.assert_array_equal(a.grad.asnumpy(), np.full((2, 3), 2.0))


def test_two_input_call_with_an_unhashable_attribute_still_records():
    op = get_op("dot")
    a = nd.ones((2, 2))
    a.attach_grad()
    with autograd.record():
        y = _tape.invoke(op, (a, a), {"transpose_a": np.array(False), "transpose_b": False})
        s = nd.sum(y)
    s.backward()
    np.testing.assert_array_equal(a.grad.asnumpy(), np.full((2, 2), 4.0))


def test_shared_reduction_and_dot_attributes_are_not_mutated():
    x = nd.array(np.arange(4, dtype=np.float32))
    x.attach_grad()
    with autograd.record():
        s1 = nd.sum(x)
        s2 = nd.sum(x * 2, axis=0, keepdims=True)
        d = nd.dot(nd.ones((2, 4)), x, transpose_a=False)
    assert s1.shape == (1,) and s2.shape == (1,) and d.shape == (2,)
    assert s1._value.node.attrs == {"axis": None, "keepdims": True, "exclude": False}
    assert d._value.node.attrs == {"transpose_a": False, "transpose_b": False}
    with autograd.record():
        m = nd.sum(nd.ones((2, 2)) * x.reshape((2, 2)))
    assert m.shape == (1,)  # a matrix total: reshaped to MXNet's (1,)
    m.backward()
    np.testing.assert_array_equal(x.grad.asnumpy(), np.ones(4))
