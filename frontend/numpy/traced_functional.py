"""Traced mx.np functions that apply the user's functions (MXNet 1.9.1 serves them from host
NumPy): piecewise, apply_along_axis and apply_over_axes. The user's functions run on mx.np
arrays, so whatever they record is part of the graph; the selections and the scatter of the
pieces are registered operators (take, _take_scatter, where)."""
from __future__ import annotations

import itertools

import numpy as onp

from .library import FUNCTIONS, arr
from .traced_common import as_array, cast, const, gather, host, is_array, op, traced, where


def _scatter(values, positions, size):
    return op("_take_scatter", [values.reshape(-1), const(positions)], shape=(size,), axis=0,
              mode="clip")


@traced
def piecewise(x, condlist, funclist, *args, **kw):
    """Each function (or constant) of `funclist` evaluated on the elements of x where its
    condition (static) holds; a last extra function covers the elements no condition
    selects; later conditions win; elsewhere zero."""
    x = arr(x)
    if is_array(condlist):
        condlist = host(condlist)
    elif isinstance(condlist, (list, tuple)):
        condlist = [host(c) if is_array(c) else c for c in condlist]
    if onp.isscalar(condlist) or (not isinstance(condlist[0], (list, onp.ndarray))
                                  and x.ndim != 0):
        condlist = [condlist]
    conds = list(onp.asarray(condlist, dtype=bool))
    funcs = list(funclist)
    if len(conds) + 1 == len(funcs):
        conds.append(~onp.any(conds, axis=0) if conds else onp.ones(x.shape, bool))
    elif len(conds) != len(funcs):
        raise ValueError("with %d condition(s), either %d or %d functions are expected"
                         % (len(conds), len(conds), len(conds) + 1))
    y = op("zeros_like", [x])
    for cond, func in zip(conds, funcs):
        cond = onp.broadcast_to(cond, x.shape)
        if not callable(func):
            y = where(const(cond), cast(as_array(func, x), x.dtype), y)
            continue
        positions = onp.flatnonzero(cond)
        if not positions.size:
            continue
        values = cast(as_array(func(gather(x, positions), *args, **kw), x), x.dtype)
        if values.shape != positions.shape:
            values = op("broadcast_to", [values.reshape(-1) if values.ndim else values],
                        shape=positions.shape)
        y = where(const(cond), _scatter(values, positions, x.size).reshape(x.shape), y)
    return y


@traced
def apply_along_axis(func1d, axis, arr_, *args, **kwargs):
    """func1d applied to every 1-D slice of arr_ along `axis`; the results (all of one
    shape) take the place of that axis."""
    a = arr(arr_)
    if a.ndim == 0:
        raise ValueError("apply_along_axis needs an array of at least one dimension")
    axis = int(axis)
    if not -a.ndim <= axis < a.ndim:
        raise onp.exceptions.AxisError("axis %d is out of bounds for array of dimension %d"
                                       % (axis, a.ndim))
    axis %= a.ndim
    outer = a.shape[:axis] + a.shape[axis + 1:]
    if 0 in outer:
        raise ValueError("Cannot apply_along_axis when any iteration dimensions are 0")
    moved = FUNCTIONS["moveaxis"](a, axis, -1) if axis != a.ndim - 1 else a
    results = []
    for index in itertools.product(*(range(n) for n in outer)):
        res = func1d(moved[index] if index else moved, *args, **kwargs)
        results.append(res if is_array(res) else arr(onp.asarray(res)))
    shapes = {r.shape for r in results}
    if len(shapes) != 1:
        raise ValueError("apply_along_axis: func1d returned arrays of different shapes %s"
                         % sorted(shapes))
    inner = results[0].shape
    out = FUNCTIONS["stack"](results, axis=0).reshape(outer + inner)
    r, o = len(inner), len(outer)
    order = list(range(axis)) + list(range(o, o + r)) + list(range(axis, o))
    return out.transpose(*order) if order != list(range(o + r)) else out


@traced
def apply_over_axes(func, a, axes):
    """func(a, axis) applied for each axis in turn, keeping the number of dimensions (a
    reduced axis comes back with size 1)."""
    val = arr(a)
    n = val.ndim
    for axis in ([axes] if onp.ndim(axes) == 0 else list(axes)):
        axis = int(axis) + n if int(axis) < 0 else int(axis)
        res = func(val, axis)
        res = res if is_array(res) else arr(onp.asarray(res))
        if res.ndim != val.ndim:
            res = FUNCTIONS["expand_dims"](res, axis)
            if res.ndim != val.ndim:
                raise ValueError("function is not returning an array of the correct shape")
        val = res
    return val
