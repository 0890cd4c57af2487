"""`mx.test_utils`: MXNet's testing helpers, plus `gradcheck` for derivatives of any order.

`gradcheck(f, inputs, order=N)` compares derivatives of order 1..N of `f` with central
finite differences in float64: order k is the gradient of a random projection of order
k-1 (computed with `autograd.grad(create_graph=True)`), checked against finite
differences of that projection.
"""
from __future__ import annotations

import contextlib
import functools
import logging
import os
import random as _pyrandom
import sys
from typing import Any, Callable, Dict, List, Optional, Sequence, Union

import numpy as np

from ..context import Context, current_context
from ..ir.errors import MXNetError
from ..ndarray import NDArray
from .. import random as _random
from ..unsupported import SPARSE
from .tolerances import (default_atols, default_numeric_eps, default_rtols,  # noqa: F401
                         effective_dtype, get_atol, get_etol, get_rtol, get_tolerance, get_tols)
from .compare import _host, almost_equal, assert_almost_equal, same  # noqa: F401
from .helpers import *  # noqa: F401,F403
from .helpers import __all__ as _helpers_all

def default_context():
    """The context tests run on: the current context (`mx.cpu()` unless changed)."""
    return current_context()


def default_dtype():
    """The dtype tests use by default: float32."""
    return np.float32


def random_arrays(*shapes):
    """Standard-normal float32 NumPy arrays, one per shape (a single array for one shape)."""
    arrays = [np.array(np.random.randn(), dtype=np.float32) if s == () else
              np.random.randn(*s).astype(np.float32) for s in shapes]
    return arrays[0] if len(arrays) == 1 else arrays


def rand_shape_nd(num_dim: int, dim: int = 10, allow_zero_size: bool = False):
    """A random shape with `num_dim` dimensions, each in [1, dim] ([0, dim] if allowed)."""
    low = 0 if allow_zero_size else 1
    return tuple(int(d) for d in np.random.randint(low, dim + 1, size=num_dim))


def rand_shape_2d(dim0=10, dim1=10, allow_zero_size=False):
    """A random 2-d shape with sizes up to (dim0, dim1)."""
    low = 0 if allow_zero_size else 1
    return np.random.randint(low, dim0 + 1), np.random.randint(low, dim1 + 1)


def rand_ndarray(shape, stype="default", density=None, dtype=None, modifier_func=None,
                 shuffle_csr_indices=False, distribution=None, ctx=None):
    """A random dense NDArray of `shape` (standard normal, as `random_arrays`; float32
    unless `dtype`)."""
    if stype != "default":
        raise NotImplementedError("rand_ndarray(stype=%r): %s" % (stype, SPARSE))
    data = np.asarray(random_arrays(tuple(shape) if not isinstance(shape, int) else (shape,)))
    return NDArray._wrap(data.astype(dtype or np.float32))


def with_seed(seed: Optional[int] = None):
    """Decorator: seed NumPy, Python and tapegraph before the test; on failure log the
    seed so the run can be reproduced (MXNET_TEST_SEED overrides a missing seed)."""
    def decorate(fn: Callable) -> Callable:
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            this_seed = seed
            if this_seed is None:
                env = os.environ.get("MXNET_TEST_SEED")
                this_seed = int(env) if env else np.random.randint(0, 2 ** 31)
            state = np.random.get_state()
            np.random.seed(this_seed)
            _pyrandom.seed(this_seed)
            _random.seed(this_seed)
            try:
                return fn(*args, **kwargs)
            except BaseException:
                logging.getLogger(__name__).error(
                    "%s failed with seed %d: set MXNET_TEST_SEED=%d to reproduce",
                    fn.__name__, this_seed, this_seed)
                raise
            finally:
                np.random.set_state(state)
        return wrapper
    return decorate


@contextlib.contextmanager
def environment(*args):
    """Set environment variables for the block: `environment(name, value)` or
    `environment({name: value, ...})`; a value of None unsets. Restored afterwards."""
    if len(args) == 2:
        changes: Dict[str, Optional[str]] = {args[0]: args[1]}
    elif len(args) == 1 and isinstance(args[0], dict):
        changes = dict(args[0])
    else:
        raise ValueError("environment() takes (name, value) or a dict")
    saved = {k: os.environ.get(k) for k in changes}
    try:
        for k, v in changes.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = str(v)
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


@contextlib.contextmanager
def discard_stderr():
    """Silence everything written to standard error (file descriptor 2) in the block."""
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 2)
            yield
    finally:
        sys.stderr.flush()
        os.dup2(saved, 2)
        os.close(saved)


# ---------------------------------------------------------------- gradients

from .gradcheck import check_numeric_gradient, gradcheck, numeric_grad  # noqa: E402
from .symbolic import (check_consistency, check_speed, check_symbolic_backward,  # noqa: E402
                       check_symbolic_forward, simple_forward)
from .stats import (chi_square_check, gen_buckets_probs_with_ppf, mean_check,  # noqa: E402
                    var_check, verify_generator)
from .surface import *  # noqa: E402,F401,F403  (MXNet's star-import surface)
from .surface import STAR as _STAR  # noqa: E402

__all__ = sorted(set(_STAR) | set(_helpers_all) | {
    "almost_equal", "assert_almost_equal", "check_consistency", "check_numeric_gradient",
    "check_speed", "check_symbolic_backward", "check_symbolic_forward", "chi_square_check",
    "default_atols", "default_context", "default_dtype", "default_numeric_eps",
    "default_rtols", "discard_stderr", "effective_dtype", "environment",
    "gen_buckets_probs_with_ppf", "get_atol", "get_etol", "get_rtol", "get_tolerance",
    "get_tols", "gradcheck", "mean_check", "numeric_grad", "rand_ndarray", "rand_shape_2d",
    "rand_shape_nd", "random_arrays", "same", "simple_forward", "var_check",
    "verify_generator", "with_seed", "Context", "current_context"})
