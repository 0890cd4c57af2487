"""Sequence masking and dot-product attention (D2L 9.7, 10.3): SequenceMask, masked softmax,
batch_dot, Embedding."""
import numpy as np
import mxnet as mx
from mxnet import nd, autograd, init
from mxnet.gluon import nn

mx.random.seed(29)
np.random.seed(29)

X = nd.array([[1, 2, 3], [4, 5, 6]])
print(nd.SequenceMask(X, nd.array([1, 2]), True, value=0, axis=1))
print(nd.SequenceMask(nd.ones((2, 2, 4)), nd.array([1, 2]), use_sequence_length=True, value=-1, axis=1)[0])


def masked_softmax(X, valid_len):
    if valid_len is None:
        return X.softmax()
    shape = X.shape
    if valid_len.ndim == 1:
        valid_len = valid_len.repeat(shape[1], axis=0)
    else:
        valid_len = valid_len.reshape((-1,))
    X = nd.SequenceMask(X.reshape((-1, shape[-1])), valid_len, True, axis=1, value=-1e6)
    return X.softmax().reshape(shape)


print(masked_softmax(nd.array(np.linspace(0, 1, 16).reshape(2, 2, 4)), nd.array([2, 3])).asnumpy().round(5))
print(masked_softmax(nd.array(np.linspace(0, 1, 16).reshape(2, 2, 4)), nd.array([[1, 3], [2, 4]])).asnumpy().round(5))


class DotProductAttention(nn.Block):
    def __init__(self, dropout, **kwargs):
        super(DotProductAttention, self).__init__(**kwargs)
        self.dropout = nn.Dropout(dropout)

    def forward(self, query, key, value, valid_len=None):
        d = query.shape[-1]
        scores = nd.batch_dot(query, key, transpose_b=True) / np.sqrt(d)
        attention_weights = self.dropout(masked_softmax(scores, valid_len))
        return nd.batch_dot(attention_weights, value)


atten = DotProductAttention(dropout=0.5)
atten.initialize()
keys = nd.ones((2, 10, 2))
values = nd.arange(40).reshape((1, 10, 4)).repeat(2, axis=0)
print(atten(nd.ones((2, 1, 2)), keys, values, nd.array([2, 6])))

emb = nn.Embedding(10, 3)
emb.initialize(init.Constant(0.5))
emb.weight.set_data(nd.array(np.arange(30).reshape(10, 3) / 10))
tokens = nd.array([[1, 2, 4], [4, 3, 9]])
print(emb(tokens).shape, emb(tokens)[1, 2])
with autograd.record():
    out = emb(tokens).sum()
out.backward()
print(emb.weight.grad()[:5])
print(nd.softmax(nd.array([[1., 2., 3.], [1., 1., 1.]]), axis=-1, temperature=2.0).asnumpy().round(5))
print(nd.log_softmax(nd.array([1., 2., 3.])).asnumpy().round(5))
print(nd.softmax(nd.array([[1., 2., 3.]]), length=nd.array([2], dtype='int32'), use_length=True).asnumpy().round(5))
print(nd.SequenceLast(nd.arange(12).reshape((3, 2, 2)), nd.array([1, 3]), use_sequence_length=True))
print(nd.SequenceReverse(nd.arange(6).reshape((3, 2)), nd.array([2, 3]), use_sequence_length=True))
x = nd.array([[1., 2., 3.], [0.5, 0.1, -1.]])
x.attach_grad()
with autograd.record():
    y = nd.softmax(x, length=nd.array([2, 3], dtype='int32'), use_length=True, temperature=2.0)
    z = (y * nd.array([[1., 2., 3.], [4., 5., 6.]])).sum()
z.backward()
print(y.asnumpy().round(5), x.grad.asnumpy().round(5))
x3 = nd.arange(12).reshape((2, 3, 2))
print(nd.softmax(x3, length=nd.array([[1, 2], [3, 2]], dtype='int32'), axis=1, use_length=True).asnumpy().round(4))
