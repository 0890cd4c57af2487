"""MXNet 1.9.1's vision operators as compositions of registered operators, so they record
those operators and differentiate to any order: LRN (a channel-window sum pooling),
Crop / crop (slices), im2col / col2im (the registered `_im2col` pair), Correlation
(shifted products and a sum pooling), contrib AdaptiveAvgPooling2D and BilinearResize2D
(a matrix on each spatial axis, built by operators: tapegraph.ir.composites).
GridGenerator, BilinearSampler and SpatialTransformer call the registered operators of
tapegraph.ir.ops.sampler (their positions are computed in the kernel, so a recorded graph
follows each call's values and exports). (The region poolings are registered operators
too: regions.py.)"""
from __future__ import annotations

import math
from typing import Sequence

import numpy as np

from ..ir import get_op
from ..ir import composites
from ..ir.composites import crop_window, lrn
from ..ir.errors import MXNetError
from ..trace.invoke import invoke
from .detection import call
from .ops import NAMESPACE, Eager, _as_inputs, _finish


def _op(name, arrays, attrs=None):
    return invoke(get_op(name), list(arrays), attrs or {}, out_cls=type(arrays[0]))


def _reshape(x, shape):
    return _op("Reshape", [x], {"shape": tuple(int(s) for s in shape), "reverse": False})


def _check_ndim(data, ndim, name, what="(N, C, H, W)"):
    if data.ndim != ndim:
        raise MXNetError("%s: expected a %d-D input %s, got shape %s"
                         % (name, ndim, what, data.shape))


def _pair(value, name):
    v = (value,) if isinstance(value, (int, np.integer)) else tuple(value)
    if len(v) == 1:
        v = v * 2
    if len(v) != 2:
        raise MXNetError("%s must have 1 or 2 entries, got %r" % (name, value))
    return tuple(int(i) for i in v)

# ---------------------------------------------------------------- LRN, Crop, crop


def LRN(data, alpha=1e-4, beta=0.75, knorm=2.0, nsize=None, out=None, **kw):
    """Local response normalisation across channels (see `lrn`)."""
    data = _as_inputs([data])[0]
    return _finish(lrn(Eager, data, float(alpha), float(beta), float(knorm), nsize), out)


def Crop(*data, num_args=1, offset=(0, 0), h_w=(0, 0), center_crop=False, out=None, **kw):
    """The (h, w) window of data[0] at `offset` (or centred): h_w comes from the attribute,
    or from the height and width of data[1] when num_args=2."""
    arrays = _as_inputs(list(data))
    if len(arrays) != int(num_args) or len(arrays) not in (1, 2):
        raise MXNetError("Crop: num_args=%r but %d input(s) given (1 or 2)"
                         % (num_args, len(arrays)))
    like = arrays[1] if len(arrays) == 2 else None
    return _finish(crop_window(Eager, arrays[0], like, offset, h_w, center_crop), out)


def crop(data, begin, end, step=(), out=None, **kw):
    """MXNet's `crop` is an alias of `slice`: data[begin:end:step] per axis."""
    return NAMESPACE["slice"](data, begin=begin, end=end, step=step, out=out, **kw)

# ---------------------------------------------------------------- im2col, col2im


def _window_attrs(kernel, stride, dilate, pad, name):
    if len(tuple(kernel)) != 2:
        raise MXNetError("%s: only 2-D kernels work in MXNet 1.9.1 (its 1-D and 3-D paths "
                         "fail); got kernel=%r" % (name, kernel))
    return {"kernel": tuple(kernel), "stride": tuple(stride), "dilate": tuple(dilate),
            "pad": tuple(pad)}


def im2col(data, kernel, stride=(), dilate=(), pad=(), out=None, **kw):
    """Sliding (N, C, H, W) windows as columns (N, C*kh*kw, out_h*out_w)."""
    data = _as_inputs([data])[0]
    _check_ndim(data, 4, "im2col")
    attrs = dict(_window_attrs(kernel, stride, dilate, pad, "im2col"), fill="zero")
    return _finish(_op("_im2col", [data], attrs), out)


