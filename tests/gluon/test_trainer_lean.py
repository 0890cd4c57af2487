"""gluon.Trainer's lean path (one context: the update program it keeps between steps,
tapegraph.optimizer.lean) against its general path (Updater -> Optimizer), step by step:
the same weights (bit for bit), states, update counts and learning rates, whatever
changes between steps. Each change below would leave a stale program updating the wrong
arrays or with the wrong numbers, and the comparison would fail."""
import numpy as np
import pytest

import tapegraph as mx
from tapegraph import autograd, gluon
from tapegraph.gluon import Trainer, nn

SHAPES = {"a_weight": (4, 3), "a_bias": (4,), "b_weight": (2, 4), "b_bias": (2,),
          "c_weight": (3, 3), "c_bias": (3,)}


def make_params(dtype="float32"):
    rng = np.random.RandomState(0)
    params = []
    for name, shape in SHAPES.items():
        p = gluon.Parameter(name, shape=shape, dtype=dtype)
        p.initialize(mx.init.Constant(0.0))
        p.set_data(mx.nd.array(rng.randn(*shape), dtype=dtype))
        params.append(p)
    return params


def fill_grads(params, step, skip=()):
    for k, p in enumerate(params):
        if p.grad_req == "null" or p.name in skip:
            continue
        rng = np.random.RandomState(100 * step + k)
        g = p.grad()
        g[:] = mx.nd.array(rng.randn(*g.shape), dtype=g.dtype)
        p.data()._fresh_grad = True


def flat(state):
    if isinstance(state, (tuple, list)):
        return [x for s in state for x in flat(s)]
    return [None if state is None else state.asnumpy()]


def snapshot(trainer, params):
    opt = trainer._optimizer
    states = {idx: flat(s) for idx, s in trainer._updaters[0].states.items()}
    return ([p.data().asnumpy() for p in params], states,
            {d: dict(c) for d, c in opt._all_index_update_counts.items()}, opt.num_update,
            trainer.learning_rate)


def assert_same(a, b):
    for x, y in zip(a[0], b[0]):
        np.testing.assert_array_equal(x, y)
    assert a[1].keys() == b[1].keys()
    for idx in a[1]:
        for x, y in zip(a[1][idx], b[1][idx]):
            assert (x is None) == (y is None)
            if x is not None:
                np.testing.assert_array_equal(x, y)
    assert a[2:] == b[2:]


def run(lean, optimizer, opt_params, events, steps=6, dtype="float32", monkeypatch=None):
    params = make_params(dtype)
    # (a scheduler is made for each run: it has state)
    trainer = Trainer(params, optimizer,
                      {k: v() if callable(v) else v for k, v in opt_params.items()})
    if not lean:
        monkeypatch.setattr(trainer, "_update_lean", lambda ignore: False)
    shots = []
    for step in range(steps):
        skip, ignore = (), False
        for when, event in events:
            if when == step:
                got = event(params, trainer)
                if got:
                    skip, ignore = got, True
        fill_grads(params, step, skip)
        trainer.step(4, ignore_stale_grad=ignore)
        shots.append(snapshot(trainer, params))
    return shots, trainer


def compare(monkeypatch, optimizer, opt_params, events=(), **kw):
    lean, trainer = run(True, optimizer, opt_params, events, **kw)
    general, _ = run(False, optimizer, opt_params, events, monkeypatch=monkeypatch, **kw)
    for a, b in zip(lean, general):
        assert_same(a, b)
    return trainer


CONFIGS = [
    ("sgd", {"learning_rate": 0.1}),
    ("sgd", {"learning_rate": 0.1, "momentum": 0.9}),
    ("sgd", {"learning_rate": 0.1, "momentum": 0.9, "wd": 0.01}),
    ("sgd", {"learning_rate": 0.1, "wd": 0.05, "clip_gradient": 0.3}),
    ("sgd", {"learning_rate": 0.1, "momentum": 0.5, "multi_precision": True}),
    ("sgd", {"lr_scheduler": lambda: mx.lr_scheduler.FactorScheduler(
        step=1, factor=0.7, base_lr=0.3)}),
    ("adam", {"learning_rate": 0.01}),
    ("adam", {"learning_rate": 0.01, "wd": 0.01, "clip_gradient": 0.5}),
    ("adam", {"lr_scheduler": lambda: mx.lr_scheduler.CosineScheduler(max_update=4,
                                                                      base_lr=0.05)}),
    ("nag", {"learning_rate": 0.1, "momentum": 0.9}),
    ("rmsprop", {"learning_rate": 0.01, "centered": True}),
    ("lars", {"learning_rate": 0.1, "momentum": 0.9}),
    ("signum", {"learning_rate": 0.01}),
]


@pytest.mark.parametrize("optimizer,opt_params", CONFIGS,
                         ids=["%s-%d" % (c[0], i) for i, c in enumerate(CONFIGS)])
def test_lean_path_matches_the_general_path(monkeypatch, optimizer, opt_params):
    compare(monkeypatch, optimizer, opt_params)


@pytest.mark.parametrize("optimizer,opt_params", [CONFIGS[1], CONFIGS[6]])
def test_float64_and_float16_weights(monkeypatch, optimizer, opt_params):
    compare(monkeypatch, optimizer, opt_params, dtype="float64")
    params = dict(opt_params, multi_precision=True)
    compare(monkeypatch, optimizer, params, dtype="float16")


