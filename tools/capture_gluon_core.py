"""Capture MXNet 1.9.1 Gluon core behaviour (names, reprs, Dense values and gradients,
.params files) as test data: run with the oracle's python (/tmp/mxnet-oracle/bin/python).

Writes tests/data/mxnet/gluon_core/core.json and *.params files beside it."""
import json
import os
import sys

import numpy as np
import mxnet as mx
from mxnet import autograd, gluon, nd

OUT = os.path.join(os.path.dirname(__file__), "..", "tests", "data", "mxnet", "gluon_core")


def build_names():
    """Blocks created in a fresh name manager, as a script would."""
    res = {}
    with mx.name.NameManager():
        d0 = gluon.nn.Dense(3)
        d1 = gluon.nn.Dense(4, activation="relu", in_units=2)
        net = gluon.nn.HybridSequential()
        with net.name_scope():
            net.add(gluon.nn.Dense(5, activation="tanh"), gluon.nn.Dropout(0.5),
                    gluon.nn.Dense(2, use_bias=False), gluon.nn.Flatten())
        seq = gluon.nn.Sequential(prefix="model_")
        with seq.name_scope():
            seq.add(gluon.nn.Embedding(10, 4), gluon.nn.Lambda("tanh"),
                    gluon.nn.HybridLambda(lambda F, x: F.relu(x)), gluon.nn.Activation("sigmoid"))
        outer = gluon.nn.HybridSequential()
        with outer.name_scope():
            inner = gluon.nn.HybridSequential()
            with inner.name_scope():
                inner.add(gluon.nn.Dense(2))
            outer.add(inner, gluon.nn.Dense(1))
        for key, blk in (("d0", d0), ("d1", d1), ("net", net), ("seq", seq), ("outer", outer)):
            res[key] = {"name": blk.name, "prefix": blk.prefix, "repr": repr(blk),
                        "params": list(blk.collect_params().keys()),
                        "params_repr": repr(blk.collect_params()),
                        "select_weight": list(blk.collect_params(".*weight").keys()),
                        "select_alt": list(blk.collect_params("^.*(bias|dense0_weight)$").keys())}
        net.initialize(mx.init.One())
        net(nd.ones((2, 3)))
        res["net_after"] = {"repr": repr(net), "params_repr": repr(net.collect_params())}
        p = gluon.Parameter("w", shape=(2, 0), allow_deferred_init=True)
        res["param_repr"] = repr(p)
        c = gluon.Constant("c", nd.array([1, 2]))
        res["const_repr"] = repr(c)
        res["paramdict_repr"] = repr(gluon.ParameterDict("pd_"))
    return res


def dense_values():
    """Dense forward and gradients with fixed weights."""
    x = np.arange(12, dtype=np.float32).reshape(3, 4) / 10 - 0.5
    w = (np.arange(20, dtype=np.float32).reshape(5, 4) / 20 - 0.4)
    b = np.array([0.1, -0.2, 0.3, 0.0, -0.1], np.float32)
    out = {"x": x.tolist(), "w": w.tolist(), "b": b.tolist()}
    for act in (None, "relu", "tanh", "sigmoid", "softrelu"):
        with mx.name.NameManager():
            d = gluon.nn.Dense(5, activation=act, in_units=4)
        d.initialize()
        d.weight.set_data(nd.array(w))
        d.bias.set_data(nd.array(b))
        xx = nd.array(x)
        xx.attach_grad()
        with autograd.record():
            y = d(xx)
            loss = (y * y).sum()
        loss.backward()
        out[str(act)] = {"y": y.asnumpy().tolist(), "dx": xx.grad.asnumpy().tolist(),
                         "dw": d.weight.grad().asnumpy().tolist(),
                         "db": d.bias.grad().asnumpy().tolist()}
    # flatten=False on a 3-d input
    with mx.name.NameManager():
        d = gluon.nn.Dense(5, flatten=False)
    d.initialize()
    x3 = nd.array(np.arange(24, dtype=np.float32).reshape(2, 3, 4) / 24)
    d(x3)
    d.weight.set_data(nd.array(w))
    d.bias.set_data(nd.array(b))
    out["noflatten"] = {"x": x3.asnumpy().tolist(), "y": d(x3).asnumpy().tolist(),
                        "wshape": list(d.weight.shape)}
    # grad_req='add' accumulates over two backward passes
    with mx.name.NameManager():
        d = gluon.nn.Dense(5, in_units=4)
    d.initialize()
    d.weight.set_data(nd.array(w))
    d.collect_params().setattr("grad_req", "add")
    for _ in range(2):
        with autograd.record():
            y = d(nd.array(x)).sum()
        y.backward()
    out["add_twice_dw"] = d.weight.grad().asnumpy().tolist()
    return out


