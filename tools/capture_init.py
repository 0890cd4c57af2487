"""Capture MXNet 1.9.1 initializer behaviour for tests/gluon/test_init.py.

Run with the oracle: /tmp/mxnet-oracle/bin/python tools/capture_init.py
Writes tests/data/mxnet/init/init.json: deterministic fills exactly, random fills as
statistics (min, max, mean, std) of large draws, dumps() strings and error messages.
"""
import json
import os
import warnings

import mxnet as mx

warnings.simplefilter("ignore")
OUT = os.path.join(os.path.dirname(__file__), "..", "tests", "data", "mxnet", "init")


def fill(init, name, shape, attrs=None):
    arr = mx.nd.zeros(shape)
    init(mx.init.InitDesc(name, attrs or {}), arr)
    return arr.asnumpy()


def stats(a):
    return {"min": float(a.min()), "max": float(a.max()), "mean": float(a.mean()),
            "std": float(a.std())}


def error(fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001  (we record whatever MXNet raises)
        return [type(e).__name__, str(e)]
    return None


def main():
    mx.random.seed(7)
    out = {"exact": {}, "stats": {}, "dumps": {}, "errors": {}}
    ex = out["exact"]
    ex["bilinear_2x3x5x4"] = fill(mx.init.Bilinear(), "up_weight", (2, 3, 5, 4)).tolist()
    ex["bilinear_1x1x4x4"] = fill(mx.init.Bilinear(), "up_weight", (1, 1, 4, 4)).tolist()
    ex["lstmbias_12"] = fill(mx.init.LSTMBias(2.5), "l_weight", (12,)).tolist()
    ex["constant_2x3"] = fill(mx.init.Constant(0.3), "c_weight", (2, 3)).tolist()
    ex["constant_arr"] = fill(mx.init.Constant(mx.nd.array([1, 2, 3])), "c_weight",
                              (2, 3)).tolist()
    ex["xavier_bias"] = fill(mx.init.Xavier(), "fc_bias", (4,)).tolist()
    ex["xavier_gamma"] = fill(mx.init.Xavier(), "bn_gamma", (4,)).tolist()
    ex["xavier_beta"] = fill(mx.init.Xavier(), "bn_beta", (4,)).tolist()
    ex["uniform_max"] = fill(mx.init.Uniform(), "q_max", (3,)).tolist()
    ex["uniform_min"] = fill(mx.init.Uniform(), "q_min", (3,)).tolist()
    ex["attr_init_bias_ones"] = fill(mx.init.Xavier(), "fc_bias", (3,),
                                     {"__init__": "ones"}).tolist()
    ex["attr_init_json"] = fill(mx.init.Xavier(), "x_gamma", (3,),
                                {"__init__": '["constant", {"value": 0.5}]'}).tolist()
    ex["zero_weight"] = fill(mx.init.Zero(), "a_weight", (2, 2)).tolist()
    ex["one_weight"] = fill(mx.init.One(), "a_weight", (2, 2)).tolist()
    mixed = mx.init.Mixed(["bias", ".*"], [mx.init.Zero(), mx.init.One()])
    for name in ("fc_bias", "fc_weight", "bias_weight"):
        a = mx.nd.full((2,), 7.0)
        mixed(mx.init.InitDesc(name), a)
        ex["mixed_" + name] = a.asnumpy().tolist()
    legacy = {}
    for name in ("bn_moving_mean", "bn_moving_var", "fc_bias", "bn_gamma",
                 "stn_loc_bias", "stn_loc_weight"):
        a = mx.nd.full((6,), 7.0)
        mx.init.Uniform()(name, a)
        legacy[name] = a.asnumpy().tolist()
    ex["legacy"] = legacy

    big = (400, 300)
    conv = (64, 32, 3, 3)
    cases = {
        "uniform_0.07": (mx.init.Uniform(), big),
        "uniform_0.5": (mx.init.Uniform(0.5), big),
        "normal_0.01": (mx.init.Normal(), big),
        "normal_2": (mx.init.Normal(2.0), big),
        "xavier_default": (mx.init.Xavier(), big),
        "xavier_gauss_in_2": (mx.init.Xavier("gaussian", "in", 2), big),
        "xavier_out_conv": (mx.init.Xavier("uniform", "out", 3), conv),
        "xavier_avg_conv_gauss": (mx.init.Xavier("gaussian", "avg", 3), conv),
        "msraprelu": (mx.init.MSRAPrelu(), conv),
        "msraprelu_in_0": (mx.init.MSRAPrelu("in", 0.0), big),
    }
    for key, (init, shape) in cases.items():
        out["stats"][key] = dict(shape=list(shape), **stats(fill(init, "w_weight", shape)))
    for key, (shape, rand) in {"orth_4x9": ((4, 9), "uniform"), "orth_9x4": ((9, 4), "normal"),
                               "orth_6x2x3": ((6, 2, 3), "uniform")}.items():
        w = fill(mx.init.Orthogonal(rand_type=rand), "o_weight", shape)
        m = w.reshape(shape[0], -1)
        gram = m @ m.T if m.shape[0] <= m.shape[1] else m.T @ m
        out["stats"][key] = {"shape": list(shape), "gram": gram.tolist()}

    out["dumps"] = {
        "normal": mx.init.Normal(0.5).dumps(),
        "xavier": mx.init.Xavier(factor_type="in", magnitude=2.34).dumps(),
        "msraprelu": mx.init.MSRAPrelu().dumps(),
        "zero": mx.init.Zero().dumps(), "one": mx.init.One().dumps(),
        "constant": mx.init.Constant(mx.nd.ones((2,))).dumps(),
        "orthogonal": mx.init.Orthogonal().dumps(), "lstmbias": mx.init.LSTMBias().dumps(),
        "uniform": mx.init.Uniform().dumps(), "bilinear": mx.init.Bilinear().dumps(),
    }
    a = mx.nd.zeros((3, 4))
    er = out["errors"]
    er["unknown_pattern"] = error(lambda: mx.init.Uniform()(mx.init.InitDesc("foo"), a))
    er["xavier_vector"] = error(lambda: mx.init.Xavier()(mx.init.InitDesc("f_weight"),
                                                         mx.nd.zeros((3,))))
    er["unregistered"] = error(lambda: mx.init.create("nosuchinit"))
    er["xavier_factor"] = error(lambda: mx.init.Xavier(factor_type="bad")(
        mx.init.InitDesc("f_weight"), a))
    er["xavier_rnd"] = error(lambda: mx.init.Xavier(rnd_type="bad")(
        mx.init.InitDesc("f_weight"), a))
    er["mixed_nomatch"] = error(lambda: mx.init.Mixed(["bias"], [mx.init.Zero()])(
        mx.init.InitDesc("x_weight"), a))
    er["mixed_legacy_unknown"] = error(lambda: mixed("bias_x", a))
    out["registered"] = sorted(mx.registry._REGISTRY[mx.init.Initializer].keys())
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "init.json"), "w") as f:
        json.dump(out, f, indent=1)


if __name__ == "__main__":
    main()
