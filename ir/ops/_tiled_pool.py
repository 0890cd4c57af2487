"""Max pooling and its gradient `_pool_max_scatter` for 1-D or 2-D windows that tile the
whole image (stride = kernel, no padding, sizes multiples of the kernel: LeNet's 2x2
pooling), on flat 1-D arrays and whole image rows. NumPy's cost is per inner loop: the
general kernels in `pooling` loop over strided (N, C, *out) views, rows of a few elements.
Results are those of the general kernels, bit for bit (max pooling: up to the sign of a
zero maximum, which np.maximum takes from either equal operand).
"""
from __future__ import annotations

import numpy as np

from ._windows import copy_rows, scratch


def tiles_exactly(x, geo) -> bool:
    """1-D or 2-D windows side by side covering the whole image of `x` (real numbers), no
    padding: the case of this module's kernels (`geo` from `pooling.geometry`)."""
    k, s, lo, hi, out = geo
    return (x.ndim in (3, 4) and k == s and not any(lo) and not any(hi)
            and all(o * kk == n for o, kk, n in zip(out, k, x.shape[2:]))
            and x.dtype.kind in "fiu" and x.size > 0)


def _max_of(parts, out=None):
    """The elementwise maximum of two or more same-shape `parts`, left to right, in `out`
    (a new array when None)."""
    out = np.maximum(parts[0], parts[1], out=out)
    for part in parts[2:]:
        np.maximum(out, part, out=out)
    return out


def _firsts(parts, best, slot):
    """Per part (in order), where it equals `best` and no earlier part does (scratch)."""
    masks, taken = [], None
    for i, part in enumerate(parts):
        hit = np.equal(part, best, out=scratch("%s%d" % (slot, i), part.shape, bool))
        if taken is None:
            taken = hit
        else:
            np.greater(hit, taken, out=hit)  # a maximum no earlier part took
            if i + 1 < len(parts):
                if i == 1:
                    taken = np.logical_or(taken, hit, out=scratch(
                        slot + "taken", hit.shape, bool))
                else:
                    np.logical_or(taken, hit, out=taken)
        masks.append(hit)
    return masks


def max_scatter(x, g, kernel):
    """`_pool_max_scatter` for windows that tile the whole image, on 1-D contiguous arrays
    (NumPy's cost is per inner loop: the strided (N, C, *out) views of the general path loop
    over rows of a few elements). With `x` flat and k2 = kernel[-1]: the k2 columns of the
    windows are the stride-k2 views x[j::k2] (copied), their maximum `hm` holds each
    window row's maximum, and the first column reaching it is found per row. The k1 rows of
    a window are `hm` shifted by multiples of the pooled width `wo`: compared at every
    position (meaningful at the windows' first rows only), they give the first row holding
    the window's maximum. `g`, put at the windows' first rows of a zero array, times each
    row's mask, is OR-ed (bitwise: the other terms are +0.0) into `gh` at that row; `gh`
    times each column's mask fills the columns of the result. Every result entry is
    g * mask as in the general path (-0.0 and NaN products included)."""
    k2 = kernel[-1]
    xf = x.reshape(-1)
    size = xf.size // k2
    cols = [xf]  # scratch slots "pool.a" and "pool.b" are reused once free
    if k2 > 1:
        cols = [scratch("pool." + "ab"[j] if j < 2 else "pool.c%d" % j, (size,), x.dtype)
                for j in range(k2)]
        for j, col in enumerate(cols):
            np.copyto(col, xf[j::k2])
    hm = cols[0]
    if k2 > 1:
        hm = _max_of(cols, scratch("pool.h", (size,), x.dtype))
    first_cols = _firsts(cols, hm, "pool.fc")
    if len(kernel) == 1:
        gh = g.reshape(-1)
    else:
        k1, wo = kernel[0], x.shape[-1] // k2
        span = size - (k1 - 1) * wo
        rows = [hm[i * wo:i * wo + span] for i in range(k1)]
        m = rows[0]
        if k1 > 1:
            m = _max_of(rows, scratch("pool.a", (span,), x.dtype))
        first_rows = _firsts(rows, m, "pool.fr")
        gext = scratch("pool.b", (size,), g.dtype)
        gext.fill(0)
        copy_rows(gext.reshape(-1, k1, wo)[:, 0], g.reshape(-1, wo))
        gh = scratch("pool.h", (size,), g.dtype)
        np.multiply(gext[:span], first_rows[0], out=gh[:span])
        gh[span:] = 0
        bits = np.dtype("i%d" % g.itemsize)
        part = scratch("pool.a", (span,), g.dtype)
        for i, mask in enumerate(first_rows[1:], 1):
            np.multiply(gext[:span], mask, out=part)
            target = gh[i * wo:i * wo + span].view(bits)
            np.bitwise_or(target, part.view(bits), out=target)
    dx = np.empty(x.shape, g.dtype)
    dxf = dx.reshape(-1)
    for j, mask in enumerate(first_cols):
        np.multiply(gh, mask, out=dxf[j::k2])
    return dx


def max_pool(x, kernel):
    """Max pooling of C-contiguous `x` whose windows tile it: the maximum over the k1 rows
    of each window (whole image rows), then over the k2 columns (stride-k2 views of that
    flat result)."""
    k2 = kernel[-1]
    flat = x.reshape(-1)
    if len(kernel) == 2 and kernel[0] > 1:
        rows = x.reshape(-1, kernel[0], x.shape[-1])
        parts = [rows[:, i] for i in range(kernel[0])]
        flat = _max_of(parts, scratch("pool.v", parts[0].shape, x.dtype)).reshape(-1)
    shape = x.shape[:2] + tuple(n // k for n, k in zip(x.shape[2:], kernel))
    if k2 == 1:
        return flat.reshape(shape).copy()
    return _max_of([flat[j::k2] for j in range(k2)]).reshape(shape)
