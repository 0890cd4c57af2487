"""Parameters: deferred initialization, grad_req, contexts, set_data, cast, Constant,
ParameterDict, and MXNet 1.9.1's error messages (tests/data/mxnet/gluon_core/core.json)."""
import json
import pathlib

import numpy as np
import pytest

import tapegraph as mx
from tapegraph import autograd, gluon, nd

GOLD = json.loads((pathlib.Path(__file__).resolve().parent.parent
                   / "data/mxnet/gluon_core/core.json").read_text())


def test_reprs_match_mxnet():
    p = gluon.Parameter("w", shape=(2, 0), allow_deferred_init=True)
    assert repr(p) == GOLD["names"]["param_repr"]
    assert repr(gluon.Constant("c", nd.array([1, 2]))) == GOLD["names"]["const_repr"]
    assert repr(gluon.ParameterDict("pd_")) == GOLD["names"]["paramdict_repr"]


def test_uninitialized_and_deferred_errors_match_mxnet():
    with mx.name.NameManager():
        d = gluon.nn.Dense(2, in_units=3)
    with pytest.raises(RuntimeError) as info:
        d.weight.data()
    assert str(info.value) == GOLD["errors"]["uninitialized"]
    with mx.name.NameManager():
        d = gluon.nn.Dense(2)
    d.initialize()
    with pytest.raises(gluon.DeferredInitializationError) as info:
        d.weight.data()
    assert "DeferredInitializationError: " + str(info.value) == GOLD["errors"]["deferred"]
    assert d.weight.list_ctx() == [mx.cpu()]


def test_initialize_with_known_shape_and_reinit_warning():
    p = gluon.Parameter("x_weight", shape=(3, 4))
    p.initialize()
    w = p.data().asnumpy()
    assert w.shape == (3, 4) and np.abs(w).max() <= 0.07 and w.std() > 0
    with pytest.warns(UserWarning, match="already initialized"):
        p.initialize()
    np.testing.assert_array_equal(p.data().asnumpy(), w)
    p.initialize(init="ones", force_reinit=True)
    np.testing.assert_array_equal(p.data().asnumpy(), np.ones((3, 4)))
    with pytest.raises(ValueError, match="Cannot initialize Parameter 'y' because it has "
                                         "invalid shape"):
        gluon.Parameter("y", shape=(3, 0)).initialize()


def test_data_is_a_marked_variable_and_fresh_grad_is_set_by_backward():
    p = gluon.Parameter("w", shape=(2,))
    p.initialize(init="ones")
    assert p.list_data()[0] is p.data() and p.list_grad()[0] is p.grad()
    assert p.data()._fresh_grad is False
    with autograd.record():
        y = (p.data() * nd.array([3.0, 4.0])).sum()
    y.backward()
    np.testing.assert_array_equal(p.grad().asnumpy(), [3, 4])
    assert p.data()._fresh_grad is True


def test_grad_req_null_detaches_and_back():
    p = gluon.Parameter("w", shape=(2,), grad_req="null")
    p.initialize()
    with pytest.raises(RuntimeError, match="because grad_req='null'"):
        p.grad()
    p.grad_req = "write"
    assert p.grad().shape == (2,)
    p.grad_req = "null"
    with pytest.raises(RuntimeError, match="grad_req='null'"):
        p.list_grad()
    with pytest.raises(AssertionError, match="grad_req must be one of"):
        p.grad_req = "bad"
    q = gluon.Parameter("q", shape=(1,), differentiable=False)
    assert q.grad_req == "null"


def test_contexts_and_wrong_context():
    p = gluon.Parameter("w", shape=(2,))
    p.initialize(ctx=[mx.cpu(0), mx.cpu(1)])
    assert p.list_ctx() == [mx.cpu(0), mx.cpu(1)] and len(p.list_data()) == 2
    assert p.data(mx.cpu(1)) is p.list_data()[1]
    with pytest.raises(RuntimeError, match=r"Parameter 'w' was not initialized on context "
                                           r"gpu\(0\)"):
        p.data(mx.gpu(0))
    p.set_data(nd.array([1.0, 2.0]))
    for arr in p.list_data():
        np.testing.assert_array_equal(arr.asnumpy(), [1, 2])
    p.reset_ctx(mx.cpu(0))
    assert p.list_ctx() == [mx.cpu(0)]


