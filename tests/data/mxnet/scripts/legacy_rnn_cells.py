"""Legacy symbolic RNN cells (mx.rnn), as MXNet 1.9.1's tests/python/unittest/test_rnn.py
builds them: names of arguments and outputs, shapes, values, bucketing iterator."""
import random

import mxnet as mx
import numpy as np


def values(sym, **shapes):
    rng = np.random.RandomState(0)
    args = {}
    arg_shapes, _, _ = sym.infer_shape(**shapes)
    for name, shape in zip(sym.list_arguments(), arg_shapes):
        args[name] = mx.nd.array(rng.uniform(-0.5, 0.5, size=shape))
    return [np.round(o.asnumpy(), 4) for o in sym.eval(**args)]


cell = mx.rnn.RNNCell(4, prefix="rnn_")
inputs = [mx.sym.Variable("rnn_t%d_data" % i) for i in range(3)]
outputs, states = cell.unroll(3, inputs)
outputs = mx.sym.Group(outputs)
print(sorted(cell.params._params.keys()))
print(outputs.list_outputs())
print(outputs.list_arguments())
_, outs, _ = outputs.infer_shape(rnn_t0_data=(2, 5), rnn_t1_data=(2, 5), rnn_t2_data=(2, 5))
print(outs)
print(values(outputs, rnn_t0_data=(2, 5), rnn_t1_data=(2, 5), rnn_t2_data=(2, 5))[2])

cell = mx.rnn.LSTMCell(3, prefix="lstm_", forget_bias=1.0)
outputs, states = cell.unroll(2, mx.sym.Variable("data"), layout="NTC", merge_outputs=True)
print(outputs.list_arguments())
print(outputs.infer_shape(data=(2, 2, 4))[1], [s.name for s in states])
print(values(outputs, data=(2, 2, 4))[0])
print(cell.state_info, [s.name for s in cell.begin_state()])

cell = mx.rnn.GRUCell(3, prefix="gru_")
outputs, _ = cell.unroll(2, mx.sym.Variable("data"), layout="TNC", merge_outputs=False)
grouped = mx.sym.Group(outputs)
print(grouped.list_outputs(), grouped.list_arguments())
print(values(grouped, data=(2, 2, 4))[1])

stack = mx.rnn.SequentialRNNCell()
for i in range(2):
    stack.add(mx.rnn.LSTMCell(3, prefix="stack%d_" % i))
    if i == 0:
        stack.add(mx.rnn.DropoutCell(0.0, prefix="drop_"))
stack.add(mx.rnn.ResidualCell(mx.rnn.GRUCell(3, prefix="res_")))
outputs, states = stack.unroll(3, mx.sym.Variable("data"), merge_outputs=True)
print(outputs.list_arguments())
print(len(states), outputs.infer_shape(data=(2, 3, 4))[1])
print(values(outputs, data=(2, 3, 4))[0][1])

bi = mx.rnn.BidirectionalCell(mx.rnn.LSTMCell(2, prefix="l_"), mx.rnn.GRUCell(2, prefix="r_"),
                              output_prefix="bi_")
outputs, states = bi.unroll(3, mx.sym.Variable("data"), merge_outputs=True)
print(outputs.list_arguments(), outputs.list_outputs())
print(outputs.infer_shape(data=(2, 3, 4))[1], len(states))
print(values(outputs, data=(2, 3, 4))[0][0])
outputs, states = bi.unroll(2, [mx.sym.Variable("x0"), mx.sym.Variable("x1")], merge_outputs=False)
print(mx.sym.Group(outputs).list_outputs())

params = mx.rnn.RNNParams("shared_")
c1 = mx.rnn.RNNCell(2, prefix="a_", params=params)
w = params.get("w", shape=(2, 2))
print(w.name, sorted(params._params))

sentences = [["a", "b", "c"], ["b", "c"], ["a", "d", "e", "f"], ["c"], ["a", "b"], ["f", "e"]]
coded, vocab = mx.rnn.encode_sentences(sentences, invalid_label=0, start_label=1)
print(coded, sorted(vocab.items()))
coded2, _ = mx.rnn.encode_sentences([["a", "z"]], vocab=vocab, unknown_token="z") if False else (None, None)
random.seed(1)
np.random.seed(1)
it = mx.rnn.BucketSentenceIter(coded, batch_size=2, buckets=[2, 4], invalid_label=0)
print(it.default_bucket_key, it.provide_data, it.provide_label)
for batch in it:
    print(batch.bucket_key, batch.data[0].asnumpy().tolist(), batch.label[0].asnumpy().tolist())
try:
    mx.rnn.encode_sentences([["q"]], vocab={"a": 1})
except AssertionError as e:
    print("AssertionError", e)
