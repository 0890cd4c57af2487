"""mxnet.contrib: SVRGModule (MXNet's example/svrg_module linear regression, made tiny and
deterministic: fit with validation and callbacks, the tutorial's hand-written loop with
update_full_grads, an optimizer instance, a kvstore, two contexts), the optimizers it
installs, DataLoaderIter over Gluon DataLoaders (batches, padding, reset, dtypes, feeding
Module.fit and SVRGModule.fit), LogMetricsCallback, and the errors of all of them."""
import logging
import re
import sys
import types

import numpy as np
import mxnet as mx
from mxnet.contrib.svrg_optimization.svrg_module import SVRGModule
from mxnet.contrib.svrg_optimization.svrg_optimizer import _SVRGOptimizer
from mxnet.contrib.io import DataLoaderIter
from mxnet.contrib import tensorboard


class MaskTimes(logging.Formatter):
    """Logs with the measured times masked (they differ between runs)."""

    def format(self, record):
        return re.sub(r"Time cost=[0-9.]+", "Time cost=T", super().format(record))


handler = logging.StreamHandler(sys.stdout)
handler.setFormatter(MaskTimes("%(levelname)s %(message)s"))
logging.getLogger().addHandler(handler)
logging.getLogger().setLevel(logging.INFO)

np.random.seed(42)
mx.random.seed(42)
rs = np.random.RandomState(0)
data = rs.randint(1, 5, size=(50, 2)).astype('float32')
label = (data.dot(np.array([1.0, 2.0])) + 0.5).astype('float32')
n_train = 40


def rounded(array, digits=4):
    return np.round(array.asnumpy().astype('float64'), digits).tolist()


def params_of(mod):
    arg_params, aux_params = mod.get_params()
    return {k: rounded(v) for k, v in sorted(arg_params.items())}


def full_grads(mod):
    return [{k: rounded(v) for k, v in sorted(d.items())}
            for d in mod._param_dict]


def show_error(what, fn, kind=None):
    """Print the error `fn` raises: its class and message, or with `kind` only whether it
    is one (for errors whose message is not the point, e.g. MXNet's bare asserts)."""
    try:
        fn()
        print(what, 'no error')
    except Exception as e:  # noqa: BLE001
        if kind is not None:
            print(what, kind.__name__, isinstance(e, kind))
        else:
            print(what, type(e).__name__, e)


X = mx.sym.Variable('data')
Y = mx.sym.Variable('lin_reg_label')
fc = mx.sym.FullyConnected(data=X, name='fc1', num_hidden=1)
lro = mx.sym.LinearRegressionOutput(data=fc, label=Y, name='lro')


def train_iter(batch_size=6):
    return mx.io.NDArrayIter(data[:n_train], label[:n_train], batch_size=batch_size,
                             shuffle=False, label_name='lin_reg_label')


val_iter = mx.io.NDArrayIter(data[n_train:], label[n_train:], batch_size=6,
                             label_name='lin_reg_label')

# ---------------------------------------------------------------- fit with validation
print('== fit')
mod = SVRGModule(symbol=lro, data_names=['data'], label_names=['lin_reg_label'],
                 update_freq=2)
print(mod.update_freq, mod.data_names, mod.label_names, mod.output_names)
print(mod.binded, mod.params_initialized, mod.optimizer_initialized, mod._mod_aux.binded)
seen = []


def on_batch(param):
    seen.append((param.epoch, param.nbatch, round(param.eval_metric.get()[1], 3)))


def on_epoch(epoch, symbol, arg_params, aux_params):
    print('epoch end', epoch, symbol.name,
          {k: rounded(v) for k, v in sorted(arg_params.items())})


mod.fit(train_iter(), eval_data=val_iter, eval_metric='mse', optimizer='sgd',
        optimizer_params=(('learning_rate', 0.025),), num_epoch=4,
        initializer=mx.init.Constant(0.1), batch_end_callback=on_batch,
        epoch_end_callback=on_epoch)
