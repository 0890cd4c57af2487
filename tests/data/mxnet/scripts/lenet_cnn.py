"""LeNet (D2L 6.6) for a few SGD steps on 28x28 inputs, weights from NumPy."""
import numpy as np
import mxnet as mx
from mxnet import nd, autograd, gluon
from mxnet.gluon import nn

mx.random.seed(8)
np.random.seed(8)
rs = np.random.RandomState(8)

net = nn.Sequential()
net.add(nn.Conv2D(channels=6, kernel_size=5, padding=2, activation='sigmoid'),
        nn.AvgPool2D(pool_size=2, strides=2),
        nn.Conv2D(channels=16, kernel_size=5, activation='sigmoid'),
        nn.AvgPool2D(pool_size=2, strides=2),
        nn.Dense(120, activation='sigmoid'),
        nn.Dense(84, activation='sigmoid'),
        nn.Dense(10))
X = nd.array(rs.uniform(0, 1, (4, 1, 28, 28)))
net.initialize()
for layer in net:
    X = layer(X)
    print(layer.name, 'output shape:\t', X.shape)
for name, p in net.collect_params().items():
    p.set_data(nd.array(rs.normal(0, 0.1, p.shape)))

data = nd.array(rs.uniform(0, 1, (8, 1, 28, 28)))
label = nd.array(np.arange(8) % 10)
loss = gluon.loss.SoftmaxCrossEntropyLoss()
trainer = gluon.Trainer(net.collect_params(), 'sgd', {'learning_rate': 0.9})
for step in range(3):
    with autograd.record():
        l = loss(net(data), label)
    l.backward()
    trainer.step(data.shape[0])
    print(step, round(l.mean().asscalar(), 4))
print(net(data)[0].asnumpy().round(4))
print(net[0].weight.grad().asnumpy().std() > 0)

net2 = nn.Sequential()
net2.add(nn.Conv2D(4, kernel_size=3, strides=2, padding=1, in_channels=1, use_bias=False),
         nn.MaxPool2D(pool_size=3, strides=2, padding=1),
         nn.GlobalAvgPool2D(), nn.Flatten())
net2.initialize(mx.init.Constant(0.1))
out = net2(nd.arange(2 * 1 * 8 * 8).reshape((2, 1, 8, 8)) / 100)
print(out)
