"""Gluon Trainer with the common optimizers (D2L chapter 11): momentum SGD, Adam, RMSProp,
AdaGrad, weight decay, gradient clipping; save_states / load_states."""
import os
import tempfile
import numpy as np
import mxnet as mx
from mxnet import nd, gluon, autograd, init
from mxnet.gluon import nn

mx.random.seed(24)
np.random.seed(24)
X = nd.array([[1., 2., 3.], [4., 5., 6.], [-1., 0.5, 2.]])
y = nd.array([[1.], [0.], [2.]])


def run(name, params, steps=4):
    net = nn.Dense(1, in_units=3)
    net.initialize(init.Constant(0.1))
    trainer = gluon.Trainer(net.collect_params(), name, params)
    for _ in range(steps):
        with autograd.record():
            l = ((net(X) - y) ** 2).mean()
        l.backward()
        trainer.step(1)
    print(name, round(l.asscalar(), 5), net.weight.data().asnumpy().round(5), net.bias.data().asnumpy().round(5))
    return net, trainer


run('sgd', {'learning_rate': 0.01, 'momentum': 0.9})
run('sgd', {'learning_rate': 0.01, 'wd': 0.1})
run('nag', {'learning_rate': 0.01, 'momentum': 0.9})
run('adam', {'learning_rate': 0.05})
run('rmsprop', {'learning_rate': 0.01})
run('adagrad', {'learning_rate': 0.1})
run('adadelta', {})
run('sgd', {'learning_rate': 0.1, 'clip_gradient': 0.5})
run('sgd', {'learning_rate': 0.1, 'rescale_grad': 0.5})
net, trainer = run('adam', {'learning_rate': 0.01, 'beta1': 0.8})
tmp = tempfile.mkdtemp()
trainer.save_states(os.path.join(tmp, 'adam.states'))
trainer.load_states(os.path.join(tmp, 'adam.states'))
print(trainer.optimizer.num_update, type(trainer.optimizer).__name__)
print(trainer.optimizer.learning_rate, trainer.optimizer.wd)

opt = mx.optimizer.create('sgd', learning_rate=0.5)
updater = mx.optimizer.get_updater(opt)
w = nd.array([1., 2.])
updater(0, nd.array([0.1, 0.2]), w)
print(w)
net = nn.Dense(1, in_units=3)
net.initialize(init.Constant(0.1))
net.weight.lr_mult = 0.0
trainer = gluon.Trainer(net.collect_params(), 'sgd', {'learning_rate': 0.1})
with autograd.record():
    l = ((net(X) - y) ** 2).mean()
l.backward()
trainer.step(1)
print(net.weight.data(), net.bias.data())
