"""Capture MXNet 1.9.1's values for forward bugs found by random testing (issue 12):
`squeeze` removing every axis, `dot` with transposed N-D operands, and 1-D / 3-D
Convolution, Deconvolution and Pooling, with the first-order gradients of
sum(out * cotangent) for every input.

    /tmp/mxnet-oracle/bin/python tools/capture_api_ops_forward.py \
        > tests/data/mxnet/api_ops_forward.json
"""
import json
import sys

import mxnet as mx
import numpy as np

# id -> (code computing `out` from the named inputs, {input name: shape})
CASES = {
    "squeeze/all_nd": ("out = mx.nd.squeeze(x)", {"x": (1, 1, 1)}),
    "squeeze/all_method": ("out = x.squeeze()", {"x": (1, 1)}),
    "squeeze/axis_nd": ("out = mx.nd.squeeze(x, axis=(0, 2))", {"x": (1, 3, 1)}),
    "squeeze/all_np": ("out = mx.np.squeeze(x.as_np_ndarray())", {"x": (1, 1)}),
    "dot/ta_3d": ("out = mx.nd.dot(a, b, transpose_a=True)", {"a": (2, 3, 4), "b": (2, 5)}),
    "dot/tb_3d": ("out = mx.nd.dot(a, b, transpose_b=True)", {"a": (5, 4), "b": (2, 3, 4)}),
    "dot/ta_tb_3d": ("out = mx.nd.dot(a, b, transpose_a=True, transpose_b=True)",
                     {"a": (2, 3, 4), "b": (4, 3, 2)}),
    "dot/ta_4d_1d": ("out = mx.nd.dot(a, b, transpose_a=True)", {"a": (3, 2, 2, 2), "b": (3,)}),
    "dot/tb_1d_3d": ("out = mx.nd.dot(a, b, transpose_b=True)", {"a": (2,), "b": (3, 4, 2)}),
    "conv1d/stride_pad": ("out = mx.nd.Convolution(x, w, b, kernel=(3,), stride=(2,), "
                          "pad=(1,), num_filter=3)",
                          {"x": (2, 2, 7), "w": (3, 2, 3), "b": (3,)}),
    "conv1d/dilate_group": ("out = mx.nd.Convolution(x, w, kernel=(2,), dilate=(2,), "
                            "num_filter=2, num_group=2, no_bias=True)",
                            {"x": (1, 4, 6), "w": (2, 2, 2)}),
    "conv3d/basic": ("out = mx.nd.Convolution(x, w, b, kernel=(2, 2, 2), num_filter=2)",
                     {"x": (1, 2, 3, 4, 3), "w": (2, 2, 2, 2, 2), "b": (2,)}),
    "conv3d/stride_pad": ("out = mx.nd.Convolution(x, w, kernel=(3, 2, 2), stride=(2, 1, 2), "
                          "pad=(1, 0, 1), num_filter=2, no_bias=True)",
                          {"x": (2, 1, 4, 3, 4), "w": (2, 1, 3, 2, 2)}),
    "deconv1d/stride_adj": ("out = mx.nd.Deconvolution(x, w, b, kernel=(3,), stride=(2,), "
                            "pad=(1,), adj=(1,), num_filter=2, no_bias=False)",
                            {"x": (2, 2, 4), "w": (2, 2, 3), "b": (2,)}),
    "deconv3d/basic": ("out = mx.nd.Deconvolution(x, w, kernel=(2, 2, 2), stride=(2, 1, 1), "
                       "num_filter=2)", {"x": (1, 2, 2, 2, 3), "w": (2, 2, 2, 2, 2)}),
    "pool1d/max": ("out = mx.nd.Pooling(x, kernel=(2,), stride=(2,), pool_type='max')",
                   {"x": (2, 3, 6)}),
    "pool1d/avg_pad": ("out = mx.nd.Pooling(x, kernel=(3,), stride=(1,), pad=(1,), "
                       "pool_type='avg')", {"x": (1, 2, 5)}),
    "pool1d/global_sum": ("out = mx.nd.Pooling(x, kernel=(1,), global_pool=True, "
                          "pool_type='sum')", {"x": (2, 2, 4)}),
    "pool3d/max": ("out = mx.nd.Pooling(x, kernel=(2, 2, 2), stride=(1, 2, 1), "
                   "pool_type='max')", {"x": (1, 2, 3, 4, 3)}),
    "pool3d/avg_nopad": ("out = mx.nd.Pooling(x, kernel=(2, 3, 2), pad=(1, 1, 0), "
                         "stride=(2, 2, 1), pool_type='avg', count_include_pad=False)",
                         {"x": (1, 1, 3, 4, 3)}),
    "pool3d/global_avg": ("out = mx.nd.Pooling(x, kernel=(1, 1, 1), global_pool=True, "
                          "pool_type='avg')", {"x": (2, 2, 2, 3, 2)}),
}


def main():
    rng = np.random.RandomState(12)
    out_cases = []
    for cid, (code, shapes) in CASES.items():
        inputs = {n: rng.uniform(-1, 1, s).astype(np.float32) for n, s in shapes.items()}
        arrays = {n: mx.nd.array(v) for n, v in inputs.items()}
        for a in arrays.values():
            a.attach_grad()
        with mx.autograd.record():
            env = {"mx": mx}
            env.update(arrays)
            exec(code, env)
            out = env["out"]
            if not cid.endswith("_np"):  # (no gradient captured for the np case)
                cot = mx.nd.array(rng.uniform(-1, 1, out.shape).astype(np.float32))
                loss = (out * cot).sum()
            else:
                cot = None
        entry = {"id": cid, "code": code,
                 "inputs": {n: v.tolist() for n, v in inputs.items()},
                 "shapes": {n: list(s) for n, s in shapes.items()},
                 "out_shape": list(out.shape), "out": out.asnumpy().ravel().tolist()}
        if cot is not None:
            loss.backward()
            entry["cotangent"] = cot.asnumpy().ravel().tolist()
            entry["grads"] = {n: a.grad.asnumpy().ravel().tolist() for n, a in arrays.items()}
        out_cases.append(entry)
    json.dump({"mxnet": mx.__version__, "cases": out_cases}, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
