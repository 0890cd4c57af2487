"""What source-line provenance costs per recorded operator, measured in one process.

A W1-style step (100 element-wise operators recorded on 16 floats, then backward) and a
bare recording loop (10,000 operators recorded, no backward) are timed with
`tapegraph.trace.source` on and off, alternating round by round so both see the same
machine state. The figures go to docs/performance.md ("Source-line provenance").

    python bench/source_lines_overhead.py
"""
import statistics
import time

import tapegraph as mx
from tapegraph.trace.source import set_source_lines


def step(x):
    with mx.autograd.record():
        y = x
        for i in range(100):
            y = y * 1.0001 + 0.5 if i % 2 else mx.nd.sin(y)
        z = y.sum()
    z.backward()


def record_only(x, n=10000):
    with mx.autograd.record():
        y = x
        for _ in range(n):
            y = mx.nd.sin(y)
    return y


def timed(fn, x, repeat):
    t = time.perf_counter()
    for _ in range(repeat):
        fn(x)
    return (time.perf_counter() - t) / repeat


def compare(name, fn, x, repeat, per, rounds):
    results = {True: [], False: []}
    for _ in range(rounds):
        for on in (False, True):
            set_source_lines(on)
            results[on].append(timed(fn, x, repeat) / per * 1e6)
    set_source_lines(False)
    ratios = [a / b for a, b in zip(results[True], results[False])]
    print("%-28s off best %.2f us/op, on best %.2f us/op; on/off: best %+.1f%%, "
          "median of paired rounds %+.1f%%, extra %.2f us/op"
          % (name, min(results[False]), min(results[True]),
             100 * (min(results[True]) / min(results[False]) - 1),
             100 * (statistics.median(ratios) - 1),
             min(results[True]) - min(results[False])))


def main(rounds=15):
    x = mx.nd.ones((16,))
    x.attach_grad()
    for _ in range(10):
        step(x)
    record_only(x, 1000)
    compare("W1 step (record + backward)", step, x, 20, 100, rounds)
    compare("recording 10k ops", record_only, x, 1, 10000, rounds)


if __name__ == "__main__":
    main()
