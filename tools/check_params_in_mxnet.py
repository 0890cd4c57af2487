"""Check that `.params` files written by tapegraph load in MXNet 1.9.1.

    .venv/bin/python tools/check_params_in_mxnet.py write DIR     # tapegraph writes files
    /tmp/mxnet-oracle/bin/python tools/check_params_in_mxnet.py check DIR   # MXNet reads

`write` saves, with tapegraph, nd.save lists/dicts of every dtype, a network's
save_parameters and collect_params().save, plus the expected values as JSON. `check` loads
them with MXNet (nd.load, Block.load_parameters into the same network built by MXNet),
compares, and writes tests/data/mxnet/gluon_core/written_here_check.json.
"""
import json
import os
import sys

import numpy as np

REPORT = os.path.join(os.path.dirname(__file__), "..", "tests", "data", "mxnet",
                      "gluon_core", "written_here_check.json")
DTYPES = ["float32", "float64", "float16", "uint8", "int8", "int32", "int64"]


def _net(gluon, mx):
    with mx.name.NameManager():
        net = gluon.nn.HybridSequential()
        with net.name_scope():
            net.add(gluon.nn.Dense(3, activation="tanh", in_units=4), gluon.nn.Dense(2, in_units=3))
    return net


def write(out):
    import tapegraph as mx
    from tapegraph import gluon, nd
    os.makedirs(out, exist_ok=True)
    rng = np.random.RandomState(0)
    arrays = [(rng.rand(2, 3) * 10).astype(d) for d in DTYPES]
    nd.save(os.path.join(out, "list.params"), [nd.array(a, dtype=a.dtype) for a in arrays])
    nd.save(os.path.join(out, "dict.params"),
            {"first": nd.array(arrays[0]), "second": nd.array(arrays[1], dtype="float64")})
    net = _net(gluon, mx)
    net.initialize(mx.init.Xavier())
    net.save_parameters(os.path.join(out, "net.params"))
    net.collect_params().save(os.path.join(out, "net_prefixed.params"), strip_prefix=net.prefix)
    x = np.linspace(-1, 1, 8, dtype=np.float32).reshape(2, 4)
    expected = {"list": [a.tolist() for a in arrays], "dtypes": DTYPES,
                "x": x.tolist(), "y": net(nd.array(x)).asnumpy().tolist()}
    with open(os.path.join(out, "expected.json"), "w") as f:
        json.dump(expected, f)


def check(out):
    import mxnet as mx
    from mxnet import gluon, nd
    with open(os.path.join(out, "expected.json")) as f:
        exp = json.load(f)
    bad, checked = [], 0
    lst = nd.load(os.path.join(out, "list.params"))
    for a, want, dt in zip(lst, exp["list"], exp["dtypes"]):
        checked += 1
        if a.dtype != np.dtype(dt) or not np.array_equal(a.asnumpy(), np.array(want, dt)):
            bad.append("list entry %s" % dt)
    d = nd.load(os.path.join(out, "dict.params"))
    checked += 1
    if sorted(d) != ["first", "second"] or d["second"].dtype != np.float64:
        bad.append("dict")
    for name in ("net.params", "net_prefixed.params"):
        net = _net(gluon, mx)
        if name == "net.params":
            net.load_parameters(os.path.join(out, name))
        else:
            net.collect_params().load(os.path.join(out, name), restore_prefix=net.prefix)
        checked += 1
        y = net(nd.array(exp["x"])).asnumpy()
        if not np.allclose(y, exp["y"], rtol=1e-5, atol=1e-6):
            bad.append(name)
    report = {"mxnet": mx.__version__, "checked": checked, "mismatches": bad,
              "files": sorted(os.listdir(out))}
    with open(REPORT, "w") as f:
        json.dump(report, f, indent=1)
    print(json.dumps(report))


if __name__ == "__main__":
    {"write": write, "check": check}[sys.argv[1]](sys.argv[2])
