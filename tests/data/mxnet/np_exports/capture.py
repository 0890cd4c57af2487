"""Run under MXNet 1.9.1 (the oracle): a Gluon block in MXNet's numpy mode
(`npx.set_np()`), hybridized and exported by MXNet: its JSON holds `_npi_*` / `_np_*` /
`_npx_*` operators with their np-mode attribute names (`_npi_concatenate`'s `axis`,
`_np_reshape`'s `newshape`, ...). Its input, output and the gradients of
sum(output * weights) with respect to every parameter; and small parameter-free np-mode
blocks (`ops-<name>`: split, matmul/swapaxes, where/clip, activations, take/full_like,
npx.reshape codes/norm, batch_dot and integer indexing, which MXNet writes as slice and
`_npx_reshape`; where with scalars, std/var, v/h/column_stack and moveaxis, isnan/any/all
and mixed dtypes, diag/trace/roll, tensordot) with their input and output, for tests/gluon/test_mxnet_np_exports.py.

    /tmp/mxnet-oracle/bin/python tests/data/mxnet/np_exports/capture.py
"""
import os
import sys

import mxnet as mx
import numpy as onp
from mxnet import gluon, np, npx
from mxnet.gluon import nn

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
from oracle_capture import record_and_export  # noqa: E402


class Net(gluon.HybridBlock):
    def __init__(self, **kw):
        super().__init__(**kw)
        with self.name_scope():
            self.conv = nn.Conv2D(4, 3, padding=1)
            self.bn = nn.BatchNorm()
            self.fc = nn.Dense(5)
            self.ln = nn.LayerNorm()

    def hybrid_forward(self, F, x):
        h = F.npx.relu(self.bn(self.conv(x)))
        h = F.np.concatenate([h, F.np.flip(h, axis=3)], axis=1)
        h = F.npx.pooling(h, kernel=(2, 2), stride=(2, 2), pool_type="max")
        h = F.np.reshape(h, (-1, 8 * 2 * 2))
        h = self.ln(self.fc(h))
        h = F.np.tanh(h) * 2 + F.np.mean(h, axis=1, keepdims=True) + F.np.max(h, axis=1,
                                                                                keepdims=True)
        return F.npx.softmax(F.np.expand_dims(h, 1), axis=-1).squeeze(1)


OPS = {
    "split": lambda F, x: sum(F.np.split(x, 2, axis=1)) + F.np.stack(
        F.np.split(x, [1, 3], axis=1)[1:2], axis=0)[0][:, :2].sum(),
    "transpose": lambda F, x: F.np.matmul(F.np.transpose(x, (1, 0)), x) + F.np.swapaxes(
        F.np.expand_dims(x, 0), 0, 1).sum(),
    "where": lambda F, x: F.np.where(x > 0, F.np.sqrt(F.np.abs(x)), F.np.exp(x)) + F.np.clip(
        x, -0.5, 0.5) + F.np.maximum(x, 0.1),
    "act": lambda F, x: F.npx.sigmoid(x) + F.npx.activation(x, act_type="softrelu")
    + F.npx.leaky_relu(x, act_type="elu", slope=0.3),
    "take": lambda F, x: F.np.take(x, F.npx.arange_like(x, axis=0).astype("int32"), axis=0)
    * F.np.ones_like(x),
    "reshape": lambda F, x: F.npx.reshape(x, (-2, -1)) + F.np.log(F.np.abs(x) + 1)
    - F.np.linalg.norm(x) + F.npx.reshape(F.np.expand_dims(x, 0), (-3, -6, 2, -1, -2))
    .reshape(4, 4),
    "bdot": lambda F, x: F.npx.batch_dot(F.np.expand_dims(x, 0), F.np.expand_dims(x, 0),
                                         transpose_b=True)[0] + x[1] + x[:, 2:3],
    "where_s": lambda F, x: F.np.where(x > 0, x, 0.5) + F.np.where(x > 0.3, 2.0, x)
    + F.np.where(x < 0, 1.0, -1.0),
    "stats": lambda F, x: F.np.std(x, axis=1, keepdims=True) + F.np.var(x, axis=0)
    + F.np.var(x, ddof=1),
    "stack": lambda F, x: F.np.vstack([x, x]).sum(0) + F.np.hstack([x, x])[:, :4]
    + F.np.moveaxis(F.np.expand_dims(x, 2), 2, 0)[0] + F.np.column_stack([x[0], x[1]]).sum(),
    "logic": lambda F, x: F.np.isnan(x).astype("float32") + F.np.isinf(x) + F.np.isfinite(x)
    + F.np.any(x > 1, axis=1, keepdims=True) + F.np.all(x > -5),
    "diag": lambda F, x: F.np.diag(F.np.diag(x)) + F.np.trace(x) + F.np.roll(x, 1, axis=0)
    + F.np.roll(x, -2),
    "tdot": lambda F, x: F.np.tensordot(x, x, axes=1) + F.np.tensordot(x, x, axes=([1], [0])),
}


def capture_ops(rng):
    for name, fn in OPS.items():
        class Block(gluon.HybridBlock):
            def hybrid_forward(self, F, x, fn=fn):
                return fn(F, x)
        net = Block(prefix="ops_")
        net.initialize()
        net.hybridize()
        x = np.array(rng.randn(4, 4).astype("float32"))
        y = net(x)
        net.export(os.path.join(HERE, "ops-" + name))
        os.remove(os.path.join(HERE, "ops-%s-0000.params" % name))
        onp.savez(os.path.join(HERE, "ops-%s-values.npz" % name), x=x.asnumpy(),
                  y=y.asnumpy())
        print(name, y.shape)


if __name__ == "__main__":
    npx.set_np()
    mx.random.seed(11)
    rng = onp.random.RandomState(0)
    net = Net(prefix="npnet0_")
    net.initialize(mx.init.Uniform(0.3))
    net.hybridize()
    x = np.array(rng.randn(2, 3, 4, 4).astype("float32"))
    y, grads = record_and_export(net, [x], os.path.join(HERE, "npnet"), rng,
                                 saved={"x": x.asnumpy()})
    print(y.shape, sorted(grads))
    capture_ops(rng)
