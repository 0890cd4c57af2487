"""save_parameters / load_parameters and nd.save / nd.load (D2L 5.5)."""
import os
import tempfile
import numpy as np
import mxnet as mx
from mxnet import nd
from mxnet.gluon import nn

mx.random.seed(13)
np.random.seed(13)
rs = np.random.RandomState(13)
tmp = tempfile.mkdtemp()

x = nd.arange(4)
nd.save(os.path.join(tmp, 'x-file'), x)
print(nd.load(os.path.join(tmp, 'x-file')))
y = nd.zeros(4)
nd.save(os.path.join(tmp, 'x-files'), [x, y])
x2, y2 = nd.load(os.path.join(tmp, 'x-files'))
print(x2, y2)
mydict = {'x': x, 'y': y}
nd.save(os.path.join(tmp, 'mydict'), mydict)
print(sorted(nd.load(os.path.join(tmp, 'mydict')).items()))


class MLP(nn.Block):
    def __init__(self, **kwargs):
        super(MLP, self).__init__(**kwargs)
        self.hidden = nn.Dense(256, activation='relu')
        self.output = nn.Dense(10)

    def forward(self, x):
        return self.output(self.hidden(x))


net = MLP()
net.initialize()
X = nd.array(rs.uniform(size=(2, 20)))
net(X)
for p in net.collect_params().values():
    p.set_data(nd.array(rs.normal(0, 0.1, p.shape)))
Y = net(X)
print(net)
print(net.collect_params())
filename = os.path.join(tmp, 'mlp.params')
net.save_parameters(filename)
clone = MLP()
clone.load_parameters(filename)
Y_clone = clone(X)
print((Y_clone == Y).asnumpy().all())
print(Y.asnumpy().round(4)[0, :4])
print(net.hidden.weight)
print(clone.hidden.weight.data().shape)
other = nn.Dense(3, in_units=4)
try:
    other.load_parameters(filename)
except Exception as e:
    print(type(e).__name__)
