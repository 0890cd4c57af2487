"""`mx.sym`: Symbol, variables, MXNet symbol JSON both ways.

`load_json` / `load` read files Apache MXNet writes; `Symbol.tojson` / `save` write files
it loads and evaluates. `autograd.get_symbol` and `autograd.backward_graph` return
Symbols of recorded forward and derived backward graphs.
"""
from .symbol import Group, Symbol, Variable, load, load_json, symbol_from_arrays, var
from .json_export import ExportError

__all__ = ["ExportError", "Group", "Symbol", "Variable", "load", "load_json",
           "symbol_from_arrays", "var"]
