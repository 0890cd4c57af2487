"""Export a hybridized network of gluon.nn / gluon.rnn layers from tapegraph and check that
MXNet 1.9.1 loads and evaluates it to the same values.

    .venv/bin/python tools/capture_gluon_layers_export.py export      # tapegraph side
    /tmp/mxnet-oracle/bin/python tools/capture_gluon_layers_export.py check   # MXNet side

`export` writes tests/data/mxnet/gluon_layers/export/net-symbol.json and net-0000.params
(Xavier-initialised, seed 0); `check` loads them with `SymbolBlock.imports` and stores
MXNet's output for the example input in mxnet_output.json.
"""
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "tests", "data", "mxnet", "gluon_layers", "export")
sys.path.insert(0, os.path.join(HERE, "..", "tests", "gluon"))

from layers_export_net import build_net, example_input  # noqa: E402


def export():
    import tapegraph as mx
    mx.random.seed(0)
    net = build_net(mx)
    net.initialize(mx.init.Xavier())
    net.hybridize()
    net(mx.nd.array(example_input()))
    os.makedirs(OUT, exist_ok=True)
    net.export(os.path.join(OUT, "net"), 0)


def check():
    import mxnet as mx
    net = mx.gluon.SymbolBlock.imports(os.path.join(OUT, "net-symbol.json"), ["data"],
                                       os.path.join(OUT, "net-0000.params"))
    out = net(mx.nd.array(example_input())).asnumpy()
    with open(os.path.join(OUT, "mxnet_output.json"), "w") as f:
        json.dump({"mxnet": mx.__version__, "shape": list(out.shape),
                   "data": out.astype("float64").ravel().tolist()}, f, indent=0)


if __name__ == "__main__":
    {"export": export, "check": check}[sys.argv[1]]()
