"""Multilayer perceptron with Gluon (D2L 4.3): Sequential, ReLU, Adam, DataLoader; weights
set from NumPy so the run is deterministic."""
import numpy as np
import mxnet as mx
from mxnet import nd, autograd, gluon
from mxnet.gluon import nn

mx.random.seed(7)
np.random.seed(7)

rs = np.random.RandomState(7)
X = nd.array(rs.normal(0, 1, (64, 8)))
y = nd.array((rs.normal(0, 1, (64,)) > 0).astype('float32'))

net = nn.Sequential()
with net.name_scope():
    net.add(nn.Dense(16, activation='relu'), nn.Dense(16, activation='tanh'), nn.Dense(2))
net.initialize()
net(X[:1])
for name, p in net.collect_params().items():
    p.set_data(nd.array(rs.normal(0, 0.3, p.shape)))
    print(name, p.shape, p.dtype)
print(net)

loss_fn = gluon.loss.SoftmaxCrossEntropyLoss()
trainer = gluon.Trainer(net.collect_params(), 'adam', {'learning_rate': 0.01})
loader = gluon.data.DataLoader(gluon.data.ArrayDataset(X, y), batch_size=16, last_batch='keep')
for epoch in range(5):
    cum = 0.0
    for data, label in loader:
        with autograd.record():
            l = loss_fn(net(data), label)
        l.backward()
        trainer.step(data.shape[0])
        cum += l.mean().asscalar()
    print('epoch', epoch, round(cum / len(loader), 5))
acc = mx.metric.Accuracy()
acc.update(labels=[y], preds=[net(X)])
print(acc.get())
print(net[0].weight.grad().shape, net[2].bias.data().asnumpy().round(4))
