"""`mx.random`: the process-wide random generator, `seed`, and MXNet's samplers
(`mx.random.uniform` is `mx.nd.random.uniform`, ...)."""
from __future__ import annotations

import numbers
import threading
from typing import Any, Callable, Optional, Sequence

import numpy as np

from .context import Context  # noqa: F401  (MXNet's module exports it)
from .ir.ops import random as _ir_random

_SAMPLERS = ("exponential", "gamma", "generalized_negative_binomial", "multinomial",
             "negative_binomial", "normal", "poisson", "randint", "randn", "shuffle", "uniform")


def seed(seed_state: int, ctx="all") -> None:
    """Reseed the generator used by `mx.nd.random`, `mx.np.random`, `mx.npx.random` and
    Dropout: the same seed gives the same draws."""
    if not isinstance(seed_state, numbers.Integral) or isinstance(seed_state, bool):
        raise ValueError("seed_state must be int")
    _ir_random.seed(int(seed_state))


def generator() -> np.random.Generator:
    """The generator every sampler draws from (the IR's sampling operators' own: seeded at
    start-up like MXNet's, the same draws in every fresh process until `seed`)."""
    return _ir_random.generator()


class _Observer(threading.local):
    def __init__(self) -> None:
        self.fn: Optional[Callable[[Any, Callable[[], np.ndarray], Sequence[Any]], None]] = None


_OBSERVER = _Observer()


def observing() -> bool:
    """Whether a tracer watches this thread's samples (then samplers that are IR operators
    record their node even when no input is traced, so the draw is part of the graph)."""
    return _OBSERVER.fn is not None


def set_sample_observer(fn: Optional[Callable[..., None]]) -> Optional[Callable[..., None]]:
    """Install `fn(array, redraw, params)` to be told of every sample drawn on this thread
    (None removes it); returns the previous observer. A tracer (hybridize) uses it to
    make samples inputs drawn afresh at each call instead of constants of the trace."""
    previous, _OBSERVER.fn = _OBSERVER.fn, fn
    return previous


def observe_sample(array: Any, redraw: Callable[[], np.ndarray],
                   params: Sequence[Any] = ()) -> Any:
    """Samplers call this with the array they return, a function drawing a new buffer
    like it (same distribution, shape and dtype) and the array parameters the draw
    read; returns `array`."""
    if _OBSERVER.fn is not None:
        _OBSERVER.fn(array, redraw, params)
    return array


def __getattr__(name: str):
    if name in _SAMPLERS:
        from .ndarray import random as _nd_random
        value = getattr(_nd_random, name)
        globals()[name] = value
        return value
    raise AttributeError("module 'tapegraph.random' has no attribute %r" % name)


def __dir__():
    return sorted(set(globals()) | set(_SAMPLERS))
