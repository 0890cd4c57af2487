"""Capture MXNet 1.9.1's public API names into tests/data/mxnet/api_names.json.

    /tmp/mxnet-oracle/bin/python tools/capture_api_names.py

Run with the oracle's python (real MXNet 1.9.1). For every module of the compatibility
table: its `dir()` minus underscore names and minus the submodules/stdlib modules it merely
imports (for the implementation modules user code imports from, only the names they
define); for `mxnet.test_utils` also what `from mxnet.test_utils import *` binds; for the
NDArray classes their public methods and attributes. Tests never need the oracle.
"""
import importlib
import inspect
import json
import os
import sys
import types

MODULES = [
    "mxnet.test_utils", "mxnet.util", "mxnet.autograd", "mxnet.contrib.autograd",
    "mxnet.ndarray", "mxnet.ndarray.random", "mxnet.ndarray.contrib", "mxnet.ndarray.linalg",
    "mxnet.ndarray.sparse", "mxnet.numpy", "mxnet.numpy.random", "mxnet.numpy.linalg",
    "mxnet.numpy_extension", "mxnet.numpy_extension.random", "mxnet.context", "mxnet.random",
    "mxnet.operator", "mxnet.metric", "mxnet.io", "mxnet.profiler", "mxnet.kvstore",
    "mxnet.symbol", "mxnet.symbol.linalg", "mxnet.symbol.random", "mxnet.symbol.contrib",
    "mxnet.gluon", "mxnet.gluon.nn", "mxnet.gluon.rnn", "mxnet.gluon.loss", "mxnet.gluon.data",
    "mxnet.gluon.data.vision", "mxnet.gluon.data.vision.transforms", "mxnet.gluon.utils",
    "mxnet.gluon.model_zoo.vision", "mxnet.gluon.contrib.nn", "mxnet.gluon.contrib.rnn",
    "mxnet.gluon.contrib.cnn", "mxnet.gluon.contrib.data", "mxnet.gluon.contrib.estimator",
    "mxnet.initializer",
    "mxnet.optimizer", "mxnet.lr_scheduler", "mxnet", "mxnet.model", "mxnet.callback",
    "mxnet.module", "mxnet.attribute", "mxnet.monitor", "mxnet.visualization", "mxnet.log",
    "mxnet.image", "mxnet.rnn",
    "mxnet.contrib", "mxnet.contrib.amp", "mxnet.contrib.io", "mxnet.contrib.ndarray",
    "mxnet.contrib.symbol", "mxnet.contrib.text", "mxnet.contrib.text.vocab",
    "mxnet.contrib.text.embedding", "mxnet.contrib.text.utils",
    "mxnet.contrib.svrg_optimization", "mxnet.contrib.tensorboard",
    "mxnet.contrib.quantization", "mxnet.recordio", "mxnet.runtime", "mxnet.name",
    "mxnet.registry", "mxnet.engine", "mxnet.ndarray.image", "mxnet.symbol.image",
    "mxnet.numpy_extension.image", "mxnet.optimizer.contrib", "mxnet.gluon.model_zoo",
]
# MXNet's implementation modules that user code imports from (`from
# mxnet.optimizer.optimizer import SGD`): only the names each defines itself are captured
# (not what it imports for its own use)
IMPLEMENTATION_MODULES = [
    "mxnet.gluon.block", "mxnet.gluon.parameter", "mxnet.gluon.trainer",
    "mxnet.gluon.data.dataloader", "mxnet.gluon.data.dataset", "mxnet.gluon.data.sampler",
    "mxnet.gluon.data.vision.datasets", "mxnet.gluon.nn.basic_layers",
    "mxnet.gluon.nn.conv_layers", "mxnet.gluon.nn.activations", "mxnet.gluon.rnn.rnn_cell",
    "mxnet.gluon.rnn.rnn_layer", "mxnet.gluon.contrib.nn.basic_layers",
    "mxnet.gluon.model_zoo.vision.resnet", "mxnet.gluon.model_zoo.vision.mobilenet",
    "mxnet.gluon.model_zoo.vision.vgg", "mxnet.gluon.model_zoo.vision.densenet",
    "mxnet.gluon.model_zoo.vision.inception", "mxnet.gluon.model_zoo.vision.squeezenet",
    "mxnet.gluon.model_zoo.vision.alexnet", "mxnet.ndarray.ndarray", "mxnet.symbol.symbol",
    "mxnet.io.io", "mxnet.module.module", "mxnet.module.base_module",
    "mxnet.module.bucketing_module", "mxnet.optimizer.optimizer", "mxnet.numpy.multiarray",
    "mxnet.executor", "mxnet.rnn.rnn_cell", "mxnet.image.image", "mxnet.image.detection",
    "mxnet.kvstore.kvstore",
]
# packages whose objects MXNet modules import for their own use (not API they offer);
# NumPy objects stay: mx.np offers NumPy fallbacks (np.allclose) and dtypes as API
STDLIB_PLUMBING = {"ctypes", "_ctypes", "threading", "_thread", "collections", "contextlib",
                   "abc", "typing", "functools"}
