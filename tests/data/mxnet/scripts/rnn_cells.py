"""Recurrent cells: step by step, unroll, SequentialRNNCell (MXNet's RNN cell tutorial)."""
import numpy as np
import mxnet as mx
from mxnet import nd, init, autograd
from mxnet.gluon import rnn

mx.random.seed(11)
np.random.seed(11)
rs = np.random.RandomState(11)

N, T, C, H = 2, 4, 3, 5
x = nd.array(rs.normal(0, 1, (N, T, C)))
for cell in (rnn.RNNCell(H, input_size=C), rnn.LSTMCell(H, input_size=C),
             rnn.GRUCell(H, input_size=C)):
    cell.initialize()
    for name, p in cell.collect_params().items():
        p.set_data(nd.array(rs.normal(0, 0.4, p.shape)))
    print(cell)
    print(cell.state_info(N))
    states = cell.begin_state(batch_size=N)
    out, states = cell(x[:, 0], states)
    print(out.shape, len(states), out.asnumpy().round(5)[0])
    outputs, states = cell.unroll(T, x, layout='NTC', merge_outputs=True)
    print(outputs.shape, outputs.asnumpy().round(5)[1, -1])
    outputs, states = cell.unroll(T, x, layout='NTC', merge_outputs=False)
    print(type(outputs).__name__, len(outputs), outputs[-1].shape)

stack = rnn.SequentialRNNCell()
stack.add(rnn.LSTMCell(H, input_size=C))
stack.add(rnn.LSTMCell(H, input_size=H))
stack.initialize(init.Constant(0.1))
outputs, states = stack.unroll(T, x, layout='NTC', merge_outputs=True)
print(outputs.shape, len(states), outputs.asnumpy().round(5)[0, -1])

cell = rnn.GRUCell(H, input_size=C)
cell.initialize(init.Constant(0.2))
x.attach_grad()
with autograd.record():
    outputs, states = cell.unroll(T, x, layout='NTC', merge_outputs=True)
    loss = (outputs ** 2).sum()
loss.backward()
print(loss.asscalar().round(4), x.grad.asnumpy().round(5)[0])
print(cell.i2h_weight.grad().asnumpy().round(4)[0])
