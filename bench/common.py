"""Shared pieces for the per-framework benchmark workers.

Every ``workloads_<framework>.py`` script defines ``build(wid, data, n=None)``
returning a *step* callable (one blocking forward+backward that returns the
gradients) and, for W5, ``forward(data, n)`` returning an object that keeps the
recorded graph alive. It then calls :func:`main`. Inputs are generated here
from fixed seeds, so every framework sees the same float32 data, and the NumPy
floor (``workloads_numpy.py``) provides the reference gradients.

Kept Python 3.8 compatible: the MXNet 1.9.1 oracle runs on a 3.8 interpreter.
"""
from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import sys
import time
import tracemalloc
import traceback

import numpy as np

WORKLOADS = ["W1", "W2", "W3", "W4", "W5"]
W1_OPS = 100
W1_CYCLE = ["mul", "sin", "add", "tanh", "exp"]   # smooth, bounded values
W1_MUL, W1_ADD = 1.3, 0.2
W5_CYCLE = ["mul", "add", "mulinv", "sub"]         # gradient stays ~1
W5_C = 1.01
W5_SIZES = [1000, 10000, 100000]
MLP = (64, 784, 512, 512, 10)
W3_SIZE = 4 * 1024 * 1024
W4_SIZE = 256
TOLERANCE = 1e-3   # max relative error accepted for float32 gradients


def w1_ops():
    """The fixed sequence of 100 elementwise op names used by W1."""
    return [W1_CYCLE[i % len(W1_CYCLE)] for i in range(W1_OPS)]


def w5_ops(n):
    """The sequence of n cheap op names used by W5."""
    return [W5_CYCLE[i % len(W5_CYCLE)] for i in range(n)]


def w1_apply(op, x, namespace):
    """One W1 op on `x`: Python operators for mul/add, `namespace.<op>` for the rest."""
    if op == "mul":
        return x * W1_MUL
    if op == "add":
        return x + W1_ADD
    return getattr(namespace, op)(x)


def w5_chain(x, n):
    """The W5 chain of n cheap ops, written with Python operators (any framework)."""
    for op in w5_ops(n):
        if op == "mul":
            x = x * W5_C
        elif op == "mulinv":
            x = x * (1 / W5_C)
        elif op == "add":
            x = x + 0.01
        else:
            x = x - 0.01
    return x


def make_data(wid, dtype=np.float32):
    """Deterministic inputs for a workload (dict of NumPy arrays)."""
    rng = np.random.RandomState(1234 + int(wid[1]))
    if wid == "W1":
        return {"x": rng.uniform(-1, 1, 16).astype(dtype)}
    if wid == "W2":
        b, i, h1, h2, o = MLP
        d = {"x": rng.randn(b, i).astype(dtype),
             "label": rng.randint(0, o, size=b).astype(dtype)}
        for k, (fo, fi) in enumerate([(h1, i), (h2, h1), (o, h2)], 1):
            d["W%d" % k] = (rng.randn(fo, fi) * np.sqrt(2.0 / fi)).astype(dtype)
            d["b%d" % k] = (rng.randn(fo) * 0.01).astype(dtype)
        return d
    if wid == "W3":
        return {"x": rng.uniform(-2, 2, W3_SIZE).astype(dtype)}
    if wid == "W4":
        n = W4_SIZE
        return {"A": (rng.randn(n, n) / np.sqrt(n)).astype(dtype),
                "w": rng.randn(n).astype(dtype), "v": rng.randn(n).astype(dtype)}
    if wid == "W5":
        return {"x": rng.uniform(-1, 1, 8).astype(dtype)}
    raise KeyError(wid)


def rel_err(got, ref):
    """Max over arrays of max|got-ref| / max|ref| (scale-aware relative error)."""
    worst = 0.0
    if len(got) != len(ref):
        return float("inf")
    for g, r in zip(got, ref):
        g = np.asarray(g, dtype=np.float64).reshape(np.shape(r))
        r = np.asarray(r, dtype=np.float64)
        scale = max(float(np.max(np.abs(r))), 1e-30)
        worst = max(worst, float(np.max(np.abs(g - r))) / scale)
    return worst


def dist_version(name):
    """Installed distribution version of ``name`` (or "?")."""
    try:
        from importlib.metadata import version
        return version(name)
    except Exception:
        return "?"


