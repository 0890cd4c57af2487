"""contrib.hawkesll, composed of registered operators: values and gradients as MXNet 1.9.1
(captured by tests/data/mxnet/hawkesll/capture.py), orders 1-2 against finite
differences, bad shapes refused."""
import importlib.util
import json
import os
import sys

import numpy as np
import pytest

import tapegraph as mx
from tapegraph.base import MXNetError
from tapegraph.test_utils import gradcheck

HERE = os.path.join(os.path.dirname(__file__), "..", "data", "mxnet", "hawkesll")


def _capture():
    spec = importlib.util.spec_from_file_location("capture_hawkesll",
                                                  os.path.join(HERE, "capture.py"))
    module = importlib.util.module_from_spec(spec)
    saved = sys.modules.get("mxnet")
    sys.modules["mxnet"] = mx
    try:
        spec.loader.exec_module(module)
    finally:
        if saved is None:
            del sys.modules["mxnet"]
        else:
            sys.modules["mxnet"] = saved
    return module


CAPTURE = _capture()


def test_values_and_gradients_match_mxnet():
    with open(os.path.join(HERE, "golden.json")) as f:
        want = json.load(f)
    got = CAPTURE.run()
    np.testing.assert_allclose(got["ll"], want["ll"], rtol=1e-7)
    np.testing.assert_allclose(got["s"], want["s"], rtol=1e-6, atol=1e-12)
    for name, g, w in zip(("lda", "alpha", "beta"), got["grads"], want["grads"]):
        np.testing.assert_allclose(g, w, rtol=1e-6, err_msg=name)
    # MXNet gives the initial memory a zero gradient; here it is the true derivative
    assert np.all(np.asarray(want["grads"][3]) == 0) and np.any(np.asarray(got["grads"][3]))


def test_derivatives_to_order_two_match_finite_differences():
    x = CAPTURE.inputs()
    marks = mx.nd.array(x["marks"], dtype="int32")

    def f(lda, alpha, beta, state, lags):
        ll, s = mx.nd.contrib.hawkesll(lda, alpha, beta, state, lags, marks,
                                       mx.nd.array(x["valid_length"], dtype="float64"),
                                       mx.nd.array(x["max_time"], dtype="float64"))
        return [ll, s]
    assert gradcheck(f, [x[k] for k in ("lda", "alpha", "beta", "state", "lags")], order=2)


def test_bad_shapes_and_float_marks_are_refused():
    x = CAPTURE.inputs()
    args = [mx.nd.array(x[k], dtype="float64") for k in
            ("lda", "alpha", "beta", "state", "lags", "marks", "valid_length", "max_time")]
    args[5] = args[5].astype("int32")
    bad = list(args)
    bad[1] = mx.nd.ones((2,), dtype="float64")
    with pytest.raises(MXNetError, match=r"alpha must have shape \(3,\)"):
        mx.nd.contrib.hawkesll(*bad)
    bad = list(args)
    bad[5] = args[5].astype("float32")
    with pytest.raises(MXNetError, match="marks must be integers"):
        mx.nd.contrib.hawkesll(*bad)
