"""Concise linear regression with Gluon (D2L 3.3): ArrayDataset, DataLoader, Dense, L2Loss,
Trainer."""
import numpy as np
import mxnet as mx
from mxnet import nd, autograd, gluon, init
from mxnet.gluon import nn
from mxnet.gluon import data as gdata
from mxnet.gluon import loss as gloss

mx.random.seed(5)
np.random.seed(5)

true_w = nd.array([2, -3.4])
true_b = 4.2
features = nd.array(np.random.normal(0, 1, (100, 2)))
labels = nd.dot(features, true_w) + true_b

batch_size = 10
dataset = gdata.ArrayDataset(features, labels)
data_iter = gdata.DataLoader(dataset, batch_size, shuffle=False)
print(len(dataset), len(data_iter))
for X, y in data_iter:
    print(X.shape, y.shape, type(X).__name__)
    break

net = nn.Sequential()
net.add(nn.Dense(1))
net.initialize(init.Constant(0.01))
print(net)
loss = gloss.L2Loss()
trainer = gluon.Trainer(net.collect_params(), 'sgd', {'learning_rate': 0.03})
print(trainer.learning_rate)
for epoch in range(1, 4):
    for X, y in data_iter:
        with autograd.record():
            l = loss(net(X), y)
        l.backward()
        trainer.step(batch_size)
    l = loss(net(features), labels)
    # D2L prints l.mean().asnumpy() with %f: NumPy 2 refuses a 1-element array there
    print('epoch %d, loss: %f' % (epoch, l.mean().asscalar()))

dense = net[0]
print(dense.weight.data().asnumpy().round(3), dense.bias.data().asnumpy().round(3))
print(dense.weight.grad().shape, dense.weight.shape, dense.bias.name)
print(sorted(net.collect_params().keys()))
trainer.set_learning_rate(0.01)
print(trainer.learning_rate)
