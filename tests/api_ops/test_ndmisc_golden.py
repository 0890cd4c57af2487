"""The operators of issue #12 against Apache MXNet 1.9.1: every case of
tests/data/mxnet/ndmisc/cases.py (captured by capture.py there) gives MXNet's output
shapes, dtypes and values and the gradients of sum(out0 * cotangent), or raises where
MXNet raised."""
import json
import os
import sys
import warnings

import numpy as np
import pytest

import tapegraph as mx
from tapegraph.ir.errors import MXNetError

HERE = os.path.join(os.path.dirname(__file__), "..", "data", "mxnet", "ndmisc")
sys.path.insert(0, HERE)
from cases import CASES, cotangent, inputs, key  # noqa: E402

with open(os.path.join(HERE, "golden.json")) as f:
    GOLDEN = json.load(f)["cases"]

# Cases where tapegraph deliberately differs from MXNet 1.9.1 on CPU, with the reason.
DIFFERENT = {
    "nd.contrib.count_sketch(x, nd.array([[0, 2, 1, 0]]), nd.array([[1, -1, 1, 1]]), out_dim=3)"
    " | d/d x": "MXNet has count_sketch only on GPU (CPU raises); tapegraph computes it "
                "(test_count_sketch below)",
    "nd.contrib.interleaved_matmul_selfatt_qk(qkv, heads=5)":
        "12 features are not 5 heads x 3 projections: MXNet silently uses a head size of 0 "
        "(all-zero scores); tapegraph raises",
}


def _run(expr, wrt):
    nd = mx.nd
    env = {k: nd.array(v) for k, v in inputs().items()}
    env.update(mx=mx, nd=nd)
    with mx.autograd.record():
        for name in wrt:
            env[name].attach_grad()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = eval(expr, env)
    res = list(res) if isinstance(res, (list, tuple)) else [res]
    return env, res


@pytest.mark.parametrize("expr,wrt", CASES, ids=[c[0][:60] for c in CASES])
def test_matches_mxnet(expr, wrt):
    want = GOLDEN[key(expr, wrt)]
    if key(expr, wrt) in DIFFERENT:
        want = {"error": DIFFERENT[key(expr, wrt)]} if "error" not in want else {}
    if "error" in want:  # MXNet raised: in the call, or (no gradient) in the backward
        with pytest.raises((MXNetError, NotImplementedError, ValueError, TypeError)):
            env, res = _run(expr, wrt)
            if wrt:
                res[0].backward()
        return
    if not want:  # MXNet raised, tapegraph computes: checked separately
        return
    env, res = _run(expr, wrt)
    assert len(res) == len(want["outputs"])
    for got, w in zip(res, want["outputs"]):
        assert list(got.shape) == w["shape"]
        assert np.dtype(got.dtype).name == w["dtype"]
        np.testing.assert_allclose(got.asnumpy().astype(np.float64).ravel(), w["data"],
                                   rtol=2e-5, atol=2e-6)
    if wrt:
        res[0].backward(mx.nd.array(cotangent(res[0].shape), dtype=res[0].dtype))
        for name in wrt:
            np.testing.assert_allclose(env[name].grad.asnumpy().astype(np.float64).ravel(),
                                       want["grads"][name], rtol=2e-4, atol=2e-5,
                                       err_msg="gradient wrt " + name)


def test_count_sketch():
    """count_sketch (GPU-only in MXNet): out[:, h[i]] += s[i] * data[:, i]; gradient
    s[i] * cotangent[:, h[i]]."""
    data = np.random.RandomState(3).uniform(-1, 1, (3, 5))
    h, s = np.array([0, 2, 1, 0, 2]), np.array([1, -1, 1, 1, -1])
    x = mx.nd.array(data)
    x.attach_grad()
    with mx.autograd.record():
        y = mx.nd.contrib.count_sketch(x, mx.nd.array([h]), mx.nd.array([s]), out_dim=3)
    want = np.zeros((3, 3))
    for i in range(5):
        want[:, h[i]] += s[i] * data[:, i]
    np.testing.assert_allclose(y.asnumpy(), want, rtol=1e-6, atol=1e-6)
    cot = cotangent((3, 3))
    y.backward(mx.nd.array(cot))
    np.testing.assert_allclose(x.grad.asnumpy(), cot[:, h] * s, rtol=1e-6, atol=1e-6)


def test_rand_zipfian():
    """Expected counts of the true classes as MXNet 1.9.1 printed them for classes [1, 2],
    3 samples, range 5; sampled classes in range, int64, their counts by the same law."""
    sampled, count_true, count_sampled = mx.nd.contrib.rand_zipfian(
        mx.nd.array([1, 2]), 3, 5)
    np.testing.assert_allclose(count_true.asnumpy(), [0.6788831565927504, 0.48167526511087416],
                               rtol=1e-12)
    assert sampled.dtype == np.int64 and count_true.dtype == np.float64
    cls = sampled.asnumpy()
    assert sampled.shape == (3,) and ((0 <= cls) & (cls < 5)).all()
    np.testing.assert_allclose(count_sampled.asnumpy(),
                               np.log((cls + 2.0) / (cls + 1.0)) / np.log(6) * 3)
