"""Run the tapegraph benchmark suite: one subprocess per framework.

    python bench/run.py [--quick] [--only W1,W3] [--frameworks torch,jax]
                        [--write-docs]

Each framework's workloads live in ``bench/workloads_<framework>.py`` and print
JSON; they run as separate processes so that different interpreters work (the
MXNet 1.9.1 oracle is a Python 3.8 env). Results go to
``bench/results/latest.json``; the Markdown report is printed and, with
``--write-docs``, placed between the bench markers in ``docs/performance.md``.
Only the standard library is needed here.
"""
from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import tempfile
import time

import report

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
RESULTS = os.path.join(HERE, "results")
VENV_PY = "/work/bench-venv/bin/python"
MXNET_PY = "/tmp/mxnet-oracle/bin/python"
FRAMEWORKS = ["numpy", "torch", "jax", "autograd", "tapegraph", "mxnet"]
# Set on some CPUs for old OpenBLAS builds; they slow a current numpy down.
BLAS_VARS = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
TIMEOUT_S = 3600


def cpu_model():
    """CPU model name from /proc/cpuinfo (falls back to platform)."""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def busy_cores(seconds=0.5):
    """Cores kept busy by *other* work, sampled from /proc/stat while idle here."""
    def snap():
        with open("/proc/stat") as f:
            v = [int(x) for x in f.readline().split()[1:]]
        return sum(v), v[3] + v[4]   # total, idle + iowait
    try:
        t0, i0 = snap()
        time.sleep(seconds)
        t1, i1 = snap()
        return (os.cpu_count() or 1) * (1 - (i1 - i0) / max(t1 - t0, 1))
    except (OSError, ValueError, IndexError):
        return None


def worker_env():
    """Environment for workers: the OpenBLAS overrides removed together."""
    env = dict(os.environ)
    removed = {k: env.pop(k) for k in BLAS_VARS if k in env}
    env["PYTHONPATH"] = HERE + os.pathsep + env.get("PYTHONPATH", "")
    return env, removed


def run_worker(fw, python, args, env):
    """Run one framework worker; returns its JSON dict (n/a on failure)."""
    script = os.path.join(HERE, "workloads_%s.py" % fw)
    if not os.path.exists(python):
        return {"framework": fw, "status": "n/a", "error": "interpreter not found: " + python,
                "workloads": {}}
    fd, out = tempfile.mkstemp(suffix=".json")
    os.close(fd)
    cmd = [python, script, "--only", args.only, "--json-out", out]
    if args.quick:
        cmd.append("--quick")
    os.makedirs(os.path.join(RESULTS, "logs"), exist_ok=True)
    log_path = os.path.join(RESULTS, "logs", fw + ".log")
    load = busy_cores()
    sys.stderr.write("== %s (%s) other load %.2f cores\n" % (fw, python, load or 0))
    try:
        with open(log_path, "w") as log:
            proc = subprocess.run(cmd, env=env, stdout=log, stderr=subprocess.STDOUT,
                                  timeout=TIMEOUT_S, cwd=HERE)
        with open(out) as f:
            data = json.load(f)
        if proc.returncode != 0:
            data.setdefault("warning", "exit code %d" % proc.returncode)
    except subprocess.TimeoutExpired:
        data = {"status": "n/a", "error": "timed out after %ds" % TIMEOUT_S}
    except (OSError, ValueError) as e:
        with open(log_path) as f:
            tail = f.read()[-400:]
        data = {"status": "n/a", "error": "worker failed (%s): %s" % (e, tail.strip())}
    finally:
        if os.path.exists(out):
            os.remove(out)
    data.setdefault("workloads", {})
    data["framework"] = fw
    data["interpreter"] = python
    data["busy_cores_before"] = load   # other work on the machine skews timings
    for wid, res in sorted(data["workloads"].items()):
        sys.stderr.write("   %s: %s\n" % (wid, report.short(res)))
    return data


def best_of(runs):
    """Merge rounds of one framework: per workload (per W5 size), the round with the
    lowest median time; the chosen round's other figures come with it."""
    best = dict(runs[0])
    best["workloads"] = {}
    best["rounds"] = len(runs)
    for run in runs:
        for wid, res in run.get("workloads", {}).items():
            cur = best["workloads"].get(wid)
            if "sizes" in res:
                merged = dict(cur) if cur else {"sizes": {}}
                merged["sizes"] = dict(merged.get("sizes", {}))
                for n, r in res["sizes"].items():
                    old = merged["sizes"].get(n)
                    if old is None or _faster(r, old):
                        merged["sizes"][n] = r
                best["workloads"][wid] = merged
            elif cur is None or _faster(res, cur):
                best["workloads"][wid] = res
    return best


def _faster(a, b):
    ta, tb = a.get("median_s"), b.get("median_s")
    if ta is None:
        return False
    return tb is None or ta < tb


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true", help="short timing runs (same sizes)")
    p.add_argument("--only", default="W1,W2,W3,W4,W5", help="comma list of workloads")
    p.add_argument("--frameworks", default=None,
                   help="comma list from %s (default: all found)" % ",".join(FRAMEWORKS))
    p.add_argument("--python", default=VENV_PY if os.path.exists(VENV_PY) else sys.executable,
                   help="interpreter for numpy/torch/jax/autograd/tapegraph")
    p.add_argument("--mxnet-python", default=MXNET_PY, help="interpreter with mxnet 1.9.1")
    p.add_argument("--rounds", type=int, default=1,
                   help="run every framework this many times, interleaved, and keep each "
                        "workload's fastest round (robust to other load on a shared "
                        "machine)")
    p.add_argument("--write-docs", action="store_true",
                   help="update docs/performance.md between the bench markers")
    p.add_argument("--out", default=os.path.join(RESULTS, "latest.json"))
    return p.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    if args.frameworks:
        fws = [f.strip() for f in args.frameworks.split(",") if f.strip()]
    else:
        fws = [f for f in FRAMEWORKS if f != "mxnet" or os.path.exists(args.mxnet_python)]
    unknown = [f for f in fws if f not in FRAMEWORKS]
    if unknown:
        sys.exit("unknown framework(s): %s" % ", ".join(unknown))
    if "numpy" not in fws:
        fws.insert(0, "numpy")   # the floor is needed for the ratios
    env, removed = worker_env()
    rounds = []
    for r in range(max(1, args.rounds)):
        if args.rounds > 1:
            sys.stderr.write("-- round %d of %d\n" % (r + 1, args.rounds))
        one = {}
        for fw in fws:
            py = args.mxnet_python if fw == "mxnet" else args.python
            one[fw] = run_worker(fw, py, args, env)
        rounds.append(one)
    results = {fw: best_of([rd[fw] for rd in rounds]) for fw in fws}
    doc = {
        "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "machine": {"cpu": cpu_model(), "cores": os.cpu_count(),
                    "platform": platform.platform(), "python": platform.python_version()},
        "env": {"unset_for_workers": removed,
                "note": "OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE unset together for every "
                        "worker (they slow a current numpy); changed nowhere else"},
        "config": {"quick": args.quick, "only": args.only, "frameworks": fws,
                   "runs": 3, "rounds": args.rounds, "mxnet_python": args.mxnet_python,
                   "mxnet_found": os.path.exists(args.mxnet_python)},
        "results": results,
    }
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w") as f:
        json.dump(doc, f, indent=1, default=str)
    md = report.render(doc)
    print(md)
    if args.write_docs:
        report.write_docs(md, os.path.join(ROOT, "docs", "performance.md"))
        sys.stderr.write("updated docs/performance.md\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
