"""Run an MXNet script with tapegraph standing in for MXNet: `python run_with_tapegraph.py
SCRIPT.py`.

`import mxnet`, `import mxnet.gluon.nn`, `from mxnet.gluon import nn` ... all resolve to the
tapegraph modules themselves (`mxnet.X` is `tapegraph.X`, one module object, not a copy), so
the script runs exactly as written.
"""
import importlib
import importlib.abc
import importlib.util
import runpy
import sys


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


if __name__ == "__main__":
    sys.meta_path.insert(0, _Alias())
    script = sys.argv[1]
    sys.argv = sys.argv[1:]
    runpy.run_path(script, run_name="__main__")
