"""MXNet 1.9.1's region poolings (`ROIPooling`, `mx.nd.contrib` ROIAlign, PSROIPooling and
RROIAlign), computed as MXNet's CPU kernels do. Each output's shape depends on the input
shapes and attributes only (R regions, C or output_dim channels, the pooled grid), so each
is an ordinary operator: a hybridized Faster R-CNN / R-FCN head traces to a fixed graph
and exports MXNet's nodes.

ROIAlign, PSROIPooling and RROIAlign are linear in `data` once the regions are known: the
kernel turns the regions into (output element, data element, weight) triples and sums.
Their gradient in `data` is the transposed sum, a companion operator `_<name>_scatter`
(g, rois) {shape: data's}, whose own gradient in g is the forward operator again: the pair
is closed under differentiation (to any order), like `slice` and `_slice_scatter`.
Regions get no gradient, as in MXNet. (MXNet 1.9.1's CPU RROIAlign has no backward; here
the gradient reaches `data`.) The companions have no MXNet equivalent: a gradient graph
holding one does not export (MXNet's `_backward_*` operators do not run outside the
executor's backward pass).

ROIPooling has MXNet's hidden second output (visible outputs: 1): the flat index into
`data` (int32) of each bin's first maximum, -1 for an empty bin. Its gradient passes each
bin's cotangent to that position (a `_take_scatter`), as MXNet's backward does.

Differences from MXNet: a region with a negative batch index gives zeros in ROIAlign and
RROIAlign (MXNet 1.9.1's CPU ROIAlign writes those zeros at the wrong offset, over another
region's output, and leaves its own unwritten)."""
from __future__ import annotations

import math
from typing import Any, Callable, Dict, List

import numpy as np

from tapegraph.ir.errors import MXNetError, ShapeError
from tapegraph.ir.registry import REQUIRED, register
from tapegraph.ir.types import TensorType


def c_round(v):
    """C's round(): halves away from zero."""
    return np.sign(v) * np.floor(np.abs(v) + 0.5)


def pair(value, name: str):
    """pooled_size as (h, w): one number or a 1- or 2-tuple."""
    v = (value,) if isinstance(value, (int, float, np.integer)) else tuple(value)
    if len(v) == 1:
        v = v * 2
    if len(v) != 2:
        raise ShapeError("%s must have 1 or 2 entries, got %r" % (name, value))
    return tuple(int(i) for i in v)


def check_regions(ins: List[TensorType], name: str, width: int = 5,
                  scale: Any = None) -> None:
    if scale is not None and not 0.0 <= float(scale) <= 1.0:
        raise ShapeError("value %g for Parameter spatial_scale exceed bound [0,1]" % float(scale))
    data, rois = ins[0], ins[1]
    if data.ndim != 4:
        raise ShapeError("%s: data should be a 4D tensor (N, C, H, W), got shape %s"
                         % (name, data.shape))
    if rois.ndim != 2 or rois.shape[1] != width:
        what = ("[batch, 5] (batch_index, x1, y1, x2, y2)" if width == 5 else
                "[batch, 6] (batch_index, x, y, w, h, angle)")
        raise ShapeError("%s: bbox should be a 2D tensor of shape %s, got shape %s"
                         % (name, what, rois.shape))


def batch_index(roi, n: int, name: str) -> int:
    b = int(roi[0])
    if not 0 <= b < n:
        raise MXNetError("%s: region batch index %d is out of range for a batch of %d"
                         % (name, b, n))
    return b


def _cat(parts, dtype=np.float64):
    return np.concatenate(parts) if parts else np.zeros(0, dtype)


# ---------------------------------------------------------------- the triples

def _bilinear_grid(y, x, h, w):
    """MXNet ROIAlign's four (position in the plane, weight) pairs of each sample point
    (..., 4); weights 0 when the point lies more than one pixel outside."""
    out = (y < -1.0) | (y > h) | (x < -1.0) | (x > w)
    y, x = np.maximum(y, 0.0), np.maximum(x, 0.0)
    yl, xl = y.astype(np.int64), x.astype(np.int64)
    cy, cx = yl >= h - 1, xl >= w - 1
    yl, xl = np.where(cy, h - 1, yl), np.where(cx, w - 1, xl)
    yh, xh = np.where(cy, h - 1, yl + 1), np.where(cx, w - 1, xl + 1)
    y, x = np.where(cy, yl, y), np.where(cx, xl, x)
    ly, lx = y - yl, x - xl
    hy, hx = 1.0 - ly, 1.0 - lx
    pos = np.stack([yl * w + xl, yl * w + xh, yh * w + xl, yh * w + xh], -1)
    wts = np.stack([hy * hx, hy * lx, ly * hx, ly * lx], -1)
    return np.where(out[..., None], 0, pos), np.where(out[..., None], 0.0, wts)


