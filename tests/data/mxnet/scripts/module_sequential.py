"""SequentialModule (MXNet's example/module/sequential_module.py): two Modules chained with
take_labels / auto_wiring, fit with a metric; then a Module followed by a PythonLossModule
computing the softmax cross-entropy gradient in Python, trained by hand."""
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

np.random.seed(11)
mx.random.seed(11)
rs = np.random.RandomState(11)
X = rs.uniform(-1, 1, (40, 5)).astype('float32')
y = ((X[:, 0] * X[:, 1] + X[:, 2]) > 0).astype('float32') + (X[:, 4] > 0.6)
train_iter = mx.io.NDArrayIter(X, y, batch_size=8, shuffle=False)
val_iter = mx.io.NDArrayIter(X[:16], y[:16], batch_size=8)

# the network of MXNet's example, in two modules
data = mx.sym.Variable('data')
fc1 = mx.sym.FullyConnected(data, name='fc1', num_hidden=12)
net1 = mx.sym.Activation(fc1, name='relu1', act_type='relu')
data2 = mx.sym.Variable('data')
fc2 = mx.sym.FullyConnected(data2, name='fc2', num_hidden=3)
net2 = mx.sym.SoftmaxOutput(fc2, name='softmax')

mod1 = mx.mod.Module(net1, label_names=None)
mod2 = mx.mod.Module(net2, label_names=['softmax_label'])
seq = mx.mod.SequentialModule()
print(seq.add(mod1) is seq)
seq.add(mod2, take_labels=True, auto_wiring=True)
print(seq.data_names, seq.output_names)
print(seq.binded, seq.params_initialized, seq.optimizer_initialized)


def initial_params(seed):
    r = np.random.RandomState(seed)
    shapes = {'fc1_weight': (12, 5), 'fc1_bias': (12,), 'fc2_weight': (3, 12),
              'fc2_bias': (3,)}
    return {k: mx.nd.array(r.normal(0, 0.4, s)) for k, s in sorted(shapes.items())}


seq.fit(train_iter, eval_data=val_iter, eval_metric=['acc', 'ce'], optimizer='sgd',
        optimizer_params={'learning_rate': 0.2, 'momentum': 0.9},
        arg_params=initial_params(2), num_epoch=2,
        batch_end_callback=mx.callback.Speedometer(8, 2))
print(seq.binded, seq.params_initialized, seq.optimizer_initialized)
print(seq.data_shapes, seq.label_shapes, seq.output_shapes)
print(mod1.output_shapes, mod2.data_shapes, mod2.inputs_need_grad, mod1.inputs_need_grad)
arg_params, aux_params = seq.get_params()
for name in sorted(arg_params):
    print(name, arg_params[name].shape, round(float(arg_params[name].sum().asscalar()), 4))
print(seq.score(val_iter, 'acc'))
prob = seq.predict(val_iter)
print(prob.shape, prob.asnumpy()[:2].round(4))

# the same chain trained by hand matches a single Module over the composed symbol
single = mx.mod.Module(mx.sym.SoftmaxOutput(mx.sym.FullyConnected(
    mx.sym.Activation(mx.sym.FullyConnected(data, name='fc1', num_hidden=12),
                      act_type='relu'), name='fc2', num_hidden=3), name='softmax'))
single.bind(train_iter.provide_data, train_iter.provide_label)
single.init_params(arg_params=initial_params(4))
single.init_optimizer(optimizer_params={'learning_rate': 0.1})
chain = mx.mod.SequentialModule()
chain.add(mx.mod.Module(net1, label_names=None))
chain.add(mx.mod.Module(net2), take_labels=True, auto_wiring=True)
chain.bind(train_iter.provide_data, train_iter.provide_label)
chain.init_params(arg_params=initial_params(4))
chain.init_optimizer(optimizer_params={'learning_rate': 0.1})
train_iter.reset()
for batch in train_iter:
    for m in (single, chain):
        m.forward(batch, is_train=True)
        m.backward()
        m.update()
a, b = single.get_params()[0], chain.get_params()[0]
print(all(np.allclose(a[k].asnumpy(), b[k].asnumpy(), atol=1e-5) for k in a))

# a PythonLossModule as the loss of the chain


def softmax_ce_grad(scores, labels):
    """d(cross-entropy of softmax(scores))/d(scores), averaged over the batch."""
    s = scores.asnumpy()
    p = np.exp(s - s.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    p[np.arange(len(p)), labels.asnumpy().astype(int)] -= 1
    return p


scores = mx.sym.FullyConnected(mx.sym.Activation(mx.sym.FullyConnected(
    data, name='fc1', num_hidden=12), act_type='relu'), name='fc2', num_hidden=3)
loss = mx.mod.PythonLossModule(grad_func=softmax_ce_grad)
print(loss.data_names, loss.output_names, loss.binded)
pyseq = mx.mod.SequentialModule()
pyseq.add(mx.mod.Module(scores, label_names=None))
pyseq.add(loss, take_labels=True, auto_wiring=True)
pyseq.bind(train_iter.provide_data, train_iter.provide_label)
print(loss.data_shapes, loss.label_shapes, loss.output_shapes, loss.binded)
pyseq.init_params(arg_params=initial_params(6))
pyseq.init_optimizer(optimizer='sgd', optimizer_params={'learning_rate': 0.5,
                                                        'rescale_grad': 1.0 / 8})
metric = mx.metric.Accuracy()
for epoch in range(3):
    train_iter.reset()
    metric.reset()
    for batch in train_iter:
        pyseq.forward(batch, is_train=True)
        pyseq.backward()
        pyseq.update()
        pyseq.update_metric(metric, batch.label)
    print('epoch', epoch, metric.get())
print(loss.get_input_grads()[0].shape, loss.get_outputs()[0].asnumpy()[0].round(4))
params = pyseq.get_params()[0]
for name in sorted(params):
    print(name, params[name].asnumpy().ravel()[:3].round(4))

try:
    mx.mod.SequentialModule().add(mod1, take_label=True)
except AssertionError as e:
    print('AssertionError', e)
try:
    mx.mod.SequentialModule().bind(train_iter.provide_data)
except AssertionError as e:
    print('AssertionError', e)
dup = mx.mod.SequentialModule()
dup.add(mx.mod.Module(net1, label_names=None))
dup.add(mx.mod.Module(mx.sym.Activation(mx.sym.FullyConnected(data, name='fc1',
                                                              num_hidden=12),
                                        act_type='relu'), label_names=None),
        auto_wiring=True)
dup.bind([('data', (8, 12))], for_training=False)
try:
    dup.init_params()
except AssertionError as e:
    print('AssertionError', str(e).split(' (<class')[0])
try:
    mx.mod.PythonLossModule(data_names=('a', 'b'))
except AssertionError:
    print('AssertionError two data names')
try:
    loss.backward(out_grads=[mx.nd.ones((8, 3))])
except AssertionError as e:
    print('AssertionError', e)
