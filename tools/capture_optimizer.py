"""Capture MXNet 1.9.1 optimizer updates and learning-rate schedules.

Run with the oracle: /tmp/mxnet-oracle/bin/python tools/capture_optimizer.py
Writes tests/data/mxnet/optimizer/updates.json (per optimizer configuration: initial
weights, the gradients of each step, and weights and states after each step, through
`mx.optimizer.get_updater` with two weights so aggregated updates are covered) and
tests/data/mxnet/optimizer/lr_scheduler.json (schedule values for update counts 0..N).
AdamW has no optimizer class in MXNet 1.9.1: its reference is the
`mx.nd.contrib.adamw_update` kernel with lr = bias correction and eta = learning rate.
"""
import json
import math
import os
import warnings

import mxnet as mx
import numpy as np

warnings.simplefilter("ignore")
OUT = os.path.join(os.path.dirname(__file__), "..", "tests", "data", "mxnet", "optimizer")
STEPS = 4

CONFIGS = [
    ("sgd", {"learning_rate": 0.1}),
    ("sgd", {"learning_rate": 0.1, "momentum": 0.9, "wd": 0.01}),
    ("sgd", {"learning_rate": 0.05, "momentum": 0.8, "rescale_grad": 0.5, "clip_gradient": 0.3}),
    ("sgd", {"learning_rate": 0.1, "wd": 0.1, "clip_gradient": 0.2}),
    ("nag", {"learning_rate": 0.1, "momentum": 0.9, "wd": 0.01}),
    ("nag", {"learning_rate": 0.1, "wd": 0.01}),
    ("nag", {"learning_rate": 0.1, "momentum": 0.7, "clip_gradient": 0.25, "rescale_grad": 2.0}),
    ("adam", {}),
    ("adam", {"learning_rate": 0.01, "wd": 0.05, "clip_gradient": 0.4, "rescale_grad": 0.5}),
    ("adam", {"learning_rate": 0.02, "beta1": 0.5, "beta2": 0.9, "epsilon": 1e-4}),
    ("rmsprop", {"learning_rate": 0.01}),
    ("rmsprop", {"learning_rate": 0.01, "wd": 0.1, "clip_gradient": 0.3, "clip_weights": 1.2}),
    ("rmsprop", {"learning_rate": 0.01, "centered": True}),
    ("rmsprop", {"learning_rate": 0.01, "centered": True, "gamma2": 0.8, "wd": 0.05,
                 "rescale_grad": 0.7}),
    ("adagrad", {"learning_rate": 0.1}),
    ("adagrad", {"learning_rate": 0.1, "wd": 0.1, "clip_gradient": 0.3, "eps": 1e-3}),
    ("adadelta", {}),
    ("adadelta", {"rho": 0.8, "epsilon": 1e-3, "wd": 0.1, "clip_gradient": 0.3}),
    ("signum", {"learning_rate": 0.01}),
    ("signum", {"learning_rate": 0.01, "momentum": 0.0, "wd": 0.1}),
    ("signum", {"learning_rate": 0.01, "wd": 0.1, "wd_lh": 0.05, "clip_gradient": 0.2}),
    ("ftml", {"learning_rate": 0.01}),
    ("ftml", {"learning_rate": 0.05, "wd": 0.1, "clip_gradient": 0.3, "beta1": 0.5}),
    ("lamb", {"learning_rate": 0.01}),
    ("lamb", {"learning_rate": 0.01, "wd": 0.1, "clip_gradient": 0.3, "lower_bound": 0.5,
              "upper_bound": 2.0}),
    ("lamb", {"learning_rate": 0.01, "bias_correction": False, "rescale_grad": 0.5}),
    ("adamax", {"learning_rate": 0.01, "wd": 0.01}),
    ("nadam", {"learning_rate": 0.01, "wd": 0.01}),
    ("ftrl", {}),
    ("ftrl", {"learning_rate": 0.05, "lamda1": 0.2, "beta": 0.5, "wd": 0.1,
              "clip_gradient": 0.5, "rescale_grad": 0.8}),
    ("dcasgd", {"learning_rate": 0.1, "wd": 0.05, "lamda": 0.5}),
    ("ccsgd", {"learning_rate": 0.1, "momentum": 0.9}),
    ("test", {"rescale_grad": 0.5}),
    ("groupadagrad", {"learning_rate": 0.1, "clip_gradient": 0.5, "rescale_grad": 0.7}),
    ("lars", {"learning_rate": 0.1, "momentum": 0.9, "wd": 0.01, "eta": 0.1}),
    ("lars", {"learning_rate": 0.1, "eta": 0.05, "eps": 0.01, "rescale_grad": 0.5,
              "param_idx2name": {"0": "fc_weight", "1": "fc_bias"}, "wd": 0.1}),
    ("lars", {"learning_rate": 0.1, "momentum": 0.9, "eta": 0.1,
              "lr_scheduler": ["factor", {"step": 1, "factor": 0.5, "base_lr": 0.1}]}),
    ("sgd", {"learning_rate": 0.1, "momentum": 0.9, "wd": 0.01, "multi_precision": True,
             "dtype": "float16"}),
    ("adam", {"learning_rate": 0.01, "multi_precision": True, "dtype": "float16"}),
    ("sgd", {"learning_rate": 0.1, "momentum": 0.9, "wd": 0.1,
             "lr_mult": {"1": 0.5}, "wd_mult": {"0": 2.0}}),
    ("adam", {"learning_rate": 0.01, "param_idx2name": {"0": "fc_weight", "1": "fc_bias"},
              "wd": 0.1}),
    ("sgd", {"learning_rate": 0.1, "momentum": 0.5,
             "lr_scheduler": ["factor", {"step": 2, "factor": 0.5, "base_lr": 0.1}]}),
    ("adam", {"learning_rate": 0.01,
              "lr_scheduler": ["cosine", {"max_update": 6, "base_lr": 0.01,
                                          "warmup_steps": 2}]}),
]

