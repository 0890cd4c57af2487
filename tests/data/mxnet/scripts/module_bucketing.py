"""BucketingModule (MXNet's example/rnn/bucketing/lstm_bucketing.py, made tiny and
deterministic): an LSTM language model over BucketSentenceIter buckets of two sequence
lengths, fit for 2 epochs with perplexity, checkpointed and loaded back; then a sym_gen with
unnamed operators driven by hand with forward / backward / update per bucket."""
import logging
import random
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

random.seed(3)
np.random.seed(3)
mx.random.seed(3)
rs = np.random.RandomState(3)
vocab_size, num_embed, num_hidden, batch_size = 8, 4, 6, 2
invalid_label = 0
sentences = [list(rs.randint(1, vocab_size, size=n)) for n in rs.choice([3, 4, 5, 6, 7], 20)]
val_sentences = [list(rs.randint(1, vocab_size, size=n)) for n in rs.choice([3, 6], 8)]
data_train = mx.rnn.BucketSentenceIter(sentences, batch_size, buckets=[4, 7],
                                       invalid_label=invalid_label)
data_val = mx.rnn.BucketSentenceIter(val_sentences, batch_size, buckets=[4, 7],
                                     invalid_label=invalid_label)
print(data_train.default_bucket_key, data_train.provide_data, data_train.provide_label)

stack = mx.rnn.SequentialRNNCell()
stack.add(mx.rnn.LSTMCell(num_hidden=num_hidden, prefix='lstm_l0_'))


def sym_gen(seq_len):
    data = mx.sym.Variable('data')
    label = mx.sym.Variable('softmax_label')
    embed = mx.sym.Embedding(data=data, input_dim=vocab_size, output_dim=num_embed,
                             name='embed')
    stack.reset()
    outputs, states = stack.unroll(seq_len, inputs=embed, merge_outputs=True)
    pred = mx.sym.Reshape(outputs, shape=(-1, num_hidden))
    pred = mx.sym.FullyConnected(data=pred, num_hidden=vocab_size, name='pred')
    label = mx.sym.Reshape(label, shape=(-1,))
    pred = mx.sym.SoftmaxOutput(data=pred, label=label, name='softmax')
    return pred, ('data',), ('softmax_label',)


def initial_params(symbol, seed):
    arg_shapes, _, _ = symbol.infer_shape(data=(batch_size, 7), softmax_label=(batch_size, 7))
    r = np.random.RandomState(seed)
    return {n: mx.nd.array(r.uniform(-0.3, 0.3, s))
            for n, s in zip(symbol.list_arguments(), arg_shapes)
            if n not in ('data', 'softmax_label')}


model = mx.mod.BucketingModule(sym_gen=sym_gen,
                               default_bucket_key=data_train.default_bucket_key,
                               context=mx.cpu())
print(model.data_names, model.output_names)
print(model.binded, model.params_initialized, model.optimizer_initialized)
seen_keys = []


def record_bucket(param):
    seen_keys.append(param.locals['data_batch'].bucket_key)


model.fit(train_data=data_train, eval_data=data_val,
          eval_metric=mx.metric.Perplexity(invalid_label), kvstore='local',
          optimizer='sgd', optimizer_params={'learning_rate': 0.2, 'momentum': 0.9,
                                             'wd': 0.00001},
          arg_params=initial_params(sym_gen(7)[0], 5), num_epoch=2,
          batch_end_callback=[mx.callback.Speedometer(batch_size, 4, auto_reset=False),
                              record_bucket])
print(model.binded, model.params_initialized, model.optimizer_initialized)
print('bucket keys seen', seen_keys)
print('current bucket', model.data_shapes, model.label_shapes, model.output_shapes)
arg_params, aux_params = model.get_params()
for name in sorted(arg_params):
    print(name, arg_params[name].shape, round(float(arg_params[name].sum().asscalar()), 4))
print(aux_params)
print(model.symbol.list_arguments()[:3])
score = model.score(data_val, mx.metric.Perplexity(invalid_label))
print('val', [(n, round(v, 4)) for n, v in score])
preds = model.predict(data_val, merge_batches=False)
print(len(preds), [p[0].shape for p in preds])

# checkpoint every bucket, load it back and score the same
model.save_checkpoint('lm', 2)
loaded = mx.mod.BucketingModule.load('lm', 2, sym_gen=sym_gen,
                                     default_bucket_key=data_train.default_bucket_key)
print(loaded.binded, loaded.params_initialized)
loaded.bind(data_val.provide_data, data_val.provide_label, for_training=False)
score2 = loaded.score(data_val, mx.metric.Perplexity(invalid_label))
print('loaded val', [(n, round(v, 4)) for n, v in score2])

# a sym_gen whose operators are unnamed: each bucket names them from a fresh NameManager,
# so they share the default bucket's parameters


def pooled_gen(seq_len):
    data = mx.sym.Variable('data')
    hidden = mx.sym.FullyConnected(mx.sym.sum(data, axis=1), num_hidden=5)
    hidden = mx.sym.Activation(hidden, act_type='tanh')
    out = mx.sym.FullyConnected(hidden, num_hidden=3)
    return mx.sym.SoftmaxOutput(out, name='softmax'), ['data'], ['softmax_label']


print(pooled_gen(2)[0].list_arguments())
mod = mx.mod.BucketingModule(pooled_gen, default_bucket_key=5)
mod.bind(data_shapes=[('data', (4, 5, 2))], label_shapes=[('softmax_label', (4,))])
mod.init_params(initializer=mx.init.Constant(0.1))
args = {n: mx.nd.array(np.random.RandomState(1).uniform(-1, 1, a.shape))
        for n, a in sorted(mod.get_params()[0].items())}
mod.set_params(args, {})
mod.init_optimizer(optimizer='adam', optimizer_params={'learning_rate': 0.05})
metric = mx.metric.Accuracy()
for step, key in enumerate([5, 2, 3, 2, 5, 3]):
    x = rs.uniform(-1, 1, (4, key, 2)).astype('float32')
    y = (x.sum(axis=(1, 2)) > 0).astype('float32') + (x[:, 0, 0] > 0.5)
    batch = mx.io.DataBatch([mx.nd.array(x)], [mx.nd.array(y)], bucket_key=key,
                            provide_data=[mx.io.DataDesc('data', x.shape)],
                            provide_label=[mx.io.DataDesc('softmax_label', y.shape)])
    mod.forward(batch, is_train=True)
    mod.backward()
    mod.update()
    mod.update_metric(metric, batch.label)
    print(step, key, mod.data_shapes[0].shape, mod.get_outputs()[0].shape,
          mod.get_outputs()[0].asnumpy()[0].round(4))
print(metric.get())
print(sorted(mod._buckets))
params = mod.get_params()[0]
for name in sorted(params):
    print(name, params[name].asnumpy().ravel()[:4].round(4))

try:
    mx.mod.BucketingModule(pooled_gen)
except AssertionError:
    print('AssertionError without default_bucket_key')
try:
    mod.bind(data_shapes=[('data', (4, 5, 2))], shared_module=mod, force_rebind=True)
except AssertionError as e:
    print('AssertionError', e)
fresh = mx.mod.BucketingModule(pooled_gen, default_bucket_key=5)
try:
    fresh.switch_bucket(2, [('data', (4, 2, 2))])
except AssertionError as e:
    print('AssertionError', e)
try:
    fresh.save_checkpoint('empty', 0)
except AssertionError as e:
    print('AssertionError', e)
