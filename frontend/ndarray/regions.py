"""MXNet 1.9.1's region poolings as compositions of registered operators: ROIPooling (the
maximum of each bin), contrib ROIAlign (the mean of bilinear samples in each bin, optionally
position-sensitive), PSROIPooling (the mean of each bin of its position's channel group),
DeformablePSROIPooling (PSROIPooling with bins moved by `trans`) and RROIAlign (ROIAlign on
rotated regions).

Each is linear in `data` once the regions are known: the host turns the regions into
(output position, data position, weight) triples, and the graph is
`_take_scatter(take(data.flatten(), positions) * weights, outputs)` (ROIAlign: a sum over a
fixed number of gathered pairs per output), so gradients reach `data` to any order (the
maximum's position is a constant: the gradient goes to the first maximum of its bin, as in
MXNet). Regions get no gradient, as in MXNet; DeformablePSROIPooling's `trans` does, through
the sample coordinates."""
from __future__ import annotations

import math

import numpy as np

from ..ir.errors import MXNetError
from ..trace import host_reads
from .ndarray import NDArray
from .ops import _as_inputs, _finish
from .vision import _const, _op, _pair, _reshape


def _c_round(v):
    """C's round(): halves away from zero."""
    return np.sign(v) * np.floor(np.abs(v) + 0.5)


def _check(data, rois, name):
    if data.ndim != 4:
        raise MXNetError("%s: data should be a 4D tensor (N, C, H, W), got shape %s"
                         % (name, data.shape))
    if rois.ndim != 2 or rois.shape[1] != 5:
        raise MXNetError("%s: bbox should be a 2D tensor of shape [batch, 5] (batch_index, "
                         "x1, y1, x2, y2), got shape %s" % (name, rois.shape))


def _batch_index(roi, n, name):
    b = int(roi[0])
    if not 0 <= b < n:
        raise MXNetError("%s: region batch index %d is out of range for a batch of %d"
                         % (name, b, n))
    return b


def _assemble(data, shape, out_idx, pos, weights):
    """The array of `shape` whose flat element out_idx[k] sums weights[k] *
    data.flatten()[pos[k]] (recorded: take, a constant product, _take_scatter)."""
    size = int(np.prod(shape))
    if not len(pos):
        return _const(data, np.zeros(shape))
    flat = _reshape(data, (-1,))
    cls = type(data)
    vals = _op("take", [flat, cls._wrap(np.asarray(pos, np.int64))], {"axis": 0, "mode": "clip"})
    vals = vals * _const(data, weights)
    res = _op("_take_scatter", [vals, cls._wrap(np.asarray(out_idx, np.int64))],
              {"shape": (size,), "axis": 0, "mode": "clip"})
    return _reshape(res, shape)


def _concat(parts):
    return np.concatenate(parts) if parts else np.zeros(0)


def ROIPooling(data, rois, pooled_size, spatial_scale, out=None, **kw):
    """Max pooling of each region [batch_index, x1, y1, x2, y2] (scaled by spatial_scale,
    rounded) into a pooled_size (h, w) grid of bins: (R, C, ph, pw); empty bins are 0."""
    data, rois = _as_inputs([data, rois])
    _check(data, rois, "ROIPooling")
    ph, pw = _pair(pooled_size, "ROIPooling: pooled_size")
    n, c, h, w = data.shape
    host_reads.note(data)
    x = data._data
    host_reads.note(rois)
    boxes = rois._data.astype(np.float64)
    shape = (boxes.shape[0], c, ph, pw)
    outs, poss = [], []
    channels = np.arange(c)
    for r, roi in enumerate(boxes):
        b = _batch_index(roi, n, "ROIPooling")
        x1, y1, x2, y2 = (int(v) for v in _c_round(roi[1:] * float(spatial_scale)))
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
                window = x[b, :, hs:he, ws:we].reshape(c, -1)
                first = np.argmax(window, axis=1)
                yy, xx = hs + first // (we - ws), ws + first % (we - ws)
                poss.append(((b * c + channels) * h + yy) * w + xx)
                outs.append(((r * c + channels) * ph + i) * pw + j)
    pos = _concat(poss)
    return _finish(_assemble(data, shape, _concat(outs), pos, np.ones(len(pos))), out)


def _bilinear(y, x, h, w):
    """MXNet ROIAlign's four (position, weight) pairs of a sample point (weights 0 when the
    point lies more than one pixel outside)."""
    if y < -1.0 or y > h or x < -1.0 or x > w:
        return []
    y, x = max(y, 0.0), max(x, 0.0)
    yl, xl = int(y), int(x)
    if yl >= h - 1:
        yl = yh = h - 1
        y = float(yl)
    else:
        yh = yl + 1
    if xl >= w - 1:
        xl = xh = w - 1
        x = float(xl)
    else:
        xh = xl + 1
    ly, lx = y - yl, x - xl
    hy, hx = 1.0 - ly, 1.0 - lx
    return [(yl * w + xl, hy * hx), (yl * w + xh, hy * lx), (yh * w + xl, ly * hx),
            (yh * w + xh, ly * lx)]


