"""gluon.Trainer against MXNet 1.9.1 (tests/data/mxnet/trainer/trainer.json,
tools/capture_trainer.py): a Dense MLP with fixed initial weights trained step by step."""
import json
import os

import numpy as np
import pytest

import tapegraph as mx
from tapegraph import autograd, gluon
from tapegraph.gluon import nn

DATA = json.load(open(os.path.join(os.path.dirname(__file__), "..", "data", "mxnet",
                                   "trainer", "trainer.json")))
X = np.array(DATA["x"], dtype="float32")
Y = np.array(DATA["y"], dtype="float32")
TOL = dict(rtol=1e-5, atol=1e-6)


def build(init):
    net = nn.HybridSequential(prefix="net_")
    with net.name_scope():
        net.add(nn.Dense(5, activation="relu", in_units=4), nn.Dense(3, in_units=5))
    net.initialize()
    params = net.collect_params()
    assert sorted(params.keys()) == sorted(init)
    for name, value in init.items():
        params[name].set_data(mx.nd.array(np.array(value, dtype="float32")))
    return net


def train(net, trainer, steps, split=False):
    for want in steps:
        with autograd.record():
            loss = ((net(mx.nd.array(X)) - mx.nd.array(Y)) ** 2).sum(axis=1)
        loss.backward()
        if split:
            trainer.allreduce_grads()
            trainer.update(X.shape[0])
        else:
            trainer.step(X.shape[0])
        assert float(loss.mean().asscalar()) == pytest.approx(want["loss"], rel=1e-5)
        for name, p in net.collect_params().items():
            np.testing.assert_allclose(p.data().asnumpy(), np.array(want["params"][name]),
                                       err_msg=name, **TOL)
        assert trainer.learning_rate == pytest.approx(want["lr"])


@pytest.mark.parametrize("hybrid", [False, True], ids=["eager", "hybridized"])
@pytest.mark.parametrize("case", DATA["cases"], ids=[c["optimizer"] for c in DATA["cases"]])
def test_three_steps_match_mxnet(case, hybrid):
    net = build(case["init"])
    if hybrid:  # the compiled plan must see the trainer's in-place updates
        net.hybridize()
    trainer = gluon.Trainer(net.collect_params(), case["optimizer"], case["params"])
    train(net, trainer, case["steps"])


def test_lr_mult_wd_mult_frozen_parameter_and_split_step():
    net = build(DATA["mults"]["init"])
    params = net.collect_params()
    params["net_dense0_weight"].lr_mult = 0.5
    params["net_dense1_bias"].grad_req = "null"
    params["net_dense1_weight"].wd_mult = 3.0
    trainer = gluon.Trainer(params, "sgd", {"learning_rate": 0.1, "momentum": 0.5, "wd": 0.1})
    train(net, trainer, DATA["mults"]["steps"], split=True)


def test_scheduler_and_set_learning_rate():
    net = build(DATA["scheduled"]["init"])
    sched = mx.lr_scheduler.FactorScheduler(step=1, factor=0.5, base_lr=0.2)
    train(net, gluon.Trainer(net.collect_params(), "sgd", {"lr_scheduler": sched}),
          DATA["scheduled"]["steps"])
    net = build(DATA["set_lr"]["init"])
    trainer = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": 0.1})
    trainer.set_learning_rate(0.03)
    train(net, trainer, DATA["set_lr"]["steps"])


def test_stale_gradient_error_loses_nothing_then_ignore_skips():
    net = build(DATA["stale_ignored"]["init"])
    trainer = gluon.Trainer(net.collect_params(), "sgd")
    with autograd.record():
        loss = net[0](mx.nd.array(X)).sum()
    loss.backward()
    before = {n: p.data().asnumpy() for n, p in net.collect_params().items()}
    with pytest.raises(UserWarning) as err:
        trainer.step(8)
    assert DATA["stale_error"][0] == "UserWarning" and str(err.value) == DATA["stale_error"][1]
    assert isinstance(err.value, mx.base.MXNetError)
    for n, p in net.collect_params().items():  # nothing was updated
        np.testing.assert_array_equal(p.data().asnumpy(), before[n])
    # MXNet marks the used gradients consumed before raising, so its retry updates nothing;
    # here the error loses nothing and the retry applies them (as MXNet's first
    # ignore_stale_grad step would, which is what was captured)
    trainer.step(8, ignore_stale_grad=True)
    for name, p in net.collect_params().items():
        np.testing.assert_allclose(p.data().asnumpy(),
                                   np.array(DATA["stale_ignored"]["params"][name]), **TOL)
    with pytest.raises(UserWarning, match="net_dense0_bias"):  # used, now stale
        trainer.step(8)


