"""Capture values of mx.np / mx.npx expressions from Apache MXNet 1.9.1 (run under the oracle
venv: /tmp/mxnet-oracle/bin/python capture_np_forward.py > np_forward_golden.json)."""
import json
import numpy as np
import mxnet as mx

EXPRS = [
 "mx.np.argmax(x, axis=1)", "mx.np.argmin(x)", "mx.np.cumsum(x, axis=0)", "mx.np.prod(x, axis=1)",
 "mx.np.max(x)", "mx.np.amin(x, axis=0)", "mx.np.var(x, axis=1)", "mx.np.std(x)", "mx.np.sort(x)",
 "mx.np.argsort(x, axis=0)", "mx.np.matmul(x, x.T)", "mx.np.matmul(x.reshape(3, 1, 4), x.T)",
 "mx.np.tensordot(x, x, axes=([1], [1]))", "mx.np.outer(x[0], x[1])", "mx.np.trace(x)", "mx.np.diag(x)",
 "mx.np.where(x > 0, x, 0.5)", "mx.np.clip(x, -0.1, 0.1)", "mx.np.maximum(x, 0.2)", "mx.np.minimum(0.1, x)",
 "mx.np.hypot(x, 0.5)", "mx.np.mod(x, 0.3)", "mx.np.remainder(0.5, x + 2)", "mx.np.concatenate([x, x], axis=None)",
 "mx.np.stack([x, x], axis=-1)", "mx.np.split(x, 2, axis=1)[0]", "mx.np.expand_dims(x, -1)",
 "mx.np.squeeze(x.reshape(1, 3, 4))", "mx.np.broadcast_to(x[0], (2, 4))", "mx.np.tile(x, 2)", "mx.np.repeat(x, 2)",
 "mx.np.flip(x)", "mx.np.flip(x, 0)", "mx.np.swapaxes(x, 0, 1)", "mx.np.ravel(x)", "mx.np.take(x, mx.np.array([0, 5], dtype='int32'))",
 "mx.np.linalg.norm(x)", "mx.np.linalg.norm(x, axis=1)", "mx.np.linalg.norm(x, ord=1, axis=0)",
 "mx.np.tan(x)", "mx.np.arcsinh(x)", "mx.np.cbrt(x)", "mx.np.reciprocal(x + 2)", "mx.np.rint(x * 3)",
 "mx.np.fix(x * 3)", "mx.np.absolute(x)", "x[x > 0]", "x[mx.np.array([2, 0], dtype='int64'), 1:]",
 "x[1, 2]", "x.max(axis=0)", "x.argmax()", "mx.npx.topk(x, k=2, ret_typ='value')",
 "mx.npx.pick(x, mx.np.array([0, 1, 2]), axis=1)", "mx.npx.one_hot(mx.np.array([1, 0]), 3)",
 "mx.npx.batch_dot(x.reshape(1, 3, 4), x.reshape(1, 4, 3))", "mx.npx.layer_norm(x, mx.np.ones(4), mx.np.zeros(4))",
 "mx.npx.leaky_relu(x, act_type='elu', slope=0.5)", "mx.npx.pooling(x.reshape(1, 1, 3, 4), kernel=(2, 2), pool_type='avg')",
 "mx.npx.convolution(x.reshape(1, 1, 3, 4), mx.np.ones((2, 1, 2, 2)), kernel=(2, 2), num_filter=2, no_bias=True)",
 "mx.npx.embedding(mx.np.array([1, 0]), x, input_dim=3, output_dim=4)",
]

mx.npx.set_np()
x = mx.np.array(np.random.RandomState(5).uniform(-1, 1, (3, 4)), dtype="float32")
out = {"captured_with": "mxnet " + mx.__version__,
       "x": "mx.np.array(np.random.RandomState(5).uniform(-1, 1, (3, 4)), dtype='float32')",
       "cases": {}}
for e in EXPRS:
    r = eval(e).asnumpy()
    out["cases"][e] = {"shape": list(r.shape), "dtype": str(r.dtype), "data": r.ravel().tolist()}
print(json.dumps(out, indent=0))
