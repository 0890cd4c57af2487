"""Exporting a hybridized block with Dropout, against MXNet 1.9.1.

    /tmp/mxnet-oracle/bin/python tools/capture_dropout_export.py capture
    .venv/bin/python tools/capture_dropout_export.py write DIR
    /tmp/mxnet-oracle/bin/python tools/capture_dropout_export.py check DIR

`capture` writes tests/data/mxnet/dropout_export/mxnet-symbol.json (MXNet's export of
`net()` after a training-mode call: a `Dropout` node per layer, with p, axes, cudnn_off)
and mxnet.json (the predict-mode output on X with the weights of `set_weights`). `write`
exports the same network with tapegraph into DIR; `check` loads that file with MXNet's
`SymbolBlock.imports` and writes tests/data/mxnet/dropout_export/import.json: the
predict-mode output, and the fraction of zeros of a training-mode output on a large
input (MXNet drops with the written p there).
"""
import json
import os
import sys

import numpy as np

OUT = os.path.join(os.path.dirname(__file__), "..", "tests", "data", "mxnet",
                   "dropout_export")
X = [[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]]


def net(mx):
    """Dense(4), Dropout(0.3), Dropout(0.5, axes=(1,)), Dropout(0.5) on a relu."""
    seq = mx.gluon.nn.HybridSequential()
    with seq.name_scope():
        seq.add(mx.gluon.nn.Dense(4), mx.gluon.nn.Dropout(0.3),
                mx.gluon.nn.Dropout(0.5, axes=(1,)))
    seq.initialize()
    seq.hybridize()
    seq(mx.nd.array(X))
    seq[0].weight.set_data(mx.nd.array(np.arange(12).reshape(4, 3) * 0.1 - 0.5))
    seq[0].bias.set_data(mx.nd.array([0.1, -0.2, 0.3, -0.4]))
    with mx.autograd.record():  # a training-mode call (MXNet exports its last graph)
        seq(mx.nd.array(X))
    return seq


def capture():
    import mxnet as mx
    seq = net(mx)
    seq.export(os.path.join(OUT, "mxnet"))
    with open(os.path.join(OUT, "mxnet.json"), "w") as f:
        json.dump({"x": X, "predict": seq(mx.nd.array(X)).asnumpy().tolist()}, f, indent=1)


def write(directory):
    import tapegraph as mx
    net(mx).export(os.path.join(directory, "tapegraph"))


def check(directory):
    import mxnet as mx
    block = mx.gluon.SymbolBlock.imports(os.path.join(directory, "tapegraph-symbol.json"),
                                         ["data"], os.path.join(directory,
                                                                "tapegraph-0000.params"))
    predict = block(mx.nd.array(X)).asnumpy().tolist()
    big = mx.nd.ones((2000, 3))
    with mx.autograd.record():
        train = block(big).asnumpy()
    with open(os.path.join(OUT, "import.json"), "w") as f:
        json.dump({"predict": predict, "train_zero_fraction": float((train == 0).mean())},
                  f, indent=1)


if __name__ == "__main__":
    {"capture": capture, "write": write, "check": check}[sys.argv[1]](*sys.argv[2:])
