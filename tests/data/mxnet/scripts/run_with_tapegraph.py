"""Run MXNet scripts with tapegraph standing in for MXNet.

    python run_with_tapegraph.py SCRIPT.py        # one script, output on stdout/stderr
    python run_with_tapegraph.py --each OUTDIR SCRIPT.py ...

`import mxnet`, `import mxnet.gluon.nn`, `from mxnet.gluon import nn` ... all resolve to the
tapegraph modules themselves (`mxnet.X` is `tapegraph.X`, one module object, not a copy), so
a script runs exactly as written.

`--each` imports tapegraph once, then runs every script in a child process forked from
that state (two at a time), each in an empty working directory, and writes
OUTDIR/NAME.stdout, NAME.stderr and NAME.rc. Nothing has run before the fork, so each script
starts as in a fresh interpreter (block and symbol name counters at zero).
"""
import importlib
import importlib.abc
import importlib.util
import os
import runpy
import sys
import tempfile
import traceback


class _Alias(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Finds `mxnet[.X]` as the already importable `tapegraph[.X]`."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname != "mxnet" and not fullname.startswith("mxnet."):
            return None
        return importlib.util.spec_from_loader(fullname, self)

    def create_module(self, spec):
        real = "tapegraph" + spec.name[len("mxnet"):]
        parent, _, leaf = real.rpartition(".")
        try:
            return importlib.import_module(real)
        except ModuleNotFoundError:
            if not parent:
                raise
            # a public attribute that is a module under another name (mxnet.init, mxnet.nd)
            value = getattr(importlib.import_module(parent), leaf, None)
            if value is None or not hasattr(value, "__name__"):
                raise
            return value

    def exec_module(self, module):
        pass


def run(script):
    sys.argv = [script]
    runpy.run_path(script, run_name="__main__")


def _child(script, outdir):
    name = os.path.splitext(os.path.basename(script))[0]
    with open(os.path.join(outdir, name + ".stdout"), "w") as out, \
            open(os.path.join(outdir, name + ".stderr"), "w") as err:
        os.dup2(out.fileno(), 1)
        os.dup2(err.fileno(), 2)
        code = 0
        try:
            os.chdir(tempfile.mkdtemp())
            run(script)
        except SystemExit as e:
            code = e.code if isinstance(e.code, int) else 1
        except BaseException:
            traceback.print_exc()
            code = 1
        sys.stdout.flush()
        sys.stderr.flush()
    with open(os.path.join(outdir, name + ".rc"), "w") as f:
        f.write(str(code))
    os._exit(code)


def each(outdir, scripts, jobs=2):
    import tapegraph as mx
    for name in ("nd", "np", "npx", "autograd", "sym", "gluon", "optimizer", "metric", "io",
                 "kv", "profiler", "lr_scheduler", "init"):
        getattr(mx, name)
    importlib.import_module("tapegraph.gluon.rnn")
    sys.stdout.flush()
    running = set()
    for script in scripts:
        while len(running) >= jobs:
            running.discard(os.wait()[0])
        pid = os.fork()
        if pid == 0:
            _child(script, outdir)
        running.add(pid)
    while running:
        running.discard(os.wait()[0])


if __name__ == "__main__":
    sys.meta_path.insert(0, _Alias())
    if sys.argv[1] == "--each":
        each(sys.argv[2], sys.argv[3:])
    else:
        run(sys.argv[1])
