"""The node names of an exported Gluon network, as MXNet users address them in
`sym.get_internals()[...]` to cut a pretrained network for feature extraction."""
import os
import tempfile
import numpy as np
import mxnet as mx
from mxnet import nd
from mxnet.gluon import nn

mx.random.seed(26)
np.random.seed(26)

net = nn.HybridSequential()
net.add(nn.Dense(8, activation='relu', in_units=4), nn.BatchNorm(in_channels=8),
        nn.Activation('tanh'), nn.Dense(2, in_units=8))
net.initialize(mx.init.Constant(0.1))
net.hybridize()
net(nd.ones((3, 4)))
prefix = os.path.join(tempfile.mkdtemp(), 'model')
net.export(prefix)
sym = mx.sym.load(prefix + '-symbol.json')
print(sym.list_outputs())
internals = sym.get_internals()
print([n for n in internals.list_outputs() if not n.endswith(('weight', 'bias', 'gamma', 'beta', 'mean', 'var'))])
features = internals['dense0_relu_fwd_output']
print(features.list_arguments())