def _bin_samples(rh, rw, ph, pw, sr):
    """A region of rh x rw split into ph x pw bins, each sampled on a gh x gw grid (`sr`
    per side, or ceil(bin size) when `sr` <= 0): (bin height, bin width, samples per bin,
    the samples' offsets in a bin as (1, 1, gh, 1) rows and (1, 1, 1, gw) columns)."""
    bh, bw = rh / ph, rw / pw
    gh = sr if sr > 0 else int(math.ceil(rh / ph))
    gw = sr if sr > 0 else int(math.ceil(rw / pw))
    oy = (np.arange(gh)[None, None, :, None] + 0.5) * bh / gh
    ox = (np.arange(gw)[None, None, None, :] + 0.5) * bw / gw
    return bh, bw, max(gh * gw, 1), oy, ox


def _align_triples(shape, boxes, a):
    n, c, h, w = shape
    ph, pw = pair(a["pooled_size"], "ROIAlign: pooled_size")
    ps = bool(a["position_sensitive"])
    cout = c // (ph * pw) if ps else c
    scale, offset = float(a["spatial_scale"]), 0.5 if a["aligned"] else 0.0
    sr = int(a["sample_ratio"])
    outs, poss, wts = [], [], []
    i = np.arange(ph)[:, None, None, None]
    j = np.arange(pw)[None, :, None, None]
    chan = np.arange(cout)[:, None, None, None]
    cin = chan * ph * pw + (i * pw + j)[None, :, :, 0] if ps else chan
    for r, roi in enumerate(boxes):
        if int(roi[0]) < 0:
            continue
        b = batch_index(roi, n, "ROIAlign")
        x1, y1, x2, y2 = (v * scale - offset for v in roi[1:])
        rw, rh = x2 - x1, y2 - y1
        if not a["aligned"]:
            rw, rh = max(rw, 1.0), max(rh, 1.0)
        bh, bw, count, oy, ox = _bin_samples(rh, rw, ph, pw, sr)
        shape = (ph, pw, oy.shape[2], ox.shape[3])
        y = np.broadcast_to(y1 + i * bh + oy, shape)
        x = np.broadcast_to(x1 + j * bw + ox, shape)
        pos, wt = _bilinear_grid(y, x, h, w)
        pos, wt = pos.reshape(1, ph, pw, -1), wt.reshape(1, ph, pw, -1) / count
        full = (cout, ph, pw, pos.shape[-1])
        target = ((r * cout + chan) * ph + i[None, :, :, 0]) * pw + j[None, :, :, 0]
        outs.append(np.broadcast_to(target, full).ravel())
        poss.append(np.broadcast_to((b * c + np.broadcast_to(cin, (cout, ph, pw, 1)))
                                    * h * w + pos, full).ravel())
        wts.append(np.broadcast_to(wt, full).ravel())
    return (boxes.shape[0], cout, ph, pw), _cat(outs, np.int64), _cat(poss, np.int64), _cat(wts)


