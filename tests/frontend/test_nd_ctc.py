"""mx.nd.CTCLoss (composed of registered operators) against MXNet 1.9.1's warp-ctc kernel
(tests/data/mxnet/gluon_layers/nd_ctc.json): values and gradients for both blank
conventions, per-sample lengths, repeated labels and empty labels; second-order
gradients against finite differences; bad input."""
import json
import os

import numpy as np
import pytest

import tapegraph as mx
from tapegraph import autograd, nd

PATH = os.path.join(os.path.dirname(__file__), "..", "data", "mxnet", "gluon_layers",
                    "nd_ctc.json")
with open(PATH) as f:
    CASES = json.load(f)["cases"]


def _decode(a):
    return np.array(a["data"], dtype=np.float32).reshape(a["shape"])


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_ctc_loss_matches_mxnet(case):
    data = nd.array(_decode(case["data"]))
    data.attach_grad()
    kwargs = {k: nd.array(v) if isinstance(v, list) else v for k, v in case["kwargs"].items()}
    with autograd.record():
        out = nd.CTCLoss(data, nd.array(case["label"]), **kwargs)
    out.backward(nd.array(_decode(case["head"])))
    np.testing.assert_allclose(out.asnumpy(), _decode(case["output"]), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(data.grad.asnumpy(), _decode(case["grad"]), rtol=1e-4,
                               atol=1e-5)


def test_ctc_loss_is_ir_and_differentiates_twice():
    label = nd.array([[1, 2], [3, 0]])
    x = np.random.RandomState(5).uniform(-1, 1, (4, 2, 4))
    mx.test_utils.gradcheck(lambda d: nd.ctc_loss(d, label), [x], order=2, rtol=1e-4,
                            atol=1e-6)


def test_ctc_loss_rejects_bad_input():
    with pytest.raises(mx.base.MXNetError, match="blank_label must be 'first' or 'last'"):
        nd.CTCLoss(nd.ones((3, 1, 4)), nd.ones((1, 2)), blank_label="middle")
    with pytest.raises(mx.base.MXNetError, match=r"expected data \(T, N, C\) and label"):
        nd.CTCLoss(nd.ones((3, 2, 4)), nd.ones((3, 2)))
