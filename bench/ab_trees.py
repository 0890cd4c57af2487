"""A/B of two tapegraph installs on the Gluon training steps, interleaved in one run.

    python bench/ab_trees.py --a /path/to/base/venv/bin/python [--b PYTHON]
                             [--rounds 60] [--budget 0.05] [STEP ...]

Each interpreter serves `gluon_bench.py --worker tapegraph` from its own install (e.g. a
venv whose tapegraph is an editable install of an older commit's worktree); `--b` defaults
to this interpreter. `gluon_bench.measure` interleaves the two workers, and the report
gives per step the median over rounds of the B/A ratio within a round, with its 95%
bootstrap interval. Run it with the same
interpreter for A and B (an A/A run) to see the noise of the method on this machine.
"""
from __future__ import annotations

import argparse
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import gluon_bench as gb  # noqa: E402

STEPS = ["lenet_eager", "lenet_hybridized", "mlp_eager", "mlp_hybridized"]


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--a", required=True, help="interpreter of the baseline install")
    p.add_argument("--b", default=sys.executable, help="interpreter of the new install")
    p.add_argument("--rounds", type=int, default=60)
    p.add_argument("--budget", type=float, default=0.05)
    p.add_argument("steps", nargs="*", default=STEPS)
    args = p.parse_args()
    _, samples, errors = gb.measure(args.rounds, args.budget,
                                    [("a", "tapegraph", args.a), ("b", "tapegraph", args.b)],
                                    steps=set(args.steps))
    if errors:
        raise SystemExit("; ".join("%s: %s" % kv for kv in errors.items()))
    for step in args.steps:
        a, b = ("a", step), ("b", step)
        print("%-18s A %.0f us  B %.0f us (fastest rounds)  B/A %.3f (%.3f-%.3f)"
              % (step, min(samples[a]) * 1e6, min(samples[b]) * 1e6,
                 gb.paired_ratio(samples, b, a), *gb.ratio_interval(samples, b, a)))


if __name__ == "__main__":
    main()
