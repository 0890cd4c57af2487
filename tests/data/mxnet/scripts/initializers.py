"""Initializers (D2L 5.2): statistics of Xavier, MSRAPrelu, Uniform, Normal; Constant and
custom initializers; force_reinit."""
import numpy as np
import mxnet as mx
from mxnet import nd, init
from mxnet.gluon import nn

mx.random.seed(15)
np.random.seed(15)


def stats(arr):
    a = arr.asnumpy()
    return a.mean(), a.std(), a.min(), a.max()


net = nn.Sequential()
net.add(nn.Dense(400, in_units=300), nn.Dense(200, in_units=400))
net.initialize(init.Normal(sigma=0.01))
m, s, lo, hi = stats(net[0].weight.data())
print(abs(m) < 1e-3, abs(s - 0.01) < 5e-4)
net.initialize(init=init.Constant(1), force_reinit=True)
print(net[0].weight.data()[0, :5], net[0].bias.data()[:3])
net.initialize(init=init.Xavier(), force_reinit=True)
m, s, lo, hi = stats(net[0].weight.data())
bound = np.sqrt(3.0 / ((300 + 400) / 2.0))
print(abs(m) < 2e-3, abs(s - bound / np.sqrt(3)) < 2e-3, lo >= -bound, hi <= bound)
net[1].initialize(init.Xavier(rnd_type='gaussian', factor_type='in', magnitude=2), force_reinit=True)
m, s, lo, hi = stats(net[1].weight.data())
print(abs(s - np.sqrt(2.0 / 400)) < 2e-3)
net.initialize(init.MSRAPrelu(), force_reinit=True)
m, s, lo, hi = stats(net[0].weight.data())
print(abs(s - np.sqrt(2.0 / 300)) < 3e-3)
net.initialize(init.Uniform(0.5), force_reinit=True)
m, s, lo, hi = stats(net[0].weight.data())
print(lo >= -0.5, hi <= 0.5, abs(s - 0.5 / np.sqrt(3)) < 5e-3)
net.initialize(init.One(), force_reinit=True)
print(net[1].weight.data().sum().asscalar())
net.initialize(init.Zero(), force_reinit=True)
print(net[1].weight.data().sum().asscalar())


class MyInit(init.Initializer):
    def _init_weight(self, name, data):
        print('Init', name, data.shape)
        data[:] = nd.arange(data.size).reshape(data.shape) % 3 - 1


net = nn.Sequential()
net.add(nn.Dense(3, in_units=2))
net.initialize(MyInit())
print(net[0].weight.data(), net[0].bias.data())
net[0].weight.set_data(net[0].weight.data() + 1)
print(net[0].weight.data()[0])

shared = nn.Dense(8, activation='relu', in_units=8)
net = nn.Sequential()
net.add(nn.Dense(8, activation='relu', in_units=4), shared,
        nn.Dense(8, activation='relu', params=shared.params), nn.Dense(1, in_units=8))
net.initialize(init.Constant(0.1))
net(nd.ones((2, 4)))
print(net[1].weight.data()[0] == net[2].weight.data()[0])
net[1].weight.data()[0, 0] = 100
print(net[1].weight.data()[0, 0] == net[2].weight.data()[0, 0])
print(init.Xavier().dumps())
print(init.Constant(2.5).dumps())
dense = nn.Dense(2, in_units=3, weight_initializer=init.Constant(0.5), bias_initializer='ones')
dense.initialize()
print(dense.weight.data(), dense.bias.data())
try:
    dense.initialize()
except Exception as e:
    print(type(e).__name__)
