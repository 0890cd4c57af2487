"""Check that `HybridBlock.export` files written by tapegraph load in MXNet 1.9.1's
`SymbolBlock.imports` and evaluate to the same values.

    .venv/bin/python tools/check_export_in_mxnet.py write DIR
    /tmp/mxnet-oracle/bin/python tools/check_export_in_mxnet.py check DIR

`write` builds, hybridizes, trains one step (so Dropout and BatchNorm ran in train mode)
and exports an MLP (Dense, Dropout, Activation), a small CNN written with F.* in
hybrid_forward (Convolution, BatchNorm, Pooling, Flatten, Dense), one of gluon.nn layers
(Conv2D, BatchNorm, LeakyReLU, MaxPool2D, GlobalAvgPool2D, Dropout, Dense) and an LSTM
(gluon.rnn, unrolled) with a Dense head, and records the predict-mode outputs on new data: with a
batch size other than the traced one, except for the LSTM, whose initial state (zeros of
the batch's size) the trace captured as a constant, so its export keeps the traced shape.
`check` imports the files in MXNet and writes tests/data/mxnet/gluon_core/export_check.json.
"""
import json
import os
import sys

import numpy as np

REPORT = os.path.join(os.path.dirname(__file__), "..", "tests", "data", "mxnet",
                      "gluon_core", "export_check.json")


def nets(mx, gluon):
    """name -> (block, input shape at trace time, input shape to check)."""
    class CNN(gluon.HybridBlock):
        def __init__(self):
            super().__init__(prefix="cnn_")
            with self.name_scope():
                self.conv_weight = self.params.get("conv_weight", shape=(4, 3, 3, 3))
                self.conv_bias = self.params.get("conv_bias", shape=(4,), init="zeros")
                self.gamma = self.params.get("bn_gamma", shape=(4,), init="ones")
                self.beta = self.params.get("bn_beta", shape=(4,), init="zeros")
                self.mean = self.params.get("bn_running_mean", shape=(4,), init="zeros",
                                            grad_req="null")
                self.var = self.params.get("bn_running_var", shape=(4,), init="ones",
                                           grad_req="null")
                self.out = gluon.nn.Dense(5)

        def hybrid_forward(self, F, x, conv_weight, conv_bias, gamma, beta, mean, var):
            h = F.Convolution(x, conv_weight, conv_bias, kernel=(3, 3), num_filter=4,
                              pad=(1, 1))
            h = F.BatchNorm(h, gamma, beta, mean, var, fix_gamma=False)
            h = F.Pooling(F.relu(h), kernel=(2, 2), stride=(2, 2), pool_type="max")
            return self.out(F.flatten(h))

    mlp = gluon.nn.HybridSequential(prefix="mlp_")
    with mlp.name_scope():
        mlp.add(gluon.nn.Dense(6, activation="relu"), gluon.nn.Dropout(0.3),
                gluon.nn.Dense(3, activation="sigmoid"))
    layers = gluon.nn.HybridSequential(prefix="layers_")
    with layers.name_scope():
        layers.add(gluon.nn.Conv2D(4, 3, padding=1), gluon.nn.BatchNorm(),
                   gluon.nn.LeakyReLU(0.1), gluon.nn.MaxPool2D(2),
                   gluon.nn.Conv2D(6, 3, activation="relu"), gluon.nn.GlobalAvgPool2D(),
                   gluon.nn.Flatten(), gluon.nn.Dropout(0.5), gluon.nn.Dense(3))

    class LSTMHead(gluon.HybridBlock):
        def __init__(self):
            super().__init__(prefix="lstmhead_")
            with self.name_scope():
                self.lstm = gluon.rnn.LSTM(5, input_size=4)
                self.out = gluon.nn.Dense(2, flatten=False)

        def hybrid_forward(self, F, x):
            return self.out(self.lstm(x))

    return {"mlp": (mlp, (4, 7), (2, 7)), "cnn": (CNN(), (4, 3, 8, 8), (3, 3, 8, 8)),
            "layers": (layers, (4, 3, 8, 8), (2, 3, 8, 8)),
            "lstm": (LSTMHead(), (6, 4, 4), (6, 4, 4))}


def write(out):
    import tapegraph as mx
    from tapegraph import autograd, gluon, nd
    os.makedirs(out, exist_ok=True)
    expected = {}
    for name, (net, shape, check_shape) in nets(mx, gluon).items():
        mx.random.seed(0)
        net.initialize(mx.init.Xavier())
        net.hybridize()
        x = nd.array(np.random.RandomState(1).uniform(-1, 1, shape))
        with autograd.record():
            loss = net(x).sum()
        loss.backward()
        net.export(os.path.join(out, name), epoch=2)
        xc = nd.array(np.random.RandomState(2).uniform(-1, 1, check_shape))
        expected[name] = {"x": xc.asnumpy().tolist(), "y": net(xc).asnumpy().tolist()}
    with open(os.path.join(out, "expected.json"), "w") as f:
        json.dump(expected, f)


def check(out):
    import mxnet as mx
    with open(os.path.join(out, "expected.json")) as f:
        expected = json.load(f)
    results = {}
    for name, e in expected.items():
        blk = mx.gluon.SymbolBlock.imports(os.path.join(out, name + "-symbol.json"), ["data"],
                                           os.path.join(out, name + "-0002.params"))
        y = blk(mx.nd.array(e["x"])).asnumpy()
        results[name] = {"max_abs_diff": float(np.abs(y - np.array(e["y"])).max()),
                         "params": sorted(blk.collect_params().keys()),
                         "ops": sorted({n["op"] for n in json.load(open(os.path.join(
                             out, name + "-symbol.json")))["nodes"]})}
    report = {"mxnet": mx.__version__, "results": results}
    with open(REPORT, "w") as f:
        json.dump(report, f, indent=1, sort_keys=True)
    print(json.dumps(report))


if __name__ == "__main__":
    {"write": write, "check": check}[sys.argv[1]](sys.argv[2])