def _psroi_triples(shape, boxes, a):
    n, c, h, w = shape
    p, k = int(a["pooled_size"]), int(a["output_dim"])
    g = int(a["group_size"]) or p
    scale = float(a["spatial_scale"])
    outs, poss, wts = [], [], []
    channels = np.arange(k)
    for r, roi in enumerate(boxes):
        b = batch_index(roi, n, "PSROIPooling")
        rx1, ry1, rx2, ry2 = c_round(roi[1:])
        x1, y1 = rx1 * scale, ry1 * scale
        x2, y2 = (rx2 + 1.0) * scale, (ry2 + 1.0) * scale
        bh, bw = max(y2 - y1, 0.1) / p, max(x2 - x1, 0.1) / p
        for i in range(p):
            hs = min(max(int(math.floor(i * bh + y1)), 0), h)
            he = min(max(int(math.ceil((i + 1) * bh + y1)), 0), h)
            gi = min(max(int(math.floor(i * g / p)), 0), g - 1)
            for j in range(p):
                ws = min(max(int(math.floor(j * bw + x1)), 0), w)
                we = min(max(int(math.ceil((j + 1) * bw + x1)), 0), w)
                if he <= hs or we <= ws:
                    continue
                gj = min(max(int(math.floor(j * g / p)), 0), g - 1)
                cin = (channels * g + gi) * g + gj
                cells = (np.arange(hs, he)[:, None] * w + np.arange(ws, we)[None, :]).ravel()
                target = ((r * k + channels) * p + i) * p + j
                poss.append((((b * c + cin) * h * w)[:, None] + cells[None, :]).ravel())
                outs.append(np.repeat(target, cells.size))
                wts.append(np.full(k * cells.size, 1.0 / cells.size))
    return (boxes.shape[0], k, p, p), _cat(outs, np.int64), _cat(poss, np.int64), _cat(wts)


def _rroi_triples(shape, boxes, a):
    n, c, h, w = shape
    ph, pw = pair(a["pooled_size"], "RROIAlign: pooled_size")
    scale = float(np.float32(a["spatial_scale"]))
    sr = int(a["sampling_ratio"])
    outs, poss, wts = [], [], []
    chan = np.arange(c)[:, None, None, None]
    i = np.arange(ph)[:, None, None, None]
    j = np.arange(pw)[None, :, None, None]
    for r, roi in enumerate(boxes):
        if int(roi[0]) < 0:
            continue
        b = batch_index(roi, n, "RROIAlign")
        cx, cy = roi[1] * scale, roi[2] * scale
        rw, rh = max(roi[3] * scale, 1.0), max(roi[4] * scale, 1.0)
        theta = roi[5] * math.pi / 180.0
        cos, sin = math.cos(theta), math.sin(theta)
        bh, bw, count, oy, ox = _bin_samples(rh, rw, ph, pw, sr)
        yy = -rh / 2.0 + i * bh + oy
        xx = -rw / 2.0 + j * bw + ox
        shape = (ph, pw, oy.shape[2], ox.shape[3])
        y = np.broadcast_to(yy * cos - xx * sin + cy, shape)
        x = np.broadcast_to(xx * cos + yy * sin + cx, shape)
        pos, wt = _bilinear_grid(y, x, h, w)
        pos, wt = pos.reshape(1, ph, pw, -1), wt.reshape(1, ph, pw, -1) / count
        full = (c, ph, pw, pos.shape[-1])
        target = ((r * c + np.arange(c)[:, None, None]) * ph + np.arange(ph)[:, None]) * pw \
            + np.arange(pw)
        outs.append(np.broadcast_to(target[..., None], full).ravel())
        poss.append(np.broadcast_to((b * c + chan) * h * w + pos, full).ravel())
        wts.append(np.broadcast_to(wt, full).ravel())
    return (boxes.shape[0], c, ph, pw), _cat(outs, np.int64), _cat(poss, np.int64), _cat(wts)


# ---------------------------------------------------------------- the linear operators

def _sum(values, index, weights, size, shape, dtype):
    total = np.bincount(index, weights=values * weights, minlength=size) if index.size \
        else np.zeros(size)
    return total.reshape(shape).astype(dtype)


