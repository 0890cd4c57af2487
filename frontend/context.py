"""Devices. tapegraph runs on the CPU only; `cpu(0)` prints as MXNet's does.

`with mx.cpu(1):` makes that context current (`current_context()`), as in MXNet. GPU
contexts can be named (code that picks a device still runs), but there is no GPU memory to
query: `gpu_memory_info` raises as MXNet built without CUDA does.
"""
from __future__ import annotations

import threading
from typing import List

from .ir.errors import MXNetError

_CURRENT = threading.local()


class Context:
    """A device context (`cpu(0)`); other device types are accepted but run on the CPU."""

    __slots__ = ("device_type", "device_id", "_old_ctx")
    devtype2str = {1: "cpu", 2: "gpu", 3: "cpu_pinned", 5: "cpu_shared"}
    devstr2type = {"cpu": 1, "gpu": 2, "cpu_pinned": 3, "cpu_shared": 5}

    def __init__(self, device_type="cpu", device_id: int = 0):
        if isinstance(device_type, Context):
            device_type, device_id = device_type.device_type, device_type.device_id
        if device_type not in self.devstr2type:
            raise KeyError(device_type)
        self.device_type = device_type
        self.device_id = device_id
        self._old_ctx = None

    @property
    def device_typeid(self) -> int:
        """MXNet's numeric device type (cpu=1, gpu=2, cpu_pinned=3, cpu_shared=5)."""
        return self.devstr2type[self.device_type]

    def __repr__(self) -> str:
        return "%s(%d)" % (self.device_type, self.device_id)

    __str__ = __repr__

    def __eq__(self, other) -> bool:
        return (isinstance(other, Context) and self.device_type == other.device_type
                and self.device_id == other.device_id)

    def __hash__(self) -> int:
        return hash((self.device_type, self.device_id))

    def __enter__(self):
        self._old_ctx = current_context()
        _CURRENT.stack = _stack() + [self]
        return self

    def __exit__(self, *exc):
        stack = _stack()
        if stack and stack[-1] is self:
            _CURRENT.stack = stack[:-1]
        return False

    def empty_cache(self) -> None:
        """Release cached device memory: NumPy has no pool, so there is nothing to free."""

    @classmethod
    def _default_ctx(cls) -> "Context":
        return current_context()


def _stack() -> List[Context]:
    return getattr(_CURRENT, "stack", [])


class _DefaultCtx:
    """`Context.default_ctx`: the current context (read-only class attribute)."""

    def __get__(self, obj, owner):
        return current_context()


Context.default_ctx = _DefaultCtx()  # type: ignore[attr-defined]


def cpu(device_id: int = 0) -> Context:
    """The CPU context."""
    return Context("cpu", device_id)


def cpu_pinned(device_id: int = 0) -> Context:
    """The pinned-CPU context (plain CPU memory here)."""
    return Context("cpu_pinned", device_id)


def gpu(device_id: int = 0) -> Context:
    """Accepted for compatibility; tapegraph computes on the CPU."""
    return Context("gpu", device_id)


def current_context() -> Context:
    """The innermost `with context:` block's context, else the default (`cpu(0)` unless
    `test_utils.set_default_context` changed it)."""
    stack = _stack()
    return stack[-1] if stack else getattr(_CURRENT, "default", None) or cpu()


def set_default(ctx: Context) -> None:
    """Set the context `current_context()` returns outside `with` blocks."""
    if not isinstance(ctx, Context):
        raise TypeError("set_default_context: expected a Context, got %r" % (ctx,))
    _CURRENT.default = ctx


def num_gpus() -> int:
    """The number of GPUs: 0 (tapegraph computes on the CPU)."""
    return 0


def gpu_memory_info(device_id: int = 0):
    """Raises as MXNet built without CUDA does: tapegraph has no GPU memory to report."""
    raise MXNetError("gpu_memory_info: this call is only supported for MXNet built with CUDA "
                     "support; tapegraph computes on the CPU and has no GPU")
