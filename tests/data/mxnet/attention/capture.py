"""Run under MXNet 1.9.1 (the oracle): a small attention block (Embedding, Dense, split,
batch_dot, softmax with use_length=True, Dropout, LayerNorm, GELU, SequenceMask, mean)
built, hybridized and exported by MXNet, with its inputs, output and the gradients of
sum(output * weights) (recorded in predict mode: Dropout is the identity) with respect to
every parameter; and a block of MXNet's interleaved multi-head attention products with
`contrib.arange_like` position embeddings ("interleaved"), for
tests/gluon/test_mxnet_attention_export.py.

    /tmp/mxnet-oracle/bin/python tests/data/mxnet/attention/capture.py
"""
import os
import sys

import mxnet as mx
import numpy as np
from mxnet import gluon
from mxnet.gluon import nn

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
from oracle_capture import record_and_export  # noqa: E402


class Attention(gluon.HybridBlock):
    def __init__(self, **kw):
        super().__init__(**kw)
        with self.name_scope():
            self.emb = nn.Embedding(20, 8)
            self.qkv = nn.Dense(24, flatten=False)
            self.ln = nn.LayerNorm()
            self.ffn = nn.Dense(8, flatten=False)
            self.act = nn.GELU()
            self.drop = nn.Dropout(0.1)

    def hybrid_forward(self, F, tokens, valid_len):
        x = self.emb(tokens)
        q, k, v = F.split(self.qkv(x), num_outputs=3, axis=-1)
        score = F.batch_dot(q, k, transpose_b=True) / np.sqrt(8)
        lengths = F.repeat(F.expand_dims(valid_len, axis=1), repeats=5, axis=1)
        att = F.softmax(score, length=lengths.astype("int32"), use_length=True, axis=-1)
        h = self.ln(x + self.drop(F.batch_dot(att, v)))
        h = self.act(self.ffn(h))
        h = F.SequenceMask(h, sequence_length=valid_len, use_sequence_length=True, axis=1)
        return F.mean(h, axis=1)


class Interleaved(gluon.HybridBlock):
    def __init__(self, **kw):
        super().__init__(**kw)
        with self.name_scope():
            self.proj = nn.Dense(3 * 8, flatten=False)  # 2 heads of 4 features
            self.kv = nn.Dense(2 * 8, flatten=False)
            self.pos = nn.Embedding(10, 8)

    def hybrid_forward(self, F, x):
        pos = self.pos(F.contrib.arange_like(x, axis=0))
        x = F.broadcast_add(x, F.expand_dims(pos, axis=1))
        qkv = self.proj(x)
        att = F.softmax(F.contrib.interleaved_matmul_selfatt_qk(qkv, heads=2), axis=-1)
        h = F.contrib.interleaved_matmul_selfatt_valatt(qkv, att, heads=2)
        kv = self.kv(x)
        att2 = F.softmax(F.contrib.interleaved_matmul_encdec_qk(h, kv, heads=2), axis=-1)
        out = F.contrib.interleaved_matmul_encdec_valatt(kv, att2, heads=2)
        return F.contrib.div_sqrt_dim(out) + F.contrib.arange_like(out, start=1, step=0.5,
                                                                   repeat=2) * 0.01


if __name__ == "__main__":
    mx.random.seed(5)
    rng = np.random.RandomState(0)
    net = Attention(prefix="attention0_")
    net.initialize(mx.init.Uniform(0.3))
    net.hybridize()
    tokens = mx.nd.array(rng.randint(0, 20, (2, 5)))
    valid = mx.nd.array([3, 5])
    y, grads = record_and_export(net, [tokens, valid], os.path.join(HERE, "attention"), rng,
                                 train_mode=False, saved={"tokens": tokens.asnumpy(),
                                                          "valid": valid.asnumpy()})
    print(y.shape, sorted(grads))

    net = Interleaved(prefix="interleaved0_")
    net.initialize(mx.init.Uniform(0.3))
    net.hybridize()
    x = mx.nd.array(rng.randn(5, 2, 8).astype(np.float32))
    y, grads = record_and_export(net, [x], os.path.join(HERE, "interleaved"), rng,
                                 saved={"x": x.asnumpy()})
    print(y.shape, sorted(grads))
