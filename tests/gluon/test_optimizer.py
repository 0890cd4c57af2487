"""mx.optimizer updates step by step against MXNet 1.9.1
(tests/data/mxnet/optimizer/updates.json, tools/capture_optimizer.py)."""
import json
import os
import warnings

import numpy as np
import pytest

import tapegraph as mx

HERE = os.path.dirname(__file__)
UPDATES = json.load(open(os.path.join(HERE, "..", "data", "mxnet", "optimizer",
                                      "updates.json")))
SCHEDULERS = {"factor": mx.lr_scheduler.FactorScheduler,
              "cosine": mx.lr_scheduler.CosineScheduler}


def flat_state(state):
    if state is None:
        return []
    if isinstance(state, (tuple, list)):
        return [x for s in state for x in flat_state(s)]
    return [state.asnumpy()]


def make(name, config):
    config = dict(config)
    dtype = config.pop("dtype", "float32")
    lr_mult = {int(k): v for k, v in config.pop("lr_mult", {}).items()}
    wd_mult = {int(k): v for k, v in config.pop("wd_mult", {}).items()}
    if "param_idx2name" in config:
        config["param_idx2name"] = {int(k): v for k, v in config["param_idx2name"].items()}
    if "lr_scheduler" in config:
        kind, kw = config["lr_scheduler"]
        config["lr_scheduler"] = SCHEDULERS[kind](**kw)
    opt = mx.optimizer.create(name, **config)
    if lr_mult:
        opt.set_lr_mult(lr_mult)
    if wd_mult:
        opt.set_wd_mult(wd_mult)
    return opt, dtype


def _id(case):
    return "%s-%s" % (case["name"], "-".join("%s=%s" % kv for kv in sorted(
        case["config"].items()) if not isinstance(kv[1], (dict, list))) or "default")


@pytest.mark.parametrize("case", UPDATES, ids=[_id(c) for c in UPDATES])
def test_updates_match_mxnet_step_by_step(case):
    opt, dtype = make(case["name"], case["config"])
    updater = mx.optimizer.get_updater(opt)
    weights = [mx.nd.array(np.array(w), dtype=dtype) for w in case["w0"]]
    tol = dict(rtol=2e-3, atol=2e-3) if dtype == "float16" else dict(rtol=1e-5, atol=1e-6)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for step in range(len(case["grads"])):
            grads = [mx.nd.array(np.array(g), dtype=dtype) for g in case["grads"][step]]
            updater([0, 1], grads, weights)
            for i in (0, 1):
                assert weights[i].dtype == np.dtype(dtype)
                np.testing.assert_allclose(weights[i].asnumpy(), case["weights"][step][i],
                                           err_msg="step %d weight %d" % (step, i), **tol)
                ours = flat_state(updater.states[i])
                want = case["states"][step][i]
                assert len(ours) == len(want)
                for a, b in zip(ours, want):
                    np.testing.assert_allclose(a, np.array(b), err_msg="state", **tol)
            assert opt.learning_rate == pytest.approx(case["lrs"][step], rel=1e-12)


def test_registry_and_create():
    for name in ("sgd", "nag", "adam", "adamw", "rmsprop", "adagrad", "adadelta", "signum",
                 "ftml", "lamb", "adamax", "nadam", "ftrl", "dcasgd", "sgld", "ccsgd", "test",
                 "lars"):
        assert isinstance(mx.optimizer.create(name), mx.optimizer.Optimizer)
    assert isinstance(mx.optimizer.Optimizer.create_optimizer("SGD"), mx.optimizer.SGD)
    with pytest.raises(ValueError, match="nosuchopt is not registered"):
        mx.optimizer.create("nosuchopt")

    @mx.optimizer.register
    class MyOpt(mx.optimizer.Optimizer):
        def update(self, index, weight, grad, state):
            weight[:] = weight - grad

    opt = mx.optimizer.create("myopt")
    w = mx.nd.ones((2,))
    mx.optimizer.get_updater(opt)(0, mx.nd.ones((2,)), w)
    assert w.asnumpy().tolist() == [0, 0]


def test_sgld_adds_langevin_noise_from_the_seeded_generator():
    def run():
        mx.random.seed(4)
        w = mx.nd.zeros((2000,))
        mx.optimizer.get_updater(mx.optimizer.SGLD(learning_rate=0.04))(0, mx.nd.ones((2000,)), w)
        return w.asnumpy()
    a = run()
    np.testing.assert_array_equal(a, run())
    assert abs(a.mean() + 0.02) < 0.01 and abs(a.std() - 0.2) < 0.01


