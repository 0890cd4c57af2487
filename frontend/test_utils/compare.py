"""Array comparisons with MXNet's tolerance rules: `same`, `almost_equal`,
`assert_almost_equal`."""
from __future__ import annotations

import numpy as np

from ..ndarray import NDArray
from .tolerances import get_atol, get_rtol, get_tols


def checkShapes(a, b) -> None:  # noqa: N802  (MXNet's name)
    """AssertionError unless `a` and `b` have the same shape."""
    if a.shape != b.shape:
        raise AssertionError("a.shape = {} and b.shape = {} are not equal"
                             .format(str(a.shape), str(b.shape)))


def _host(a) -> np.ndarray:
    if isinstance(a, NDArray):
        return a.asnumpy()
    return np.asarray(a)


def _tolerances(a, b, rtol, atol):
    try:
        return get_tols(a, b, rtol, atol)
    except KeyError:  # a dtype MXNet has no default for (int16, ...): exact
        return (rtol if isinstance(rtol, float) else 0.0, atol if isinstance(atol, float) else 0.0)


def same(a, b) -> bool:
    """True if `a` and `b` have the same shape and exactly equal elements."""
    return np.array_equal(_host(a), _host(b))


def almost_equal(a, b, rtol=None, atol=None, equal_nan=False, use_broadcast=True) -> bool:
    """True if |a - b| <= atol + rtol * |b| everywhere (defaults rtol=1e-5, atol=1e-20,
    as MXNet's `almost_equal`; `assert_almost_equal` picks them by dtype)."""
    a, b = _host(a), _host(b)
    if not use_broadcast:
        checkShapes(a, b)
    return bool(np.allclose(a, b, rtol=get_rtol(rtol), atol=get_atol(atol),
                            equal_nan=equal_nan))


def assert_almost_equal(a, b, rtol=None, atol=None, names=("a", "b"), equal_nan=False,
                        use_broadcast=True, mismatches=(10, 10)) -> None:
    """Raise AssertionError, showing the worst element, unless `a` and `b` are close."""
    if not use_broadcast and _host(a).shape != _host(b).shape:
        raise AssertionError("Items are not equal: shapes %s and %s differ"
                             % (_host(a).shape, _host(b).shape))
    rtol, atol = _tolerances(a, b, rtol, atol)
    a, b = _host(a), _host(b)
    if a.dtype == np.bool_ and b.dtype == np.bool_:
        np.testing.assert_equal(a, b)
        return
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


