"""MXNet 1.9.1's region poolings as compositions of registered operators: ROIPooling (the
maximum of each bin), contrib ROIAlign (the mean of bilinear samples in each bin, optionally
position-sensitive) and contrib PSROIPooling (the mean of each bin of its position's channel
group).

Each is linear in `data` once the regions are known: the host turns the regions into
(output position, data position, weight) triples, and the graph is
`_take_scatter(take(data.flatten(), positions) * weights, outputs)`, so gradients reach
`data` to any order (the maximum's position is a constant: the gradient goes to the first
maximum of its bin, as in MXNet). Regions get no gradient, as in MXNet."""
from __future__ import annotations

import math

import numpy as np

from ..ir.errors import MXNetError
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
    x = data._data
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
    boxes = rois._data.astype(np.float64)
    scale, offset = float(spatial_scale), 0.5 if aligned else 0.0
    outs, poss, wts = [], [], []
    channels = np.arange(cout)
    for r, roi in enumerate(boxes):
        b = int(roi[0])
        if b < 0:
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
        for i in range(ph):
            for j in range(pw):
                cin = channels * ph * pw + i * pw + j if position_sensitive else channels
                base = (b * c + cin) * h * w
                target = ((r * cout + channels) * ph + i) * pw + j
                for iy in range(gh):
                    y = y1 + i * bh + (iy + 0.5) * bh / gh
                    for ix in range(gw):
                        x = x1 + j * bw + (ix + 0.5) * bw / gw
                        for p, wt in _bilinear(y, x, h, w):
                            poss.append(base + p)
                            outs.append(target)
                            wts.append(np.full(cout, wt / count))
    shape = (boxes.shape[0], cout, ph, pw)
    return _finish(_assemble(data, shape, _concat(outs), _concat(poss), _concat(wts)), out)


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