def params_files():
    """.params files written by MXNet: save_parameters of a small net, nd.save list/dict."""
    with mx.name.NameManager():
        net = gluon.nn.HybridSequential()
        with net.name_scope():
            net.add(gluon.nn.Dense(3, activation="relu", in_units=4), gluon.nn.Dense(2, in_units=3))
    net.initialize(mx.init.Xavier())
    net.save_parameters(os.path.join(OUT, "mlp.params"))
    net.collect_params().save(os.path.join(OUT, "mlp_prefixed.params"),
                              strip_prefix=net.prefix)
    x = nd.array(np.linspace(-1, 1, 8, dtype=np.float32).reshape(2, 4))
    values = {k: v.data().asnumpy().tolist() for k, v in net.collect_params().items()}
    nd.save(os.path.join(OUT, "nd_list.params"),
            [nd.array([[1, 2], [3, 4]]), nd.array([5, 6, 7], dtype="int32"),
             nd.array([0.5], dtype="float64"), nd.array([1, 0, 1], dtype="uint8"),
             nd.array([2.5], dtype="float16"), nd.array([9], dtype="int64")])
    nd.save(os.path.join(OUT, "nd_dict.params"),
            {"a": nd.array([[1.5, -2]]), "bb": nd.arange(6).reshape((2, 3)).astype("int8")})
    return {"mlp_values": values, "mlp_x": x.asnumpy().tolist(),
            "mlp_y": net(x).asnumpy().tolist()}


def errors():
    res = {}
    with mx.name.NameManager():
        d = gluon.nn.Dense(2, in_units=3)
    try:
        d.weight.data()
    except RuntimeError as e:
        res["uninitialized"] = str(e)
    with mx.name.NameManager():
        d = gluon.nn.Dense(2)
    d.initialize()
    try:
        d.weight.data()
    except Exception as e:
        res["deferred"] = "%s: %s" % (type(e).__name__, e)
    d = gluon.nn.Dense(2, in_units=3, prefix="dd_")
    d.initialize()
    d.save_parameters("/tmp/_cap_dd.params")
    e2 = gluon.nn.Dense(2, in_units=4, prefix="dd_")
    e2.initialize()
    try:
        e2.load_parameters("/tmp/_cap_dd.params")
    except Exception as e:
        res["load_shape"] = "%s: %s" % (type(e).__name__, e)
    e3 = gluon.nn.Dense(2, in_units=3, use_bias=False, prefix="dd_")
    try:
        e3.load_parameters("/tmp/_cap_dd.params")
    except Exception as e:
        res["load_extra"] = "%s: %s" % (type(e).__name__, e)
    net = gluon.nn.HybridSequential(prefix="m_")
    with net.name_scope():
        net.add(gluon.nn.Dense(2, in_units=3), gluon.nn.Dense(2, in_units=2))
    try:
        net.load_parameters("/tmp/_cap_dd.params")
    except Exception as e:
        res["load_missing"] = "%s: %s" % (type(e).__name__, e)
    return res


def summary_text():
    """Block.summary's table for a network whose shapes are all given."""
    import contextlib
    import io
    with mx.name.NameManager():
        net = gluon.nn.HybridSequential()
        with net.name_scope():
            net.add(gluon.nn.Dense(4, activation="relu", in_units=5), gluon.nn.Dropout(0.5),
                    gluon.nn.Dense(2, in_units=4, use_bias=False))
    net.initialize()
    net[2].weight.grad_req = "null"
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        net.summary(nd.ones((3, 5)))
    return buf.getvalue()


def main():
    os.makedirs(OUT, exist_ok=True)
    data = {"mxnet": mx.__version__, "names": build_names(), "dense": dense_values(),
            "files": params_files(), "errors": errors(), "summary": summary_text()}
    with open(os.path.join(OUT, "core.json"), "w") as f:
        json.dump(data, f, indent=1, sort_keys=True)
    print("wrote", OUT)


if __name__ == "__main__":
    sys.exit(main())
