"""Gluon utilities and parameter handling (D2L 5.2, 12.5): collect_params selection,
grad_req, zero_grad, gradient accumulation, clip_global_norm, split_and_load, summary."""
import numpy as np
import mxnet as mx
from mxnet import nd, autograd, gluon, init
from mxnet.gluon import nn

mx.random.seed(28)
np.random.seed(28)

net = nn.Sequential()
with net.name_scope():
    net.add(nn.Dense(4, in_units=3, activation='relu'), nn.Dense(2, in_units=4))
net.initialize(init.Constant(0.25))
print(sorted(net.collect_params('.*weight').keys()))
print(sorted(net.collect_params('.*dense0.*').keys()))
params = net.collect_params()
print(type(params).__name__, len(list(params.keys())))
print(net[0].weight.grad_req, net[0].weight.lr_mult, net[0].weight.wd_mult)
x = nd.array([[1., 2., 3.], [0.5, -1., 2.]])
for p in params.values():
    p.grad_req = 'add'
for _ in range(2):
    with autograd.record():
        y = net(x).sum()
    y.backward()
print(net[0].weight.grad().asnumpy().round(4))
params.zero_grad()
print(net[0].weight.grad().sum().asscalar())
net[1].bias.grad_req = 'null'
for p in params.values():
    if p.grad_req == 'add':
        p.grad_req = 'write'
with autograd.record():
    y = net(x).sum()
y.backward()
print(net[1].weight.grad().asnumpy().round(4))
grads = [p.grad() for p in params.values() if p.grad_req != 'null']
norm = gluon.utils.clip_global_norm(grads, 1.0)
print(round(float(norm), 4), round(float(sum((g ** 2).sum().asscalar() for g in grads)) ** 0.5, 4))
parts = gluon.utils.split_and_load(nd.arange(12).reshape((6, 2)), [mx.cpu()])
print(len(parts), parts[0].shape, parts[0].context)
print(gluon.utils.split_data(nd.arange(12).reshape((6, 2)), 3)[1])
print(net[0].weight.data().context, net[0].weight.list_ctx())
w = net[0].weight
print(w.name, w.shape, w.dtype, w.init if not isinstance(w.init, str) else w.init)
net.cast('float64')
print(net[0].weight.dtype, net(x.astype('float64')).dtype)
c = nn.Dense(2, in_units=2)
c.initialize()
c.weight.set_data(nd.array([[1., 2.], [3., 4.]]))
c.bias.set_data(nd.array([0.5, -0.5]))
print(c(nd.array([[1., 1.]])))
print(c.weight.data().asnumpy().tolist(), c.bias.data().asnumpy().tolist())
d = c.collect_params()
d.setattr('grad_req', 'null')
print([p.grad_req for p in d.values()])
