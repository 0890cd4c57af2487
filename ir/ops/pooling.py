"""Pooling (max, average, sum) over 1, 2 or 3 spatial axes with MXNet 1.9.1's 'valid' and
'full' conventions, and the three operators its gradients are made of.

Windows: `1 + floor((x + 2p - k) / s)` of them per axis ('valid') or `1 + ceil(...)`
('full', Caffe's: the last window may run past the padding and is clipped there). Max
pooling ignores padding and clipped positions (it pads with the dtype's lowest value, as
MXNet starts its maxima); average pooling divides each window sum by MXNet's count: the
window clipped at the far padding, and also at the image when `count_include_pad=False`.

Gradients: max pooling routes each output's cotangent to the FIRST maximum of its window
(row-major), as MXNet does (`_pool_max_scatter`); `_pool_max_gather` reads a tensor at those
same positions and is its transpose. Both are linear in their second input and piecewise
constant in the first, so they differentiate into each other. Average and sum pooling are
linear; `_pool_scatter` is their transpose, and Pooling is its. Gradients go to any order.

Kernels loop over the prod(kernel) window offsets, each a strided slice of the padded
image (2x2 pooling: four slices of the output's size), instead of materializing windows.
Max pooling and `_pool_max_scatter` for 1-D/2-D windows that tile the whole image (LeNet's
2x2 pooling) work on flat 1-D arrays and whole image rows instead (`_tiled_pool`): NumPy's
cost there is per inner loop, and the strided slices loop over rows of a few elements.
"""
from __future__ import annotations

import numpy as np

from tapegraph.ir.errors import ShapeError
from tapegraph.ir.registry import REQUIRED, register
from tapegraph.ir.types import TensorType
from .rules import fmt_shape
from . import _tiled_pool as _tiled, _windows
from .conv import _check_spatial, window

_WIN_ATTRS = {"kernel": (), "stride": (), "pad": (), "global_pool": False,
              "pooling_convention": "valid"}
_POOL_ATTRS = dict(_WIN_ATTRS, pool_type="max", cudnn_off=False, p_value=None,
                   count_include_pad=None, layout=None)
_LEAD = (slice(None), slice(None))