@pytest.mark.parametrize("kv", ["device", None])
def test_two_contexts_sum_gradients_through_the_kvstore(kv):
    p = gluon.Parameter("w", shape=(2, 3))
    p.initialize(mx.init.Constant(1.0), ctx=[mx.cpu(0), mx.cpu(1)])
    trainer = gluon.Trainer([p], "sgd", {"learning_rate": 0.1, "momentum": 0.5}, kvstore=kv)
    for step, want in enumerate(DATA["two_ctx_%s" % kv]):
        for k, (g, d) in enumerate(zip(p.list_grad(), p.list_data())):
            g[:] = mx.nd.array(np.full((2, 3), (k + 1.0) * (step + 1)))
            d._fresh_grad = True
        trainer.step(2)
        for d, w in zip(p.list_data(), want):
            np.testing.assert_allclose(d.asnumpy(), np.array(w), **TOL)
    if kv == "device":
        with pytest.raises(AssertionError, match="update_on_kvstore"):
            trainer.allreduce_grads()


def test_save_and_load_states_continue_identically(tmp_path):
    case = next(c for c in DATA["cases"] if c["optimizer"] == "adam")
    net = build(case["init"])
    trainer = gluon.Trainer(net.collect_params(), "adam", case["params"])
    train(net, trainer, case["steps"][:2])
    path = str(tmp_path / "trainer.states")
    trainer.save_states(path)
    weights = {n: p.data().asnumpy() for n, p in net.collect_params().items()}
    net2 = build({n: w.tolist() for n, w in weights.items()})
    fresh = gluon.Trainer(net2.collect_params(), "sgd", {"learning_rate": 1.0})
    fresh.load_states(path)
    assert isinstance(fresh.optimizer, mx.optimizer.Adam)
    assert fresh.optimizer.param_dict[0] is sorted(
        net2.collect_params().items())[0][1]
    train(net2, fresh, case["steps"][2:])


@pytest.mark.parametrize("saved", DATA["saved_states"], ids=lambda s: s["file"])
def test_states_saved_by_mxnet_load_and_continue(saved):
    case = DATA["cases"][saved["case"]]
    net = build(case["steps"][1]["params"])  # the weights MXNet had when it saved
    trainer = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": 1.0})
    trainer.load_states(os.path.join(os.path.dirname(__file__), "..", "data", "mxnet",
                                     "trainer", saved["file"]))
    assert type(trainer.optimizer).__name__.lower() == case["optimizer"]
    assert trainer.optimizer.num_update == 2
    train(net, trainer, case["steps"][2:])


def test_state_files_cannot_run_code(tmp_path):
    import pickle

    class Evil:
        def __reduce__(self):
            return (os.system, ("echo owned > %s" % (tmp_path / "owned"),))

    path = tmp_path / "evil.states"
    path.write_bytes(pickle.dumps(({0: Evil()}, None)))
    p = gluon.Parameter("w", shape=(2,))
    p.initialize()
    trainer = gluon.Trainer([p], "sgd")
    with pytest.raises(ValueError, match="(posix|nt).system is not allowed in a state file"):
        trainer.load_states(str(path))
    assert not (tmp_path / "owned").exists()
    assert isinstance(trainer.optimizer, mx.optimizer.SGD)


def test_bad_arguments():
    p = gluon.Parameter("w", shape=(2,))
    p.initialize()
    with pytest.raises(ValueError, match="list or dict of Parameters"):
        gluon.Trainer(p, "sgd")
    with pytest.raises(ValueError, match="got list of"):
        gluon.Trainer([p, 3], "sgd")
    with pytest.raises(ValueError, match="optimizer_params must be None"):
        gluon.Trainer([p], mx.optimizer.SGD(), {"learning_rate": 0.1})
    with pytest.raises(ValueError, match="nosuch is not registered"):
        gluon.Trainer([p], "nosuch")
    q = gluon.Parameter("q", shape=(2,))
    q.initialize(ctx=[mx.cpu(0), mx.cpu(1)])
    with pytest.raises(ValueError, match="same set of contexts"):
        gluon.Trainer([p, q], "sgd")
    sched = mx.lr_scheduler.FactorScheduler(step=2)
    trainer = gluon.Trainer([p], "sgd", {"lr_scheduler": sched})
    with pytest.raises(UserWarning, match="LRScheduler of the optimizer has already"):
        trainer.set_learning_rate(0.5)


def test_end_to_end_training_reduces_the_loss():
    rng = np.random.default_rng(3)
    x = rng.standard_normal((64, 6)).astype("float32")
    labels = (x[:, 0] + 0.5 * x[:, 1] > 0).astype("float32")
    loader = gluon.data.DataLoader(gluon.data.ArrayDataset(x, labels), batch_size=16,
                                   shuffle=True)
    net = nn.HybridSequential()
    net.add(nn.Dense(16, activation="relu"), nn.Dense(2))
    mx.random.seed(0)
    net.initialize(mx.init.Xavier())
    net.hybridize()
    loss_fn = gluon.loss.SoftmaxCrossEntropyLoss()
    trainer = gluon.Trainer(net.collect_params(), "adam", {"learning_rate": 0.05})

    def epoch_loss():
        total = 0.0
        for data, label in loader:
            with autograd.record():
                loss = loss_fn(net(data), label)
            loss.backward()
            trainer.step(data.shape[0])
            total += float(loss.sum().asscalar())
        return total / len(x)

    losses = [epoch_loss() for _ in range(8)]
    assert losses[-1] < 0.5 * losses[0]
