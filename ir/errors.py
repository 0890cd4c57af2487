"""Exceptions raised by tapegraph. All derive from `MXNetError` (a RuntimeError, as in MXNet),
which the frontend re-exports as `tapegraph.base.MXNetError`."""


class MXNetError(RuntimeError):
    """Base of every tapegraph error (named as in Apache MXNet so user code catches it)."""


class ShapeError(MXNetError, ValueError):
    """An operator got inputs or attributes whose shapes or dtypes it cannot accept."""


class NonDifferentiableError(MXNetError):
    """Differentiating through an operator that has no gradient rule."""


class ParseError(MXNetError, ValueError):
    """Malformed IR text or JSON; the message gives the position."""


class VerifyError(MXNetError):
    """A graph broke an IR invariant (see `ir.verify`)."""


class ExecutionError(MXNetError):
    """A kernel failed while a graph was executed; names the node's printed line."""


class DTypeError(MXNetError, TypeError):
    """A dtype that tapegraph arrays cannot hold, or a name NumPy does not know."""


class IndexingError(MXNetError, IndexError):
    """An index out of range, or too many indices, for an array's shape."""


class GradReqError(MXNetError, KeyError):
    """A `grad_req` other than 'write', 'add' or 'null' (a KeyError, as in MXNet)."""

    def __str__(self) -> str:  # KeyError would print the repr of the message
        return str(self.args[0]) if self.args else ""
