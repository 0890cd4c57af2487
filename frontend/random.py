"""`mx.random`: the process-wide random generator and `seed`."""
from __future__ import annotations

import numpy as np

# Seeded at start-up like MXNet, whose generator gives the same draws in every fresh
# process until `seed` is called.
_GENERATOR = np.random.default_rng(0)


def seed(seed_state: int, ctx="all") -> None:
    """Reseed the generator used by random operators and Dropout."""
    global _GENERATOR
    _GENERATOR = np.random.default_rng(int(seed_state))


def generator() -> np.random.Generator:
    return _GENERATOR


def uniform(*args, **kwargs):
    from .ndarray.random import uniform as _u
    return _u(*args, **kwargs)


def normal(*args, **kwargs):
    from .ndarray.random import normal as _n
    return _n(*args, **kwargs)
