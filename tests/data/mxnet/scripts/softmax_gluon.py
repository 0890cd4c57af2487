"""Softmax regression with Gluon (D2L 3.7) on a small synthetic data set, with
metric.Accuracy and SoftmaxCrossEntropyLoss."""
import numpy as np
import mxnet as mx
from mxnet import nd, autograd, gluon, init
from mxnet.gluon import nn

mx.random.seed(6)
np.random.seed(6)

n, d, k = 60, 5, 3
centers = np.random.normal(0, 2, (k, d))
y_np = np.arange(n) % k
X_np = centers[y_np] + np.random.normal(0, 1, (n, d))
X = nd.array(X_np)
y = nd.array(y_np)
loader = gluon.data.DataLoader(gluon.data.ArrayDataset(X, y), batch_size=12)

net = nn.Sequential()
net.add(nn.Dense(k))
net.initialize(init.Zero())
loss = gluon.loss.SoftmaxCrossEntropyLoss()
trainer = gluon.Trainer(net.collect_params(), 'sgd', {'learning_rate': 0.1})
for epoch in range(4):
    metric = mx.metric.Accuracy()
    total = 0.0
    for xb, yb in loader:
        with autograd.record():
            out = net(xb)
            l = loss(out, yb)
        l.backward()
        trainer.step(xb.shape[0])
        metric.update([yb], [out])
        total += l.sum().asscalar()
    print(epoch, round(total / n, 4), metric.get())

probs = nd.softmax(net(X[:4]))
print(probs.asnumpy().round(4))
print(probs.sum(axis=1))
print(nd.argmax(net(X), axis=1)[:10])
print(loss(nd.array([[1., 2., 3.]]), nd.array([2])))
print(gluon.loss.SoftmaxCrossEntropyLoss(sparse_label=False)(nd.array([[1., 2., 3.]]),
                                                            nd.array([[0., 0.5, 0.5]])))