def _bilinear_grid(y, x, h, w):
    """`_bilinear` on arrays of sample points: positions and weights (..., 4)."""
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


def ROIAlign(data, rois, pooled_size, spatial_scale, sample_ratio=-1,
             position_sensitive=False, aligned=False, out=None, **kw):
    """Each region's bins averaged over a grid of bilinear samples (sample_ratio per axis,
    or ceil(bin size) when -1); regions with a negative batch index give zeros. With
    position_sensitive=True bin (i, j) of output channel k reads input channel
    (k*ph + i)*pw + j."""
    data, rois = _as_inputs([data, rois])
    _check(data, rois, "ROIAlign")
    ph, pw = _pair(pooled_size, "ROIAlign: pooled_size")
    n, c, h, w = data.shape
    if position_sensitive and c % (ph * pw):
        raise MXNetError("ROIAlign: position_sensitive needs channels %d divisible by "
                         "pooled h*w %d" % (c, ph * pw))
    cout = c // (ph * pw) if position_sensitive else c
    host_reads.note(rois)
    boxes = rois._data.astype(np.float64)
    scale, offset = float(spatial_scale), 0.5 if aligned else 0.0
    poss, wts = [], []
    channels = np.arange(cout)[:, None, None, None]
    i = np.arange(ph)[:, None, None, None]
    j = np.arange(pw)[None, :, None, None]
    if position_sensitive:
        cin = channels * ph * pw + (i * pw + j)[None, :, :, 0]
    else:
        cin = np.broadcast_to(channels, (cout, ph, pw, 1))
    for roi in boxes:
        b = int(roi[0])
        if b < 0:
            poss.append(np.zeros((cout, ph, pw, 1), np.int64))
            wts.append(np.zeros((cout, ph, pw, 1)))
            continue
        b = _batch_index(roi, n, "ROIAlign")
        x1, y1, x2, y2 = (v * scale - offset for v in roi[1:])
        rw, rh = x2 - x1, y2 - y1
        if not aligned:
            rw, rh = max(rw, 1.0), max(rh, 1.0)
        bh, bw = rh / ph, rw / pw
        gh = int(sample_ratio) if sample_ratio > 0 else int(math.ceil(rh / ph))
        gw = int(sample_ratio) if sample_ratio > 0 else int(math.ceil(rw / pw))
        count = max(gh * gw, 1)
        iy = np.arange(gh)[None, None, :, None]
        ix = np.arange(gw)[None, None, None, :]
        y = np.broadcast_to(y1 + i * bh + (iy + 0.5) * bh / gh, (ph, pw, gh, gw))
        x = np.broadcast_to(x1 + j * bw + (ix + 0.5) * bw / gw, (ph, pw, gh, gw))
        pos, wt = _bilinear_grid(y, x, h, w)
        pos, wt = pos.reshape(ph, pw, -1), wt.reshape(ph, pw, -1) / count
        poss.append((b * c + cin) * h * w + pos[None])
        wts.append(np.broadcast_to(wt[None], (cout,) + wt.shape))
    # every output sums the same number of (position, weight) pairs, padded with weight 0
    k = max([p.shape[-1] for p in poss] + [1])
    pos = np.stack([np.pad(p, ((0, 0),) * 3 + ((0, k - p.shape[-1]),)) for p in poss]) \
        if poss else np.zeros((0, cout, ph, pw, k), np.int64)
    wt = np.stack([np.pad(q, ((0, 0),) * 3 + ((0, k - q.shape[-1]),)) for q in wts]) \
        if wts else np.zeros((0, cout, ph, pw, k))
    vals = _op("take", [_reshape(data, (-1,)), type(data)._wrap(pos.reshape(-1))],
               {"axis": 0, "mode": "clip"})
    vals = _reshape(vals, pos.shape) * _const(data, wt)
    return _finish(_op("sum", [vals], {"axis": (4,), "keepdims": False, "exclude": False}), out)


