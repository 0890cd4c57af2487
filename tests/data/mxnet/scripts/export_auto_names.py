"""The names MXNet gives, on export, to operators a custom HybridBlock calls directly
(without `name=`): the block's prefix, the operator's name and a counter per name scope
(`net_sum0`, `net_broadcast_add0`, `net_relu0`), and a single broadcast_add node.
Only the names are compared: tapegraph writes the variables first, MXNet where first used."""
import os
import tempfile

import mxnet as mx
from mxnet import gluon, nd
from mxnet.gluon import nn


class Net(gluon.HybridBlock):
    def __init__(self, **kw):
        super().__init__(**kw)
        with self.name_scope():
            self.a = nn.Dense(3)

    def hybrid_forward(self, F, x, y):
        h = self.a(x)
        return F.broadcast_add(h, F.sum(y, axis=1, keepdims=True)), F.relu(h)


net = Net(prefix="net_")
net.initialize(mx.init.Constant(0.1))
net.hybridize()
net(nd.ones((2, 4)), nd.ones((2, 5)))
prefix = os.path.join(tempfile.mkdtemp(), "m")
net.export(prefix)
sym = mx.sym.load(prefix + "-symbol.json")
print(sym.list_outputs())
print(sorted(sym.get_internals().list_outputs()))  # (the order of variables differs)