def linear_region(name: str, short: str, infer: Callable, attrs: Dict[str, Any],
                  triples: Callable, doc: str, **options: Any):
    """Register region operator `name` (linear in data given the regions: `triples`) and
    its transpose `_<short>_scatter` (g, rois) {attrs, shape}; each one's gradient in its
    first input is the other."""
    def forward(data, rois, **a):
        out_shape, out_idx, pos, wts = triples(data.shape, rois.astype(np.float64), a)
        return _sum(data.reshape(-1)[pos].astype(np.float64), out_idx, wts,
                    int(np.prod(out_shape)), out_shape, data.dtype)
    forward.__doc__ = doc

    def scatter_infer(ins, a):
        shape = tuple(int(s) for s in a["shape"])
        fwd = infer([TensorType.get(shape, ins[0].dtype), ins[1]], a)[0]
        if ins[0].shape != fwd.shape:
            raise ShapeError("%s: cotangent of shape %s does not match %s"
                             % (scatter_name, ins[0].shape, fwd.shape))
        return [TensorType.get(shape, ins[0].dtype)]

    def scatter(g, rois, shape, **a):
        shape = tuple(int(s) for s in shape)
        _, out_idx, pos, wts = triples(shape, rois.astype(np.float64), a)
        return _sum(g.reshape(-1)[out_idx].astype(np.float64), pos, wts,
                    int(np.prod(shape)), shape, g.dtype)

    scatter_name = "_%s_scatter" % short
    scatter.__doc__ = ("The transpose of %s: each output element's cotangent spread back "
                       "over the data elements it read (its gradient in data)." % name)
    fwd_op = register(name, infer, num_inputs=2, attrs=attrs, **options)(forward)
    scatter_op = register(scatter_name, scatter_infer, num_inputs=2,
                          attrs=dict(attrs, shape=REQUIRED))(scatter)

    @fwd_op.gradient
    def _(b, node, g):
        if g[0] is None:
            return [None, None]
        a = {k: node.attrs[k] for k in attrs}
        return [b.op(scatter_name, g[0], node.inputs[1], shape=node.inputs[0].type.shape,
                     **a), None]

    @scatter_op.gradient
    def _(b, node, g):
        if g[0] is None:
            return [None, None]
        a = {k: node.attrs[k] for k in attrs}
        return [b.op(name, g[0], node.inputs[1], **a), None]

    return fwd_op, scatter_op


def _align_infer(ins, a):
    check_regions(ins, "ROIAlign", scale=a["spatial_scale"])
    ph, pw = pair(a["pooled_size"], "ROIAlign: pooled_size")
    c = ins[0].shape[1]
    if a["position_sensitive"] and c % (ph * pw):
        raise ShapeError("ROIAlign: position_sensitive needs channels %d divisible by "
                         "pooled h*w %d" % (c, ph * pw))
    cout = c // (ph * pw) if a["position_sensitive"] else c
    return [TensorType.get((ins[1].shape[0], cout, ph, pw), ins[0].dtype)]


def _psroi_infer(ins, a):
    check_regions(ins, "PSROIPooling", scale=a["spatial_scale"])
    p, k = int(a["pooled_size"]), int(a["output_dim"])
    g = int(a["group_size"]) or p
    if ins[0].shape[1] != k * g * g:
        raise ShapeError("PSROIPooling: input channels %d must equal output_dim * group_size"
                         "**2 = %d" % (ins[0].shape[1], k * g * g))
    return [TensorType.get((ins[1].shape[0], k, p, p), ins[0].dtype)]


def _rroi_infer(ins, a):
    check_regions(ins, "RROIAlign", width=6, scale=a["spatial_scale"])
    ph, pw = pair(a["pooled_size"], "RROIAlign: pooled_size")
    return [TensorType.get((ins[1].shape[0], ins[0].shape[1], ph, pw), ins[0].dtype)]


ROI_ALIGN, _ = linear_region(
    "_contrib_ROIAlign", "roi_align", _align_infer,
    {"pooled_size": REQUIRED, "spatial_scale": REQUIRED, "sample_ratio": -1,
     "position_sensitive": False, "aligned": False}, _align_triples,
    "Each region [batch_index, x1, y1, x2, y2] (times spatial_scale) pooled into a "
    "pooled_size grid of bins, each the mean of bilinear samples (sample_ratio per axis, "
    "or ceil(bin size)); a negative batch index gives zeros. With position_sensitive bin "
    "(i, j) of output channel k reads input channel (k*ph + i)*pw + j.")
PSROI_POOLING, _ = linear_region(
    "_contrib_PSROIPooling", "psroi_pooling", _psroi_infer,
    {"spatial_scale": REQUIRED, "output_dim": REQUIRED, "pooled_size": REQUIRED,
     "group_size": 0}, _psroi_triples,
    "Position-sensitive average pooling (R-FCN): bin (i, j) of output channel k averages "
    "input channel (k*g + gi)*g + gj (g = group_size, default pooled_size) over the bin.")
