"""`mx.random`: the process-wide random generator, `seed`, and MXNet's samplers
(`mx.random.uniform` is `mx.nd.random.uniform`, ...)."""
from __future__ import annotations

import numbers

import numpy as np

from .context import Context  # noqa: F401  (MXNet's module exports it)

# Seeded at start-up like MXNet, whose generator gives the same draws in every fresh
# process until `seed` is called.
_GENERATOR = np.random.default_rng(0)

_SAMPLERS = ("exponential", "gamma", "generalized_negative_binomial", "multinomial",
             "negative_binomial", "normal", "poisson", "randint", "randn", "shuffle", "uniform")


def seed(seed_state: int, ctx="all") -> None:
    """Reseed the generator used by `mx.nd.random`, `mx.np.random`, `mx.npx.random` and
    Dropout: the same seed gives the same draws."""
    global _GENERATOR
    if not isinstance(seed_state, numbers.Integral) or isinstance(seed_state, bool):
        raise ValueError("seed_state must be int")
    _GENERATOR = np.random.default_rng(int(seed_state))


def generator() -> np.random.Generator:
    """The generator every sampler draws from."""
    return _GENERATOR


def __getattr__(name: str):
    if name in _SAMPLERS:
        from .ndarray import random as _nd_random
        value = getattr(_nd_random, name)
        globals()[name] = value
        return value
    raise AttributeError("module 'tapegraph.random' has no attribute %r" % name)


def __dir__():
    return sorted(set(globals()) | set(_SAMPLERS))
