"""Run every script in this folder under real MXNet 1.9.1 and store its stdout as NAME.out.

Run with the oracle only: /tmp/mxnet-oracle/bin/python tests/data/mxnet/scripts/capture.py
[NAME ...]. Each script runs in a fresh interpreter inside an empty temporary directory
(MXNet names blocks and symbols from process-global counters), with one OpenMP thread.
"""
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SKIP = {"capture.py", "run_with_tapegraph.py"}


def scripts():
    return sorted(f[:-3] for f in os.listdir(HERE) if f.endswith(".py") and f not in SKIP)


def main(names):
    env = dict(os.environ, OMP_NUM_THREADS="1", MXNET_ENGINE_TYPE="NaiveEngine")
    for name in names or scripts():
        with tempfile.TemporaryDirectory() as cwd:
            proc = subprocess.run([sys.executable, os.path.join(HERE, name + ".py")], cwd=cwd,
                                  env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  universal_newlines=True)
        if proc.returncode != 0:
            raise SystemExit("%s failed under MXNet:\n%s" % (name, proc.stderr))
        with open(os.path.join(HERE, name + ".out"), "w") as f:
            f.write(proc.stdout)
        print("captured", name, len(proc.stdout.splitlines()), "lines")


if __name__ == "__main__":
    import mxnet
    assert mxnet.__version__ == "1.9.1", mxnet.__version__
    main(sys.argv[1:])
