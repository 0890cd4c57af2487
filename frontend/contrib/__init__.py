"""`mx.contrib`: MXNet's experimental namespace.

`autograd` (the pre-1.0 autograd API), `nd`/`ndarray` and `sym`/`symbol` (the contrib
operators), `amp` (automatic mixed precision), `text` (vocabularies and embeddings), `io`
(`DataLoaderIter`), `svrg_optimization`, `tensorboard` and `quantization`/`quant` (whose
int8 passes are stand-ins). `onnx` is not provided: it raises NotImplementedError.
Sub-packages load on first use."""
from __future__ import annotations

import importlib
from typing import Any

from ..unsupported import ONNX, UnsupportedError, message
from . import autograd  # noqa: F401

_SUBMODULES = {"nd": "ndarray", "ndarray": "ndarray", "sym": "symbol", "symbol": "symbol",
               "amp": "amp", "text": "text", "io": "io", "tensorboard": "tensorboard",
               "svrg_optimization": "svrg_optimization", "quantization": "quantization",
               "quant": "quantization"}


def __getattr__(name: str) -> Any:
    if name == "onnx":
        raise UnsupportedError(message("mxnet.contrib.onnx", ONNX))
    target = _SUBMODULES.get(name)
    if target is None:
        raise AttributeError("module 'tapegraph.contrib' has no attribute %r" % name)
    module = importlib.import_module("." + target, __name__)
    globals()[name] = module
    return module


def __dir__():
    return sorted(set(globals()) | set(_SUBMODULES))