print(mod.binded, mod.params_initialized, mod.optimizer_initialized, mod._mod_aux.binded)
print('batches', len(seen), seen[:3], seen[-2:])
print('params', params_of(mod))
print('aux module params', params_of(mod._mod_aux))
print('full grads', full_grads(mod))
print('score', [(n, round(v, 4)) for n, v in mod.score(val_iter, 'mse')])
print('predict', rounded(mod.predict(val_iter).reshape((-1,)), 3))
svrg = mod._optimizer
print(type(svrg).__name__, type(svrg.default_opt).__name__, type(svrg.aux_opt).__name__)
print(sorted(svrg.idx2name.items()), round(svrg.rescale_grad, 5),
      round(svrg.default_opt.rescale_grad, 5), svrg.default_opt.lr, svrg.lr)

# ---------------------------------------------------------------- the tutorial's loop
print('== manual loop')
di = train_iter(batch_size=8)
mod2 = SVRGModule(symbol=lro, data_names=['data'], label_names=['lin_reg_label'],
                  update_freq=2, logger=logging)
mod2.bind(data_shapes=di.provide_data, label_shapes=di.provide_label)
print(mod2.data_shapes, mod2.label_shapes, mod2.output_shapes)
mod2.init_params(arg_params={'fc1_weight': mx.nd.array([[0.3, -0.2]]),
                             'fc1_bias': mx.nd.array([0.05])})
mod2.init_optimizer(kvstore='local', optimizer='sgd',
                    optimizer_params=(('learning_rate', 0.01),))
print('full grads before', full_grads(mod2))
metrics = mx.metric.create('mse')
for e in range(5):
    metrics.reset()
    if e % mod2.update_freq == 0:
        mod2.update_full_grads(di)
        print('full grads', e, full_grads(mod2))
    di.reset()
    for batch in di:
        mod2.forward_backward(data_batch=batch)
        mod2.update()
        mod2.update_metric(metrics, batch.label)
    print('Epoch[%d] Train cost=%f' % (e, metrics.get()[1]), params_of(mod2))

# one step by hand: both modules forward, SVRG's gradient applied by update
di.reset()
batch = next(di)
mod2.forward(batch, is_train=True)
print('outputs', rounded(mod2.get_outputs()[0].reshape((-1,)), 3))
print('aux outputs', rounded(mod2._mod_aux.get_outputs()[0].reshape((-1,)), 3))
mod2.backward()
mod2.update()
print('after update', params_of(mod2))
mod2.forward(batch, is_train=False)  # the auxiliary module does not run
print('eval outputs', rounded(mod2.get_outputs()[0].reshape((-1,)), 3))
# the full gradients add up over calls (MXNet zeroes them in init_optimizer only)
mod2.update_full_grads(di)
print('full grads again', full_grads(mod2))
mod2.init_optimizer(force_init=True)
print('full grads re-init', full_grads(mod2))

# ---------------------------------------------------------------- optimizer instance, adam
print('== optimizers')
mod3 = SVRGModule(symbol=lro, data_names=['data'], label_names=['lin_reg_label'],
                  update_freq=1)
mod3.fit(train_iter(batch_size=8), eval_metric='mae', num_epoch=3,
         optimizer=mx.optimizer.SGD(learning_rate=0.02, momentum=0.9, rescale_grad=1.0 / 8),
         initializer=mx.init.Constant(0.2))
print('sgd momentum', params_of(mod3), type(mod3._optimizer.default_opt).__name__,
      mod3._optimizer.default_opt.momentum)
mod4 = SVRGModule(symbol=lro, data_names=['data'], label_names=['lin_reg_label'],
                  update_freq=3)
mod4.fit(train_iter(batch_size=8), eval_metric=mx.metric.MSE(), num_epoch=4, optimizer='adam',
         optimizer_params={'learning_rate': 0.05, 'wd': 0.001},
         initializer=mx.init.Constant(0.0))
print('adam', params_of(mod4), mod4._optimizer.default_opt.wd)

# ---------------------------------------------------------------- kvstores and contexts
print('== kvstore')
mod5 = SVRGModule(symbol=lro, data_names=['data'], label_names=['lin_reg_label'],
                  update_freq=2)
