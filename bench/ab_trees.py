"""A/B of two tapegraph installs on the Gluon training steps, interleaved in one run.

    python bench/ab_trees.py --a /path/to/base/venv/bin/python [--b PYTHON]
                             [--rounds 60] [--budget 0.05] [STEP ...]

Each interpreter serves `gluon_bench.py --worker tapegraph` from its own install (e.g. a
venv whose tapegraph is an editable install of an older commit's worktree); `--b` defaults
to this interpreter. Rounds measure every step of both workers in a shuffled order, as
`gluon_bench.measure` does, and the report gives per step the median over rounds of the
B/A ratio within a round, with its 95% bootstrap interval. Run it with the same
interpreter for A and B (an A/A run) to see the noise of the method on this machine.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import gluon_bench as gb  # noqa: E402

STEPS = ["lenet_eager", "lenet_hybridized", "mlp_eager", "mlp_hybridized"]


def _worker(python: str) -> subprocess.Popen:
    proc = subprocess.Popen([python, os.path.join(HERE, "gluon_bench.py"), "--worker",
                             "tapegraph"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            text=True, cwd="/tmp", env=gb.ONE_THREAD)
    head = json.loads(proc.stdout.readline())
    if "error" in head:
        raise SystemExit("%s: %s" % (python, head["error"]))
    return proc


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--a", required=True, help="interpreter of the baseline install")
    p.add_argument("--b", default=sys.executable, help="interpreter of the new install")
    p.add_argument("--rounds", type=int, default=60)
    p.add_argument("--budget", type=float, default=0.05)
    p.add_argument("steps", nargs="*", default=STEPS)
    args = p.parse_args()
    procs = {"a": _worker(args.a), "b": _worker(args.b)}
    order = [(side, step) for step in args.steps for side in "ab"]
    samples = {key: [] for key in order}
    shuffle = random.Random(0).shuffle
    try:
        for _ in range(args.rounds):
            shuffle(order)
            for side, step in order:
                proc = procs[side]
                proc.stdin.write("%s %s\n" % (step, args.budget))
                proc.stdin.flush()
                samples[(side, step)].append(json.loads(proc.stdout.readline())["seconds"])
    finally:
        for proc in procs.values():
            proc.stdin.close()
            proc.wait()
    for step in args.steps:
        a, b = ("a", step), ("b", step)
        print("%-18s A %.0f us  B %.0f us (fastest rounds)  B/A %.3f (%.3f-%.3f)"
              % (step, min(samples[a]) * 1e6, min(samples[b]) * 1e6,
                 gb.paired_ratio(samples, b, a), *gb.ratio_interval(samples, b, a)))


if __name__ == "__main__":
    main()
