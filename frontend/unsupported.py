"""Stand-ins for MXNet names tapegraph deliberately does not provide.

Every MXNet name tapegraph lacks on purpose is bound to a stand-in made here, so that using
it raises `NotImplementedError` naming what is missing and why (sparse storage, GPU,
distributed training, C++ extensions ...), never a silent no-op or an AttributeError.
`tools/gen_compatibility.py` finds the stand-ins by calling them and lists them in
docs/compatibility.md with their reason.
"""
from __future__ import annotations

from typing import Any, Callable

from .ir.errors import MXNetError

SPARSE = ("sparse storage (csr / row_sparse) is not supported: tapegraph arrays are dense "
          "NumPy arrays")
GPU = "tapegraph computes on the CPU only (NumPy); there is no GPU"
DISTRIBUTED = "distributed training (parameter servers, Horovod, BytePS) is not supported"
CPP = "it needs MXNet's C++ backend, which tapegraph does not have"
DATA = "it reads MXNet's binary record / image formats, which tapegraph does not implement"
NETWORK = "tapegraph does not download data or models"

MARK = "__tapegraph_unsupported__"


class UnsupportedError(MXNetError, NotImplementedError):
    """Something MXNet does that tapegraph does not: a NotImplementedError, and an
    MXNetError where MXNet's own check would raise one."""


def message(name: str, why: str) -> str:
    return "%s is not implemented in tapegraph: %s" % (name, why)


def not_implemented(name: str, why: str,
                    error: type = NotImplementedError) -> Callable[..., Any]:
    """A function `name` that raises NotImplementedError(`why`) when called (`error`, a
    subclass of it, e.g. UnsupportedError where MXNet itself raises MXNetError)."""
    text = message(name, why)

    def stub(*args: Any, **kwargs: Any) -> Any:
        raise error(text)

    stub.__name__ = stub.__qualname__ = name.rsplit(".", 1)[-1]
    stub.__doc__ = "Not implemented: " + why + "."
    setattr(stub, MARK, text)
    return stub


def not_implemented_class(name: str, why: str, base: type = object) -> type:
    """A class `name` whose construction raises NotImplementedError(`why`)."""
    text = message(name, why)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        raise NotImplementedError(text)

    short = name.rsplit(".", 1)[-1]
    return type(short, (base,), {"__init__": __init__, MARK: text,
                                 "__doc__": "Not implemented: " + why + "."})


def not_implemented_method(name: str, why: str) -> Callable[..., Any]:
    """A method stand-in (same as `not_implemented`; it also ignores `self`)."""
    return not_implemented(name, why)


def check_stype(stype: Any, where: str) -> None:
    """UnsupportedError for a sparse storage type; ValueError for an unknown one."""
    if stype is None or stype == "default":
        return
    if stype in ("csr", "row_sparse"):
        raise UnsupportedError("%s(stype=%r) is not implemented in tapegraph: %s"
                               % (where, stype, SPARSE))
    raise ValueError("%s: unknown storage type %r (expected 'default', 'csr' or "
                     "'row_sparse')" % (where, stype))


def bind_stubs(namespace: dict, names, why: str, prefix: str) -> None:
    """Bind a `not_implemented` stand-in for each of `names` missing from `namespace`."""
    for n in names:
        if n not in namespace:
            namespace[n] = not_implemented(prefix + n, why)
