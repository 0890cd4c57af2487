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
    "visualization": ("visualization", None), "executor": ("symbol.execute.executor", None),
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


# MXNet modules tapegraph deliberately lacks: using one raises NotImplementedError (an
# UnsupportedError) with the reason. They are left out of dir(tapegraph).
_CPP = "it needs MXNet's C++ backend, which tapegraph does not have"
_NP_INTERNAL = ("it is part of how MXNet builds mx.np on its C++ operators; tapegraph's "
                "mx.np arrays implement NumPy's protocols directly")
_UNSUPPORTED: Dict[str, str] = {
    "onnx": "ONNX import/export needs the onnx package, which is not a tapegraph dependency "
            "(HybridBlock.export and autograd.get_symbol write MXNet's symbol JSON)",
    "rtc": "runtime compilation of CUDA kernels needs a GPU; tapegraph computes on the CPU "
           "only (NumPy)",
    "tvmop": "operators compiled with TVM " + _CPP[3:],
    "library": "loading compiled operator libraries (.so) " + _CPP[3:],
    "th": "MXNet's Torch plugin " + _CPP[3:], "torch": "MXNet's Torch plugin " + _CPP[3:],
    "notebook": "its live training plots need bokeh and matplotlib, which are not tapegraph "
                "dependencies",
    "executor_manager": "the multi-device executor manager of the deprecated "
                        "mx.model.FeedForward is not provided; train with mx.mod.Module or "
                        "Gluon",
    "api": "it is the FFI of MXNet's C++ backend", "ndarray_doc": "its docstring helpers "
    "serve MXNet's generated operators; tapegraph's operators carry their own docstrings",
    "symbol_doc": "its docstring helpers serve MXNet's generated operators; tapegraph's "
                  "operators carry their own docstrings",
    "numpy_dispatch_protocol": _NP_INTERNAL, "numpy_op_fallback": _NP_INTERNAL,
    "numpy_op_signature": _NP_INTERNAL,
    "np_symbol": "MXNet's symbolic NumPy API is not provided: a hybridized NumPy-mode block "
                 "is traced from its mx.np calls, and mx.sym builds legacy symbols",
}


def __getattr__(name: str) -> Any:
    entry = _PUBLIC.get(name)
    if entry is None:
        why = _UNSUPPORTED.get(name)
        if why is not None:
            from .unsupported import UnsupportedError, message
            raise UnsupportedError(message("mxnet." + name, why))
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
