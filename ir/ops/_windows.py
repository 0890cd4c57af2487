"""NumPy kernels of the sliding-window operators (Convolution, Deconvolution, the
convolution weight gradient, im2col/col2im), over 1, 2 or 3 spatial axes.

Stride-1 windows use *flat* columns: in the (padded) image flattened per channel, the
window at kernel offset `k` of every output position is one contiguous run of length
`L = sum((out_d - 1) * S_d) + 1` starting at `off_k` (`S_d` the flat stride of spatial axis
`d`); the run's entries past the end of an output row are never read back. The columns
(N, C * prod(kernel), L) are one strided view of the image copied once, and each product
is one batched matrix product: forward `W @ cols` (its (N, F, L) result viewed as
(N, F, *out) and copied once with the bias added), weight gradient `sum_n cols @ g.T`
(the cotangent spread channels-last, (N, L, F), from 16 filters per group: a faster
product there), data gradient (Deconvolution) one product per sample with the last kernel
axis folded in (a Toeplitz copy of the cotangent), written into (F * offsets, N, P) lines
whose entries past the run in each sample are zero, then col2im as ONE shifted addition of
(F, N * P) lines per offset of the other kernel axes (a sample's entries never reach the
next sample's P), a chunk of offsets at a time so that the lines are added while still in
cache (`_conv_transpose_flat`).
Stride-1 outputs whose rows hold 16 and more entries (and 1-D ones) use window columns
instead (`window_columns`: each window row copied as one element): no garbage columns, the
forward's product is the output itself, and the weight gradient reads the cotangent as it
is. Strided windows use (N, C * prod(kernel), prod(out)) columns from
`sliding_window_view`.

Copies whose last axis is contiguous on both sides (window runs, output rows, padding)
go through `copy_rows`, a row at a time as one opaque element: NumPy's copy costs per
inner loop, and these rows are a few dozen elements long.

The temporaries that never leave a stride-1 kernel (columns, spread cotangents, products
before the final copy) live in per-thread scratch buffers reused from call to call
(`scratch`), as MXNet's convolution workspace: fresh multi-megabyte arrays at every call
cost a page fault per 4 KiB page, more than the copy into them on a busy machine.
"""
from __future__ import annotations

import functools
import itertools
import math
import threading
from typing import Sequence, Tuple

import numpy as np
from numpy.lib.stride_tricks import as_strided, sliding_window_view

Ints = Tuple[int, ...]
_LOCAL = threading.local()
SCRATCH_LIMIT = 64 << 20  # larger temporaries are allocated (and freed) per call
CHUNK_BYTES = 1 << 20  # products made and consumed chunk by chunk stay in a core's cache
SPREADS = 4  # cotangent spread layouts whose zeroed buffers each thread keeps


def scratch(slot: str, shape, dtype) -> np.ndarray:
    """An uninitialised array of `shape` in this thread's reusable buffer `slot`, for a
    temporary that does not outlive the kernel using it (two temporaries alive at once
    need two slots)."""
    dtype = np.dtype(dtype)
    nbytes = int(math.prod(shape)) * dtype.itemsize
    if nbytes > SCRATCH_LIMIT:
        return np.empty(shape, dtype)
    buffers = getattr(_LOCAL, "buffers", None)
    if buffers is None:
        buffers = _LOCAL.buffers = {}
    buf = buffers.get(slot)
    if buf is None or buf.nbytes < nbytes:
        buf = buffers[slot] = np.empty(max(nbytes, 1 << 16), np.uint8)
    return buf[:nbytes].view(dtype).reshape(shape)