def geometry(shape, attrs, opname="Pooling"):
    """(kernel, stride, pad before, pad after, output size) per spatial axis of an input of
    `shape` (N, C, *spatial); the pad after includes what the 'full' convention clips."""
    spatial = tuple(shape[2:])
    d = len(spatial)
    if attrs["global_pool"]:
        return spatial, (1,) * d, (0,) * d, (0,) * d, (1,) * d
    convention = attrs["pooling_convention"]
    if convention == "same":
        raise ShapeError("%s: pooling_convention='same' is not supported (MXNet 1.9.1 accepts "
                         "it only for 1-D max pooling, and its shape rule fails there)" % opname)
    if convention not in ("valid", "full"):
        raise ShapeError("%s: pooling_convention must be 'valid' or 'full', got %r"
                         % (opname, convention))
    if not attrs["kernel"]:
        raise ShapeError("%s: kernel is required unless global_pool=True" % opname)
    k, s, _, p = window(dict(attrs, dilate=()), opname, d)
    out, hi = [], []
    for x, kk, ss, pp in zip(spatial, k, s, p):
        span = x + 2 * pp - kk
        if span < 0 or ss <= 0 or kk <= 0:
            raise ShapeError("%s: kernel %s (stride %s, pad %s) does not fit an input of %s"
                             % (opname, fmt_shape(k), fmt_shape(s), fmt_shape(p),
                                fmt_shape(spatial)))
        o = 1 + (span // ss if convention == "valid" else -(-span // ss))
        out.append(o)
        hi.append(pp + max(0, (o - 1) * ss + kk - (x + 2 * pp)))
    return k, s, p, tuple(hi), tuple(out)


def counts(spatial, geo, include_pad: bool) -> np.ndarray:
    """How many elements MXNet divides each window's sum by (shape: the output's)."""
    k, s, p, _, out = geo
    total = np.ones(())
    for x, kk, ss, pp, o in zip(spatial, k, s, p, out):
        start = np.arange(o) * ss - pp
        end = np.minimum(start + kk, x + pp)
        if not include_pad:
            start, end = np.maximum(start, 0), np.minimum(end, x)
        total = np.multiply.outer(total, end - start)
    return total


def _lowest(dtype):
    return np.finfo(dtype).min if dtype.kind == "f" else np.iinfo(dtype).min


def _slices(geo):
    k, s, _, _, out = geo
    return [_LEAD + sl for sl in _windows.offset_slices(k, s, (1,) * len(k), out)]


def _include_pad(attrs) -> bool:
    return attrs["count_include_pad"] is not False


def _window_sums(xp, geo, combine):
    slices = _slices(geo)
    if len(slices) == 1:
        return xp[slices[0]].copy()
    out = combine(xp[slices[0]], xp[slices[1]])
    for sl in slices[2:]:
        combine(out, xp[sl], out=out)
    return out


def _first_max_masks(x, geo):
    """(slices, masks): per window offset (row-major), the slice of the padded image it
    reads and where it holds its window's first maximum (exactly one offset per window)."""
    xp = _windows.pad_spatial(x, geo[2], geo[3], _lowest(x.dtype))
    slices = _slices(geo)
    best = _window_sums(xp, geo, np.maximum)
    masks, taken = [], None
    for k, sl in enumerate(slices):
        hit = np.equal(xp[sl], best)
        if taken is None:
            taken = hit.copy()
        else:
            np.greater(hit, taken, out=hit)  # a maximum no earlier offset took
            if k + 1 < len(slices):
                np.logical_or(taken, hit, out=taken)
        masks.append(hit)
    return slices, masks


def _flat_argmax(x):
    return x.reshape(x.shape[:2] + (-1, )).argmax(axis=2)[:, :, None]


def _infer_pool(ins, attrs):
    t = ins[0]
    _check_spatial(t, "Pooling", None if attrs["global_pool"] else attrs["kernel"])
    if attrs["pool_type"] not in ("max", "avg", "sum"):
        raise ShapeError("Pooling: pool_type %r is not supported (max, avg, sum)"
                         % (attrs["pool_type"],))
    return [TensorType.get(t.shape[:2] + geometry(t.shape, attrs)[4], t.dtype)]


def _win(attrs):
    return {k: attrs[k] for k in _WIN_ATTRS}


@register("Pooling", _infer_pool, attrs=_POOL_ATTRS, mxnet_np="_npx_pooling")
def pooling(x, kernel, pool_type, global_pool, cudnn_off, pooling_convention, stride, pad,
            p_value, count_include_pad, layout):
    """Max, average or sum pooling over the 1, 2 or 3 spatial axes."""
    attrs = {"kernel": kernel, "global_pool": global_pool, "stride": stride, "pad": pad,
             "pooling_convention": pooling_convention}
    axes = tuple(range(2, x.ndim))
    if global_pool:
        reduce = {"max": np.max, "sum": np.sum, "avg": np.mean}[pool_type]
        return reduce(x, axis=axes, keepdims=True).astype(x.dtype, copy=False)
    geo = geometry(x.shape, attrs)
    if pool_type == "max" and _tiled.tiles_exactly(x, geo):
        return _tiled.max_pool(np.ascontiguousarray(x), geo[0])
    fill = _lowest(x.dtype) if pool_type == "max" else 0
    xp = _windows.pad_spatial(x, geo[2], geo[3], fill)
    out = _window_sums(xp, geo, np.maximum if pool_type == "max" else np.add)
    if pool_type == "avg":
        with np.errstate(divide="ignore", invalid="ignore"):  # a window wholly in the padding
            out /= counts(x.shape[2:], geo, count_include_pad is not False).astype(x.dtype)
    return out


@pooling.gradient
def _pool_vjp(b, n, g):
    a = n.attrs
    if a["pool_type"] == "max":
        return [b.op("_pool_max_scatter", n.inputs[0], g[0], **_win(a))]
    return [b.op("_pool_scatter", g[0], shape=n.inputs[0].type.shape, pool_type=a["pool_type"],
                 count_include_pad=a["count_include_pad"], **_win(a))]


def _pool_jvp(b, n, t):
    if t[0] is None:
        return [None]
    a = n.attrs
    if a["pool_type"] == "max":
        return [b.op("_pool_max_gather", n.inputs[0], t[0], **_win(a))]
    return [b.op("Pooling", t[0], **a)]


pooling.jvp(_pool_jvp)

# ---------------------------------------------------------------- max: route to the maximum


def _pooled_check(opname, image, pooled, attrs):
    _check_spatial(image, opname, None if attrs["global_pool"] else attrs["kernel"])
    want = image.shape[:2] + geometry(image.shape, attrs, opname)[4]
    if pooled.shape != want:
        raise ShapeError("%s: pooled operand of shape %s does not fit image %s (expected %s)"
                         % (opname, fmt_shape(pooled.shape), fmt_shape(image.shape),
                            fmt_shape(want)))


def _scatter_infer(ins, attrs):
    _pooled_check("_pool_max_scatter", ins[0], ins[1], attrs)
    return [TensorType.get(ins[0].shape, ins[1].dtype)]


@register("_pool_max_scatter", _scatter_infer, num_inputs=2, attrs=_WIN_ATTRS)
def pool_max_scatter(x, g, kernel, stride, pad, global_pool, pooling_convention):
    """Each pooled cotangent `g` added at the first maximum of its max-pooling window over
    `x` (the gradient of max Pooling); zero elsewhere."""
    if global_pool:
        out = np.zeros(x.shape[:2] + (x[0, 0].size,), g.dtype)
        np.put_along_axis(out, _flat_argmax(x), g.reshape(out.shape[:2] + (1,)), axis=2)
        return out.reshape(x.shape)
    geo = geometry(x.shape, {"kernel": kernel, "stride": stride, "pad": pad,
                             "global_pool": False, "pooling_convention": pooling_convention})
    if _tiled.tiles_exactly(x, geo) and g.dtype.kind == "f":
        return _tiled.max_scatter(np.ascontiguousarray(x), np.ascontiguousarray(g), geo[0])
    slices, masks = _first_max_masks(x, geo)
    padded = x.shape[:2] + tuple(s + a + b for s, a, b in zip(x.shape[2:], geo[2], geo[3]))
    disjoint = all(s >= k for s, k in zip(geo[1], geo[0]))
    tiled = padded == x.shape and geo[1] == geo[0]  # windows side by side from the corner
    dxp = (np.empty if tiled else np.zeros)(padded, g.dtype)
    for sl, hit in zip(slices, masks):
        if disjoint:
            np.multiply(g, hit, out=dxp[sl])
        else:
            view = dxp[sl]
            np.add(view, g * hit, out=view)
    if tiled:  # the rows and columns past the last window are zero
        covered = tuple(slice(0, (o - 1) * s + k) for o, s, k in zip(geo[4], geo[1], geo[0]))
        _zero_outside(dxp, covered)
    return np.ascontiguousarray(_windows.crop_spatial(dxp, geo[2], x.shape[2:]))


def _zero_outside(a, covered):
    for d, sl in enumerate(covered):
        if sl.stop < a.shape[2 + d]:
            a[(slice(None),) * (2 + d) + (slice(sl.stop, None),)] = 0


@pool_max_scatter.gradient
def _max_scatter_vjp(b, n, g):
    return [None, b.op("_pool_max_gather", n.inputs[0], g[0], **n.attrs)]


def _gather_infer(ins, attrs):
    x, h = ins
    if h.shape != x.shape:
        raise ShapeError("_pool_max_gather: operand of shape %s must have the image's shape %s"
                         % (fmt_shape(h.shape), fmt_shape(x.shape)))
    _check_spatial(x, "_pool_max_gather", None if attrs["global_pool"] else attrs["kernel"])
    return [TensorType.get(x.shape[:2] + geometry(x.shape, attrs, "_pool_max_gather")[4],
                           h.dtype)]


@register("_pool_max_gather", _gather_infer, num_inputs=2, attrs=_WIN_ATTRS)
def pool_max_gather(x, h, kernel, stride, pad, global_pool, pooling_convention):
    """`h` read at the first maximum of each max-pooling window over `x` (pooled shape):
    the transpose of _pool_max_scatter, and the tangent of max Pooling."""
    if global_pool:
        flat = h.reshape(h.shape[:2] + (-1,))
        out = np.take_along_axis(flat, _flat_argmax(x), axis=2)
        return out.reshape(h.shape[:2] + (1,) * (h.ndim - 2))
    geo = geometry(x.shape, {"kernel": kernel, "stride": stride, "pad": pad,
                             "global_pool": False, "pooling_convention": pooling_convention})
    slices, masks = _first_max_masks(x, geo)
    hp = _windows.pad_spatial(h, geo[2], geo[3], 0)
    out = np.multiply(hp[slices[0]], masks[0])
    for sl, hit in zip(slices[1:], masks[1:]):
        out += hp[sl] * hit
    return out


@pool_max_gather.gradient
def _max_gather_vjp(b, n, g):
    return [None, b.op("_pool_max_scatter", n.inputs[0], g[0], **n.attrs)]

# ---------------------------------------------------------------- avg / sum: the transpose


def _pool_scatter_infer(ins, attrs):
    shape = tuple(int(s) for s in attrs["shape"])
    if attrs["pool_type"] not in ("avg", "sum"):
        raise ShapeError("_pool_scatter: pool_type must be 'avg' or 'sum', got %r"
                         % (attrs["pool_type"],))
    _pooled_check("_pool_scatter", TensorType.get(shape, ins[0].dtype), ins[0], attrs)
    return [TensorType.get(shape, ins[0].dtype)]


@register("_pool_scatter", _pool_scatter_infer,
          attrs=dict(_WIN_ATTRS, shape=REQUIRED, pool_type="avg", count_include_pad=None))
def pool_scatter(g, shape, kernel, stride, pad, global_pool, pooling_convention, pool_type,
                 count_include_pad):
    """The transpose of average or sum Pooling: each pooled value (divided by its window's
    count for 'avg') added over its window of an image of `shape`."""
    shape = tuple(int(s) for s in shape)
    attrs = {"kernel": kernel, "stride": stride, "pad": pad, "global_pool": global_pool,
             "pooling_convention": pooling_convention}
    geo = geometry(shape, attrs, "_pool_scatter")
    if pool_type == "avg":
        with np.errstate(divide="ignore", invalid="ignore"):  # as MXNet: 0 / 0 is nan
            g = g / counts(shape[2:], geo, count_include_pad is not False).astype(g.dtype)
    if global_pool:
        return np.ascontiguousarray(np.broadcast_to(g, shape))
    padded = shape[:2] + tuple(s + a + b for s, a, b in zip(shape[2:], geo[2], geo[3]))
    dxp = np.zeros(padded, g.dtype)
    with np.errstate(invalid="ignore"):
        for sl in _slices(geo):
            view = dxp[sl]
            np.add(view, g, out=view)
    return np.ascontiguousarray(_windows.crop_spatial(dxp, geo[2], shape[2:]))


@pool_scatter.gradient
def _pool_scatter_vjp(b, n, g):
    a = n.attrs
    return [b.op("Pooling", g[0], pool_type=a["pool_type"],
                 count_include_pad=a["count_include_pad"], **_win(a))]


from ._jvp import linear, set_rule  # noqa: E402  (after the operators)

set_rule(linear(1), ["_pool_max_scatter", "_pool_max_gather"])
set_rule(linear(0), ["_pool_scatter"])
