"""tapegraph.ir: types, values, nodes, graphs, the operator registry, text format, verifier.

This package imports nothing else of tapegraph.
"""
from .errors import (ExecutionError, MXNetError, NonDifferentiableError, ParseError,
                     ShapeError, VerifyError)
from .types import TensorType, format_type, is_float
from .graph import Builder, Graph, Node, Value, attrs_key, structural_key
from .registry import REGISTRY, REQUIRED, OpDef, get_op, register
from . import ops  # noqa: F401  (registers the operator library)
from .printer import format_node, print_graph
from .parser import parse
from .verify import verify

__all__ = [
    "Builder", "ExecutionError", "Graph", "MXNetError", "Node", "NonDifferentiableError",
    "OpDef", "ParseError", "REGISTRY", "REQUIRED", "ShapeError", "TensorType", "Value",
    "VerifyError", "attrs_key", "format_node", "format_type", "get_op", "is_float", "parse",
    "print_graph", "register", "structural_key", "verify",
]
