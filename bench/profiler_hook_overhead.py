"""What the profiler's hooks cost while the profiler is off, measured in one process.

W1-style step: 100 element-wise operators recorded, then backward. Runs alternate between
the real code (`invoke` and the engine's `_run_plan` check their observer first) and the same
functions recompiled without those checks, so both see the same machine state.

    python bench/profiler_hook_overhead.py
"""
import inspect
import statistics
import textwrap
import time

import tapegraph as mx
from tapegraph.autodiff import engine
from tapegraph.trace import invoke as invoke_mod


def _without_hook(fn, lines_starting):
    """`fn`'s code object compiled from its source minus the hook check lines."""
    src = textwrap.dedent(inspect.getsource(fn)).split("\n")
    kept, skip = [], 0
    for line in src:
        if skip:
            skip -= 1
            continue
        stripped = line.strip()
        if any(stripped.startswith(s) for s in lines_starting):
            skip = 1  # the check and the return under it
            continue
        kept.append(line)
    namespace = dict(fn.__globals__)
    exec(compile("\n".join(kept), inspect.getsourcefile(fn), "exec"), namespace)
    return namespace[fn.__name__].__code__


def step(x):
    with mx.autograd.record():
        y = x
        for i in range(100):
            y = y * 1.0001 + 0.5 if i % 2 else y * x
        z = y.sum()
    z.backward()


def timed(x, n=20):
    t = time.perf_counter()
    for _ in range(n):
        step(x)
    return (time.perf_counter() - t) / n * 1e6


def main(rounds=30):
    x = mx.nd.ones((10,))
    x.attach_grad()
    codes = {
        "with hook checks": (invoke_mod.invoke.__code__, engine._run_plan.__code__),
        "without": (_without_hook(invoke_mod.invoke, ["if OBSERVER is not None"]),
                    _without_hook(engine._run_plan, ["if PLAN_OBSERVER is not None"])),
    }
    results = {k: [] for k in codes}
    for _ in range(20):
        step(x)
    for _ in range(rounds):
        for name, (inv, run) in codes.items():
            invoke_mod.invoke.__code__, engine._run_plan.__code__ = inv, run
            results[name].append(timed(x))
    invoke_mod.invoke.__code__, engine._run_plan.__code__ = codes["with hook checks"]
    # The machine is shared: the best round of each variant, and the median of the
    # per-round ratios (both variants measured back to back), are the stable numbers.
    ratios = [a / b for a, b in zip(results["with hook checks"], results["without"])]
    for name, r in results.items():
        print("%-18s best %.1f us/step  median %.1f" % (name, min(r), statistics.median(r)))
    print("hook checks cost: best %+.2f%%, median of paired rounds %+.2f%%"
          % (100 * (min(results["with hook checks"]) / min(results["without"]) - 1),
             100 * (statistics.median(ratios) - 1)))


if __name__ == "__main__":
    main()
