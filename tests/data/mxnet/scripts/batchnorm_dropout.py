"""BatchNorm and Dropout in training and prediction mode (D2L 4.6, 7.5)."""
import numpy as np
import mxnet as mx
from mxnet import nd, autograd, init
from mxnet.gluon import nn

mx.random.seed(9)
np.random.seed(9)
rs = np.random.RandomState(9)

bn = nn.BatchNorm(in_channels=3, momentum=0.8)
bn.initialize()
print(bn)
x = nd.array(rs.normal(2, 3, (4, 3, 2, 2)))
print(bn(x).mean().asscalar().round(4))
print(bn.running_mean.data(), bn.running_var.data())
with autograd.record():
    y = bn(x)
print(y.mean(axis=(0, 2, 3)).asnumpy().round(4), y.asnumpy().std(axis=(0, 2, 3)).round(3))
print(bn.running_mean.data().asnumpy().round(4), bn.running_var.data().asnumpy().round(4))
with autograd.record(train_mode=False):
    z = bn(x)
print(z.asnumpy()[0, :, 0, 0].round(4))
print(sorted(bn.collect_params().keys()))
print(bn.gamma.grad_req, bn.running_mean.grad_req)

drop = nn.Dropout(0.5)
drop.initialize()
ones = nd.ones((20, 50))
print((drop(ones) == ones).asnumpy().all())
with autograd.record():
    out = drop(ones)
vals = np.unique(out.asnumpy())
print(vals)
frac = (out == 0).mean().asscalar()
print(0.4 < frac < 0.6)
with autograd.predict_mode():
    print(drop(ones).sum().asscalar())

net = nn.Sequential()
net.add(nn.Dense(4, in_units=3), nn.BatchNorm(), nn.Activation('relu'), nn.Dropout(0.3),
        nn.Dense(1, in_units=4))
net.initialize(init.Constant(0.5))
data = nd.array(rs.normal(0, 1, (5, 3)))
with autograd.record():
    l = net(data).sum()
l.backward()
print(net[0].weight.grad().shape, net[1].gamma.grad().shape)
print(net(data).asnumpy().round(4).ravel())
ln = nn.LayerNorm(in_channels=3)
ln.initialize()
print(ln(data).asnumpy().round(4)[:2])
inorm = nn.InstanceNorm(in_channels=3)
inorm.initialize()
print(inorm(x).asnumpy().round(4)[0, 0])
