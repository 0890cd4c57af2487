"""`mx.sym`: Symbol, export to MXNet JSON."""
from .symbol import Symbol, symbol_from_arrays

__all__ = ["Symbol", "symbol_from_arrays"]
