"""Structured error classes (MXNet's `mxnet.error`): `register_error` records an error
class under a name (MXNet's C++ backend raised registered classes by the name a message
starts with, "ValueError: ..."; tapegraph raises them directly), `InternalError`."""
from __future__ import annotations

from typing import Any, Dict

from .base import MXNetError

__all__ = ["MXNetError", "register", "register_error", "InternalError", "error_types"]

error_types: Dict[str, type] = {}  # name -> registered error class


def register_error(func_name: Any = None, cls: Any = None) -> Any:
    """Register an error class under `func_name` (default: the class's name); used as
    `@register_error`, `@register_error("Name")` or `register_error("Name", cls)`."""
    if callable(func_name):
        cls, func_name = func_name, func_name.__name__

    def register(mycls: type) -> type:
        error_types[func_name if isinstance(func_name, str) else mycls.__name__] = mycls
        return mycls

    return register if cls is None else register(cls)


register = register_error


@register_error
class InternalError(MXNetError):
    """An internal error of the system; the message gets MXNet's hint to report it."""

    def __init__(self, msg: str):
        if "MXNet hint:" not in msg:
            msg += ("\nMXNet hint: You hit an internal error. Please open an issue in "
                    "https://github.com/apache/incubator-mxnet/issues/new/choose"
                    " to report it.")
        super().__init__(msg)


for _name, _cls in (("ValueError", ValueError), ("TypeError", TypeError),
                    ("AttributeError", AttributeError), ("IndexError", IndexError),
                    ("NotImplementedError", NotImplementedError)):
    register_error(_name, _cls)
