"""Where arrays live: every context is host memory here, but an array carries its
context (MXNet's `x.context`), by which Gluon picks a Parameter's copy for it, as a
per-context subclass of its class (`on_context`), which operators' results inherit with
no cost per operation."""
from __future__ import annotations

from typing import Any, Dict, Optional

from ..context import Context, cpu

_ON_CONTEXT: Dict[Any, type] = {}


def on_context(cls: type, ctx: Context) -> type:
    """The variant of array class `cls` whose arrays are on `ctx` (`cls`'s base for
    cpu(0)): a subclass whose `context` is `ctx`, so that the results of operators, made
    of their first input's class, stay on it as in MXNet, at no cost per operation."""
    base = getattr(cls, "_context_base", cls)
    ctx = Context(ctx)
    if ctx == cpu():
        return base
    key = (base, ctx.device_type, ctx.device_id)
    found = _ON_CONTEXT.get(key)
    if found is None:
        found = _ON_CONTEXT[key] = type(base.__name__, (base,), {
            "__slots__": (), "context": property(lambda self: ctx),
            "ctx": property(lambda self: ctx), "_context_base": base,
            "__reduce_ex__": _reduce_on_context,
            "__module__": base.__module__, "__qualname__": base.__qualname__})
    return found


def _reduce_on_context(arr: Any, protocol: int) -> tuple:
    """Pickle (and copy) an array on a context as its base class's array, placed again
    on load: the per-context class is made at run time, under its base's name."""
    base = type(arr)._context_base
    plain = base.__new__(base)
    plain._data, plain._value = arr._data, arr._value
    ctx = arr.context
    return _placed_again, (plain, ctx.device_type, ctx.device_id)


def _placed_again(arr: Any, device_type: str, device_id: int) -> Any:
    return placed(arr, Context(device_type, device_id))


def placed(arr: Any, ctx: Optional[Context]) -> Any:
    """`arr` (just made) on context `ctx` (None: where it is)."""
    if ctx is not None:
        if not isinstance(ctx, (Context, str)):
            raise TypeError("ctx must be a Context such as mx.cpu(0), got %s"
                            % type(ctx).__name__)
        cls = on_context(type(arr), ctx)
        if cls is not type(arr):
            object.__setattr__(arr, "__class__", cls)
    return arr