kv = mx.kv.create('local')
mod5.fit(train_iter(), eval_metric='mse', kvstore=kv, num_epoch=3,
         optimizer_params=(('learning_rate', 0.025),), initializer=mx.init.Constant(0.5))
print('kvstore', params_of(mod5), mod5._kvstore is kv, mod5._update_on_kvstore)
mod6 = SVRGModule(symbol=lro, data_names=['data'], label_names=['lin_reg_label'],
                  update_freq=2, context=[mx.cpu(0), mx.cpu(1)])
mod6.fit(train_iter(), eval_metric='mse', num_epoch=3,
         optimizer_params=(('learning_rate', 0.025),), initializer=mx.init.Constant(0.5))
print('two contexts', params_of(mod6), mod6._kvstore.type)

# ---------------------------------------------------------------- the optimizers alone
print('== svrg optimizer')
print(sorted(_SVRGOptimizer._check_params(learning_rate=0.1, momentum=0.9, wd=0.01,
                                          rescale_grad=0.5, beta1=0.8).items()))
svrg_opt = mx.optimizer.create('_SVRGOptimizer', default_optimizer='sgd', learning_rate=0.1,
                               momentum=0.5, param_idx2name={0: 'w', 1: 'w_full'})
print(type(svrg_opt.default_opt).__name__, svrg_opt.default_opt.momentum, svrg_opt.lr)
w = mx.nd.array([1.0, 2.0])
g = mx.nd.array([0.5, -1.0])
state = svrg_opt.create_state(0, w)
print('state', state.asnumpy().tolist(), svrg_opt.create_state(1, w))
svrg_opt.update(0, w, g, state)
print('sgd step', rounded(w))
svrg_opt.update('w_full', w, g, None)
print('assigned', w.asnumpy().tolist())
updater = mx.optimizer.get_updater(svrg_opt)
updater(0, g, w)
print('through updater', rounded(w))
show_error('unknown index', lambda: svrg_opt.update(5, w, g, None))

# ---------------------------------------------------------------- DataLoaderIter
print('== DataLoaderIter')
dataset = mx.gluon.data.ArrayDataset(data[:10], label[:10])
loader = mx.gluon.data.DataLoader(dataset, batch_size=4, shuffle=False, last_batch='keep')
it = DataLoaderIter(loader, data_name='data', label_name='lin_reg_label')
print(it.provide_data, it.provide_label, it.batch_size, it.dtype)
for epoch in range(2):
    for batch in it:
        keep = it.batch_size - batch.pad
        print(epoch, batch.data[0].shape, batch.label[0].shape, batch.pad, batch.index,
              batch.data[0].dtype, batch.data[0].asnumpy()[:keep].tolist(),
              batch.label[0].asnumpy()[:keep].tolist())
    it.reset()
print(it.iter_next(), it.getpad(), it.getindex(), it.getdata()[0].shape,
      it.getlabel()[0].asnumpy().tolist())
it.next()
last = it.next()
print('last', last.pad, last.data[0].shape, last.data[0].asnumpy()[:2].tolist())
show_error('past the end', it.next)
print(it.iter_next())

half = DataLoaderIter(loader, dtype='float16')
print(half.provide_data, half.provide_label)
batches = list(half)
print([(b.data[0].dtype, b.label[0].dtype, b.pad) for b in batches])
wide = DataLoaderIter(mx.gluon.data.DataLoader(dataset, batch_size=5), dtype='float64')
print([(b.data[0].dtype, b.data[0].shape, b.pad) for b in wide])

# DataLoaderIter feeding Module.fit and SVRGModule.fit
print('== DataLoaderIter fit')
train_loader = mx.gluon.data.DataLoader(
    mx.gluon.data.ArrayDataset(data[:n_train], label[:n_train]), batch_size=8)
val_loader = mx.gluon.data.DataLoader(
    mx.gluon.data.ArrayDataset(data[n_train:], label[n_train:]), batch_size=5)
train_dl = DataLoaderIter(train_loader, label_name='lin_reg_label')
val_dl = DataLoaderIter(val_loader, label_name='lin_reg_label')
module = mx.mod.Module(lro, data_names=['data'], label_names=['lin_reg_label'])
module.fit(train_dl, eval_data=val_dl, eval_metric='mse', num_epoch=3,
           optimizer_params={'learning_rate': 0.02}, initializer=mx.init.Constant(0.3))
