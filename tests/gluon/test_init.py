"""mx.init against MXNet 1.9.1 (tests/data/mxnet/init/init.json, tools/capture_init.py).

Deterministic fills compare exactly; random fills compare bounds and moments with the
statistics MXNet's own draws had (different generators, same distributions).
"""
import json
import logging
import os
import warnings

import numpy as np
import pytest

import tapegraph as mx

DATA = json.load(open(os.path.join(os.path.dirname(__file__), "..", "data", "mxnet", "init",
                                   "init.json")))


def fill(init, name, shape, attrs=None):
    arr = mx.nd.zeros(shape)
    init(mx.init.InitDesc(name, attrs or {}), arr)
    return arr.asnumpy()


def test_init_and_initializer_are_one_module():
    assert mx.init is mx.initializer
    assert set(DATA["registered"]) - {"fusedrnn"} <= set(
        mx.registry._REGISTRY[mx.init.Initializer])


@pytest.mark.parametrize("key,make", [
    ("bilinear_2x3x5x4", lambda: fill(mx.init.Bilinear(), "up_weight", (2, 3, 5, 4))),
    ("bilinear_1x1x4x4", lambda: fill(mx.init.Bilinear(), "up_weight", (1, 1, 4, 4))),
    ("lstmbias_12", lambda: fill(mx.init.LSTMBias(2.5), "l_weight", (12,))),
    ("constant_2x3", lambda: fill(mx.init.Constant(0.3), "c_weight", (2, 3))),
    ("constant_arr", lambda: fill(mx.init.Constant(mx.nd.array([1, 2, 3])), "c_weight", (2, 3))),
    ("xavier_bias", lambda: fill(mx.init.Xavier(), "fc_bias", (4,))),
    ("xavier_gamma", lambda: fill(mx.init.Xavier(), "bn_gamma", (4,))),
    ("xavier_beta", lambda: fill(mx.init.Xavier(), "bn_beta", (4,))),
    ("uniform_max", lambda: fill(mx.init.Uniform(), "q_max", (3,))),
    ("uniform_min", lambda: fill(mx.init.Uniform(), "q_min", (3,))),
    ("attr_init_bias_ones", lambda: fill(mx.init.Xavier(), "fc_bias", (3,),
                                         {"__init__": "ones"})),
    ("attr_init_json", lambda: fill(mx.init.Xavier(), "x_gamma", (3,),
                                    {"__init__": '["constant", {"value": 0.5}]'})),
    ("zero_weight", lambda: fill(mx.init.Zero(), "a_weight", (2, 2))),
    ("one_weight", lambda: fill(mx.init.One(), "a_weight", (2, 2))),
])
def test_deterministic_fills_match_mxnet(key, make):
    np.testing.assert_allclose(make(), np.array(DATA["exact"][key]), rtol=1e-6, atol=1e-7)


def test_mixed_and_legacy_dispatch():
    mixed = mx.init.Mixed(["bias", ".*"], [mx.init.Zero(), "ones"])
    for name in ("fc_bias", "fc_weight", "bias_weight"):
        a = mx.nd.full((2,), 7.0)
        mixed(mx.init.InitDesc(name), a)
        assert a.asnumpy().tolist() == DATA["exact"]["mixed_" + name]
    for name, want in DATA["exact"]["legacy"].items():
        a = mx.nd.full((6,), 7.0)
        with pytest.warns(DeprecationWarning):
            mx.init.Uniform()(name, a)
        assert a.asnumpy().tolist() == want, name


@pytest.mark.parametrize("key,init", [
    ("uniform_0.07", mx.init.Uniform()), ("uniform_0.5", mx.init.Uniform(0.5)),
    ("normal_0.01", mx.init.Normal()), ("normal_2", mx.init.Normal(2.0)),
    ("xavier_default", mx.init.Xavier()),
    ("xavier_gauss_in_2", mx.init.Xavier("gaussian", "in", 2)),
    ("xavier_out_conv", mx.init.Xavier("uniform", "out", 3)),
    ("xavier_avg_conv_gauss", mx.init.Xavier("gaussian", "avg", 3)),
    ("msraprelu", mx.init.MSRAPrelu()), ("msraprelu_in_0", mx.init.MSRAPrelu("in", 0.0)),
])
def test_random_fills_have_mxnets_distribution(key, init):
    ref = DATA["stats"][key]
    mx.random.seed(3)
    a = fill(init, "w_weight", tuple(ref["shape"]))
    assert a.shape == tuple(ref["shape"]) and a.dtype == np.float32
    assert abs(a.std() - ref["std"]) < 0.03 * ref["std"]
    assert abs(a.mean() - ref["mean"]) < 0.03 * ref["std"]
    if key.startswith(("uniform", "xavier_default", "xavier_out")):  # bounded: same bound
        bound = max(abs(ref["min"]), ref["max"])
        assert np.abs(a).max() <= bound * 1.01 and np.abs(a).max() > bound * 0.98
    else:
        assert abs(a.max() - ref["max"]) < 0.25 * ref["max"]
    mx.random.seed(3)
    np.testing.assert_array_equal(fill(init, "w_weight", tuple(ref["shape"])), a)