def PSROIPooling(data, rois, spatial_scale, output_dim, pooled_size, group_size=0, out=None,
                 **kw):
    """Position-sensitive average pooling (R-FCN): bin (i, j) of output channel k averages
    input channel (k*g + gi)*g + gj (g = group_size, default pooled_size) over the bin."""
    data, rois = _as_inputs([data, rois])
    _check(data, rois, "PSROIPooling")
    p = int(pooled_size)
    g = int(group_size) or p
    k = int(output_dim)
    n, c, h, w = data.shape
    if c != k * g * g:
        raise MXNetError("PSROIPooling: input channels %d must equal output_dim * group_size"
                         "**2 = %d" % (c, k * g * g))
    host_reads.note(rois)
    boxes = rois._data.astype(np.float64)
    scale = float(spatial_scale)
    outs, poss, wts = [], [], []
    channels = np.arange(k)
    for r, roi in enumerate(boxes):
        b = _batch_index(roi, n, "PSROIPooling")
        rx1, ry1, rx2, ry2 = _c_round(roi[1:])
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
                area = float((he - hs) * (we - ws))
                cells = (np.arange(hs, he)[:, None] * w + np.arange(ws, we)[None, :]).ravel()
                target = ((r * k + channels) * p + i) * p + j
                poss.append((((b * c + cin) * h * w)[:, None] + cells[None, :]).ravel())
                outs.append(np.repeat(target, cells.size))
                wts.append(np.full(k * cells.size, 1.0 / area))
    shape = (boxes.shape[0], k, p, p)
    return _finish(_assemble(data, shape, _concat(outs), _concat(poss), _concat(wts)), out)


def roi_pooling(data, rois, pooled_size, spatial_scale, **kw):
    """`mx.npx.roi_pooling`: ROIPooling on mx.np arrays."""
    for a in (data, rois):
        if not isinstance(a, NDArray):
            raise TypeError("roi_pooling: expected mx.np arrays, got %s" % type(a).__name__)
    return ROIPooling(data, rois, pooled_size=pooled_size, spatial_scale=spatial_scale)


def _dpsroi_samples(boxes, p, g, k, part, spp, scale, classes, n):
    """Per sample of DeformablePSROIPooling: output index, batch, input channel, base (x, y),
    the trans entries and their coefficients (trans_std * roi size is applied later)."""
    r_ = np.arange(boxes.shape[0])[:, None, None, None, None, None]
    ct = np.arange(k)[None, :, None, None, None, None]
    ph = np.arange(p)[None, None, :, None, None, None]
    pw = np.arange(p)[None, None, None, :, None, None]
    ih = np.arange(spp)[None, None, None, None, :, None]
    iw = np.arange(spp)[None, None, None, None, None, :]
    batch = boxes[:, 0].astype(np.int64)
    if (batch < 0).any() or (batch >= n).any():
        raise MXNetError("DeformablePSROIPooling: a region's batch index is out of range for "
                         "a batch of %d" % n)
    rounded = _c_round(boxes[:, 1:])
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
    target = ((r_ * k + ct) * p + ph) * p + pw
    shape = (boxes.shape[0], k, p, p, spp, spp)
    b = lambda v: np.broadcast_to(v, shape).reshape(-1)  # noqa: E731
    return (b(target), b(col(batch)), b(chan), b(base_x), b(base_y), b(t_x), b(t_y),
            b(col(rw)), b(col(rh)))


