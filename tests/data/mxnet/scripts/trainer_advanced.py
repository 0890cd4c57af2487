"""Trainer mechanics (MXNet's Trainer tutorial): allreduce_grads + update, step with
ignore_stale_grad, learning-rate changes, optimizer states, wd on lr_mult params."""
import numpy as np
import mxnet as mx
from mxnet import nd, gluon, autograd, init
from mxnet.gluon import nn

mx.random.seed(32)
np.random.seed(32)

X = nd.array([[1., 2.], [3., -1.], [0.5, 0.5]])
y = nd.array([[1.], [0.], [1.]])
net = nn.Dense(1, in_units=2)
net.initialize(init.Constant(0.1))
trainer = gluon.Trainer(net.collect_params(), 'sgd', {'learning_rate': 0.1, 'momentum': 0.5})
for i in range(3):
    with autograd.record():
        l = ((net(X) - y) ** 2).sum()
    l.backward()
    trainer.allreduce_grads()
    trainer.update(3)
    print(i, net.weight.data().asnumpy().round(5), net.bias.data().asnumpy().round(5))
print(trainer.learning_rate, trainer.optimizer.momentum)
trainer.set_learning_rate(0.05)
print(trainer.learning_rate, trainer.optimizer.lr)
net.weight.lr_mult = 2.0
with autograd.record():
    l = ((net(X) - y) ** 2).sum()
l.backward()
trainer.step(3)
print(net.weight.data().asnumpy().round(5))
opt = mx.optimizer.Adam(learning_rate=0.01, wd=0.01)
net2 = nn.Dense(1, in_units=2)
net2.initialize(init.Constant(0.2))
tr2 = gluon.Trainer(net2.collect_params(), opt)
for i in range(2):
    with autograd.record():
        l = ((net2(X) - y) ** 2).mean()
    l.backward()
    tr2.step(1)
print(net2.weight.data().asnumpy().round(6), type(tr2.optimizer).__name__)
print(opt.idx2name if hasattr(opt, 'idx2name') else None)
net3 = nn.Dense(1, in_units=2)
net3.initialize(init.Constant(0.3))
tr3 = gluon.Trainer(net3.collect_params(), 'sgd', {'learning_rate': 0.1})
with autograd.record():
    l = net3(X).sum()
l.backward()
net3.bias.zero_grad()
tr3.step(1, ignore_stale_grad=True)
print(net3.weight.data().asnumpy().round(5), net3.bias.data().asnumpy().round(5))
sgd = mx.optimizer.SGD(learning_rate=0.1, momentum=0.9, wd=0.1, rescale_grad=0.5)
w = nd.array([1.0, -2.0])
state = sgd.create_state(0, w)
for _ in range(2):
    sgd.update(0, w, nd.array([0.5, 0.5]), state)
print(w.asnumpy().round(5), state.asnumpy().round(5))
print(mx.optimizer.Optimizer.create_optimizer('adam').learning_rate)