SCHEDULERS = {"factor": mx.lr_scheduler.FactorScheduler,
              "multifactor": mx.lr_scheduler.MultiFactorScheduler,
              "poly": mx.lr_scheduler.PolyScheduler, "cosine": mx.lr_scheduler.CosineScheduler}


def flat_state(state):
    if state is None:
        return []
    if isinstance(state, (tuple, list)):
        return [x for s in state for x in flat_state(s)]
    return [state.asnumpy().astype("float64").tolist()]


def run(name, config, rng):
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
    updater = mx.optimizer.get_updater(opt)
    shapes = [(3, 4), (5, 2)] if name == "groupadagrad" else [(3, 4), (5,)]
    w0 = [rng.standard_normal(s).astype(dtype) for s in shapes]
    weights = [mx.nd.array(w, dtype=dtype) for w in w0]
    record = {"w0": [w.astype("float64").tolist() for w in w0], "grads": [], "weights": [],
              "states": [], "lrs": []}
    for _ in range(STEPS):
        grads = [rng.standard_normal(s).astype(dtype) for s in shapes]
        record["grads"].append([g.astype("float64").tolist() for g in grads])
        updater([0, 1], [mx.nd.array(g, dtype=dtype) for g in grads], weights)
        record["weights"].append([w.asnumpy().astype("float64").tolist() for w in weights])
        record["states"].append([flat_state(updater.states[i]) for i in (0, 1)])
        record["lrs"].append(opt.learning_rate)
    return record


def run_adamw(config, rng):
    lr, wd = config.get("learning_rate", 0.001), config.get("wd", 0.0)
    b1, b2, eps = 0.9, 0.999, 1e-8
    kw = {"rescale_grad": config.get("rescale_grad", 1.0)}
    if config.get("clip_gradient"):
        kw["clip_gradient"] = config["clip_gradient"]
    shapes = [(3, 4), (5,)]
    w0 = [rng.standard_normal(s).astype("float32") for s in shapes]
    weights = [mx.nd.array(w) for w in w0]
    states = [(mx.nd.zeros(s), mx.nd.zeros(s)) for s in shapes]
    record = {"w0": [w.astype("float64").tolist() for w in w0], "grads": [], "weights": [],
              "states": [], "lrs": []}
    for t in range(1, STEPS + 1):
        grads = [rng.standard_normal(s).astype("float32") for s in shapes]
        record["grads"].append([g.astype("float64").tolist() for g in grads])
        alpha = 1.0
        if config.get("correct_bias", True):
            alpha = math.sqrt(1 - b2 ** t) / (1 - b1 ** t)
        for w, g, (m, v) in zip(weights, grads, states):
            mx.nd.contrib.adamw_update(w, mx.nd.array(g), m, v, lr=alpha, eta=lr, wd=wd,
                                       beta1=b1, beta2=b2, epsilon=eps, out=w, **kw)
        record["weights"].append([w.asnumpy().astype("float64").tolist() for w in weights])
        record["states"].append([flat_state(s) for s in states])
        record["lrs"].append(lr)
    return record


def schedules():
    cases = {
        "factor": ("factor", {"step": 3, "factor": 0.5, "base_lr": 1.0}),
        "factor_stop": ("factor", {"step": 2, "factor": 0.1, "stop_factor_lr": 1e-3,
                                   "base_lr": 1.0}),
        "factor_warmup": ("factor", {"step": 3, "factor": 0.9, "base_lr": 0.5,
                                     "warmup_steps": 4, "warmup_begin_lr": 0.1}),
        "multifactor": ("multifactor", {"step": [2, 5, 9], "factor": 0.3, "base_lr": 2.0}),
        "multifactor_warmup_const": ("multifactor", {
            "step": [6, 8], "factor": 0.5, "base_lr": 1.0, "warmup_steps": 5,
            "warmup_begin_lr": 0.2, "warmup_mode": "constant"}),
        "poly": ("poly", {"max_update": 10, "base_lr": 1.0}),
        "poly_final_pwr": ("poly", {"max_update": 12, "base_lr": 0.8, "pwr": 1.5,
                                    "final_lr": 0.1, "warmup_steps": 3}),
        "cosine": ("cosine", {"max_update": 10, "base_lr": 1.0}),
        "cosine_warmup": ("cosine", {"max_update": 12, "base_lr": 0.6, "final_lr": 0.05,
                                     "warmup_steps": 4, "warmup_begin_lr": 0.01}),
    }
    out = {}
    for key, (kind, kw) in cases.items():
        sched = SCHEDULERS[kind](**kw)
        out[key] = {"kind": kind, "kwargs": kw, "values": [sched(n) for n in range(16)]}
    return out


def main():
    rng = np.random.default_rng(42)
    updates = []
    for name, config in CONFIGS:
        updates.append({"name": name, "config": config, **run(name, config, rng)})
    for config in ({"learning_rate": 0.01}, {"learning_rate": 0.01, "wd": 0.1},
                   {"learning_rate": 0.05, "wd": 0.01, "clip_gradient": 0.3,
                    "rescale_grad": 0.5}, {"learning_rate": 0.01, "correct_bias": False}):
        updates.append({"name": "adamw", "config": config, **run_adamw(config, rng)})
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "updates.json"), "w") as f:
        json.dump(updates, f)
    with open(os.path.join(OUT, "lr_scheduler.json"), "w") as f:
        json.dump(schedules(), f, indent=1)


if __name__ == "__main__":
    main()
