"""hybridize(), export() and SymbolBlock.imports (MXNet's hybridize tutorial)."""
import os
import tempfile
import numpy as np
import mxnet as mx
from mxnet import nd, gluon, init, autograd
from mxnet.gluon import nn

mx.random.seed(12)
np.random.seed(12)
rs = np.random.RandomState(12)

net = nn.HybridSequential()
net.add(nn.Dense(8, activation='relu', in_units=4), nn.Dense(8, in_units=8), nn.Dense(2, in_units=8))
net.initialize()
for p in net.collect_params().values():
    p.set_data(nd.array(rs.normal(0, 0.5, p.shape)))
x = nd.array(rs.normal(0, 1, (3, 4)))
before = net(x)
net.hybridize()
after = net(x)
print(before.asnumpy().round(5))
print(np.abs(before.asnumpy() - after.asnumpy()).max() < 1e-5)
x.attach_grad()
with autograd.record():
    y = net(x)
y.backward()
print(x.grad.asnumpy().round(5))

tmp = tempfile.mkdtemp()
prefix = os.path.join(tmp, 'mlp')
net.export(prefix, epoch=3)
print(sorted(os.listdir(tmp)))
sym = mx.sym.load(prefix + '-symbol.json')
print(sym.list_arguments())
imported = gluon.SymbolBlock.imports(prefix + '-symbol.json', ['data'], prefix + '-0003.params')
out = imported(x)
print(np.abs(out.asnumpy() - after.asnumpy()).max() < 1e-5)
print(sorted(imported.collect_params().keys()))


class Net(gluon.HybridBlock):
    def __init__(self, **kwargs):
        super(Net, self).__init__(**kwargs)
        with self.name_scope():
            self.fc = nn.Dense(3, in_units=2)

    def hybrid_forward(self, F, x):
        return F.relu(self.fc(x)) + 1


n2 = Net()
n2.initialize(init.Constant(0.3))
print(n2(nd.ones((1, 2))))
n2.hybridize()
print(n2(nd.ones((1, 2))))
print(n2(nd.ones((1, 2))))
