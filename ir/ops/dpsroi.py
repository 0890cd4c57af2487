"""MXNet 1.9.1's contrib DeformablePSROIPooling (deformable R-FCN): PSROIPooling whose bins
move by `trans` (R, 2*classes, part, part) times trans_std times the region's size, each
bin the mean of sample_per_part**2 bilinear samples (those within half a pixel of the
image). The output shape, (R, output_dim, pooled_size, pooled_size), depends on the input
shapes and attributes only, so it is an ordinary operator.

Gradient in data and trans (regions get none, as in MXNet): the same computation written
with registered operators (`composite`: the region geometry, sample coordinates, their
floors and the gathers are all computed in the graph) differentiated by the running
gradient pass, as for the deformable convolutions, so every order is derived."""
from __future__ import annotations

from typing import Any, Dict, List

import numpy as np

from tapegraph.ir.errors import MXNetError, ShapeError
from tapegraph.ir.graph import Builder, Value
from tapegraph.ir.registry import REQUIRED, register
from tapegraph.ir.types import TensorType
from .deformable import composite_vjp
from .roi import c_round, check_regions

_ATTRS = {"spatial_scale": REQUIRED, "output_dim": REQUIRED, "group_size": REQUIRED,
          "pooled_size": REQUIRED, "part_size": 0, "sample_per_part": 1, "trans_std": 0.0,
          "no_trans": False}
NAME = "DeformablePSROIPooling"


def _sizes(attrs):
    p, g, k = int(attrs["pooled_size"]), int(attrs["group_size"]), int(attrs["output_dim"])
    return p, g, k, int(attrs["part_size"]) or p, int(attrs["sample_per_part"])


def _infer(ins: List[TensorType], attrs: Dict[str, Any]) -> List[TensorType]:
    check_regions(ins, NAME, scale=attrs["spatial_scale"])
    p, g, k, part, _ = _sizes(attrs)
    c = ins[0].shape[1]
    if c != k * g * g:
        raise ShapeError("%s: input channels %d must equal output_dim * group_size**2 = %d"
                         % (NAME, c, k * g * g))
    if len(ins) != (2 if attrs["no_trans"] else 3):
        raise ShapeError("%s: takes data, rois%s" % (NAME, "" if attrs["no_trans"]
                                                      else " and trans"))
    if not attrs["no_trans"]:
        tr = ins[2]
        classes = tr.shape[1] // 2 if tr.ndim == 4 else 0
        if (tr.ndim != 4 or tr.shape[0] != ins[1].shape[0] or tr.shape[2:] != (part, part)
                or not classes or tr.shape[1] != 2 * classes or k % classes):
            raise ShapeError("%s: trans must be (%d, 2*classes, %d, %d) with classes dividing "
                             "output_dim, got %s" % (NAME, ins[1].shape[0], part, part,
                                                     tr.shape))
    return [TensorType.get((ins[1].shape[0], k, p, p), ins[0].dtype)]


def _classes(ins, attrs):
    return 1 if attrs["no_trans"] else ins[2].shape[1] // 2


# ---------------------------------------------------------------- the NumPy kernel

def _samples(boxes, p, g, k, part, spp, scale, classes, n):
    """Per sample (R, k, p, p, spp, spp) of each region: batch, input channel, base (x, y),
    the flat trans entries and the region's size."""
    r_ = np.arange(boxes.shape[0])[:, None, None, None, None, None]
    ct = np.arange(k)[None, :, None, None, None, None]
    ph = np.arange(p)[None, None, :, None, None, None]
    pw = np.arange(p)[None, None, None, :, None, None]
    ih = np.arange(spp)[None, None, None, None, :, None]
    iw = np.arange(spp)[None, None, None, None, None, :]
    batch = boxes[:, 0].astype(np.int64)
    if (batch < 0).any() or (batch >= n).any():
        raise MXNetError("%s: a region's batch index is out of range for a batch of %d"
                         % (NAME, n))
    rounded = c_round(boxes[:, 1:])
    x1, y1 = rounded[:, 0] * scale - 0.5, rounded[:, 1] * scale - 0.5
    x2, y2 = (rounded[:, 2] + 1.0) * scale - 0.5, (rounded[:, 3] + 1.0) * scale - 0.5
    rw, rh = np.maximum(x2 - x1, 0.1), np.maximum(y2 - y1, 0.1)
    col = lambda v: v[:, None, None, None, None, None]  # noqa: E731  (per region)
    bw, bh = col(rw / p), col(rh / p)
    base_x = pw * bw + col(x1) + iw * (bw / spp)
    base_y = ph * bh + col(y1) + ih * (bh / spp)
    part_h = np.floor(ph / p * part).astype(np.int64)
    part_w = np.floor(pw / p * part).astype(np.int64)
    cls = ct // (k // classes)
    t_x = (((r_ * classes + cls) * 2) * part + part_h) * part + part_w
    t_y = (((r_ * classes + cls) * 2 + 1) * part + part_h) * part + part_w
    gh = np.clip(np.floor(ph * g / p).astype(np.int64), 0, g - 1)
    gw = np.clip(np.floor(pw * g / p).astype(np.int64), 0, g - 1)
    chan = (ct * g + gh) * g + gw
    shape = (boxes.shape[0], k, p, p, spp, spp)
    b = lambda v: np.broadcast_to(v, shape)  # noqa: E731
    return (b(col(batch)), b(chan), b(base_x), b(base_y), b(t_x), b(t_y), b(col(rw)),
            b(col(rh)))


