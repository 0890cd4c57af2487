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
    "gluon": ("gluon", None), "name": ("gluon.naming", None),
    "transforms": ("transforms", None),
    "operator": ("operator", None), "profiler": ("profiler", None),
    "recordio": ("recordio", None),
}


def __getattr__(name: str) -> Any:
    entry = _PUBLIC.get(name)
    if entry is None:
        raise AttributeError("module 'tapegraph' has no attribute %r" % name)
    module, attr = entry
    value = importlib.import_module("." + module, __name__)
    if attr is not None:
        value = getattr(value, attr)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(_PUBLIC))
