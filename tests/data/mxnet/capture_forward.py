"""Capture forward values of more mx.nd expressions from Apache MXNet 1.9.1 (run under the
oracle venv: /tmp/mxnet-oracle/bin/python capture_forward.py > forward_golden.json)."""
import json
import numpy as np
import mxnet as mx

EXPRS = [
 "mx.nd.topk(x, k=2)", "mx.nd.topk(x, k=2, ret_typ='value', axis=0)", "mx.nd.topk(x, k=1, ret_typ='mask')",
 "mx.nd.argsort(x)", "mx.nd.sort(x, is_ascend=False)", "mx.nd.one_hot(mx.nd.array([1, 0, 3]), 4)",
 "mx.nd.norm(x, ord=1)", "mx.nd.norm(x, axis=(0, 1))", "mx.nd.cumsum(x, axis=0)", "x.clip(-0.2, 0.3)",
 "x.flip(axis=1)", "mx.nd.flip(x, axis=(0, 1))", "mx.nd.argmax(x)", "mx.nd.argmin(x, axis=0, keepdims=True)",
 "mx.nd.max(x, axis=1, keepdims=True)", "mx.nd.prod(x, exclude=True, axis=0)", "mx.nd.squeeze(x.reshape((1, 3, 1, 4)))",
 "mx.nd.stack(x, x, axis=1)", "mx.nd.tile(x, reps=(2,))", "mx.nd.repeat(x, repeats=2, axis=0)",
 "mx.nd.slice_axis(x, axis=0, begin=-2, end=None)", "mx.nd.take(x, mx.nd.array([[0, 2]]), axis=1)",
 "mx.nd.pick(x, mx.nd.array([0, 1, 2]), axis=1, keepdims=True)", "mx.nd.Embedding(mx.nd.array([2, 0]), x, input_dim=3, output_dim=4)",
 "mx.nd.softmax(x, axis=0, temperature=0.5)", "mx.nd.log_softmax(x)", "mx.nd.LeakyReLU(x, act_type='elu', slope=0.3)",
 "mx.nd.LeakyReLU(x, act_type='gelu')", "mx.nd.LayerNorm(x, mx.nd.ones(4), mx.nd.zeros(4), eps=0.1)",
 "mx.nd.batch_dot(x.reshape((1, 3, 4)), x.reshape((1, 3, 4)), transpose_b=True)", "mx.nd.hard_sigmoid(x, alpha=0.3, beta=0.4)",
 "mx.nd.smooth_l1(x, scalar=2.0)", "mx.nd.erfinv(x * 0.5)", "mx.nd.gamma(x + 2)", "mx.nd.gammaln(x + 2)",
 "mx.nd.rcbrt(x + 2)", "mx.nd.reciprocal(x + 2)", "mx.nd.degrees(x)", "x % 0.3", "0.7 % (x + 2)",
 "mx.nd.maximum(x, mx.nd.array([0.1, 0.2, -0.3, 0.0]))", "mx.nd.broadcast_hypot(x, mx.nd.array([[0.5], [1], [2]]))",
 "mx.nd.where(x > 0, x, mx.nd.zeros_like(x))", "mx.nd.swapaxes(x, 0, 1)", "mx.nd.diag(x)", "mx.nd.diag(x, k=1)",
 "mx.nd.diag(mx.nd.array([1, 2, 3]), k=-1)", "mx.nd.Flatten(x.reshape((3, 2, 2)))", "mx.nd.sum(x, axis=0, exclude=True)",
 "x[mx.nd.array([2, 0])]", "x[[0, 1], [1, 3]]", "x[1, 1:3]", "x[:, 2]", "x[2]", "mx.nd.UpSampling(x.reshape((1, 1, 3, 4)), scale=2, sample_type='nearest')",
 "mx.nd.Pooling(x.reshape((1, 1, 3, 4)), kernel=(2, 2), pool_type='max', stride=(1, 1))",
 "mx.nd.Pooling(x.reshape((1, 1, 3, 4)), kernel=(2, 2), pool_type='avg', pad=(1, 1), count_include_pad=False)",
 "mx.nd.Pooling(x.reshape((1, 1, 3, 4)), global_pool=True, pool_type='max', kernel=(1, 1))",
 "mx.nd.Activation(x, act_type='softrelu')", "mx.nd.softsign(x)", "mx.nd.arccosh(x + 2)", "mx.nd.rint(x * 3)",
 "mx.nd.fix(x * 3)", "mx.nd.round(x * 3 + 0.5)", "mx.nd.trunc(x * 3)",
 "mx.nd.L2Normalization(x)", "mx.nd.L2Normalization(x.reshape((1, 3, 2, 2)), mode='channel')",
 "mx.nd.L2Normalization(x.reshape((1, 3, 2, 2)), mode='spatial', eps=0.1)",
 "mx.nd.InstanceNorm(x.reshape((1, 3, 2, 2)), mx.nd.array([1, 2, 3]), mx.nd.array([0, 1, 0]))",
 "mx.nd.softmax_cross_entropy(x, mx.nd.array([0, 3, 1]))", "mx.nd.SoftmaxOutput(x, mx.nd.array([0, 3, 1]))",
 "mx.nd.LogisticRegressionOutput(x, mx.nd.zeros((3, 4)))",
 "mx.nd.pad(x.reshape((1, 1, 3, 4)), mode='constant', pad_width=(0, 0, 0, 0, 1, 2, 2, 1), constant_value=5)",
 "mx.nd.gather_nd(x, mx.nd.array([[0, 2, 1], [3, 0, 0]]))", "mx.nd.gather_nd(x, mx.nd.array([[2, 0]]))",
 "mx.nd.shape_array(x)", "mx.nd.size_array(x)", "mx.nd.moments(x, axes=(1,))[1]",
 "mx.nd.moments(x, axes=(0,), keepdims=True)[0]",
 "mx.nd.SequenceMask(x.reshape((3, 2, 2)), mx.nd.array([1, 3]), use_sequence_length=True, value=-1)",
 "mx.nd.SequenceMask(x.reshape((2, 3, 2)), mx.nd.array([1, 3]), use_sequence_length=True, axis=1)",
 "mx.nd.SequenceLast(x.reshape((3, 2, 2)), mx.nd.array([1, 3]), use_sequence_length=True)",
 "mx.nd.SequenceLast(x.reshape((2, 3, 2)), mx.nd.array([2, 1]), use_sequence_length=True, axis=1)",
 "mx.nd.SequenceLast(x)", "mx.nd.SequenceReverse(x.reshape((3, 2, 2)), mx.nd.array([2, 3]), use_sequence_length=True)",
 "mx.nd.SequenceReverse(x)", "mx.nd.softmin(x, axis=0)", "mx.nd.depth_to_space(x.reshape((1, 4, 3, 1)), 2)",
 "mx.nd.space_to_depth(x.reshape((1, 1, 2, 6)), 2)", "mx.nd.moveaxis(x.reshape((3, 2, 2)), 0, 2)",
 "mx.nd.linalg_gemm2(x, x, transpose_b=True, alpha=2.0)",
 "mx.nd.linalg_gemm2(x.reshape((2, 3, 2)), x.reshape((2, 3, 2)), transpose_a=True)",
 "mx.nd.argmax_channel(x)", "mx.nd.logical_and(x > 0, x < 0.5)", "mx.nd.logical_not(x > 0)",
 "mx.nd.eye(3, 4, 1)", "mx.nd.linspace(0, 1, 5)", "mx.nd.modulo(x, 0.3)", "mx.nd.max_axis(x, axis=1)",
]

x = mx.nd.array(np.random.RandomState(5).uniform(-1, 1, (3, 4)))
out = {"captured_with": "mxnet " + mx.__version__,
       "x": "mx.nd.array(np.random.RandomState(5).uniform(-1, 1, (3, 4)))", "cases": {}}
for e in EXPRS:
    r = eval(e)
    out["cases"][e] = {"shape": list(r.shape), "dtype": str(r.asnumpy().dtype),
                       "data": r.asnumpy().ravel().tolist()}
print(json.dumps(out, indent=0))
