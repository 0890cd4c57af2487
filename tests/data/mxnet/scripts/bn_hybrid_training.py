"""A hybridized CNN with BatchNorm trained a few steps (D2L 7.5): running statistics, the
predict-mode output, and parameters after training."""
import numpy as np
import mxnet as mx
from mxnet import nd, autograd, gluon
from mxnet.gluon import nn

mx.random.seed(36)
np.random.seed(36)
rs = np.random.RandomState(36)

net = nn.HybridSequential()
net.add(nn.Conv2D(4, kernel_size=3, padding=1, in_channels=1), nn.BatchNorm(in_channels=4),
        nn.Activation('relu'), nn.MaxPool2D(2), nn.Flatten(), nn.Dense(3, in_units=4 * 4 * 4),
        nn.BatchNorm(in_channels=3))
net.initialize()
for p in net.collect_params().values():
    if p.name.endswith(('weight', 'gamma')):
        p.set_data(nd.array(rs.normal(1 if p.name.endswith('gamma') else 0, 0.2, p.shape)))
net.hybridize()
X = nd.array(rs.normal(0, 1, (6, 1, 8, 8)))
y = nd.array([0, 1, 2, 0, 1, 2])
loss = gluon.loss.SoftmaxCrossEntropyLoss()
trainer = gluon.Trainer(net.collect_params(), 'sgd', {'learning_rate': 0.1, 'momentum': 0.9})
for step in range(4):
    with autograd.record():
        l = loss(net(X), y)
    l.backward()
    trainer.step(6)
    print(step, round(l.mean().asscalar(), 4))
print(net[1].running_mean.data().asnumpy().round(4))
print(net[1].running_var.data().asnumpy().round(4))
print(net[6].running_mean.data().asnumpy().round(4))
print(net(X).asnumpy().round(4)[:2])
with autograd.train_mode():
    net(X)
print(net[1].running_mean.data().asnumpy().round(4))
with autograd.record():
    out = net(X)
print(net[6].running_var.data().asnumpy().round(4))