def test_set_data_in_place_and_before_deferred_init():
    p = gluon.Parameter("w", shape=(2,))
    p.initialize()
    arr = p.data()
    p.set_data(nd.array([5.0, 6.0]))
    assert p.data() is arr
    np.testing.assert_array_equal(arr.asnumpy(), [5, 6])
    with pytest.raises(AssertionError, match="incompatible with given shape .* Parameter 'w'"):
        p.set_data(nd.array([1.0, 2.0, 3.0]).reshape((3, 1)))
    with pytest.raises(AssertionError, match="incompatible"):
        p.set_data(nd.array([1.0, 2.0, 3.0]))
    np.testing.assert_array_equal(arr.asnumpy(), [5, 6])  # nothing lost
    d = gluon.Parameter("d", shape=(0,), allow_deferred_init=True)
    d.initialize()
    d.set_data(nd.array([7.0, 8.0, 9.0]))
    d._finish_deferred_init()
    np.testing.assert_array_equal(d.data().asnumpy(), [7, 8, 9])


def test_cast_and_var():
    p = gluon.Parameter("w", shape=(2,))
    p.initialize()
    p.cast("float64")
    assert p.data().dtype == np.float64 and p.grad().dtype == np.float64
    with autograd.record():
        y = (p.data() * 2).sum()
    y.backward()
    np.testing.assert_array_equal(p.grad().asnumpy(), [2, 2])
    v = p.var()
    assert isinstance(v, mx.sym.Symbol) and v.name == "w"


def test_constant_has_no_gradient():
    c = gluon.Constant("c", [[1.0, 2.0]])
    with pytest.warns(UserWarning, match="does not support grad_req"):
        c.grad_req = "write"
    assert c.grad_req == "null"
    c.initialize()
    np.testing.assert_array_equal(c.data().asnumpy(), [[1, 2]])

    class WithConst(gluon.HybridBlock):
        def __init__(self):
            super().__init__(prefix="wc_")
            self.c = self.params.get_constant("c", [[3.0, 4.0]])

        def hybrid_forward(self, F, x, c):
            return x * c

    blk = WithConst()
    blk.initialize()
    assert list(blk.collect_params().keys()) == ["wc_c"]
    np.testing.assert_array_equal(blk(nd.ones((1, 2))).asnumpy(), [[3, 4]])


def test_parameter_dict_get_update_and_mismatch():
    pd = gluon.ParameterDict("net_")
    w = pd.get("weight", shape=(3, 0))
    assert pd.get("weight", shape=(3, 5)) is w and w.shape == (3, 5)
    with pytest.raises(AssertionError, match="Cannot retrieve Parameter 'net_weight'"):
        pd.get("weight", shape=(4, 5))
    other = gluon.ParameterDict("net_")
    other.get("weight")
    with pytest.raises(AssertionError, match="different Parameters with the same name"):
        pd.update(other)
    shared = gluon.ParameterDict("net_", shared=pd)
    assert shared.get("weight") is w
    pd.initialize(init="zeros")
    pd.setattr("lr_mult", 0.5)
    assert w.lr_mult == 0.5 and pd.list_ctx() == [mx.cpu()]


def test_numpy_semantics_give_mx_np_parameters_and_outputs():
    mx.npx.set_np()
    try:
        net = gluon.nn.HybridSequential()
        net.add(gluon.nn.Dense(4, activation="relu"), gluon.nn.Dense(2))
        net.initialize()
        x = mx.np.ones((3, 5))
        eager = net(x)
        net.hybridize()
        with autograd.record():
            y = net(x)
            total = y.sum()
        total.backward()
        for arr in (eager, y, net[0].weight.data(), net[0].weight.grad()):
            assert isinstance(arr, mx.np.ndarray)
        np.testing.assert_allclose(y.asnumpy(), eager.asnumpy(), rtol=1e-6)
    finally:
        mx.util.reset_np()
