"""Errors and small shared helpers (MXNet's `mxnet.base`)."""
from .ir.errors import (DTypeError, ExecutionError, GradReqError, IndexingError, MXNetError,
                        NonDifferentiableError, ParseError, ShapeError, VerifyError)

__all__ = ["DTypeError", "ExecutionError", "GradReqError", "IndexingError", "MXNetError",
           "NonDifferentiableError", "ParseError", "ShapeError", "VerifyError"]

NOT_IN_GRAPH = (
    "Cannot differentiate node because it is not in a computational graph. You need to set "
    "is_recording to true or use autograd.record() to save computational graphs for "
    "backward. If you want to differentiate the same graph twice, you need to pass "
    "retain_graph=True to backward.")
