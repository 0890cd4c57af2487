"""A network using the layers of gluon.nn and gluon.rnn whose hybridized export MXNet 1.9.1
loads and evaluates (tools/capture_gluon_layers_export.py; tests/gluon/test_layers_export.py).
"""
import numpy as np


def build_net(mx):
    """The network, built with `mx` (tapegraph or, for reference, mxnet)."""
    nn, rnn = mx.gluon.nn, mx.gluon.rnn

    class Net(mx.gluon.HybridBlock):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            with self.name_scope():
                self.conv = nn.Conv2D(4, 3, padding=1, in_channels=1)
                self.bn = nn.BatchNorm(in_channels=4)
                self.act = nn.PReLU()
                self.pool = nn.MaxPool2D(2, ceil_mode=True)
                self.avg = nn.AvgPool2D(3, strides=1, padding=1, count_include_pad=False)
                self.gn = nn.GroupNorm(2)
                self.pad = nn.ReflectionPad2D(1)
                self.lstm = rnn.LSTM(3, bidirectional=True, input_size=4, layout="NTC")
                self.gru = rnn.GRU(3, input_size=6)
                self.out = nn.Dense(2)

        def hybrid_forward(self, F, x):
            y = self.pad(self.gn(self.avg(self.pool(self.act(self.bn(self.conv(x)))))))
            y = F.transpose(F.mean(y, axis=3), axes=(0, 2, 1))  # (N, T=6, C=4)
            y = self.lstm(y)  # (N, T, 6)
            y = self.gru(F.transpose(y, axes=(1, 0, 2)))  # TNC
            return self.out(F.transpose(y, axes=(1, 0, 2)))

    return Net(prefix="net_")


def example_input():
    return np.random.RandomState(0).uniform(-1, 1, (2, 1, 7, 7)).astype(np.float32)
