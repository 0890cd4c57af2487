"""`mx.sym`: Symbol, variables, MXNet symbol JSON both ways.

`load_json` / `load` read files Apache MXNet writes; `Symbol.tojson` / `save` write files
it loads and evaluates. `autograd.get_symbol` and `autograd.backward_graph` return
Symbols of recorded forward and derived backward graphs.
"""
from .api.symbol import Group, Symbol, Variable, load, load_json, symbol_from_arrays, var
from .formats.json_export import ExportError
from .api.op_functions import make_op_function
from .api.custom import Custom
from .api.functions import (arange, eye, full, histogram, hypot, linspace, maximum, minimum,
                            ones, pow, power, split_v2, zeros)
from . import random
from . import linalg  # noqa: F401  (mx.sym.linalg)
from . import contrib  # noqa: F401  (mx.sym.contrib)
from .api import traced_ops  # noqa: F401  (registers the operators traced from mx.nd)
from .api.unavailable import SYMBOL_STAND_INS
from .api.modules import UNSUPPORTED, image, op, unsupported  # noqa: F401  (mx.sym.op, ...)
from ..ir import MXNetError
import sys

__all__ = ["Custom", "ExportError", "Group", "Symbol", "Variable", "arange", "eye", "full",
           "histogram", "hypot", "linspace", "load",
           "load_json", "maximum", "minimum", "ones", "pow", "power", "random",
           "split_v2", "symbol_from_arrays", "var", "zeros", "image", "op"]


def __getattr__(name: str):
    """`mx.sym.FullyConnected`, `mx.sym.exp`, ...: any operator tapegraph can load."""
    if name.startswith("__"):
        raise AttributeError(name)
    if name == "symbol":  # MXNet's mx.sym.symbol: the module of Symbol, var, Group, ...
        return sys.modules[__name__]
    if name in UNSUPPORTED:
        unsupported(name)
    if name in SYMBOL_STAND_INS:
        return SYMBOL_STAND_INS[name]
    try:
        return make_op_function(name)
    except MXNetError:
        raise AttributeError("module 'tapegraph.symbol' has no attribute %r" % name) from None

# MXNet's `mxnet.symbol.symbol` (`from mxnet.symbol.symbol import Symbol`) is this module
sys.modules[__name__ + ".symbol"] = sys.modules[__name__]