CLASSES = {"mxnet.ndarray.NDArray": ("mxnet.ndarray", "NDArray"),
           "mxnet.numpy.ndarray": ("mxnet.numpy", "ndarray")}


def _plumbing(name, value):
    """True for names a module only imported: C-API plumbing from ctypes / mxnet.base
    (check_call, c_str, NDArrayHandle, string_types ...) and objects of other libraries
    (threading.Lock, OrderedDict ...). These are not MXNet API."""
    import mxnet.base
    if getattr(mxnet.base, name, object()) is value and not callable(value) or \
            name in vars(mxnet.base) and vars(mxnet.base)[name] is value:
        return True
    if isinstance(value, types.ModuleType):
        return False
    owner = (getattr(value, "__module__", None) or "").split(".")[0]
    return owner in STDLIB_PLUMBING


def _public(module):
    """Public names of `module`: no underscore names, no plumbing (`_plumbing`), and no
    module objects other than mxnet submodules that are parts of it (e.g. nd.random)."""
    names, skipped = [], []
    for name in dir(module):
        if name.startswith("_"):
            continue
        value = getattr(module, name)
        if isinstance(value, types.ModuleType):
            sub = getattr(value, "__name__", "")
            if not sub.startswith(module.__name__ + "."):
                continue  # re-exported foreign module (np, os, ...)
        if _plumbing(name, value):
            skipped.append(name)
            continue
        names.append(name)
    return sorted(names), sorted(skipped)


def _kind(value):
    if isinstance(value, types.ModuleType):
        return "module"
    if inspect.isclass(value):
        return "class"
    if callable(value):
        return "function"
    return "value"


def main():
    import mxnet
    out = {"mxnet_version": mxnet.__version__, "modules": {}, "kinds": {},
           "classes": {}, "star_imports": {},
           "excluded": {}}
    for name in MODULES:
        module = importlib.import_module(name)
        names, skipped = _public(module)
        out["modules"][name] = names
        out["excluded"][name] = skipped
        out["kinds"][name] = {n: _kind(getattr(module, n)) for n in names}
    for name in IMPLEMENTATION_MODULES:
        module = importlib.import_module(name)
        names = [n for n in _public(module)[0]
                 if getattr(getattr(module, n), "__module__", None) == name]
        out["modules"][name] = names
        out["excluded"][name] = []
        out["kinds"][name] = {n: _kind(getattr(module, n)) for n in names}
    for key, (mod, cls) in CLASSES.items():
        klass = getattr(importlib.import_module(mod), cls)
        out["classes"][key] = sorted(n for n in dir(klass) if not n.startswith("_"))
    scope = {}
    exec("from mxnet.test_utils import *", scope)
    out["star_imports"]["mxnet.test_utils"] = {
        n: ("module:" + v.__name__ if isinstance(v, types.ModuleType) else _kind(v))
        for n, v in sorted(scope.items()) if n != "__builtins__"}
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    path = os.path.join(here, "tests", "data", "mxnet", "api_names.json")
    with open(path, "w") as fh:
        json.dump(out, fh, indent=1, sort_keys=True)
        fh.write("\n")
    print("wrote", path, {k: len(v) for k, v in out["modules"].items()})


if __name__ == "__main__":
    sys.exit(main())
