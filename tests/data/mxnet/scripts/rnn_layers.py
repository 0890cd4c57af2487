"""Recurrent layers (D2L 8.6, 9.x): rnn.RNN, LSTM, GRU with begin_state and layouts."""
import numpy as np
import mxnet as mx
from mxnet import nd, init
from mxnet.gluon import rnn

mx.random.seed(10)
np.random.seed(10)
rs = np.random.RandomState(10)

T, N, C, H = 5, 2, 3, 4
X = nd.array(rs.normal(0, 1, (T, N, C)))
for cls in (rnn.RNN, rnn.LSTM, rnn.GRU):
    layer = cls(H, num_layers=1)
    layer.initialize(init.Constant(0.1))
    state = layer.begin_state(batch_size=N)
    print(cls.__name__, len(state), [s.shape for s in state])
    out, new_state = layer(X, state)
    print(out.shape, [s.shape for s in new_state])
    print(out[-1].asnumpy().round(5))
    print(layer)

lstm = rnn.LSTM(H, num_layers=2, layout='NTC', bidirectional=True, input_size=C)
lstm.initialize(init.Constant(0.05))
out = lstm(nd.transpose(X, axes=(1, 0, 2)))
print(out.shape)
print(out[0, -1].asnumpy().round(5))
print(sorted(lstm.collect_params().keys())[:4])
print(lstm.l0_i2h_weight.shape, lstm.r1_h2h_bias.shape)

gru = rnn.GRU(H, input_size=C)
gru.initialize()
for name, p in gru.collect_params().items():
    p.set_data(nd.array(rs.normal(0, 0.3, p.shape)))
h0 = nd.array(rs.normal(0, 1, (1, N, H)))
out, hT = gru(X, h0)
print(out.asnumpy().round(5)[-1], hT[0].asnumpy().round(5))