RROI_ALIGN, _ = linear_region(
    "_contrib_RROIAlign", "rroi_align", _rroi_infer,
    {"pooled_size": REQUIRED, "spatial_scale": REQUIRED, "sampling_ratio": -1},
    _rroi_triples,
    "ROIAlign over rotated regions [batch_index, centre_x, centre_y, width, height, "
    "angle in degrees]: each bin the mean of bilinear samples on the rotated grid.")


# ---------------------------------------------------------------- ROIPooling

def _pool_infer(ins, a):
    check_regions(ins, "ROIPooling", scale=a["spatial_scale"])
    ph, pw = pair(a["pooled_size"], "ROIPooling: pooled_size")
    shape = (ins[1].shape[0], ins[0].shape[1], ph, pw)
    return [TensorType.get(shape, ins[0].dtype), TensorType.get(shape, "int32")]


@register("ROIPooling", _pool_infer, num_inputs=2, num_outputs=2, visible_outputs=1,
          attrs={"pooled_size": REQUIRED, "spatial_scale": REQUIRED},
          mxnet_np="_npx_roi_pooling")
def roi_pooling(data, rois, pooled_size, spatial_scale):
    """Max pooling of each region [batch_index, x1, y1, x2, y2] (times spatial_scale,
    rounded) into a pooled_size (h, w) grid of bins: (R, C, ph, pw); empty bins are 0.
    Hidden second output (int32): the flat index into data of each bin's first maximum
    (-1: empty)."""
    ph, pw = pair(pooled_size, "ROIPooling: pooled_size")
    n, c, h, w = data.shape
    boxes = rois.astype(np.float64)
    out = np.zeros((boxes.shape[0], c, ph, pw), data.dtype)
    arg = np.full(out.shape, -1.0)
    for r, roi in enumerate(boxes):
        b = batch_index(roi, n, "ROIPooling")
        x1, y1, x2, y2 = (int(v) for v in c_round(roi[1:] * float(spatial_scale)))
        bin_h = max(y2 - y1 + 1, 1) / float(ph)
        bin_w = max(x2 - x1 + 1, 1) / float(pw)
        for i in range(ph):
            hs = min(max(int(math.floor(i * bin_h)) + y1, 0), h)
            he = min(max(int(math.ceil((i + 1) * bin_h)) + y1, 0), h)
            for j in range(pw):
                ws = min(max(int(math.floor(j * bin_w)) + x1, 0), w)
                we = min(max(int(math.ceil((j + 1) * bin_w)) + x1, 0), w)
                if he <= hs or we <= ws:
                    continue
                window = data[b, :, hs:he, ws:we].reshape(c, -1)
                first = np.argmax(window, axis=1)
                out[r, :, i, j] = window[np.arange(c), first]
                arg[r, :, i, j] = ((b * c + np.arange(c)) * h + hs + first // (we - ws)) * w \
                    + ws + first % (we - ws)
    return out, arg.astype(np.int32)


def _pool_positions(b, node):
    """(flat index into data of each bin's maximum (0 for empty bins), its 0/1 mask)."""
    arg = b.op("Cast", node.outputs[1], dtype="float64")
    valid = b.op("_greater_equal_scalar", arg, scalar=0.0)
    flat = b.op("elemwise_mul", arg, valid)
    mask = b.op("Cast", valid, dtype=node.outputs[0].type.dtype)
    return b.op("Reshape", flat, shape=(-1,)), mask


@roi_pooling.gradient
def _roi_pooling_vjp(b, node, g):
    if g[0] is None:
        return [None, None]
    flat, mask = _pool_positions(b, node)
    vals = b.op("Reshape", b.op("elemwise_mul", g[0], mask), shape=(-1,))
    shape = node.inputs[0].type.shape
    dx = b.op("_take_scatter", vals, flat, shape=(int(np.prod(shape)),), axis=0, mode="clip")
    return [b.op("Reshape", dx, shape=shape), None]


@roi_pooling.jvp
def _roi_pooling_jvp(b, node, t):
    if t[0] is None:
        return [None, None]
    flat, mask = _pool_positions(b, node)
    vals = b.op("take", b.op("Reshape", t[0], shape=(-1,)), flat, axis=0, mode="clip")
    vals = b.op("Reshape", vals, shape=node.outputs[0].type.shape)
    return [b.op("elemwise_mul", vals, mask), None]
