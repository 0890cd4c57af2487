"""Run under MXNet 1.9.1 (the oracle): Gluon recurrent layers built, hybridized and exported
by MXNet (their symbol JSON holds MXNet's fused `RNN` operator and `_rnn_param_concat`),
and stacked cells unrolled in a hybridized block ("cells": begin states `_zeros` of shape
(0, hidden), MXNet's unknown batch size), each with an input, the output, and the gradients
of sum(output * weights) with respect to the input and to every parameter, for
tests/gluon/test_mxnet_rnn_exports.py.

    /tmp/mxnet-oracle/bin/python tests/data/mxnet/rnn/capture.py
"""
import os
import sys

import mxnet as mx
import numpy as np
from mxnet import gluon

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
from oracle_capture import record_and_export  # noqa: E402
LAYERS = {
    "lstm2bi": lambda: gluon.rnn.LSTM(5, num_layers=2, bidirectional=True, input_size=3),
    "gru1": lambda: gluon.rnn.GRU(4, input_size=3),
    "rnn_tanh2": lambda: gluon.rnn.RNN(4, num_layers=2, activation="tanh", input_size=3),
    "rnn_relu1bi": lambda: gluon.rnn.RNN(3, activation="relu", bidirectional=True,
                                         input_size=3),
}



class Cells(gluon.HybridBlock):
    """An LSTM cell then a GRU cell, unrolled over 4 steps of NTC input."""

    def __init__(self, **kw):
        super().__init__(**kw)
        with self.name_scope():
            self.cell = gluon.rnn.HybridSequentialRNNCell()
            self.cell.add(gluon.rnn.LSTMCell(4, input_size=3))
            self.cell.add(gluon.rnn.GRUCell(3, input_size=4))

    def hybrid_forward(self, F, x):
        out, _ = self.cell.unroll(4, x, layout="NTC", merge_outputs=True)
        return out


def capture(name, net, x, rng):
    net.initialize(mx.init.Uniform(0.5))
    net.hybridize()
    x.attach_grad()
    y, _ = record_and_export(net, [x], os.path.join(HERE, name), rng, x=x,
                             saved={"x": x.asnumpy()})
    print(name, y.shape)


if __name__ == "__main__":
    mx.random.seed(3)
    rng = np.random.RandomState(0)
    for name, make in LAYERS.items():
        capture(name, make(), mx.nd.array(rng.randn(6, 2, 3).astype(np.float32)), rng)
    capture("cells", Cells(prefix="cells0_"),
            mx.nd.array(rng.randn(2, 4, 3).astype(np.float32)), rng)
