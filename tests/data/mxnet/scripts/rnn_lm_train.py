"""A tiny RNN language model trained a few steps (D2L 8.6 concise): rnn.RNN + Dense, state
detach, gradient clipping, perplexity; residual and bidirectional cells."""
import math
import numpy as np
import mxnet as mx
from mxnet import nd, autograd, gluon, init
from mxnet.gluon import nn, rnn

mx.random.seed(40)
np.random.seed(40)
rs = np.random.RandomState(40)
vocab, hidden, T, N = 6, 8, 5, 2
corpus = [0, 1, 2, 3, 4, 5, 1, 2, 3, 0, 4, 5, 2, 3, 1, 0, 5, 4, 3, 2, 1]


class RNNModel(nn.Block):
    def __init__(self, rnn_layer, vocab_size, **kwargs):
        super(RNNModel, self).__init__(**kwargs)
        self.rnn = rnn_layer
        self.vocab_size = vocab_size
        self.dense = nn.Dense(vocab_size)

    def forward(self, inputs, state):
        X = nd.one_hot(inputs.T, self.vocab_size)
        Y, state = self.rnn(X, state)
        output = self.dense(Y.reshape((-1, Y.shape[-1])))
        return output, state

    def begin_state(self, *args, **kwargs):
        return self.rnn.begin_state(*args, **kwargs)


model = RNNModel(rnn.RNN(hidden), vocab)
model.initialize()
model(nd.zeros((N, T)), model.begin_state(batch_size=N))
for p in model.collect_params().values():
    p.set_data(nd.array(rs.normal(0, 0.3, p.shape)))
loss = gluon.loss.SoftmaxCrossEntropyLoss()
trainer = gluon.Trainer(model.collect_params(), 'sgd', {'learning_rate': 1.0, 'wd': 0})
state = model.begin_state(batch_size=N)
for step in range(4):
    start = step * 2
    X = nd.array([corpus[start:start + T], corpus[start + 7:start + 7 + T]])
    Y = nd.array([corpus[start + 1:start + 1 + T], corpus[start + 8:start + 8 + T]])
    state = [s.detach() for s in state]
    with autograd.record():
        output, state = model(X, state)
        y = Y.T.reshape((-1,))
        l = loss(output, y).mean()
    l.backward()
    params = [p.data() for p in model.collect_params().values()]
    grads = [p.grad() for p in model.collect_params().values()]
    norm = gluon.utils.clip_global_norm(grads, 0.5)
    trainer.step(1)
    print(step, round(math.exp(l.asscalar()), 4), round(float(norm), 4))
print(state[0].shape, model.dense.weight.data().asnumpy().round(4)[0])

cell = rnn.ResidualCell(rnn.GRUCell(3, input_size=3))
cell.initialize(init.Constant(0.1))
out, st = cell.unroll(4, nd.ones((2, 4, 3)), layout='NTC', merge_outputs=True)
print(out.asnumpy().round(5)[0, -1], cell)
bi = rnn.BidirectionalCell(rnn.LSTMCell(2, input_size=3), rnn.LSTMCell(2, input_size=3))
bi.initialize(init.Constant(0.2))
out, st = bi.unroll(3, nd.arange(18).reshape((2, 3, 3)) / 10, layout='NTC', merge_outputs=True)
print(out.shape, out.asnumpy().round(5)[1, 0], len(st))
seq = rnn.HybridSequentialRNNCell()
seq.add(rnn.RNNCell(4, input_size=3))
seq.add(rnn.DropoutCell(0.0))
seq.initialize(init.Constant(0.1))
out, st = seq.unroll(2, nd.ones((1, 2, 3)), layout='NTC', merge_outputs=False)
print(len(out), out[-1].asnumpy().round(5))
