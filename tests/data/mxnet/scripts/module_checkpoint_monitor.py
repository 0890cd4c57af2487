"""Checkpoints and monitoring of a Module (MXNet's checkpoint and Monitor tutorials):
do_checkpoint / module_checkpoint callbacks, mx.model.save_checkpoint / load_checkpoint,
Module.load with optimizer states resuming training exactly, save_params / load_params,
and mx.mon.Monitor statistics of the forward values and parameters."""
import logging
import os
import re
import sys

import numpy as np
import mxnet as mx


class MaskTimes(logging.Formatter):
    def format(self, record):
        return re.sub(r"Time cost=[0-9.]+", "Time cost=T", super().format(record))


handler = logging.StreamHandler(sys.stdout)
handler.setFormatter(MaskTimes("%(levelname)s %(message)s"))
logging.getLogger().addHandler(handler)
logging.getLogger().setLevel(logging.INFO)

mx.random.seed(5)
np.random.seed(5)
rs = np.random.RandomState(5)
X = rs.normal(0, 1, (24, 4)).astype('float32')
y = (X[:, 0] - X[:, 2] > 0).astype('float32')

data = mx.sym.var('data')
h = mx.sym.FullyConnected(data, num_hidden=5, name='h')
h = mx.sym.Activation(h, act_type='sigmoid', name='sig')
o = mx.sym.FullyConnected(h, num_hidden=2, name='o')
net = mx.sym.SoftmaxOutput(o, name='softmax')


def initial_params():
    r = np.random.RandomState(1)
    return {'h_weight': mx.nd.array(r.normal(0, 0.5, (5, 4))), 'h_bias': mx.nd.zeros((5,)),
            'o_weight': mx.nd.array(r.normal(0, 0.5, (2, 5))), 'o_bias': mx.nd.zeros((2,))}


it = mx.io.NDArrayIter(X, y, batch_size=6)
mod = mx.mod.Module(net)
mod.fit(it, num_epoch=2, arg_params=initial_params(), optimizer='sgd',
        optimizer_params={'learning_rate': 0.5, 'momentum': 0.9},
        epoch_end_callback=[mx.callback.do_checkpoint('mlp'),
                            mx.callback.module_checkpoint(mod, 'modck', period=2,
                                                          save_optimizer_states=True)])
print(sorted(f for f in os.listdir('.') if f.startswith(('mlp', 'modck'))))

sym, args, auxs = mx.model.load_checkpoint('mlp', 2)
print(sym.list_arguments(), sym.list_outputs(), sorted(args), auxs)
mine = mod.get_params()[0]
print(all(np.array_equal(args[k].asnumpy(), mine[k].asnumpy()) for k in mine))
print(sorted(mx.nd.load('mlp-0001.params')))
arg1, aux1 = mx.model.load_params('mlp', 1)
print(arg1['o_bias'].asnumpy().round(4))

# resume from the checkpoint with its optimizer states: the same as training on
mod.fit(it, num_epoch=3, begin_epoch=2)
resumed = mx.mod.Module.load('modck', 2, load_optimizer_states=True)
print(resumed.params_initialized, resumed.binded)
resumed.fit(it, num_epoch=3, begin_epoch=2, optimizer='sgd',
            optimizer_params={'learning_rate': 0.5, 'momentum': 0.9})
a, b = mod.get_params()[0], resumed.get_params()[0]
print(all(np.allclose(a[k].asnumpy(), b[k].asnumpy(), atol=1e-6) for k in a))
print(b['o_weight'].asnumpy().round(4))

mx.model.save_checkpoint('manual', 7, net, initial_params(), {})
print(sorted(mx.nd.load('manual-0007.params')))
mod.save_params('just.params')
other = mx.mod.Module(net)
other.bind(data_shapes=it.provide_data, label_shapes=it.provide_label, for_training=False)
other.load_params('just.params')
print(all(np.array_equal(other.get_params()[0][k].asnumpy(), a[k].asnumpy()) for k in a))
mod.save_optimizer_states('opt.states')
mod.load_optimizer_states('opt.states')
print(os.path.exists('opt.states'))

# Monitor: forward values and parameters every second batch
mon = mx.mon.Monitor(2, pattern='^(?!.*backward).*', sort=True)
mod2 = mx.mod.Module(net)
mod2.bind(data_shapes=it.provide_data, label_shapes=it.provide_label)
mod2.init_params(arg_params=initial_params())
mod2.init_optimizer(optimizer_params={'learning_rate': 0.1})
mod2.install_monitor(mon)
it.reset()
for i, batch in enumerate(it):
    mon.tic()
    mod2.forward_backward(batch)
    mod2.update()
    for step, name, value in mon.toc():
        print(i, step, name, value.strip())


def max_abs(x):
    return [mx.nd.max(mx.nd.abs(x)), mx.nd.min(x)]


mon2 = mx.mon.Monitor(1, stat_func=max_abs, pattern='.*_output$')
mod2.install_monitor(mon2)
mon2.tic()
mod2.forward(batch, is_train=False)
mon2.toc_print()
print(mon2.toc())