def test_defaults_and_learning_rate():
    sgd = mx.optimizer.SGD()
    assert (sgd.lr, sgd.wd, sgd.rescale_grad, sgd.momentum, sgd.clip_gradient) == (
        0.01, 0.0, 1.0, 0.0, None)
    assert mx.optimizer.Adam().learning_rate == 0.001
    sgd.set_learning_rate(0.5)
    assert sgd.learning_rate == 0.5
    sched = mx.lr_scheduler.FactorScheduler(step=1, factor=0.5, base_lr=0.3)
    opt = mx.optimizer.SGD(lr_scheduler=sched)
    assert opt.learning_rate == 0.3
    with pytest.raises(UserWarning, match="LRScheduler of the optimizer has already"):
        opt.set_learning_rate(0.1)
    mx.optimizer.SGD(learning_rate=0.2, lr_scheduler=sched)
    assert sched.base_lr == 0.2  # the optimizer's learning_rate wins, as in MXNet


def test_wd_mult_defaults_by_name():
    opt = mx.optimizer.SGD(wd=0.1, param_idx2name={0: "fc_weight", 1: "fc_bias",
                                                   2: "bn_gamma", 3: "bn_beta"})
    assert [opt._get_wd(i) for i in range(4)] == [0.1, 0.0, 0.1, 0.0]
    opt.set_lr_mult({"fc_bias": 2.0})
    assert opt._get_lr(1) == pytest.approx(0.02)


def test_update_outside_autograd_keeps_recorded_graphs_usable():
    w = mx.nd.array([1.0, 2.0])
    w.attach_grad()
    with mx.autograd.record():
        y = (w * w).sum()
    y.backward()
    mx.optimizer.get_updater(mx.optimizer.SGD(learning_rate=0.5))(0, w.grad, w)
    np.testing.assert_allclose(w.asnumpy(), [0.0, 0.0])
    with mx.autograd.record():
        y = (w * 3).sum()
    y.backward()
    np.testing.assert_allclose(w.grad.asnumpy(), [3.0, 3.0])


def test_numpy_arrays_update_in_place():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        w = mx.np.ones((3,))
        g = mx.np.ones((3,))
    opt = mx.optimizer.Adam(learning_rate=0.1)
    opt.update(0, w, g, opt.create_state(0, w))
    np.testing.assert_allclose(w.asnumpy(), 0.9, rtol=1e-6)


def test_states_round_trip_with_optimizer():
    sched = mx.lr_scheduler.FactorScheduler(step=2, factor=0.5, base_lr=0.1)
    opt = mx.optimizer.Adam(learning_rate=0.1, lr_scheduler=sched, wd=0.01)
    up = mx.optimizer.get_updater(opt)
    ws = [mx.nd.ones((2, 2)), mx.nd.ones((3,))]
    for _ in range(3):
        up([0, 1], [mx.nd.ones((2, 2)), mx.nd.ones((3,))], ws)
    blob = up.get_states(dump_optimizer=True)
    other = mx.optimizer.get_updater(mx.optimizer.SGD())
    other.set_states(blob)
    assert type(other.optimizer) is mx.optimizer.Adam
    assert other.optimizer._index_update_count == {0: 3, 1: 3}
    assert other.optimizer._index_update_count is other.optimizer._all_index_update_counts[0]
    assert other.optimizer.lr_scheduler.base_lr == sched.base_lr
    for i in (0, 1):
        for a, b in zip(flat_state(up.states[i]), flat_state(other.states[i])):
            np.testing.assert_array_equal(a, b)
    # both continue identically
    ws2 = [w.copy() for w in ws]
    up([0, 1], [mx.nd.ones((2, 2)), mx.nd.ones((3,))], ws)
    other([0, 1], [mx.nd.ones((2, 2)), mx.nd.ones((3,))], ws2)
    for a, b in zip(ws, ws2):
        np.testing.assert_array_equal(a.asnumpy(), b.asnumpy())
    states_only = mx.optimizer.get_updater(mx.optimizer.SGD())
    states_only.set_states(up.get_states())
    assert type(states_only.optimizer) is mx.optimizer.SGD


def test_foreign_state_bytes_are_refused_with_a_reason():
    import pickle
    up = mx.optimizer.get_updater(mx.optimizer.SGD())
    with pytest.raises(ValueError, match="collections.OrderedDict is not allowed"):
        up.set_states(pickle.dumps({0: __import__("collections").OrderedDict()}))
    with pytest.raises(ValueError, match="not a tapegraph optimizer-state file"):
        up.set_states(b"garbage")
    with pytest.raises(ValueError, match="malformed"):
        up.set_states(pickle.dumps({0: 1.5})[:-3])