print('module', params_of(module))
print('module score', [(n, round(v, 4)) for n, v in module.score(val_dl, 'mse')])
svrg_dl = SVRGModule(lro, data_names=['data'], label_names=['lin_reg_label'], update_freq=1)
svrg_dl.fit(train_dl, eval_data=val_dl, eval_metric='rmse', num_epoch=3,
            optimizer_params={'learning_rate': 0.02}, initializer=mx.init.Constant(0.3))
print('svrg', params_of(svrg_dl))

# ---------------------------------------------------------------- LogMetricsCallback
print('== tensorboard')
cb = tensorboard.LogMetricsCallback('logs/train', prefix='train')  # no mxboard: logs why
print(cb.prefix, hasattr(cb, 'summary_writer'))
acc = mx.metric.create('acc')
cb(mx.model.BatchEndParam(epoch=0, nbatch=0, eval_metric=None, locals=None))
show_error('call without mxboard',
           lambda: cb(mx.model.BatchEndParam(epoch=0, nbatch=0, eval_metric=acc,
                                             locals=None)))

written = []


class SummaryWriter(object):
    """What the callback uses of mxboard's SummaryWriter."""

    def __init__(self, logdir):
        written.append(('logdir', logdir))

    def add_scalar(self, tag, value, global_step=None):
        written.append((tag, round(float(value), 4), global_step))


sys.modules['mxboard'] = types.SimpleNamespace(SummaryWriter=SummaryWriter)
mod7 = SVRGModule(symbol=lro, data_names=['data'], label_names=['lin_reg_label'],
                  update_freq=2)
mod7.fit(train_iter(batch_size=20), eval_data=val_iter, eval_metric='mse', num_epoch=2,
         optimizer_params=(('learning_rate', 0.01),), initializer=mx.init.Constant(0.1),
         batch_end_callback=tensorboard.LogMetricsCallback('logs/train', prefix='train'),
         eval_end_callback=tensorboard.LogMetricsCallback('logs/eval'))
print(written)
del sys.modules['mxboard']

# ---------------------------------------------------------------- errors
print('== errors')
for freq in (0, -2, None, 1.5, '2'):
    show_error('update_freq=%r' % (freq,),
               lambda: SVRGModule(lro, data_names=['data'], label_names=['lin_reg_label'],
                                  update_freq=freq))
print(SVRGModule(lro, data_names=['data'], label_names=['lin_reg_label'],
                 update_freq=True).update_freq)
fresh = SVRGModule(lro, data_names=['data'], label_names=['lin_reg_label'], update_freq=1)
show_error('fit without num_epoch', lambda: fresh.fit(train_iter()), AssertionError)
show_error('update_full_grads unbound', lambda: fresh.update_full_grads(train_iter()))
fresh.bind(data_shapes=[('data', (6, 2))], label_shapes=[('lin_reg_label', (6,))])
show_error('init_optimizer before init_params', lambda: fresh.init_optimizer(),
           AssertionError)
fresh.init_params(initializer=mx.init.Constant(0.1))
show_error('update_full_grads before init_optimizer',
           lambda: fresh.update_full_grads(train_iter()))
show_error('unknown default optimizer',
           lambda: fresh.init_optimizer(optimizer='no_such_optimizer'), ValueError)
predictor = SVRGModule(lro, data_names=['data'], label_names=['lin_reg_label'], update_freq=1)
predictor.bind(data_shapes=[('data', (6, 2))], for_training=False)
print('predict-only aux bound', predictor._mod_aux.binded)
show_error('empty loader', lambda: DataLoaderIter(
    mx.gluon.data.DataLoader(mx.gluon.data.ArrayDataset(np.zeros((0, 2), 'float32'),
                                                        np.zeros((0,), 'float32')),
                             batch_size=4)))
show_error('loader of data only', lambda: DataLoaderIter(
    mx.gluon.data.DataLoader(mx.gluon.data.ArrayDataset(data[:8]), batch_size=4)))