@register("_contrib_DeformablePSROIPooling", _infer, num_inputs=None, attrs=_ATTRS)
def deformable_psroi_pooling(*arrays, **attrs):
    """Deformable R-FCN pooling: PSROIPooling whose bins move by `trans` (R, 2*classes,
    part, part) times trans_std times the region size, each bin the mean of
    sample_per_part**2 bilinear samples (those within half a pixel of the image)."""
    data, rois = arrays[:2]
    n, c, h, w = data.shape
    p, g, k, part, spp = _sizes(attrs)
    classes = 1 if attrs["no_trans"] else arrays[2].shape[1] // 2
    batch, chan, x, y, tx, ty, rw, rh = _samples(
        rois.astype(np.float64), p, g, k, part, spp, float(np.float32(attrs["spatial_scale"])),
        classes, n)
    if not attrs["no_trans"]:
        flat = arrays[2].reshape(-1).astype(np.float64)
        std = float(np.float32(attrs["trans_std"]))  # (a C float)
        x, y = x + flat[tx] * (rw * std), y + flat[ty] * (rh * std)
    valid = (x >= -0.5) & (x <= w - 0.5) & (y >= -0.5) & (y <= h - 0.5)
    count = valid.sum(axis=(4, 5), keepdims=True)
    share = np.where(valid, 1.0 / np.maximum(count, 1), 0.0)
    x0 = np.floor(np.clip(x, 0, w - 1)).astype(np.int64)
    y0 = np.floor(np.clip(y, 0, h - 1)).astype(np.int64)
    fx = (x - x0) * ((x > 0) & (x < w - 1))
    fy = (y - y0) * ((y > 0) & (y < h - 1))
    plane = (batch * c + chan) * h * w
    values = data.reshape(-1).astype(np.float64)
    total = 0.0
    for dy, wy in ((0, 1.0 - fy), (1, fy)):
        for dx, wx in ((0, 1.0 - fx), (1, fx)):
            pos = plane + np.minimum(y0 + dy, h - 1) * w + np.minimum(x0 + dx, w - 1)
            total = total + values[pos] * (wy * wx * share)
    return total.sum(axis=(4, 5)).astype(data.dtype)


# ---------------------------------------------------------------- the composite

def _along(b: Builder, vec: Value, shape, axis: int) -> Value:
    view = [1] * len(shape)
    view[axis] = shape[axis]
    return b.op("broadcast_to", b.op("Reshape", vec, shape=tuple(view)), shape=shape)


def _index(b: Builder, size: int) -> Value:
    return b.op("_arange", start=0.0, stop=float(size), dtype="float64")


def _s(b, op, x, v):
    return b.op(op, x, scalar=float(v))


def _mul(b, *xs):
    out = xs[0]
    for x in xs[1:]:
        out = b.op("elemwise_mul", out, x)
    return out


def _add(b, *xs):
    out = xs[0]
    for x in xs[1:]:
        out = b.op("elemwise_add", out, x)
    return out


