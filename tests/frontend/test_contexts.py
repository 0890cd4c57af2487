"""Arrays carry their context (ndarray.on_context): creation with ctx=, as_in_context and
copyto(ctx) place them, operators keep it, and pickling or copying keeps it."""
import copy
import pickle

import pytest

import tapegraph as mx

C1 = mx.cpu(1)


@pytest.mark.parametrize("make", [
    lambda: mx.nd.ones((2,), ctx=C1), lambda: mx.nd.array([1, 2], ctx=C1),
    lambda: mx.nd.zeros((2,)).as_in_context(C1), lambda: mx.nd.ones((2,)).copyto(C1),
    lambda: mx.np.ones((2,), ctx=C1), lambda: mx.np.array([1, 2], ctx=C1),
])
def test_placed_arrays_and_their_results_stay_on_the_context(make):
    a = make()
    assert a.context == C1
    assert (a * 2 + 1).context == C1 and a.sum().context == C1
    assert repr(a).endswith("@cpu(1)>") or repr(a).startswith("array(")  # (np: no ctx shown)
    for again in (pickle.loads(pickle.dumps(a)), copy.deepcopy(a), copy.copy(a)):
        assert again.context == C1 and (again.asnumpy() == a.asnumpy()).all()
    assert a.as_in_context(C1) is a
    back = a.as_in_context(mx.cpu(0))
    assert back.context == mx.cpu(0) and type(back) is type(a).__mro__[1]


def test_as_in_context_is_a_recorded_copy():
    x = mx.nd.array([1.0, 2.0])
    x.attach_grad()
    with mx.autograd.record():
        y = (x.as_in_context(C1) * 3).sum()
    y.backward()
    assert y.context == C1
    assert x.grad.asnumpy().tolist() == [3.0, 3.0]


def test_parameter_copies_are_on_their_contexts():
    net = mx.gluon.nn.Dense(2, in_units=3)
    net.initialize(ctx=[mx.cpu(0), C1])
    assert net.weight.data(C1).context == C1 and net.weight.grad(C1).context == C1
    assert net.weight.data(mx.cpu(0)).context == mx.cpu(0)
    assert net(mx.nd.ones((1, 3), ctx=C1)).context == C1
