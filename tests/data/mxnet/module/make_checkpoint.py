"""Writes the MXNet checkpoint tests/api/test_module_api.py loads: bnnet-symbol.json,
bnnet-0003.params and bnnet_expected.json (predictions of MXNet). Run with the oracle from
this folder, without MKLDNN:

    MXNET_MKLDNN_ENABLED=0 /tmp/mxnet-oracle/bin/python make_checkpoint.py

(MXNet's MKLDNN BatchNorm skips the update of the moving statistics in backward when the
module's data needs no gradient; MXNet's reference CPU operator, which tapegraph follows,
always updates them.)"""
import json

import numpy as np
import mxnet as mx

data = mx.sym.var('data')
h = mx.sym.FullyConnected(data, num_hidden=4, name='fc1')
h = mx.sym.BatchNorm(h, fix_gamma=False, name='bn1')
h = mx.sym.Activation(h, act_type='relu', name='relu1')
h = mx.sym.FullyConnected(h, num_hidden=3, name='fc2')
net = mx.sym.SoftmaxOutput(h, name='softmax')

rs = np.random.RandomState(0)
X = rs.normal(0, 1, (12, 5)).astype('float32')
y = rs.randint(0, 3, 12).astype('float32')
it = mx.io.NDArrayIter(X, y, batch_size=4)
mod = mx.mod.Module(net)
mod.bind(it.provide_data, it.provide_label)
r = np.random.RandomState(1)
args = {'fc1_weight': r.normal(0, .5, (4, 5)), 'fc1_bias': np.zeros(4),
        'bn1_gamma': np.ones(4), 'bn1_beta': np.zeros(4),
        'fc2_weight': r.normal(0, .5, (3, 4)), 'fc2_bias': np.zeros(3)}
mod.init_params(arg_params={k: mx.nd.array(v) for k, v in args.items()},
                aux_params={'bn1_moving_mean': mx.nd.zeros(4), 'bn1_moving_var': mx.nd.ones(4)})
mod.init_optimizer(optimizer_params={'learning_rate': 0.2})
for epoch in range(3):
    it.reset()
    for batch in it:
        mod.forward_backward(batch)
        mod.update()
mod.save_checkpoint('bnnet', 3)
arg, aux = mod.get_params()
# predictions of the checkpoint loaded afresh (the trained module's own executor may keep
# stale MKLDNN weight caches in inference mode)
loaded = mx.mod.Module.load('bnnet', 3)
loaded.bind(it.provide_data, it.provide_label, for_training=False)
pred = loaded.predict(it).asnumpy()
with open('bnnet_expected.json', 'w') as f:
    json.dump({'input': X.tolist(), 'label': y.tolist(), 'prediction': pred.tolist(),
               'moving_mean': aux['bn1_moving_mean'].asnumpy().tolist()}, f)