@pytest.mark.parametrize("key,rand", [("orth_4x9", "uniform"), ("orth_9x4", "normal"),
                                      ("orth_6x2x3", "uniform")])
def test_orthogonal_gram_matrix_matches(key, rand):
    ref = DATA["stats"][key]
    shape = tuple(ref["shape"])
    w = fill(mx.init.Orthogonal(rand_type=rand), "o_weight", shape)
    m = w.reshape(shape[0], -1)
    gram = m @ m.T if m.shape[0] <= m.shape[1] else m.T @ m
    np.testing.assert_allclose(gram, np.array(ref["gram"]), atol=1e-5)


def test_dumps_and_create_round_trip():
    ours = {
        "normal": mx.init.Normal(0.5), "xavier": mx.init.Xavier(factor_type="in", magnitude=2.34),
        "msraprelu": mx.init.MSRAPrelu(), "zero": mx.init.Zero(), "one": mx.init.One(),
        "constant": mx.init.Constant(mx.nd.ones((2,))), "orthogonal": mx.init.Orthogonal(),
        "lstmbias": mx.init.LSTMBias(), "uniform": mx.init.Uniform(),
        "bilinear": mx.init.Bilinear(),
    }
    for key, init in ours.items():
        assert init.dumps() == DATA["dumps"][key]
        again = mx.init.create(DATA["dumps"][key])
        assert type(again) is type(init)
    assert isinstance(mx.init.create("zeros"), mx.init.Zero)
    assert isinstance(mx.init.create("Xavier", magnitude=2), mx.init.Xavier)
    inst = mx.init.Normal()
    assert mx.init.create(inst) is inst


def test_register_custom_initializer_by_name():
    @mx.init.register
    @mx.init.alias("myinit_alias")
    class MyInit(mx.init.Initializer):
        def _init_weight(self, _, arr):
            arr[:] = 0.25

    for name in ("myinit", "myinit_alias"):
        np.testing.assert_array_equal(
            fill(mx.init.Zero(), "a_bias", (2,), {"__init__": name}), [0.25, 0.25])
    with pytest.raises(TypeError):
        mx.init.register(int)


def _error(fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001
        return e
    raise AssertionError("no error")


def test_errors_as_mxnet_words_them():
    a = mx.nd.zeros((3, 4))
    er = DATA["errors"]
    cases = {
        "unknown_pattern": lambda: mx.init.Uniform()(mx.init.InitDesc("foo"), a),
        "xavier_vector": lambda: mx.init.Xavier()(mx.init.InitDesc("f_weight"), mx.nd.zeros(3)),
        "xavier_factor": lambda: mx.init.Xavier(factor_type="bad")(
            mx.init.InitDesc("f_weight"), a),
        "xavier_rnd": lambda: mx.init.Xavier(rnd_type="bad")(mx.init.InitDesc("f_weight"), a),
    }
    before = a.asnumpy()
    for key, fn in cases.items():
        e = _error(fn)
        assert [type(e).__name__, str(e)] == er[key], key
    np.testing.assert_array_equal(a.asnumpy(), before)
    e = _error(lambda: mx.init.create("nosuchinit"))
    assert isinstance(e, AssertionError) and isinstance(e, ValueError)
    assert str(e).startswith(er["unregistered"][1])
    e = _error(lambda: mx.init.Mixed(["bias"], [mx.init.Zero()])(mx.init.InitDesc("x_w"), a))
    assert isinstance(e, ValueError) and "x_w did not match any pattern" in str(e)


def test_verbose_logs_statistics(caplog):
    init = mx.init.Constant(2.0).set_verbosity(True)
    with caplog.at_level(logging.INFO):
        fill(init, "v_weight", (2, 2))
    assert "Initialized v_weight as weight: 2.0" in caplog.text


def test_numpy_arrays_fill_too():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        a = mx.np.zeros((2, 3))
    mx.init.One()(mx.init.InitDesc("w_weight"), a)
    assert (a.asnumpy() == 1).all()