def rss_bytes():
    """Resident set size of this process (Linux /proc), or 0 if unknown."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return 0


def measure(step, min_time, runs=3):
    """Time ``step``: first call (cold/compile), then ``runs`` timed runs.

    Each run repeats the step enough times to last ``min_time``; the per-step
    mean of each run is kept and the median over runs reported.
    """
    t0 = time.perf_counter()
    out = step()
    first = time.perf_counter() - t0
    second = first
    if first < 1.0:   # very slow steps: the first call already is the estimate
        t0 = time.perf_counter()
        step()
        second = time.perf_counter() - t0
    iters = int(min(10000, max(1, min_time / max(second, 1e-9))))
    samples = []
    for _ in range(runs):
        t0 = time.perf_counter()
        for _ in range(iters):
            step()
        samples.append((time.perf_counter() - t0) / iters)
    return {"first_s": first, "second_s": second, "median_s": statistics.median(samples),
            "runs_s": samples, "iters": iters}, out


def _trim():
    """Collect garbage and hand freed heap pages back to the OS (glibc)."""
    gc.collect()
    try:
        import ctypes
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except Exception:
        pass


def measure_memory(forward):
    """Memory held by one recorded forward: RSS delta and tracemalloc peak.

    The heap is trimmed first so that pages freed by earlier runs are not
    silently reused (which would make the RSS delta read ~0).
    """
    _trim()
    r0 = rss_bytes()
    keep = forward()
    rss = rss_bytes() - r0
    del keep
    gc.collect()
    tracemalloc.start()
    keep = forward()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del keep
    gc.collect()
    return {"rss_delta_bytes": rss, "tracemalloc_peak_bytes": peak}


def _check(res, grads, to_numpy, ref):
    res["grad_rel_err"] = rel_err(to_numpy(grads), ref)
    res["grad_ok"] = bool(res["grad_rel_err"] <= TOLERANCE)


def run_workload(mod, wid, cfg, hooks):
    """Run one workload for a worker module; returns a result dict."""
    import workloads_numpy as floor
    ref = hooks.get("reference", floor.reference)
    data = make_data(wid)
    if wid != "W5":
        before = hooks.get("stats", lambda: None)()
        res, grads = measure(mod.build(wid, data), cfg["min_time"], cfg["runs"])
        _check(res, grads, mod.to_numpy, ref(wid, data))
        after = hooks.get("stats", lambda: None)()
        if after is not None:
            res["plan_cache"] = {"before": before, "after": after}
        if wid == "W1":
            res["per_op_s"] = res["median_s"] / W1_OPS
        return res
    out = {"sizes": {}}
    for n in cfg["w5_sizes"]:
        res = measure_memory(lambda: mod.forward(data, n))
        timing, grads = measure(mod.build(wid, data, n), cfg["min_time"], cfg["runs"])
        res.update(timing)
        _check(res, grads, mod.to_numpy, ref(wid, data, n))
        res["per_op_s"] = res["median_s"] / n
        res["rss_per_op_bytes"] = res["rss_delta_bytes"] / n
        res["tracemalloc_per_op_bytes"] = res["tracemalloc_peak_bytes"] / n
        out["sizes"][str(n)] = res
    return out


def parse_args(argv=None):
    p = argparse.ArgumentParser(description="benchmark worker (prints JSON)")
    p.add_argument("--quick", action="store_true")
    p.add_argument("--only", default=",".join(WORKLOADS))
    p.add_argument("--json-out", default=None)
    return p.parse_args(argv)


def main(name, mod, info=None, hooks=None, argv=None):
    """Worker entry point: run selected workloads, emit JSON (stdout or file)."""
    args = parse_args(argv)
    cfg = {"min_time": 0.05 if args.quick else 0.5, "runs": 3, "w5_sizes": W5_SIZES}
    result = {"framework": name, "python": sys.version.split()[0],
              "info": info or {}, "workloads": {}}
    for wid in [w.strip() for w in args.only.split(",") if w.strip()]:
        t0 = time.perf_counter()
        try:
            result["workloads"][wid] = run_workload(mod, wid, cfg, hooks or {})
        except Exception as e:  # missing op, unsupported feature, ...
            traceback.print_exc(file=sys.stderr)
            result["workloads"][wid] = {"status": "n/a",
                                        "error": "%s: %s" % (type(e).__name__, e)}
        sys.stderr.write("[%s] %s done in %.1fs\n" % (name, wid, time.perf_counter() - t0))
    text = json.dumps(result, indent=1, default=str)
    if args.json_out:
        with open(args.json_out, "w") as f:
            f.write(text)
    else:
        print(text)


def unavailable(name, error, argv=None):
    """Emit an all-n/a result when the framework itself cannot be imported."""
    args = parse_args(argv)
    result = {"framework": name, "python": sys.version.split()[0], "status": "n/a",
              "error": error, "workloads": {}}
    text = json.dumps(result, indent=1)
    if args.json_out:
        with open(args.json_out, "w") as f:
            f.write(text)
    else:
        print(text)
