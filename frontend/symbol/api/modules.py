"""The names of MXNet's `mx.sym` that are modules there: `mx.sym.op` (every operator
function), `mx.sym.symbol` (this package), `mx.sym.image` (the `_image_*` operators
tapegraph has), and the stand-ins for the others (`sparse`, `np`, `npx`, `gen_*`,
`register`), which raise NotImplementedError with the reason when used."""
from __future__ import annotations

import sys
import types
from typing import Any

from ...ir import MXNetError
from ...unsupported import CPP, SPARSE, UnsupportedError, message
from ..graph.mxnet_ops import mappings
from .op_functions import make_op_function

_NP = ("MXNet's symbolic NumPy API is not provided: a hybridized NumPy-mode block is traced "
       "from its mx.np calls (its export holds the _np_ / _npi_ operators, which mx.sym.load "
       "reads), and mx.sym builds legacy symbols")
_GENERATED = ("an internal module of MXNet's generated operator bindings; use the functions "
              "of mx.sym directly")
UNSUPPORTED = {"sparse": SPARSE, "np": _NP, "numpy": _NP, "npx": _NP, "numpy_extension": _NP,
               "register": "it generates MXNet's operator functions from its C++ "
               "registry: " + CPP}
UNSUPPORTED.update(("gen_" + n, _GENERATED) for n in ("_internal", "contrib", "image",
                                                      "linalg", "op", "sparse"))


def unsupported(name: str) -> Any:
    """Raise the stand-in error for `mx.sym.<name>` (UnsupportedError)."""
    raise UnsupportedError(message("mxnet.symbol." + name, UNSUPPORTED[name]))


def _operator_module(qualname: str, doc: str, function, names=None) -> types.ModuleType:
    """A module whose attributes are the operator functions `function(name)` gives
    (MXNetError when there is none); `names()`, when given, lists them for `dir()`."""
    module = types.ModuleType(qualname, doc)

    def __getattr__(name: str) -> Any:
        if not name.startswith("_"):
            try:
                return function(name)
            except MXNetError:
                pass
        raise AttributeError("module %r has no attribute %r" % (qualname, name))
    module.__getattr__ = __getattr__
    if names is not None:
        module.__dir__ = lambda: sorted(set(module.__dict__) | set(names()))
    sys.modules[qualname] = module
    return module


def _image_function(name: str):
    if "_image_" + name not in mappings():
        raise MXNetError("no image operator %r" % name)
    return make_op_function(name, "_image_" + name)


def _image_names():
    return [op[len("_image_"):] for op in mappings() if op.startswith("_image_")]


op = _operator_module(
    "tapegraph.symbol.op", "`mx.sym.op`: every operator function of `mx.sym` (as MXNet's "
    "module of generated operators).", make_op_function)
image = _operator_module(
    "tapegraph.symbol.image", "`mx.sym.image`: MXNet's `_image_*` operators that tapegraph "
    "has (`mx.sym.image.resize` makes an `_image_resize` node).", _image_function,
    _image_names)