def _set_lr(params, trainer):
    trainer.set_learning_rate(0.02)


def _lr_mult(params, trainer):
    params[2].lr_mult = 3.0
    params[0].wd_mult = 0.0


def _param_dict_entry(params, trainer):
    opt = trainer._optimizer  # indices not in param_dict take the optimizer's tables
    opt.lr_mult, opt.wd_mult = {1: 4.0, 3: 0.5}, {1: 2.0, 3: 0.0}
    opt.param_dict.pop(3 if 1 not in opt.param_dict else 1)


def _reinit(params, trainer):
    old = params[2].data()
    params[2].initialize(mx.init.Constant(0.5), force_reinit=True)
    old._fresh_grad = True  # the replaced array looks ready too: only the new one counts


def _set_data(params, trainer):
    params[0].set_data(mx.nd.ones(SHAPES["a_weight"]))


def _replace_buffer(params, trainer):
    w, g = params[1].data(), params[1].grad()
    w._data = w._data.copy() + 1
    g._data = g._data.copy()


def _grad_null(params, trainer):
    params[4].grad_req = "null"


def _grad_back(params, trainer):
    params[4].grad_req = "write"


def _grad_add(params, trainer):
    params[5].grad_req = "add"


def _options(params, trainer):
    opt = trainer._optimizer
    opt.wd = 0.03
    opt.clip_gradient = 0.2
    if hasattr(opt, "momentum"):
        opt.momentum = 0.3


def _aggregate(params, trainer):
    trainer._optimizer.aggregate_num = 2


def _stale(params, trainer):
    return ("b_weight", "c_bias")


def _states_reset(params, trainer):
    trainer._updaters[0].set_states(trainer._updaters[0].get_states(dump_optimizer=False))


EVENTS = {"set_learning_rate": _set_lr, "lr_mult": _lr_mult, "param_dict": _param_dict_entry,
          "reinitialize": _reinit, "set_data": _set_data, "buffer_replaced": _replace_buffer,
          "grad_req_null_then_write": (_grad_null, _grad_back), "grad_req_add": _grad_add,
          "options": _options, "aggregate_num": _aggregate, "ignore_stale": _stale,
          "states_reloaded": _states_reset}


@pytest.mark.parametrize("event", sorted(EVENTS))
@pytest.mark.parametrize("optimizer,opt_params", [CONFIGS[2], CONFIGS[7], CONFIGS[10]],
                         ids=["sgd", "adam", "rmsprop"])
def test_changes_between_steps(monkeypatch, optimizer, opt_params, event):
    fns = EVENTS[event]
    events = [(2, fns[0]), (4, fns[1])] if isinstance(fns, tuple) else [(2, fns), (4, fns)]
    compare(monkeypatch, optimizer, opt_params, events)


def test_load_states_and_buffer_replacement_are_seen(tmp_path, monkeypatch):
    path = str(tmp_path / "t.states")

    def save(params, trainer):
        trainer.save_states(path)

    def load(params, trainer):
        trainer.load_states(path)

    compare(monkeypatch, "adam", {"learning_rate": 0.01}, [(1, save), (3, load)])
    # the buffer replaced by a kernel's result is the one updated
    params = make_params()
    trainer = Trainer(params, "sgd", {"learning_rate": 1.0})
    for step in range(2):
        fill_grads(params, step)
        trainer.step(1)
    w = params[0].data()
    old = w._data
    w._data = np.zeros_like(old)
    fill_grads(params, 5)
    trainer.step(1)
    np.testing.assert_array_equal(w.asnumpy(), -params[0].grad().asnumpy())
    assert not np.array_equal(old, w.asnumpy())


def test_stale_error_changes_nothing_with_a_program():
    params = make_params()
    trainer = Trainer(params, "sgd", {"learning_rate": 0.1, "momentum": 0.9})
    for step in range(2):
        fill_grads(params, step)
        trainer.step(4)
    before = snapshot(trainer, params)
    fill_grads(params, 2, skip=("c_weight",))
    with pytest.raises(UserWarning, match="c_weight"):
        trainer.step(4)
    assert_same(snapshot(trainer, params), before)
    assert all(p.data()._fresh_grad for p in params if p.name != "c_weight")


@pytest.mark.parametrize("hybridize", [True, False])
def test_training_through_backward_matches_the_general_path(monkeypatch, hybridize):
    def train(lean):
        net = nn.HybridSequential()  # the first layer's shape is known at its first call
        net.add(nn.Dense(5, activation="relu"), nn.Dense(3, in_units=5))
        net.initialize(mx.init.Constant(0.1))
        if hybridize:
            net.hybridize()
        # made before the deferred initialization: its parameters get arrays later
        trainer = Trainer(net.collect_params(), "sgd", {"learning_rate": 0.1,
                                                        "momentum": 0.5})
        if not lean:
            monkeypatch.setattr(trainer, "_update_lean", lambda ignore: False)
        x = mx.nd.array(np.random.RandomState(1).randn(6, 4))
        for _ in range(4):
            with autograd.record():
                loss = (net(x) ** 2).sum()
            loss.backward()
            trainer.step(6)
        return [p.data().asnumpy() for p in net.collect_params().values()]

    for a, b in zip(train(True), train(False)):
        np.testing.assert_array_equal(a, b)