def strided(base: np.ndarray, shape, strides, offset: int = 0) -> np.ndarray:
    """as_strided of `base` from `offset` bytes into its last axis: for a C-contiguous
    `base` built directly as an ndarray over its buffer (which also checks that the view
    stays inside it), ~0.5 us against ~5 us for as_strided, called several times per
    convolution."""
    if base.flags.c_contiguous:
        return np.ndarray(shape, base.dtype, base, offset, strides)
    return as_strided(base[..., offset // base.itemsize:] if offset else base, shape, strides)


def copy_rows(dst: np.ndarray, src: np.ndarray) -> None:
    """np.copyto(dst, src), each last-axis row copied as ONE opaque element when that axis is
    contiguous in both (same shape and dtype): NumPy's copy costs per inner loop, and a
    strided view such as a window run or an output row loops over a few dozen elements."""
    it = dst.itemsize
    if (dst.ndim and dst.shape == src.shape and dst.dtype == src.dtype and dst.shape[-1] > 1
            and dst.strides[-1] == it and src.strides[-1] == it and dst.dtype.kind in "biufc"):
        row = _void(dst.shape[-1] * it)
        try:
            dst, src = dst.view(row), src.view(row)
        except ValueError:  # NumPy < 1.23: no such view of a non-contiguous array
            pass
    np.copyto(dst, src)


@functools.lru_cache(maxsize=256)
def _void(nbytes: int) -> np.dtype:
    return np.dtype("V%d" % nbytes)


def pad_spatial(x: np.ndarray, lo: Sequence[int], hi: Sequence[int], fill) -> np.ndarray:
    """`x` (N, C, *spatial) with `lo`/`hi` elements of `fill` before/after each spatial axis."""
    if not any(lo) and not any(hi):
        return x
    shape = x.shape[:2] + tuple(s + a + b for s, a, b in zip(x.shape[2:], lo, hi))
    out = np.full(shape, fill, dtype=x.dtype)
    copy_rows(out[(slice(None), slice(None)) + tuple(slice(a, a + s) for a, s in
                                                     zip(lo, x.shape[2:]))], x)
    return out


def crop_spatial(x: np.ndarray, lo: Sequence[int], size: Sequence[int]) -> np.ndarray:
    """The inverse of `pad_spatial`: the `size` elements after `lo` on each spatial axis."""
    if not any(lo) and tuple(size) == x.shape[2:]:
        return x
    return x[(slice(None), slice(None)) + tuple(slice(a, a + s) for a, s in zip(lo, size))]


def offset_slices(kernel: Ints, stride: Ints, dilate: Ints, out: Ints):
    """For each kernel offset (row-major), the strided slices of the padded image it reads
    at every output position."""
    for offset in itertools.product(*(range(k) for k in kernel)):
        yield tuple(slice(i * d, i * d + s * (o - 1) + 1, s)
                    for i, d, s, o in zip(offset, dilate, stride, out))


# ---------------------------------------------------------------- flat (stride 1) columns


@functools.lru_cache(maxsize=1024)
def _flat_strides(spatial: Ints) -> Ints:
    return tuple(int(math.prod(spatial[d + 1:])) for d in range(len(spatial)))


@functools.lru_cache(maxsize=1024)
def _flat_run(spatial: Ints, out: Ints) -> int:
    return sum((o - 1) * s for o, s in zip(out, _flat_strides(spatial))) + 1


def flat_columns(xp: np.ndarray, kernel: Ints, dilate: Ints, out: Ints) -> np.ndarray:
    """(N, C * prod(kernel), L) flat columns of the padded image `xp` (one copy, into the
    scratch slot "cols")."""
    n, c, spatial = xp.shape[0], xp.shape[1], xp.shape[2:]
    xp = np.ascontiguousarray(xp)
    it = xp.itemsize
    run = _flat_run(spatial, out)
    view = strided(xp, (n, c) + tuple(kernel) + (run,),
                   xp.strides[:2] + tuple(d * s * it for d, s in
                                          zip(dilate, _flat_strides(spatial))) + (it,))
    cols = scratch("cols", view.shape, xp.dtype)
    copy_rows(cols, view)
    return cols.reshape(n, c * int(math.prod(kernel)), run)


def _flat_outputs(y: np.ndarray, spatial: Ints, out: Ints) -> np.ndarray:
    """The (N, F, *out) view of flat results `y` (N, F, L) in an image of `spatial`."""
    it = y.itemsize
    return strided(y, y.shape[:2] + tuple(out),
                   y.strides[:2] + tuple(s * it for s in _flat_strides(spatial)))


def _spread_buffer(shape, dtype, layout) -> np.ndarray:
    """A buffer for a spread: zero except where the spread writes. The zeros stay from a
    call of the same layout (nothing else writes these buffers), so each thread keeps the
    buffers of its SPREADS most recent layouts (a training step alternates a few) and zeroes
    a buffer only when it is new."""
    key = (layout, tuple(shape), np.dtype(dtype).str)
    if int(math.prod(shape)) * np.dtype(dtype).itemsize > SCRATCH_LIMIT // SPREADS:
        return np.zeros(shape, dtype)
    kept = _LOCAL.__dict__.setdefault("spreads", {})  # least recently used first
    buf = kept.pop(key, None)
    if buf is None:
        buf = np.zeros(shape, dtype)
        if len(kept) >= SPREADS:
            del kept[next(iter(kept))]
    kept[key] = buf
    return buf


def _flat_spread(v: np.ndarray, spatial: Ints, margin: int = 0) -> np.ndarray:
    """`v` (N, F, *out) written into zeros (N, F, margin + L + margin) at its flat positions
    in `spatial`, shifted by `margin`."""
    run = _flat_run(spatial, v.shape[2:])
    flat = _spread_buffer(v.shape[:2] + (run + 2 * margin,), v.dtype,
                          ("first", tuple(spatial), v.shape[2:], margin))
    copy_rows(_flat_outputs(flat[:, :, margin:margin + run], spatial, v.shape[2:]), v)
    return flat


def _flat_spread_last(v: np.ndarray, spatial: Ints) -> np.ndarray:
    """As `_flat_spread`, into zeros (N, L, F) (channels last)."""
    n, f, out = v.shape[0], v.shape[1], v.shape[2:]
    run = _flat_run(spatial, out)
    flat = _spread_buffer((n, run, f), v.dtype, ("last", tuple(spatial), out))
    it = v.itemsize
    strided(flat, v.shape, (run * f * it, it) + tuple(s * f * it for s in
                                                      _flat_strides(spatial)))[...] = v
    return flat


def _with_bias(view: np.ndarray, bias) -> np.ndarray:
    """A new C-contiguous array: `view` (+ bias per channel, added in `view`'s dtype). The
    copy and then the addition in place are faster than one broadcasting addition."""
    out = np.empty(view.shape, view.dtype)
    copy_rows(out, view)
    if bias is not None:
        out += bias.reshape((1, -1) + (1,) * (view.ndim - 2)).astype(view.dtype, copy=False)
    return out


def _zero_tailed(shape, run: int, dtype) -> np.ndarray:
    """Scratch (rows, N, P) whose entries past `run` in each (row, sample) are zero: the
    products written into [:run] leave them alone, so a buffer left by a call with the same
    layout needs no zeroing (slot "lines", used by `conv_transpose` only)."""
    key = (tuple(shape), run, np.dtype(dtype).str)
    lines = scratch("lines", shape, dtype)
    if getattr(_LOCAL, "lines_key", None) != key or lines.base is None:
        lines[..., run:] = 0
        _LOCAL.lines_key = key if lines.base is not None else None
    return lines


# ---------------------------------------------------------------- strided columns


def im2col(x: np.ndarray, kernel: Ints, stride: Ints, dilate: Ints, pad: Ints, out: Ints,
           fill=0.0) -> np.ndarray:
    """Sliding windows as columns (N, C * prod(kernel), prod(out)), one copy."""
    n, c = x.shape[:2]
    d = len(kernel)
    xp = pad_spatial(x, pad, pad, fill)
    span = tuple((k - 1) * dl + 1 for k, dl in zip(kernel, dilate))
    view = sliding_window_view(xp, span, axis=tuple(range(2, 2 + d)))
    view = view[(Ellipsis,) + tuple(slice(None, None, dl) for dl in dilate)]
    view = view[(slice(None), slice(None)) + tuple(slice(0, s * (o - 1) + 1, s)
                                                   for s, o in zip(stride, out))]
    order = (0, 1) + tuple(range(2 + d, 2 + 2 * d)) + tuple(range(2, 2 + d))
    return np.ascontiguousarray(view.transpose(order)).reshape(
        n, c * int(math.prod(kernel)), int(math.prod(out)))


def col2im(cols: np.ndarray, shape: Ints, kernel: Ints, stride: Ints, dilate: Ints,
           pad: Ints, out: Ints) -> np.ndarray:
    """The adjoint of `im2col`: every column entry added back at its image position."""
    n, c, spatial = shape[0], shape[1], tuple(shape[2:])
    image = np.zeros((n, c) + tuple(x + 2 * p for x, p in zip(spatial, pad)), cols.dtype)
    parts = cols.reshape((n, c, -1) + tuple(out))
    lead = (slice(None), slice(None))
    for k, sl in enumerate(offset_slices(kernel, stride, dilate, out)):
        view = image[lead + sl]
        np.add(view, parts[:, :, k], out=view)
    return crop_spatial(image, pad, spatial)


# ---------------------------------------------------------------- the three products


def _rows_long(out: Ints) -> bool:
    """Whether stride-1 products read `window_columns` (no flat runs): for 1-D outputs
    (the flat run is the output row), or output rows of 16 and more, where copying each
    window row costs less than the flat runs' garbage columns, output copy and spread
    (measured: LeNet's conv1, 24-wide rows, 1.3-1.8x faster in the step; conv2, 8-wide
    rows, keeps the flat runs)."""
    return len(out) == 1 or out[-1] >= 16


def window_columns(xp: np.ndarray, kernel: Ints, dilate: Ints, out: Ints) -> np.ndarray:
    """(N, C * prod(kernel), prod(out)) stride-1 columns of the padded image `xp`: each
    window row copied as one element (`copy_rows`), into the scratch slot "cols"."""
    n, c, st = xp.shape[0], xp.shape[1], xp.strides[2:]
    view = strided(xp, (n, c) + tuple(kernel) + tuple(out),
                   xp.strides[:2] + tuple(dl * s for dl, s in zip(dilate, st)) + st)
    cols = scratch("cols", view.shape, xp.dtype)
    copy_rows(cols, view)
    return cols.reshape(n, c * int(math.prod(kernel)), int(math.prod(out)))


def _empty_product(shape, dtype, bias) -> np.ndarray:
    """The result of a window product with no terms: zeros (+ bias per channel)."""
    y = np.zeros(shape, dtype)
    if bias is not None and y.size:
        y += bias.reshape((1, -1) + (1,) * (len(shape) - 2)).astype(dtype, copy=False)
    return y


def conv_forward(x, w, bias, kernel, stride, dilate, pad, out, groups):
    """Convolution: `x` (N, C, *spatial), `w` (F, C/G, *kernel) -> (N, F, *out)."""
    n, f = x.shape[0], w.shape[0]
    if x.size == 0 or w.size == 0:  # an empty batch (or no channels): nothing to slide
        return _empty_product((n, f) + tuple(out), np.result_type(x, w), bias)
    wg = w.reshape(groups, f // groups, -1)
    if all(s == 1 for s in stride):
        xp = pad_spatial(x, pad, pad, 0)
        if not _rows_long(out):
            cols = flat_columns(xp, kernel, dilate, out)
            cols = cols.reshape(n, groups, wg.shape[2], -1)
            y = scratch("product", (n, groups, f // groups, cols.shape[3]),
                        np.result_type(wg, cols))
            np.matmul(wg, cols, out=y)
            return _with_bias(_flat_outputs(y.reshape(n, f, -1), xp.shape[2:], out), bias)
        cols = window_columns(xp, kernel, dilate, out).reshape(n, groups, wg.shape[2], -1)
        y = np.empty((n, f) + tuple(out), np.result_type(wg, cols))
        np.matmul(wg, cols, out=y.reshape(n, groups, f // groups, -1))
    else:
        cols = im2col(x, kernel, stride, dilate, pad, out).reshape(n, groups, wg.shape[2], -1)
        y = np.matmul(wg, cols).reshape((n, f) + tuple(out))
    if bias is not None:
        y += bias.reshape((1, -1) + (1,) * len(out)).astype(y.dtype, copy=False)
    return y


def conv_weight_grad(x, gy, kernel, stride, dilate, pad, groups):
    """The weight gradient of Convolution: `x` (N, C, *spatial), `gy` (N, F, *out) ->
    (F, C/G, *kernel), as sum over the batch of columns @ cotangent.T."""
    n, c, f = x.shape[0], x.shape[1], gy.shape[1]
    fg, out = f // groups, tuple(gy.shape[2:])
    if x.size == 0 or gy.size == 0:  # an empty batch: no term to sum
        return np.zeros((f, c // groups) + tuple(kernel), np.result_type(x, gy))
    if all(s == 1 for s in stride) and not _rows_long(out):
        xp = pad_spatial(x, pad, pad, 0)
        cols = flat_columns(xp, kernel, dilate, out)
        if fg >= 16:  # measured: the product is faster with a channels-last cotangent then
            g = _flat_spread_last(gy, xp.shape[2:])
            gt = g.reshape(n, -1, groups, fg).transpose(0, 2, 1, 3)
        else:
            gt = _flat_spread(gy, xp.shape[2:]).reshape(n, groups, fg, -1).swapaxes(2, 3)
    else:  # (a channels-last copy of the cotangent measured slower with these columns)
        if all(s == 1 for s in stride):
            cols = window_columns(pad_spatial(x, pad, pad, 0), kernel, dilate, out)
        else:
            cols = im2col(x, kernel, stride, dilate, pad, out)
        gt = gy.reshape(n, groups, fg, -1).swapaxes(2, 3)
    cols = cols.reshape(n, groups, -1, cols.shape[2])
    per_sample = scratch("product", (n, groups, cols.shape[2], fg), np.result_type(cols, gt))
    dwt = np.matmul(cols, gt, out=per_sample).sum(axis=0)
    return dwt.transpose(0, 2, 1).reshape((f, c // groups) + tuple(kernel))


def conv_transpose(u, w, bias, kernel, stride, dilate, pad, out, groups):
    """Deconvolution (the adjoint of Convolution in its data): `u` (N, C, *in),
    `w` (C, F/G, *kernel) -> (N, F, *out)."""
    n, c, spatial = u.shape[0], u.shape[1], tuple(u.shape[2:])
    f = w.shape[1] * groups
    if u.size == 0 or w.size == 0:  # an empty batch (or no channels)
        return _empty_product((n, f) + tuple(out), np.result_type(u, w), bias)
    if all(s == 1 for s in stride):
        return _conv_transpose_flat(u, w, bias, kernel, dilate, pad, out, groups)
    wg = w.reshape(groups, c // groups, -1).transpose(0, 2, 1)  # (G, F/G * K, C/G)
    npix = int(math.prod(spatial))
    cols = np.matmul(wg, u.reshape(n, groups, c // groups, npix)).reshape(n, -1, npix)
    y = col2im(cols, (n, f) + tuple(out), kernel, stride, dilate, pad, spatial)
    return _with_bias(y, bias)


def _conv_transpose_flat(u, w, bias, kernel, dilate, pad, out, groups):
    """Stride-1 Deconvolution on flat runs. The last kernel axis (k offsets, dilation d) is
    folded into the products: `toeplitz[n, c, j, t] = u_flat[n, c, t - j * d]` (copied once
    from the spread with its zero margins), so that one product per sample gives, for every
    offset `r` of the other kernel axes, the sum over the last axis, on runs of length
    `L + (k - 1) * d`. These go into (F * chunk, N, P) lines, zero past the run in each sample,
    and col2im is ONE shifted addition of (F, N * P) lines per offset `r` (a sample's
    entries stay in its own P; the last `start` ones dropped are zeros), a chunk of offsets
    at a time so that the lines (at most CHUNK_BYTES) are added while still in cache."""
    n, c = u.shape[:2]
    f = w.shape[1] * groups
    cg, fg = c // groups, f // groups
    padded = tuple(o + 2 * p for o, p in zip(out, pad))
    k, d = kernel[-1], dilate[-1]
    margin = (k - 1) * d
    uext = _flat_spread(u, padded, margin)
    run = uext.shape[2] - margin  # the products' run
    it = uext.itemsize
    toeplitz = scratch("cols", (n, c, k, run), uext.dtype)
    copy_rows(toeplitz, strided(uext, (n, c, k, run), uext.strides[:2] + (-d * it, it),
                                margin * it))
    toeplitz = toeplitz.reshape(n, groups, cg * k, run)
    npix, rest = int(math.prod(padded)), int(math.prod(kernel[:-1]))
    flat = _flat_strides(padded)
    starts = [sum(i * dl * s for i, dl, s in zip(offset, dilate, flat))
              for offset in itertools.product(*(range(r) for r in kernel[:-1]))]
    dtype = np.result_type(w, uext)
    chunk = max(1, min(rest, CHUNK_BYTES // (f * n * npix * dtype.itemsize)))
    lines = _zero_tailed((f * chunk, n, npix), run, dtype)
    image = scratch("product", (f, n * npix), dtype)
    image.fill(0)
    w5 = w.reshape(groups, cg, fg, rest, k)
    for r0 in range(0, rest, chunk):
        m = min(chunk, rest - r0)
        wr = w5[:, :, :, r0:r0 + m].transpose(0, 2, 3, 1, 4).reshape(groups, fg * m, cg * k)
        part = lines[:f * m]
        np.matmul(wr, toeplitz, out=part.reshape(groups, fg * m, n, npix)[..., :run]
                  .transpose(2, 0, 1, 3))
        part = part.reshape(f, m, n * npix)
        for j in range(m):
            view = image[:, starts[r0 + j]:]
            np.add(view, part[:, j, :n * npix - starts[r0 + j]], out=view)
    image = image.reshape((f, n) + padded)
    return _with_bias(crop_spatial(image.swapaxes(0, 1), pad, out), bias)
