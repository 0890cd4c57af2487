"""Module.fit on a small MLP (MXNet's Module tutorial): fit with callbacks and a
validation set, score, predict, iter_predict, and the same training written by hand with
forward / backward / update reaching the same parameters."""
import logging
import re
import sys

import numpy as np
import mxnet as mx


class MaskTimes(logging.Formatter):
    """Logs with the measured speeds and times masked (they differ between runs)."""

    def format(self, record):
        text = super().format(record)
        text = re.sub(r"Speed: [0-9.]+ samples/sec", "Speed: S samples/sec", text)
        return re.sub(r"Time cost=[0-9.]+", "Time cost=T", text)


handler = logging.StreamHandler(sys.stdout)
handler.setFormatter(MaskTimes("%(levelname)s %(message)s"))
logging.getLogger().addHandler(handler)
logging.getLogger().setLevel(logging.INFO)

mx.random.seed(7)
np.random.seed(7)
rs = np.random.RandomState(7)
X = rs.uniform(-1, 1, (60, 6)).astype('float32')
y = ((X[:, 0] + X[:, 1] * X[:, 2]) > 0).astype('float32') + (X[:, 3] > 0.5)
Xv = rs.uniform(-1, 1, (20, 6)).astype('float32')
yv = ((Xv[:, 0] + Xv[:, 1] * Xv[:, 2]) > 0).astype('float32') + (Xv[:, 3] > 0.5)

data = mx.sym.var('data')
fc1 = mx.sym.FullyConnected(data, num_hidden=16, name='fc1')
act1 = mx.sym.Activation(fc1, act_type='relu', name='relu1')
fc2 = mx.sym.FullyConnected(act1, num_hidden=3, name='fc2')
net = mx.sym.SoftmaxOutput(fc2, name='softmax')
print(net.list_arguments())


def initial_params():
    r = np.random.RandomState(11)
    shapes = {'fc1_weight': (16, 6), 'fc1_bias': (16,), 'fc2_weight': (3, 16),
              'fc2_bias': (3,)}
    return {k: mx.nd.array(r.normal(0, 0.5, s)) for k, s in sorted(shapes.items())}


train_iter = mx.io.NDArrayIter(X, y, batch_size=10, shuffle=False)
val_iter = mx.io.NDArrayIter(Xv, yv, batch_size=10)
mod = mx.mod.Module(net, data_names=['data'], label_names=['softmax_label'],
                    context=mx.cpu())
print(mod.data_names, mod.label_names, mod.output_names)
print(mod.binded, mod.params_initialized, mod.optimizer_initialized)
mod.fit(train_iter, eval_data=val_iter, eval_metric='acc', optimizer='sgd',
        optimizer_params={'learning_rate': 0.3, 'momentum': 0.9},
        arg_params=initial_params(), num_epoch=4,
        batch_end_callback=[mx.callback.Speedometer(10, 3),
                            mx.callback.log_train_metric(5)],
        eval_end_callback=mx.callback.LogValidationMetricsCallback())
print(mod.binded, mod.params_initialized, mod.optimizer_initialized)
arg_params, aux_params = mod.get_params()
for name in sorted(arg_params):
    print(name, arg_params[name].shape, arg_params[name].asnumpy().ravel()[:5].round(4))
print(aux_params)

print(mod.score(val_iter, ['acc', 'ce']))
print(mod.score(val_iter, mx.metric.Accuracy(), num_batch=1))
prob = mod.predict(val_iter)
print(type(prob).__name__, prob.shape, prob.asnumpy()[:3].round(4))
outs = mod.predict(val_iter, merge_batches=False)
print(len(outs), [o[0].shape for o in outs])
print(len(mod.predict(val_iter, always_output_list=True)))
print(mod.predict(val_iter, num_batch=1).shape)
for preds, i, batch in mod.iter_predict(val_iter):
    print(i, preds[0].shape, preds[0].asnumpy().argmax(axis=1), batch.label[0].asnumpy())
print(mod.output_shapes)
print(mod.data_shapes, mod.label_shapes)

# A last batch padded by the iterator: predict drops the padding.
pad_iter = mx.io.NDArrayIter(Xv[:15], yv[:15], batch_size=10)
print(mod.predict(pad_iter).shape)

# The same training by hand: forward, backward, update, metric.
hand = mx.mod.Module(net)
hand.bind(data_shapes=train_iter.provide_data, label_shapes=train_iter.provide_label)
hand.init_params(arg_params=initial_params())
hand.init_optimizer(optimizer='sgd', optimizer_params={'learning_rate': 0.3, 'momentum': 0.9})
metric = mx.metric.create('acc')
for epoch in range(4):
    train_iter.reset()
    metric.reset()
    for batch in train_iter:
        hand.forward(batch, is_train=True)
        hand.backward()
        hand.update()
        hand.update_metric(metric, batch.label)
    print('epoch', epoch, metric.get())
hand_params = hand.get_params()[0]
print(all(np.allclose(hand_params[k].asnumpy(), arg_params[k].asnumpy(), atol=1e-5)
          for k in arg_params))

# An optimizer object and another metric; ProgressBar logs a bar per batch.
mod2 = mx.mod.Module(net)
opt = mx.optimizer.Adam(learning_rate=0.05, rescale_grad=0.1)
train_iter.reset()  # fit starts from where the hand-written loop left the iterator
mod2.fit(train_iter, optimizer=opt, arg_params=initial_params(), num_epoch=2,
         eval_metric=mx.metric.CrossEntropy(),
         batch_end_callback=mx.callback.ProgressBar(6, length=12))
print(mod2.score(train_iter, 'acc'))