def col2im(data, output_size, kernel, stride=(), dilate=(), pad=(), out=None, **kw):
    """The adjoint of im2col: columns (N, C*kh*kw, L) summed back into an image (N, C,
    *output_size) (overlapping windows add up)."""
    data = _as_inputs([data])[0]
    _check_ndim(data, 3, "col2im", "(N, C*kh*kw, L)")
    attrs = _window_attrs(kernel, stride, dilate, pad, "col2im")
    k = int(np.prod(attrs["kernel"]))
    if data.shape[1] % k:
        raise MXNetError("col2im: %d columns rows are not a multiple of the kernel's %d "
                         "elements" % (data.shape[1], k))
    shape = (data.shape[0], data.shape[1] // k) + _pair(output_size, "col2im: output_size")
    return _finish(_op("_col2im", [data], dict(attrs, shape=shape)), out)

# ---------------------------------------------------------------- grids and sampling


def _affine_target(matrices, target_shape):
    """(H, W) of an affine grid, checking the (N, 6) matrices (GridGenerator's messages,
    which MXNet's SpatialTransformer gives too)."""
    if matrices.ndim != 2 or matrices.shape[1] != 6:
        raise MXNetError("GridGenerator: incorrect data shape[1], should be 6 (an "
                         "(N, 6) affine matrix), got shape %s" % (matrices.shape,))
    h, w = _pair(target_shape, "GridGenerator: target_shape")
    if h <= 0 or w <= 0:
        raise MXNetError("GridGenerator: affine needs target_shape=(H, W), got %r"
                         % (target_shape,))
    return h, w


def GridGenerator(data, transform_type=None, target_shape=(0, 0), out=None, name=None, **kw):
    """A sampling grid (N, 2, H, W) of normalised (x, y) in [-1, 1]: 'affine' maps the
    target grid by the (N, 6) matrices in `data`; 'warp' adds the (N, 2, H, W) flow to the
    pixel grid (the registered operator, ir/ops/sampler.py)."""
    data = _as_inputs([data])[0]
    if transform_type == "affine":
        h, w = _affine_target(data, target_shape)
        attrs = {"transform_type": "affine", "target_shape": (h, w)}
    elif transform_type == "warp":
        if data.ndim != 4 or data.shape[1] != 2:
            raise MXNetError("GridGenerator: warp needs an (N, 2, H, W) flow, got shape %s"
                             % (data.shape,))
        attrs = {"transform_type": "warp"}
    else:
        raise MXNetError("GridGenerator: transform_type must be 'affine' or 'warp', got %r"
                         % (transform_type,))
    return _finish(call("GridGenerator", "gridgenerator", [data], attrs, name), out)


def BilinearSampler(data, grid, cudnn_off=None, out=None, name=None, **kw):
    """Sample (N, C, H, W) `data` at the normalised points of `grid` (N, 2, Ho, Wo): each
    output mixes the four neighbours (zero outside the image) by the point's fractional
    offsets; differentiable in both inputs (the registered operator, ir/ops/sampler.py)."""
    data, grid = _as_inputs([data, grid])
    _check_ndim(data, 4, "BilinearSampler")
    if grid.ndim != 4 or grid.shape[0] != data.shape[0] or grid.shape[1] != 2:
        raise MXNetError("BilinearSampler: grid must be (N, 2, Ho, Wo) with N=%d, got shape %s"
                         % (data.shape[0], grid.shape))
    attrs = {} if cudnn_off is None else {"cudnn_off": bool(cudnn_off)}
    return _finish(call("BilinearSampler", "bilinearsampler", [data, grid], attrs, name), out)


def SpatialTransformer(data, loc, target_shape=(0, 0), transform_type=None, sampler_type=None,
                       cudnn_off=None, out=None, name=None, **kw):
    """BilinearSampler(data, GridGenerator(loc, 'affine', target_shape)), the registered
    operator (ir/ops/sampler.py)."""
    if transform_type != "affine" or sampler_type != "bilinear":
        raise MXNetError("SpatialTransformer: transform_type must be 'affine' and sampler_type "
                         "'bilinear', got %r and %r" % (transform_type, sampler_type))
    data, loc = _as_inputs([data, loc])
    h, w = _affine_target(loc, target_shape)
    _check_ndim(data, 4, "BilinearSampler")
    attrs = {"target_shape": (h, w), "transform_type": "affine", "sampler_type": "bilinear"}
    if cudnn_off is not None:
        attrs["cudnn_off"] = bool(cudnn_off)
    return _finish(call("SpatialTransformer", "spatialtransformer", [data, loc], attrs, name),
                   out)

# ---------------------------------------------------------------- Correlation


def Correlation(data1, data2, kernel_size=1, max_displacement=1, stride1=1, stride2=1,
                pad_size=0, is_multiply=True, out=None, **kw):
    """FlowNet's correlation: for each displacement (a (2*(max_displacement//stride2)+1)**2
    grid of them) the mean over channels and a kernel_size window of data1 * shifted data2
    (or |data1 - shifted data2|): (N, displacements, out_h, out_w)."""
    a, b = _as_inputs([data1, data2])
    _check_ndim(a, 4, "Correlation")
    if a.shape != b.shape:
        raise MXNetError("Correlation: data1 %s and data2 %s must have the same shape"
                         % (a.shape, b.shape))
    k, md, s1, s2, p = (int(v) for v in (kernel_size, max_displacement, stride1, stride2,
                                         pad_size))
    n, c, h, w = a.shape
    border = md + (k - 1) // 2
    hp, wp = h + 2 * p, w + 2 * p
    oh, ow = math.ceil((hp - 2 * border) / s1), math.ceil((wp - 2 * border) / s1)
    if oh < 1 or ow < 1:
        raise MXNetError("Correlation: the input %s (pad_size %d) is too small for "
                         "max_displacement %d and kernel_size %d" % ((h, w), p, md, k))
    if p:
        widths = (0, 0, 0, 0, p, p, p, p)
        a = _op("Pad", [a], {"mode": "constant", "pad_width": widths, "constant_value": 0.0})
        b = _op("Pad", [b], {"mode": "constant", "pad_width": widths, "constant_value": 0.0})
    span_h, span_w = (oh - 1) * s1 + k, (ow - 1) * s1 + k
    first = _op("slice", [a], {"begin": (None, None, md, md),
                               "end": (None, None, md + span_h, md + span_w), "step": ()})
    radius = md // s2
    parts = []
    for i in range(-radius, radius + 1):
        for j in range(-radius, radius + 1):
            y, x = md + i * s2, md + j * s2
            second = _op("slice", [b], {"begin": (None, None, y, x),
                                        "end": (None, None, y + span_h, x + span_w),
                                        "step": ()})
            pair = first * second if is_multiply else _op("abs", [first - second])
            summed = _op("sum", [pair], {"axis": (1,), "keepdims": True})
            if k > 1 or s1 > 1:
                summed = _op("Pooling", [summed], {"kernel": (k, k), "stride": (s1, s1),
                                                   "pool_type": "sum"})
            parts.append(summed)
    res = _op("Concat", parts, {"dim": 1, "num_args": len(parts)}) if len(parts) > 1 \
        else parts[0]
    return _finish(_op("_mul_scalar", [res], {"scalar": 1.0 / (k * k * c)}), out)

# ---------------------------------------------------------------- separable resampling


def AdaptiveAvgPooling2D(data, output_size=(), out=None, **kw):
    """Average pooling to a fixed (out_h, out_w) (see
    `tapegraph.ir.composites.adaptive_avg_pool2d`)."""
    return _finish(composites.adaptive_avg_pool2d(Eager, _as_inputs([data])[0], output_size),
                   out)


def BilinearResize2D(data, like=None, height=1, width=1, scale_height=None, scale_width=None,
                     mode="size", align_corners=True, out=None, **kw):
    """Bilinear resize of (N, C, H, W) to the size `mode` says (see
    `tapegraph.ir.composites.bilinear_resize2d`)."""
    return _finish(composites.bilinear_resize2d(
        Eager, _as_inputs([data])[0], like, height, width, scale_height, scale_width, mode,
        align_corners), out)


__all__: Sequence[str] = (
    "LRN", "Crop", "crop", "im2col", "col2im", "GridGenerator", "BilinearSampler",
    "SpatialTransformer", "Correlation", "AdaptiveAvgPooling2D", "BilinearResize2D")

NAMESPACE.update({name: globals()[name] for name in __all__
                  if name not in ("AdaptiveAvgPooling2D", "BilinearResize2D")})

from .regions import ROIPooling  # noqa: E402,F401  (mx.nd.ROIPooling, a registered operator)
NAMESPACE["ROIPooling"] = ROIPooling