def DeformablePSROIPooling(data, rois, trans=None, spatial_scale=None, output_dim=None,
                           group_size=None, pooled_size=None, part_size=0, sample_per_part=1,
                           trans_std=0.0, no_trans=False, out=None, **kw):
    """Deformable R-FCN pooling: PSROIPooling whose bins move by `trans` (R, 2*classes,
    part, part) times trans_std times the region size, each bin the mean of
    sample_per_part**2 bilinear samples (those within half a pixel of the image).
    Differentiable in data and trans."""
    for key, v in (("spatial_scale", spatial_scale), ("output_dim", output_dim),
                   ("group_size", group_size), ("pooled_size", pooled_size)):
        if v is None:
            raise MXNetError("Required parameter %s is not presented, in operator "
                             "_contrib_DeformablePSROIPooling" % key)
    arrays = _as_inputs([data, rois] + ([] if no_trans else [trans]))
    data, rois = arrays[:2]
    _check(data, rois, "DeformablePSROIPooling")
    n, c, h, w = data.shape
    p, g, k, spp = int(pooled_size), int(group_size), int(output_dim), int(sample_per_part)
    part = int(part_size) or p
    if c != k * g * g:
        raise MXNetError("DeformablePSROIPooling: input channels %d must equal output_dim * "
                         "group_size**2 = %d" % (c, k * g * g))
    classes = 1
    if not no_trans:
        tr = arrays[2]
        classes = tr.shape[1] // 2 if tr.ndim == 4 else 0
        if (tr.ndim != 4 or tr.shape[0] != rois.shape[0] or tr.shape[2:] != (part, part)
                or not classes or tr.shape[1] != 2 * classes or k % classes):
            raise MXNetError("DeformablePSROIPooling: trans must be (%d, 2*classes, %d, %d) "
                             "with classes dividing output_dim, got %s"
                             % (rois.shape[0], part, part, tr.shape))
    host_reads.note(rois)
    boxes = rois._data.astype(np.float64)
    target, batch, chan, bx, by, tx, ty, rw, rh = _dpsroi_samples(
        boxes, p, g, k, part, spp, float(np.float32(spatial_scale)), classes, n)
    xs, ys = _const(data, bx), _const(data, by)
    if not no_trans:
        flat = _reshape(arrays[2], (-1,))
        cls = type(data)
        for idx, size, name in ((tx, rw, "x"), (ty, rh, "y")):
            moved = _op("take", [flat, cls._wrap(idx)], {"axis": 0, "mode": "clip"})
            moved = moved * _const(data, size * float(np.float32(trans_std)))  # a C float
            if name == "x":
                xs = xs + moved
            else:
                ys = ys + moved
    host_reads.note(xs, ys)
    x, y = xs._data.astype(np.float64), ys._data.astype(np.float64)
    valid = (x >= -0.5) & (x <= w - 0.5) & (y >= -0.5) & (y <= h - 0.5)
    count = np.bincount(target, weights=valid, minlength=boxes.shape[0] * k * p * p)
    share = np.where(valid, 1.0 / np.maximum(count[target], 1), 0.0)
    xc, yc = np.clip(x, 0, w - 1), np.clip(y, 0, h - 1)
    x1, y1 = np.floor(xc).astype(np.int64), np.floor(yc).astype(np.int64)
    fx = (xs - _const(data, x1)) * _const(data, (x > 0) & (x < w - 1))
    fy = (ys - _const(data, y1)) * _const(data, (y > 0) & (y < h - 1))
    plane = (batch * c + chan) * h * w
    total = None
    for dy, wy in ((0, 1.0 - fy), (1, fy)):
        for dx, wx in ((0, 1.0 - fx), (1, fx)):
            pos = plane + np.minimum(y1 + dy, h - 1) * w + np.minimum(x1 + dx, w - 1)
            term = _op("take", [_reshape(data, (-1,)), type(data)._wrap(pos)],
                       {"axis": 0, "mode": "clip"}) * (wy * wx * _const(data, share))
            total = term if total is None else total + term
    res = _op("_take_scatter", [total, type(data)._wrap(target)],
              {"shape": (boxes.shape[0] * k * p * p,), "axis": 0, "mode": "clip"})
    return _finish(_reshape(res, (boxes.shape[0], k, p, p)), out)


def RROIAlign(data, rois, pooled_size, spatial_scale, sampling_ratio=-1, out=None, **kw):
    """ROIAlign over rotated regions [batch_index, centre_x, centre_y, width, height,
    angle in degrees]: each bin the mean of bilinear samples on the rotated grid. (MXNet
    1.9.1 registers no gradient for it; here the gradient reaches `data`.)"""
    data, rois = _as_inputs([data, rois])
    if data.ndim != 4 or rois.ndim != 2 or rois.shape[1] != 6:
        raise MXNetError("RROIAlign: data (N, C, H, W) and rois (R, 6) [batch_index, x, y, "
                         "w, h, angle] expected, got %s and %s" % (data.shape, rois.shape))
    ph, pw = _pair(pooled_size, "RROIAlign: pooled_size")
    n, c, h, w = data.shape
    scale = float(np.float32(spatial_scale))
    outs, poss, wts = [], [], []
    channels = np.arange(c)
    host_reads.note(rois)
    for r, roi in enumerate(rois._data.astype(np.float64)):
        b = int(roi[0])
        if b < 0:
            continue
        b = _batch_index(roi, n, "RROIAlign")
        cx, cy = roi[1] * scale, roi[2] * scale
        rw, rh = max(roi[3] * scale, 1.0), max(roi[4] * scale, 1.0)
        theta = roi[5] * math.pi / 180.0
        cos, sin = math.cos(theta), math.sin(theta)
        bh, bw = rh / ph, rw / pw
        gh = int(sampling_ratio) if sampling_ratio > 0 else int(math.ceil(rh / ph))
        gw = int(sampling_ratio) if sampling_ratio > 0 else int(math.ceil(rw / pw))
        count = max(gh * gw, 1)
        for i in range(ph):
            for j in range(pw):
                target = ((r * c + channels) * ph + i) * pw + j
                for iy in range(gh):
                    yy = -rh / 2.0 + i * bh + (iy + 0.5) * bh / gh
                    for ix in range(gw):
                        xx = -rw / 2.0 + j * bw + (ix + 0.5) * bw / gw
                        y = yy * cos - xx * sin + cy
                        x = xx * cos + yy * sin + cx
                        for p, wt in _bilinear(y, x, h, w):
                            poss.append((b * c + channels) * h * w + p)
                            outs.append(target)
                            wts.append(np.full(c, wt / count))
    shape = (rois.shape[0], c, ph, pw)
    return _finish(_assemble(data, shape, _concat(outs), _concat(poss), _concat(wts)), out)
