"""Traced mx.np functions whose float results are elements of their inputs, at positions
NumPy finds on the host (MXNet 1.9.1 serves them from host NumPy and refuses them while
recording): partition, and the set functions intersect1d, union1d, setdiff1d, setxor1d.
The positions are constant data (they only change where the order of values does); the
values are gathered with `take`, so gradients of any order reach the chosen elements."""
from __future__ import annotations

import numpy as onp

from .library import FUNCTIONS, arr
from .traced_common import as_array, cast, const, gather, host, op, traced


@traced
def partition(a, kth, axis=-1, kind="introselect", order=None):
    """A copy with the k-th element where sorting would put it, smaller ones before it and
    larger ones after (NumPy's arrangement)."""
    a = arr(a)
    if axis is None:
        a, axis = a.reshape(-1), 0
    positions = onp.argpartition(host(a), host(kth) if hasattr(kth, "_data") else kth,
                                 axis=axis, kind=kind)
    return op("_take_along_axis", [a, const(positions)], axis=int(axis))


def _set_function(name, fn, doc):
    def set_function(ar1, ar2, *args, **kwargs):
        a, b = as_array(ar1), as_array(ar2)
        raw = fn(host(a), host(b), *args, **kwargs)
        result = onp.asarray(raw[0] if isinstance(raw, tuple) else raw)
        if result.dtype.kind not in "fc":
            values = const(result)
        else:
            both = onp.concatenate([host(a).ravel(), host(b).ravel()]).astype(result.dtype)
            order = onp.argsort(both, kind="stable")
            first = order[onp.searchsorted(both[order], result.ravel())]
            pool = FUNCTIONS["concatenate"]([cast(a, result.dtype).reshape(-1),
                                             cast(b, result.dtype).reshape(-1)])
            values = gather(pool, first.reshape(result.shape))
        if isinstance(raw, tuple):  # intersect1d(return_indices=True): indices are data
            return (values,) + tuple(const(r) for r in raw[1:])
        return values
    set_function.__name__ = name
    set_function.__doc__ = doc + (" Float values are gathered from the inputs (their first "
                                  "occurrence), so gradients flow to them.")
    traced(set_function)


_set_function("intersect1d", onp.intersect1d, "The sorted unique values in both arrays.")
_set_function("union1d", onp.union1d, "The sorted unique values in either array.")
_set_function("setdiff1d", onp.setdiff1d, "The sorted unique values of ar1 not in ar2.")
_set_function("setxor1d", onp.setxor1d, "The sorted unique values in exactly one array.")
