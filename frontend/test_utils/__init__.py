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

from ..context import cpu
from ..ir.errors import MXNetError
from ..ndarray import NDArray
from .. import random as _random

_RTOL = {np.dtype(np.float16): 1e-2, np.dtype(np.float32): 1e-4, np.dtype(np.float64): 1e-5}
_ATOL = {np.dtype(np.float16): 1e-1, np.dtype(np.float32): 1e-3, np.dtype(np.float64): 1e-20}


def default_context():
    """The context tests run on: `mx.cpu()`."""
    return cpu()


def default_dtype():
    return np.float32


def _host(a) -> np.ndarray:
    if isinstance(a, NDArray):
        return a.asnumpy()
    return np.asarray(a)


def _tolerances(a, b, rtol, atol):
    dtypes = [x.dtype for x in (a, b) if x.dtype.kind == "f"] or [np.dtype(np.float64)]
    loosest = max(dtypes, key=lambda d: _RTOL.get(d, 1e-5))
    return (rtol if rtol is not None else _RTOL.get(loosest, 1e-5),
            atol if atol is not None else _ATOL.get(loosest, 1e-20))


def same(a, b) -> bool:
    """True if `a` and `b` have the same shape and exactly equal elements."""
    return np.array_equal(_host(a), _host(b))


def almost_equal(a, b, rtol=None, atol=None, equal_nan=False, use_broadcast=True) -> bool:
    """True if |a - b| <= atol + rtol * |b| everywhere (tolerances default by dtype)."""
    a, b = _host(a), _host(b)
    if not use_broadcast and a.shape != b.shape:
        return False
    rtol, atol = _tolerances(a, b, rtol, atol)
    return bool(np.allclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan))


def assert_almost_equal(a, b, rtol=None, atol=None, names=("a", "b"), equal_nan=False,
                        use_broadcast=True, mismatches=(10, 10)) -> None:
    """Raise AssertionError, showing the worst element, unless `a` and `b` are close."""
    a, b = _host(a), _host(b)
    if not use_broadcast and a.shape != b.shape:
        raise AssertionError("Items are not equal: shapes %s and %s differ"
                             % (a.shape, b.shape))
    rtol, atol = _tolerances(a, b, rtol, atol)
    try:
        a_, b_ = np.broadcast_arrays(a, b)
    except ValueError:
        raise AssertionError("Items are not equal: shapes %s and %s do not broadcast"
                             % (a.shape, b.shape)) from None
    if np.allclose(a_, b_, rtol=rtol, atol=atol, equal_nan=equal_nan):
        return
    with np.errstate(invalid="ignore", divide="ignore"):
        rel = np.abs(a_ - b_) / (atol + rtol * np.abs(b_))
    rel = np.where(np.isnan(rel), np.inf, rel)
    worst = tuple(int(i) for i in np.unravel_index(int(np.argmax(rel)), rel.shape)) \
        if rel.size else ()
    raise AssertionError(
        "\nItems are not equal:\nError %f exceeds tolerance rtol=%e, atol=%e (mismatch at "
        "%s).  Location of maximum error: %s, %s=%.8f, %s=%.8f\n %s: %s\n %s: %s"
        % (float(rel[worst]), rtol, atol, "%.6f%%" % (100.0 * np.mean(rel > 1)), worst,
           names[0], float(a_[worst]), names[1], float(b_[worst]), names[0], a, names[1], b))


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
    low = 0 if allow_zero_size else 1
    return np.random.randint(low, dim0 + 1), np.random.randint(low, dim1 + 1)


def rand_ndarray(shape, stype="default", density=None, dtype=None, modifier_func=None,
                 shuffle_csr_indices=False, distribution=None, ctx=None):
    """A random dense NDArray of `shape` (standard normal, as `random_arrays`; float32
    unless `dtype`)."""
    if stype != "default":
        raise MXNetError("rand_ndarray: only stype='default' (dense) arrays are supported")
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

__all__ = ["almost_equal", "assert_almost_equal", "check_numeric_gradient",
           "default_context", "default_dtype", "discard_stderr", "environment", "gradcheck",
           "numeric_grad", "rand_ndarray", "rand_shape_2d", "rand_shape_nd", "random_arrays",
           "same", "with_seed"]
