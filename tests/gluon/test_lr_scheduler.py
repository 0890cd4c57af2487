"""mx.lr_scheduler values against MXNet 1.9.1
(tests/data/mxnet/optimizer/lr_scheduler.json, tools/capture_optimizer.py)."""
import json
import os

import pytest

import tapegraph as mx

DATA = json.load(open(os.path.join(os.path.dirname(__file__), "..", "data", "mxnet",
                                   "optimizer", "lr_scheduler.json")))
KINDS = {"factor": mx.lr_scheduler.FactorScheduler,
         "multifactor": mx.lr_scheduler.MultiFactorScheduler,
         "poly": mx.lr_scheduler.PolyScheduler, "cosine": mx.lr_scheduler.CosineScheduler}


@pytest.mark.parametrize("key", sorted(DATA))
def test_schedule_values_match_mxnet(key):
    case = DATA[key]
    sched = KINDS[case["kind"]](**case["kwargs"])
    assert isinstance(sched, mx.lr_scheduler.LRScheduler)
    got = [sched(n) for n in range(len(case["values"]))]
    assert got == pytest.approx(case["values"], rel=1e-12, abs=1e-15)


@pytest.mark.parametrize("make,msg", [
    (lambda: mx.lr_scheduler.FactorScheduler(step=0), "greater or equal than 1"),
    (lambda: mx.lr_scheduler.FactorScheduler(step=2, factor=1.5), "no more than 1"),
    (lambda: mx.lr_scheduler.MultiFactorScheduler(step=[3, 2]), "increasing integer list"),
    (lambda: mx.lr_scheduler.PolyScheduler(max_update=0), "strictly positive"),
    (lambda: mx.lr_scheduler.CosineScheduler(max_update=5, warmup_mode="exp"),
     "linear and constant"),
    (lambda: mx.lr_scheduler.CosineScheduler(max_update=5, base_lr=0.1, warmup_begin_lr=0.5),
     "higher than warmup_begin_lr"),
])
def test_bad_arguments(make, msg):
    with pytest.raises(ValueError, match=msg):
        make()


def test_scheduler_drives_the_optimizer():
    sched = mx.lr_scheduler.MultiFactorScheduler(step=[1, 2], factor=0.5, base_lr=1.0)
    opt = mx.optimizer.SGD(learning_rate=1.0, lr_scheduler=sched)
    up = mx.optimizer.get_updater(opt)
    w = mx.nd.zeros((1,))
    seen = []
    for _ in range(3):
        up(0, mx.nd.ones((1,)), w)
        seen.append(opt.learning_rate)
    assert seen == [1.0, 0.5, 0.25]
    assert w.asnumpy().tolist() == [-1.75]
