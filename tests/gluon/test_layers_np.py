"""Under `npx.set_np()` (MXNet's numpy mode) the layers, recurrent layers and losses take
and return `mx.np` arrays, with the values they give in legacy mode."""
import numpy as np
import pytest

import tapegraph as mx
from tapegraph.gluon import loss, nn, rnn

X = np.random.RandomState(0).uniform(-1, 1, (2, 3, 5, 5)).astype(np.float32)


def _conv_net():
    net = nn.HybridSequential()
    with net.name_scope():
        net.add(nn.Conv2D(4, 3, padding=1), nn.BatchNorm(), nn.PReLU(),
                nn.AvgPool2D(2, ceil_mode=True), nn.GroupNorm(2), nn.GlobalMaxPool2D())
    return net


def _lstm():
    return rnn.LSTM(3, num_layers=2, bidirectional=True, layout="NTC")


@pytest.mark.parametrize("make,shape", [(_conv_net, (2, 3, 5, 5)), (_lstm, (2, 4, 5))],
                         ids=["conv_net", "lstm"])
def test_np_mode_gives_np_arrays_and_legacy_values(make, shape):
    x = X.reshape(-1)[:int(np.prod(shape))].reshape(shape)
    mx.random.seed(1)
    block = make()
    block.initialize(mx.init.Xavier())
    want = block(mx.nd.array(x)).asnumpy()
    mx.npx.set_np()
    got = block(mx.np.array(x))
    assert isinstance(got, mx.np.ndarray)
    np.testing.assert_allclose(got.asnumpy(), want, rtol=1e-5, atol=1e-6)


def test_np_mode_losses():
    pred, label = X[:, 0, 0, :4], np.array([0, 3], dtype=np.float32)
    want = loss.SoftmaxCrossEntropyLoss()(mx.nd.array(pred), mx.nd.array(label)).asnumpy()
    mx.npx.set_np()
    got = loss.SoftmaxCrossEntropyLoss()(mx.np.array(pred), mx.np.array(label))
    assert isinstance(got, mx.np.ndarray)
    np.testing.assert_allclose(got.asnumpy(), want, rtol=1e-6)