def composite(b: Builder, ins: List[Value], attrs: Dict[str, Any]) -> Value:
    """The operator written with registered operators (what its gradient differentiates)."""
    n, c, h, w = ins[0].type.shape
    r = ins[1].type.shape[0]
    p, g, k, part, spp = _sizes(attrs)
    classes = _classes([v.type for v in ins], attrs)
    shape = (r, k, p, p, spp, spp)
    scale = float(np.float32(attrs["spatial_scale"]))
    data = b.op("Cast", ins[0], dtype="float64")
    rois = b.op("Cast", ins[1], dtype="float64")

    def column(j):  # rois[:, j] as (R, 1, 1, 1, 1, 1) broadcast to the samples
        v = b.op("slice", rois, begin=(None, j), end=(None, j + 1), step=())
        return b.op("broadcast_to", b.op("Reshape", v, shape=(r, 1, 1, 1, 1, 1)), shape=shape)

    def rounded(j):  # C's round()
        v = column(j)
        return b.op("elemwise_mul", b.op("sign", v),
                    b.op("floor", _s(b, "_plus_scalar", b.op("abs", v), 0.5)))

    x1 = _s(b, "_minus_scalar", _s(b, "_mul_scalar", rounded(1), scale), 0.5)
    y1 = _s(b, "_minus_scalar", _s(b, "_mul_scalar", rounded(2), scale), 0.5)
    x2 = _s(b, "_minus_scalar", _s(b, "_mul_scalar", _s(b, "_plus_scalar", rounded(3), 1.0),
                                    scale), 0.5)
    y2 = _s(b, "_minus_scalar", _s(b, "_mul_scalar", _s(b, "_plus_scalar", rounded(4), 1.0),
                                    scale), 0.5)
    rw = _s(b, "_maximum_scalar", b.op("elemwise_sub", x2, x1), 0.1)
    rh = _s(b, "_maximum_scalar", b.op("elemwise_sub", y2, y1), 0.1)
    bw, bh = _s(b, "_div_scalar", rw, p), _s(b, "_div_scalar", rh, p)
    # base (x, y): bin * size + start + sample * size / spp
    pos_w = _add(b, _along(b, _index(b, p), shape, 3),
                 _along(b, _s(b, "_div_scalar", _index(b, spp), spp), shape, 5))
    pos_h = _add(b, _along(b, _index(b, p), shape, 2),
                 _along(b, _s(b, "_div_scalar", _index(b, spp), spp), shape, 4))
    x = _add(b, _mul(b, pos_w, bw), x1)
    y = _add(b, _mul(b, pos_h, bh), y1)
    if not attrs["no_trans"]:
        part_of = _s(b, "_mul_scalar", _s(b, "_div_scalar", _index(b, p), p), part)
        part_of = b.op("floor", part_of)
        cls = b.op("floor", _s(b, "_div_scalar", _index(b, k), k // classes))
        lead = _s(b, "_mul_scalar", _add(b, _s(b, "_mul_scalar", _along(b, _index(b, r), shape,
                                                                          0), classes),
                                          _along(b, cls, shape, 1)), 2.0)
        flat = b.op("Reshape", b.op("Cast", ins[2], dtype="float64"), shape=(-1,))
        std = float(np.float32(attrs["trans_std"]))
        moved = []
        for which, size in ((0, rw), (1, rh)):
            t = _s(b, "_mul_scalar", _s(b, "_plus_scalar", lead, which), part)
            t = _s(b, "_mul_scalar", _add(b, t, _along(b, part_of, shape, 2)), part)
            t = _add(b, t, _along(b, part_of, shape, 3))
            t = b.op("take", flat, b.op("Reshape", t, shape=(-1,)), axis=0, mode="clip")
            t = b.op("Reshape", t, shape=shape)
            moved.append(_mul(b, t, _s(b, "_mul_scalar", size, std)))
        x, y = _add(b, x, moved[0]), _add(b, y, moved[1])
    valid = _mul(b, _s(b, "_greater_equal_scalar", x, -0.5),
                 _s(b, "_lesser_equal_scalar", x, w - 0.5),
                 _s(b, "_greater_equal_scalar", y, -0.5),
                 _s(b, "_lesser_equal_scalar", y, h - 0.5))
    count = b.op("sum", valid, axis=(4, 5), keepdims=True)
    count = b.op("broadcast_to", _s(b, "_maximum_scalar", count, 1.0), shape=shape)
    share = b.op("elemwise_div", valid, count)
    x0 = b.op("floor", b.op("clip", x, a_min=0.0, a_max=float(w - 1)))
    y0 = b.op("floor", b.op("clip", y, a_min=0.0, a_max=float(h - 1)))
    fx = _mul(b, b.op("elemwise_sub", x, x0), _s(b, "_greater_scalar", x, 0),
              _s(b, "_lesser_scalar", x, w - 1))
    fy = _mul(b, b.op("elemwise_sub", y, y0), _s(b, "_greater_scalar", y, 0),
              _s(b, "_lesser_scalar", y, h - 1))
    gh = b.op("clip", b.op("floor", _s(b, "_div_scalar", _s(b, "_mul_scalar", _index(b, p), g),
                                       p)), a_min=0.0, a_max=float(g - 1))
    chan = _add(b, _s(b, "_mul_scalar", _add(b, _s(b, "_mul_scalar", _along(b, _index(b, k),
                                                                              shape, 1), g),
                                             _along(b, gh, shape, 2)), g),
                _along(b, gh, shape, 3))
    plane = _s(b, "_mul_scalar", _add(b, _s(b, "_mul_scalar", column(0), c), chan), h * w)
    values = b.op("Reshape", data, shape=(-1,))
    total = None
    for dy, wy in ((0, _s(b, "_rminus_scalar", fy, 1)), (1, fy)):
        for dx, wx in ((0, _s(b, "_rminus_scalar", fx, 1)), (1, fx)):
            row = _s(b, "_minimum_scalar", _s(b, "_plus_scalar", y0, dy), h - 1)
            col = _s(b, "_minimum_scalar", _s(b, "_plus_scalar", x0, dx), w - 1)
            at = _add(b, plane, _s(b, "_mul_scalar", row, w), col)
            v = b.op("take", values, b.op("Reshape", at, shape=(-1,)), axis=0, mode="clip")
            term = _mul(b, b.op("Reshape", v, shape=shape), wy, wx, share)
            total = term if total is None else _add(b, total, term)
    assert total is not None
    out = b.op("sum", total, axis=(4, 5), keepdims=False)
    return b.op("Cast", out, dtype=ins[0].type.dtype)


deformable_psroi_pooling.gradient(composite_vjp(composite, constant=(1,)))
