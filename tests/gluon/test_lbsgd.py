"""mx.optimizer.LBSGD step by step against MXNet 1.9.1
(tests/data/mxnet/gluon_features/features.json, tools/capture_gluon_features.py)."""
import json
import os

import numpy as np
import pytest

import tapegraph as mx

HERE = os.path.dirname(__file__)
CASES = json.load(open(os.path.join(HERE, "..", "data", "mxnet", "gluon_features",
                                    "features.json")))["lbsgd"]


@pytest.mark.parametrize("case", CASES, ids=[str(i) for i in range(len(CASES))])
def test_lbsgd_matches_mxnet_step_by_step(case):
    opt = mx.optimizer.create("lbsgd", **case["config"])
    assert isinstance(opt, mx.optimizer.LBSGD)
    updater = mx.optimizer.get_updater(opt)
    weights = [mx.nd.array(np.array(w), dtype="float32") for w in case["w0"]]
    for step, grads in enumerate(case["grads"]):
        updater([0, 1], [mx.nd.array(np.array(g), dtype="float32") for g in grads], weights)
        for i in (0, 1):
            np.testing.assert_allclose(weights[i].asnumpy(), case["weights"][step][i],
                                       rtol=1e-5, atol=1e-6, err_msg="step %d w%d" % (step, i))
            want = case["states"][step][i]
            state = updater.states[i]
            if want is None:
                assert state is None
            else:
                np.testing.assert_allclose(state.asnumpy(), want, rtol=1e-5, atol=1e-6)


def test_lbsgd_keeps_weights_between_macro_batch_ends():
    opt = mx.optimizer.LBSGD(learning_rate=0.1, batch_scale=3)
    w = mx.nd.ones((2,))
    for _ in range(2):
        opt.update(0, w, mx.nd.ones((2,)), None)
        assert w.asnumpy().tolist() == [1.0, 1.0]
    opt.update(0, w, mx.nd.ones((2,)), None)
    assert w.asnumpy().tolist() != [1.0, 1.0]


def test_lbsgd_rejects_non_ndarrays_without_changing_state():
    opt = mx.optimizer.LBSGD()
    with pytest.raises(TypeError, match="LBSGD.update needs NDArrays"):
        opt.update(0, np.ones(2), mx.nd.ones((2,)), None)
    assert opt.cumgrads == {}
