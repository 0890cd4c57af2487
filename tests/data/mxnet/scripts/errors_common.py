"""Common user mistakes, each caught as a user of MXNet 1.9.1 catches it: with the exception
class MXNet raises there (tapegraph's may be a subclass, e.g. an MXNetError that is also a
ValueError)."""
import numpy as np
import mxnet as mx
from mxnet import nd, autograd, gluon
from mxnet.gluon import nn

mx.random.seed(37)
np.random.seed(37)


MXNetError = mx.base.MXNetError


def attempt(label, fn, expected):
    try:
        fn()
        print(label, 'no error')
    except expected:
        print(label, 'caught as', expected.__name__)


attempt('dot shapes', lambda: nd.dot(nd.ones((2, 3)), nd.ones((2, 3))).asnumpy(), MXNetError)
attempt('add shapes', lambda: (nd.ones((2, 3)) + nd.ones((3, 2))).asnumpy(), MXNetError)
attempt('reshape', lambda: nd.ones((2, 3)).reshape((4,)), ValueError)
attempt('index', lambda: nd.ones((2, 3))[5], IndexError)
attempt('asscalar', lambda: nd.ones((2,)).asscalar(), ValueError)


def backward_unrecorded():
    x = nd.ones((2,))
    x.attach_grad()
    y = x * 2
    y.backward()


attempt('backward outside record', backward_unrecorded, MXNetError)


def backward_twice():
    x = nd.ones((2,))
    x.attach_grad()
    with autograd.record():
        y = (x * x).sum()
    y.backward()
    y.backward()


attempt('backward twice', backward_twice, MXNetError)


def uninitialized():
    net = nn.Dense(2)
    net(nd.ones((1, 3)))


attempt('uninitialized', uninitialized, RuntimeError)


def deferred_data():
    net = nn.Dense(2)
    net.initialize()
    net.weight.data()


attempt('deferred data', deferred_data, MXNetError)


def wrong_input_size():
    net = nn.Dense(2, in_units=3)
    net.initialize()
    net(nd.ones((1, 4))).asnumpy()


attempt('wrong in_units', wrong_input_size, MXNetError)


def trainer_no_grad():
    net = nn.Dense(1, in_units=2)
    net.initialize()
    tr = gluon.Trainer(net.collect_params(), 'sgd')
    tr.step(1)


attempt('step without backward', trainer_no_grad, UserWarning)
attempt('unknown optimizer', lambda: mx.optimizer.create('nosuchopt'), ValueError)
attempt('unknown init', lambda: mx.init.create('nosuchinit'), AssertionError)
attempt('bad dtype', lambda: nd.ones((2,), dtype='float33'), TypeError)
attempt('np mode off', lambda: mx.np.ones((2,)) + 1, Exception)
