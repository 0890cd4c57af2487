"""Stand-ins for MXNet names tapegraph deliberately does not provide.

Every MXNet name tapegraph lacks on purpose is bound to a stand-in made here, so that using
it raises `NotImplementedError` naming what is missing and why (sparse storage, GPU,
distributed training, C++ extensions ...), never a silent no-op or an AttributeError.
`tools/gen_compatibility.py` finds the stand-ins by calling them and lists them in
docs/compatibility.md with their reason.
"""
from __future__ import annotations

from typing import Any, Callable, Dict

from .ir.errors import MXNetError

SPARSE = ("sparse storage (csr / row_sparse) is not supported: tapegraph arrays are dense "
          "NumPy arrays")
GPU = "tapegraph computes on the CPU only (NumPy); there is no GPU"
DISTRIBUTED = "distributed training (parameter servers, Horovod, BytePS) is not supported"
CPP = "it needs MXNet's C++ backend, which tapegraph does not have"
DATA = "it reads MXNet's binary record / image formats, which tapegraph does not implement"
NETWORK = "tapegraph does not download data or models"
ONNX = ("ONNX import/export needs the onnx package, which is not a tapegraph dependency "
        "(HybridBlock.export and autograd.get_symbol write MXNet's symbol JSON)")

# MXNet's top-level modules tapegraph deliberately lacks: `mx.<name>` raises an
# UnsupportedError (a NotImplementedError) with the reason; they are not in dir(tapegraph).
_NP_INTERNAL = ("it is part of how MXNet builds mx.np on its C++ operators; tapegraph's "
                "mx.np arrays implement NumPy's protocols directly")
MODULES: Dict[str, str] = {
    "onnx": ONNX,
    "rtc": "runtime compilation of CUDA kernels needs a GPU; tapegraph computes on the CPU "
           "only (NumPy)",
    "tvmop": "operators compiled with TVM " + CPP[3:],
    "library": "loading compiled operator libraries (.so) " + CPP[3:],
    "th": "MXNet's Torch plugin " + CPP[3:], "torch": "MXNet's Torch plugin " + CPP[3:],
    "notebook": "its live training plots need bokeh and matplotlib, which are not tapegraph "
                "dependencies",
    "executor_manager": "the multi-device executor manager of the deprecated "
                        "mx.model.FeedForward is not provided; train with mx.mod.Module or "
                        "Gluon",
    "api": "it is the FFI of MXNet's C++ backend", "ndarray_doc": "its docstring helpers "
    "serve MXNet's generated operators; tapegraph's operators carry their own docstrings",
    "symbol_doc": "its docstring helpers serve MXNet's generated operators; tapegraph's "
                  "operators carry their own docstrings",
    "numpy_dispatch_protocol": _NP_INTERNAL, "numpy_op_fallback": _NP_INTERNAL,
    "numpy_op_signature": _NP_INTERNAL,
    "np_symbol": "MXNet's symbolic NumPy API is not provided: a hybridized NumPy-mode block "
                 "is traced from its mx.np calls, and mx.sym builds legacy symbols",
}

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
