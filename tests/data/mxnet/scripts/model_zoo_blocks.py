"""Model-zoo networks built locally (no download) and SymbolBlock from symbols (MXNet's
"Using pre-trained models" and SymbolBlock tutorials, shapes and structure only)."""
import numpy as np
import mxnet as mx
from mxnet import nd, gluon, init
from mxnet.gluon.model_zoo import vision

mx.random.seed(35)
np.random.seed(35)

net = vision.resnet18_v1(classes=10)
net.initialize(init.Xavier())
x = nd.ones((1, 3, 32, 32))
print(net(x).shape)
print(type(net.features).__name__, len(net.features), type(net.output).__name__)
print(sorted(net.collect_params().keys())[:3])
print(len(net.collect_params().keys()))
mnet = vision.get_model('mobilenet0.25', classes=5)
mnet.initialize()
print(mnet(nd.ones((2, 3, 32, 32))).shape)

data = mx.sym.var('data')
fc = mx.sym.FullyConnected(data, num_hidden=3, name='fc')
act = mx.sym.Activation(fc, act_type='tanh', name='act')
block = gluon.SymbolBlock(act, data)
block.initialize(init.Constant(0.2))
print(sorted(block.collect_params().keys()))
print(block(nd.array([[1., 2.], [0., -1.]])))
internals = net.features(x)
print(internals.shape)
feat = gluon.nn.HybridSequential()
feat.add(*list(net.features)[:4])
print(feat(x).shape)
