"""tapegraph: MXNet's imperative autograd as a graph compiler with an explicit IR.

`import tapegraph as mx` and MXNet code runs unchanged: `mx.nd`, `mx.np`, `mx.npx`,
`mx.autograd`, `mx.sym`, `mx.cpu()`. Recorded operations are traced into
`tapegraph.ir` graphs; gradients are derived by `tapegraph.passes` and executed by
`tapegraph.runtime`.

The names below are loaded on first use (PEP 562), so `import tapegraph.ir` (or
`passes`, `runtime`) loads the compiler core without the frontend.
"""
from __future__ import annotations

import importlib
from typing import Any, Dict, Tuple

__version__ = "0.1.0"

# public name -> (module under tapegraph, attribute of it or None for the module itself)
_PUBLIC: Dict[str, Tuple[str, Any]] = {
    "ir": ("ir", None), "passes": ("passes", None), "runtime": ("runtime", None),
    "base": ("base", None), "MXNetError": ("base", "MXNetError"),
    "context": ("context", None), "Context": ("context", "Context"), "cpu": ("context", "cpu"),
    "gpu": ("context", "gpu"), "current_context": ("context", "current_context"),
    "num_gpus": ("context", "num_gpus"),
    "random": ("random", None),
    "ndarray": ("ndarray", None), "nd": ("ndarray", None),
    "numpy": ("numpy", None), "np": ("numpy", None),
    "numpy_extension": ("numpy_extension", None), "npx": ("numpy_extension", None),
    "autograd": ("autograd", None),
    "symbol": ("symbol", None), "sym": ("symbol", None),
    "util": ("util", None), "io": ("io", None), "contrib": ("contrib", None),
    "metric": ("metric", None), "kvstore": ("kvstore", None), "kv": ("kvstore", None),
    "init": ("initializer", None), "initializer": ("initializer", None),
    "registry": ("registry", None),
    "optimizer": ("optimizer", None), "lr_scheduler": ("lr_scheduler", None),
    "engine": ("engine", None), "viz": ("viz", None), "test_utils": ("test_utils", None),
    "gluon": ("gluon", None), "name": ("name", None),
    "transforms": ("transforms", None),
    "operator": ("operator", None), "profiler": ("profiler", None),
    "recordio": ("recordio", None),
    "cpu_pinned": ("context", "cpu_pinned"), "rnd": ("random", None),
    "visualization": ("visualization", None), "executor": ("executor", None),
    "use_np": ("util", "use_np"), "use_np_array": ("util", "use_np_array"),
    "use_np_shape": ("util", "use_np_shape"), "np_array": ("util", "np_array"),
    "np_shape": ("util", "np_shape"), "set_np_shape": ("util", "set_np_shape"),
    "is_np_array": ("util", "is_np_array"), "is_np_shape": ("util", "is_np_shape"),
    "mod": ("module", None), "module": ("module", None), "model": ("model", None),
    "callback": ("callback", None), "monitor": ("monitor", None), "mon": ("monitor", None),
    "attribute": ("attribute", None), "AttrScope": ("attribute", "AttrScope"),
    "log": ("log", None), "image": ("image", None), "img": ("image", None),
    "rnn": ("rnn", None), "error": ("error", None),
}


def __getattr__(name: str) -> Any:
    entry = _PUBLIC.get(name)
    if entry is None:
        from .unsupported import MODULES, UnsupportedError, message
        if name in MODULES:  # an MXNet module tapegraph deliberately lacks
            raise UnsupportedError(message("mxnet." + name, MODULES[name]))
        raise AttributeError("module 'tapegraph' has no attribute %r" % name)
    module, attr = entry
    value = importlib.import_module("." + module, __name__)
    if attr is not None:
        value = getattr(value, attr)
    globals()[name] = value
    return value


def __dir__():
    return sorted(n for n in set(globals()) | set(_PUBLIC)
                  if n not in _PLUMBING and (n.startswith("__") or not n.startswith("_")))


_PLUMBING = {"annotations", "importlib", "Any", "Dict", "Tuple"}  # this module's own imports
