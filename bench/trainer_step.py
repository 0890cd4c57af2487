"""What `gluon.Trainer.step` costs per call on a tiny MLP (20-16-16-10: six parameters,
so that the update kernels cost almost nothing and the Python around them is what is
measured), for SGD, SGD with momentum and Adam.

    python bench/trainer_step.py [--steps 2000] [--rounds 7]
    python bench/trainer_step.py --loop OPT N   # N steps of OPT only (for cachegrind)

Each step marks every gradient fresh (as `backward` does) and calls `trainer.step(8)`;
the time of marking alone is measured too and subtracted. Fastest of `rounds` runs, in
microseconds per step, on this process's one thread. Instructions per step, which do not
depend on the machine's load: run `--loop OPT 0` and `--loop OPT 500` under
`valgrind --tool=cachegrind` and divide the difference by 500.
"""
from __future__ import annotations

import argparse
import time

from tapegraph import gluon
from tapegraph.gluon import nn

OPTIMIZERS = {"sgd": ("sgd", {"learning_rate": 0.1}),
              "sgd-momentum": ("sgd", {"learning_rate": 0.1, "momentum": 0.9}),
              "adam": ("adam", {"learning_rate": 0.001})}


def make_step(name):
    """A function doing one marked-fresh `trainer.step`, and one only marking."""
    net = nn.HybridSequential()
    net.add(nn.Dense(16, activation="relu", in_units=20),
            nn.Dense(16, activation="relu", in_units=16), nn.Dense(10, in_units=16))
    net.initialize()
    optimizer, params = OPTIMIZERS[name]
    trainer = gluon.Trainer(net.collect_params(), optimizer, params)
    datas = [p.list_data()[0] for p in net.collect_params().values()]

    def mark():
        for d in datas:
            d._fresh_grad = True

    def step():
        mark()
        trainer.step(8)
    return step, mark


def best(fn, steps, rounds):
    """Fastest of `rounds` runs of `steps` calls, in seconds per call."""
    for _ in range(30):
        fn()
    out = float("inf")
    for _ in range(rounds):
        t0 = time.perf_counter()
        for _ in range(steps):
            fn()
        out = min(out, (time.perf_counter() - t0) / steps)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--steps", type=int, default=2000)
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--loop", nargs=2, metavar=("OPT", "N"))
    args = ap.parse_args()
    if args.loop:
        step, _ = make_step(args.loop[0])
        for _ in range(30 + int(args.loop[1])):
            step()
        return
    for name in OPTIMIZERS:
        step, mark = make_step(name)
        cost = best(step, args.steps, args.rounds) - best(mark, args.steps, args.rounds)
        print("%-13s trainer.step %6.1f us" % (name, cost * 1e6))


if __name__ == "__main__":
    main()
