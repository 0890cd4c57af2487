"""Operators MXNet has and tapegraph builds from registered operators, written once against
`ir.Builder.op`: `mx.nd` runs them with an eager builder (each `op` call records an
operator on NDArrays), the symbol loader builds them into graphs (`mx.sym`, files written by
MXNet). They differentiate to any order through their parts."""
from __future__ import annotations

import numbers

from .errors import MXNetError


def _pair(value, name):
    v = (value,) if isinstance(value, numbers.Integral) else tuple(value)
    if len(v) == 1:
        v = v * 2
    if len(v) != 2:
        raise MXNetError("%s must have 1 or 2 entries, got %r" % (name, value))
    return tuple(int(i) for i in v)


def lrn(b, data, alpha=1e-4, beta=0.75, knorm=2.0, nsize=None):
    """LRN built with `b.op` (an `ir.Builder`, or `mx.nd`'s eager one): local response
    normalisation across channels, x / (knorm + alpha / nsize * sum(x**2 over the channels
    c - nsize//2 .. c + nsize//2)) ** beta, the window sum a sum pooling."""
    if nsize is None:
        raise MXNetError("Required parameter nsize of int (non-negative) is not presented, "
                         "in operator LRN")
    if len(data.shape) < 3:
        raise MXNetError("LRN: expected an input (N, C, ...) of at least 3 dimensions, got "
                         "shape %s" % (tuple(data.shape),))
    n, c = data.shape[:2]
    half = int(nsize) // 2
    sq = b.op("Reshape", b.op("square", data), shape=(n, 1, c, -1), reverse=False)
    window = b.op("Pooling", sq, kernel=(2 * half + 1, 1), stride=(1, 1), pad=(half, 0),
                  pool_type="sum")
    scale = b.op("_plus_scalar", b.op("_mul_scalar", window, scalar=alpha / int(nsize)),
                 scalar=float(knorm))
    norm = b.op("_power_scalar", scale, scalar=-float(beta))
    return b.op("elemwise_mul", data, b.op("Reshape", norm, shape=tuple(data.shape),
                                           reverse=False))


def crop_window(b, data, like=None, offset=(0, 0), h_w=(0, 0), center_crop=False):
    """Crop built with `b.op` (an `ir.Builder`, or `mx.nd`'s eager one): the (h, w) window
    of `data` at `offset` (or centred); h_w from the attribute, or from the height and
    width of `like` (MXNet's num_args=2)."""
    if len(data.shape) != 4:
        raise MXNetError("Crop: expected a 4-D input (N, C, H, W), got shape %s"
                         % (tuple(data.shape),))
    h, w = like.shape[2:4] if like is not None else _pair(h_w, "Crop: h_w")
    height, width = data.shape[2:]
    if h > height:
        raise MXNetError("Crop: the crop height(h_w[0]) should be less than the input data's "
                         "height (%d vs. %d)" % (h, height))
    if w > width:
        raise MXNetError("Crop: the crop width(h_w[1]) should be less than the input data's "
                         "width (%d vs. %d)" % (w, width))
    if center_crop:
        oy, ox = int((height - h) / 2.0), int((width - w) / 2.0)
    else:
        oy, ox = _pair(offset, "Crop: offset")
        if oy + h > height or ox + w > width:
            raise MXNetError("Crop: offset %s + crop size %s exceeds the input's height and "
                             "width %s" % ((oy, ox), (h, w), (height, width)))
    return b.op("slice", data, begin=(None, None, oy, ox), end=(None, None, oy + h, ox + w),
                step=())
