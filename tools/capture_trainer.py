"""Capture MXNet 1.9.1 gluon.Trainer behaviour for tests/gluon/test_trainer.py.

Run with the oracle: /tmp/mxnet-oracle/bin/python tools/capture_trainer.py
Writes tests/data/mxnet/trainer/trainer.json: a two-layer Dense MLP with fixed initial
weights trained 3 steps on fixed data by several optimizers (weights and loss after each
step), lr_mult / grad_req='null' / allreduce_grads+update variants, two-context gradient
reduction, and the stale-gradient error.
"""
import json
import os
import warnings

import mxnet as mx
import numpy as np
from mxnet import autograd, gluon
from mxnet.gluon import nn

warnings.simplefilter("ignore")
OUT = os.path.join(os.path.dirname(__file__), "..", "tests", "data", "mxnet", "trainer")

CASES = [
    ("sgd", {"learning_rate": 0.1}),
    ("sgd", {"learning_rate": 0.1, "momentum": 0.9, "wd": 0.01}),
    ("nag", {"learning_rate": 0.1, "momentum": 0.9}),
    ("adam", {"learning_rate": 0.05}),
    ("rmsprop", {"learning_rate": 0.01, "centered": True}),
    ("adagrad", {"learning_rate": 0.1, "clip_gradient": 0.5}),
    ("lamb", {"learning_rate": 0.05, "wd": 0.01}),
]


def build(rng):
    net = nn.HybridSequential(prefix="net_")
    with net.name_scope():
        net.add(nn.Dense(5, activation="relu", in_units=4), nn.Dense(3, in_units=5))
    net.initialize()
    init = {}
    for name, p in sorted(net.collect_params().items()):
        value = rng.standard_normal(p.shape).astype("float32") * 0.5
        p.set_data(mx.nd.array(value))
        init[name] = value.tolist()
    return net, init


def train(net, trainer, x, y, steps=3, split=False):
    record = []
    for _ in range(steps):
        with autograd.record():
            loss = ((net(mx.nd.array(x)) - mx.nd.array(y)) ** 2).sum(axis=1)
        loss.backward()
        if split:
            trainer.allreduce_grads()
            trainer.update(x.shape[0])
        else:
            trainer.step(x.shape[0])
        record.append({"loss": float(loss.mean().asscalar()),
                       "params": {n: p.data().asnumpy().tolist()
                                  for n, p in sorted(net.collect_params().items())},
                       "lr": trainer.learning_rate})
    return record


def main():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((8, 4)).astype("float32")
    y = rng.standard_normal((8, 3)).astype("float32")
    out = {"x": x.tolist(), "y": y.tolist(), "cases": []}
    for name, kw in CASES:
        net, init = build(np.random.default_rng(1))
        trainer = gluon.Trainer(net.collect_params(), name, kw)
        out["cases"].append({"optimizer": name, "params": kw, "init": init,
                             "steps": train(net, trainer, x, y)})
    # optimizer states as MXNet saves them (a pickle), after 2 of the 3 steps
    for k, (name, kw) in enumerate(CASES):
        if name not in ("sgd", "adam", "rmsprop") or (name == "sgd" and "momentum" not in kw):
            continue
        net, init = build(np.random.default_rng(1))
        trainer = gluon.Trainer(net.collect_params(), name, kw)
        train(net, trainer, x, y, steps=2)
        os.makedirs(OUT, exist_ok=True)
        trainer.save_states(os.path.join(OUT, "%s.states" % name))
        out.setdefault("saved_states", []).append({"case": k, "file": "%s.states" % name})
    # per-parameter lr_mult, a frozen parameter, and allreduce_grads + update
    net, init = build(np.random.default_rng(1))
    params = net.collect_params()
    params["net_dense0_weight"].lr_mult = 0.5
    params["net_dense1_bias"].grad_req = "null"
    params["net_dense1_weight"].wd_mult = 3.0
    trainer = gluon.Trainer(params, "sgd", {"learning_rate": 0.1, "momentum": 0.5, "wd": 0.1})
    out["mults"] = {"init": init, "steps": train(net, trainer, x, y, split=True)}
    # learning-rate schedule through the trainer, and set_learning_rate
    net, init = build(np.random.default_rng(1))
    sched = mx.lr_scheduler.FactorScheduler(step=1, factor=0.5, base_lr=0.2)
    trainer = gluon.Trainer(net.collect_params(), "sgd", {"lr_scheduler": sched})
    out["scheduled"] = {"init": init, "steps": train(net, trainer, x, y)}
    net, init = build(np.random.default_rng(1))
    trainer = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": 0.1})
    trainer.set_learning_rate(0.03)
    out["set_lr"] = {"init": init, "steps": train(net, trainer, x, y, steps=1)}
    # stale gradient: a parameter not used by the forward
    net, init = build(np.random.default_rng(1))
    trainer = gluon.Trainer(net.collect_params(), "sgd")
    with autograd.record():
        loss = net[0](mx.nd.array(x)).sum()
    loss.backward()
    try:
        trainer.step(8)
        out["stale_error"] = None
    except Exception as e:  # noqa: BLE001
        out["stale_error"] = [type(e).__name__, str(e)]
    # (MXNet has now marked the used gradients consumed, so a retry would update nothing;
    # tapegraph's error loses nothing, so its retry matches a first ignore_stale_grad step)
    net, init = build(np.random.default_rng(1))
    trainer = gluon.Trainer(net.collect_params(), "sgd")
    with autograd.record():
        loss = net[0](mx.nd.array(x)).sum()
    loss.backward()
    trainer.step(8, ignore_stale_grad=True)
    out["stale_ignored"] = {"init": init, "params": {
        n: p.data().asnumpy().tolist() for n, p in sorted(net.collect_params().items())}}
    # two contexts: gradients are summed by the kvstore before the update
    ctxs = [mx.cpu(0), mx.cpu(1)]
    for kv in ("device", None):
        p = gluon.Parameter("w", shape=(2, 3))
        p.initialize(mx.init.Constant(1.0), ctx=ctxs)
        trainer = gluon.Trainer([p], "sgd", {"learning_rate": 0.1, "momentum": 0.5}, kvstore=kv)
        steps = []
        for step in range(2):
            for k, (g, d) in enumerate(zip(p.list_grad(), p.list_data())):
                g[:] = mx.nd.array(np.full((2, 3), (k + 1.0) * (step + 1)))
                d._fresh_grad = True
            trainer.step(2)
            steps.append([d.asnumpy().tolist() for d in p.list_data()])
        out["two_ctx_%s" % kv] = steps
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "trainer.json"), "w") as f:
        json.dump(out, f)


if __name__ == "__main__":
    main()
