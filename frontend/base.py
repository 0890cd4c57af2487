"""Errors and small shared helpers (MXNet's `mxnet.base`)."""
import importlib
from typing import Any, Callable, Iterable, List

from .ir.errors import (DTypeError, ExecutionError, GradReqError, IndexingError, MXNetError,
                        NonDifferentiableError, ParseError, ShapeError, VerifyError)

__all__ = ["DTypeError", "ExecutionError", "GradReqError", "IndexingError", "MXNetError",
           "NonDifferentiableError", "ParseError", "ShapeError", "VerifyError"]

NOT_IN_GRAPH = (
    "Cannot differentiate node because it is not in a computational graph. You need to set "
    "is_recording to true or use autograd.record() to save computational graphs for "
    "backward. If you want to differentiate the same graph twice, you need to pass "
    "retain_graph=True to backward.")


def names_from(package: str, names: Iterable[str], module: str
               ) -> "tuple[Callable[[str], Any], Callable[[], List[str]]]":
    """A module's `(__getattr__, __dir__)` offering `names` from `package`, for a module
    whose MXNet namesake defines them where tapegraph keeps them in sibling modules
    (MXNet's `mxnet.optimizer.optimizer` defines every optimizer): `from
    mxnet.optimizer.optimizer import SGD` then runs unchanged. They are looked up on
    first use, when `package` has finished loading, so no import cycle arises."""
    wanted = frozenset(names)

    def __getattr__(name: str) -> Any:
        if name in wanted:
            return getattr(importlib.import_module(package), name)
        raise AttributeError("module %r has no attribute %r" % (module, name))

    def __dir__() -> List[str]:
        return sorted(set(vars(importlib.import_module(module))) | wanted)

    return __getattr__, __dir__
