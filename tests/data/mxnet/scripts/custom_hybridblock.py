"""Custom layers (D2L 5.4): Block with its own parameters, HybridBlock with hybrid_forward(F, ...)
and parameters passed as keyword arguments, Lambda layers."""
import numpy as np
import mxnet as mx
from mxnet import nd, init, autograd
from mxnet.gluon import nn

mx.random.seed(14)
np.random.seed(14)


class CenteredLayer(nn.Block):
    def __init__(self, **kwargs):
        super(CenteredLayer, self).__init__(**kwargs)

    def forward(self, x):
        return x - x.mean()


layer = CenteredLayer()
print(layer(nd.array([1, 2, 3, 4, 5])))


class MyDense(nn.HybridBlock):
    def __init__(self, units, in_units, **kwargs):
        super(MyDense, self).__init__(**kwargs)
        with self.name_scope():
            self.weight = self.params.get('weight', shape=(in_units, units))
            self.bias = self.params.get('bias', shape=(units,))

    def hybrid_forward(self, F, x, weight, bias):
        linear = F.broadcast_add(F.dot(x, weight), bias)
        return F.relu(linear)


dense = MyDense(units=3, in_units=5)
print(dense.weight)
print(sorted(dense.params.keys()))
dense.initialize(init.Constant(0.1))
x = nd.arange(10).reshape((2, 5)) / 10
print(dense(x))
dense.weight.set_data(nd.array(np.linspace(-1, 1, 15).reshape(5, 3)))
print(dense(x))
dense.hybridize()
print(dense(x))

net = nn.HybridSequential()
net.add(MyDense(8, in_units=5), MyDense(1, in_units=8))
net.initialize(init.Constant(0.05))
net.hybridize()
x.attach_grad()
with autograd.record():
    y = net(x)
y.backward()
print(y, x.grad)


class FancyMLP(nn.HybridBlock):
    def __init__(self, **kwargs):
        super(FancyMLP, self).__init__(**kwargs)
        with self.name_scope():
            self.rand_weight = self.params.get_constant(
                'rand_weight', nd.array(np.linspace(0, 1, 20).reshape(20, 1).repeat(20, axis=1)))
            self.dense = nn.Dense(20, activation='relu')

    def hybrid_forward(self, F, x, rand_weight):
        x = self.dense(x)
        x = F.relu(F.dot(x, rand_weight) + 1)
        x = self.dense(x)
        return F.broadcast_div(F.sum(F.abs(x), axis=1), F.norm(x))


net = FancyMLP()
net.initialize(init.Constant(0.01))
print(net(nd.ones((2, 20))))
net.hybridize()
print(net(nd.ones((2, 20))))

lam = nn.HybridLambda(lambda F, x: F.LeakyReLU(x, slope=0.1))
print(lam(nd.array([-1., 2.])))
lam2 = nn.Lambda('tanh')
print(lam2(nd.array([0.5])))
act = nn.HybridSequential()
act.add(nn.LeakyReLU(0.2), nn.ELU(), nn.SELU(), nn.Swish(), nn.GELU())
act.initialize()
print(act(nd.array([-1.5, -0.2, 0.0, 0.3, 2.0])))
p = nn.PReLU()
p.initialize()
print(p(nd.array([-1.0, 1.0])), p.alpha.data())
