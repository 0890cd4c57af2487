"""Forward bugs found by random testing against MXNet 1.9.1, checked against values and
first-order gradients captured from it (tools/capture_api_ops_forward.py ->
tests/data/mxnet/api_ops_forward.json): `squeeze` of every axis, `dot` with transposed
N-D operands, 1-D and 3-D Convolution, Deconvolution and Pooling. Higher orders are
checked by finite differences in tests/ops (op_samples.py)."""
import json
import os

import numpy as np
import pytest

import tapegraph as mx
from tapegraph.ir.errors import MXNetError

PATH = os.path.join(os.path.dirname(__file__), "..", "data", "mxnet", "api_ops_forward.json")
with open(PATH) as f:
    CAPTURED = json.load(f)
CASES = CAPTURED["cases"]


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_matches_mxnet_values_and_gradients(case):
    arrays = {n: mx.nd.array(np.array(v, np.float32).reshape(case["shapes"][n]))
              for n, v in case["inputs"].items()}
    for a in arrays.values():
        a.attach_grad()
    with mx.autograd.record():
        env = dict(arrays, mx=mx)
        exec(case["code"], env)
        out = env["out"]
        if "cotangent" in case:
            cot = mx.nd.array(np.array(case["cotangent"], np.float32).reshape(out.shape))
            loss = (out * cot).sum()
    assert list(out.shape) == case["out_shape"]
    np.testing.assert_allclose(out.asnumpy().ravel(), case["out"], rtol=1e-5, atol=1e-6)
    if "cotangent" in case:
        loss.backward()
        for name, want in case["grads"].items():
            np.testing.assert_allclose(arrays[name].grad.asnumpy().ravel(), want, rtol=1e-5,
                                       atol=1e-6, err_msg="gradient of " + name)


def test_convolution_refuses_a_kernel_of_the_wrong_rank():
    x = mx.nd.ones((1, 2, 5))
    with pytest.raises(MXNetError, match="kernel"):
        mx.nd.Convolution(x, mx.nd.ones((3, 2, 3, 3)), kernel=(3, 3), num_filter=3,
                          no_bias=True)
    with pytest.raises(MXNetError, match="3-D .* 4-D .* 5-D"):
        mx.nd.Pooling(mx.nd.ones((2, 5)), kernel=(2,))


@pytest.mark.parametrize("dims", [1, 3])
def test_convolution_second_order_through_autograd(dims):
    shape = (1, 2) + (4,) * dims
    x = mx.nd.array(np.random.RandomState(0).uniform(-1, 1, shape))
    w = mx.nd.array(np.random.RandomState(1).uniform(-1, 1, (2, 2) + (2,) * dims))
    x.attach_grad()
    with mx.autograd.record():
        y = mx.nd.Convolution(x, w, kernel=(2,) * dims, num_filter=2, no_bias=True)
        z = mx.nd.Pooling(mx.nd.tanh(y), kernel=(2,) * dims, pool_type="avg").sum()
        (gx,) = mx.autograd.grad(z, [x], create_graph=True)
        s = (gx * gx).sum()
    s.backward()
    assert x.grad.shape == shape and np.isfinite(x.grad.asnumpy()).all()
    assert np.abs(x.grad.asnumpy()).sum() > 0
