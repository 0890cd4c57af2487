"""Samples of the region operators (tapegraph/ir/ops/roi.py, dpsroi.py, deformable.py,
proposal.py) for the operator table, with plain-loop NumPy references (one output element
at a time, MXNet's CPU kernels transcribed). Their values are checked against MXNet 1.9.1
in op_cases.json (every sample's export evaluated by MXNet) and
tests/gluon/test_mxnet_region_exports.py; here: kernels vs references, shape rules,
gradients to order 3 against finite differences (data, offsets, masks, weights, trans;
regions are constants), the scatter companions, zero gradients of the proposals.

Offsets and trans are drawn away from integers (|value| in [0.1, 0.9], either sign): the
sample coordinates stay away from the floors where the bilinear weights have kinks."""
from __future__ import annotations

import math

import numpy as np

from op_samples import Const, In, S, x

# ---------------------------------------------------------------- scalar helpers


def _c_round(v):
    return math.copysign(math.floor(abs(v) + 0.5), v)


def _align_sample(img, y, x):
    """MXNet ROIAlign's bilinear sample (zero more than one pixel outside)."""
    h, w = img.shape
    if y < -1.0 or y > h or x < -1.0 or x > w:
        return 0.0
    y, x = max(y, 0.0), max(x, 0.0)
    y0, x0 = int(y), int(x)
    if y0 >= h - 1:
        y0 = y1 = h - 1
        y = float(y0)
    else:
        y1 = y0 + 1
    if x0 >= w - 1:
        x0 = x1 = w - 1
        x = float(x0)
    else:
        x1 = x0 + 1
    ly, lx = y - y0, x - x0
    return ((1 - ly) * (1 - lx) * img[y0, x0] + (1 - ly) * lx * img[y0, x1]
            + ly * (1 - lx) * img[y1, x0] + ly * lx * img[y1, x1])


def _pair(p):
    return (p, p) if isinstance(p, int) else tuple(p) * (2 // len(p))


def _roi_align(data, rois, pooled_size, spatial_scale, sample_ratio=-1,
               position_sensitive=False, aligned=False):
    ph, pw = _pair(pooled_size)
    c = data.shape[1]
    cout = c // (ph * pw) if position_sensitive else c
    out = np.zeros((len(rois), cout, ph, pw))
    off = 0.5 if aligned else 0.0
    for r, roi in enumerate(rois):
        if int(roi[0]) < 0:
            continue
        x1, y1, x2, y2 = (v * spatial_scale - off for v in roi[1:])
        rw, rh = x2 - x1, y2 - y1
        if not aligned:
            rw, rh = max(rw, 1.0), max(rh, 1.0)
        gh = sample_ratio if sample_ratio > 0 else math.ceil(rh / ph)
        gw = sample_ratio if sample_ratio > 0 else math.ceil(rw / pw)
        for k in range(cout):
            for i in range(ph):
                for j in range(pw):
                    ch = (k * ph + i) * pw + j if position_sensitive else k
                    img = data[int(roi[0]), ch]
                    total = sum(_align_sample(img, y1 + i * rh / ph + (iy + 0.5) * rh / ph / gh,
                                              x1 + j * rw / pw + (ix + 0.5) * rw / pw / gw)
                                for iy in range(gh) for ix in range(gw))
                    out[r, k, i, j] = total / max(gh * gw, 1)
    return out


def _rroi_align(data, rois, pooled_size, spatial_scale, sampling_ratio=-1):
    ph, pw = _pair(pooled_size)
    out = np.zeros((len(rois), data.shape[1], ph, pw))
    for r, roi in enumerate(rois):
        if int(roi[0]) < 0:
            continue
        cx, cy = roi[1] * spatial_scale, roi[2] * spatial_scale
        rw, rh = max(roi[3] * spatial_scale, 1.0), max(roi[4] * spatial_scale, 1.0)
        t = roi[5] * math.pi / 180.0
        gh = sampling_ratio if sampling_ratio > 0 else math.ceil(rh / ph)
        gw = sampling_ratio if sampling_ratio > 0 else math.ceil(rw / pw)
        for k in range(data.shape[1]):
            img = data[int(roi[0]), k]
            for i in range(ph):
                for j in range(pw):
                    total = 0.0
                    for iy in range(gh):
                        yy = -rh / 2 + i * rh / ph + (iy + 0.5) * rh / ph / gh
                        for ix in range(gw):
                            xx = -rw / 2 + j * rw / pw + (ix + 0.5) * rw / pw / gw
                            total += _align_sample(img, yy * math.cos(t) - xx * math.sin(t) + cy,
                                                   xx * math.cos(t) + yy * math.sin(t) + cx)
                    out[r, k, i, j] = total / max(gh * gw, 1)
    return out


def _psroi(data, rois, spatial_scale, output_dim, pooled_size, group_size=0):
    p, g = pooled_size, group_size or pooled_size
    n, c, h, w = data.shape
    out = np.zeros((len(rois), output_dim, p, p))
    for r, roi in enumerate(rois):
        x1, y1 = _c_round(roi[1]) * spatial_scale, _c_round(roi[2]) * spatial_scale
        x2 = (_c_round(roi[3]) + 1) * spatial_scale
        y2 = (_c_round(roi[4]) + 1) * spatial_scale
        bh, bw = max(y2 - y1, 0.1) / p, max(x2 - x1, 0.1) / p
        for k in range(output_dim):
            for i in range(p):
                for j in range(p):
                    hs = min(max(math.floor(i * bh + y1), 0), h)
                    he = min(max(math.ceil((i + 1) * bh + y1), 0), h)
                    ws = min(max(math.floor(j * bw + x1), 0), w)
                    we = min(max(math.ceil((j + 1) * bw + x1), 0), w)
                    gi, gj = min(i * g // p, g - 1), min(j * g // p, g - 1)
                    if he > hs and we > ws:
                        out[r, k, i, j] = data[int(roi[0]), (k * g + gi) * g + gj,
                                               hs:he, ws:we].mean()
    return out


def _roi_pool(data, rois, pooled_size, spatial_scale):
    ph, pw = _pair(pooled_size)
    n, c, h, w = data.shape
    out, arg = np.zeros((len(rois), c, ph, pw)), np.full((len(rois), c, ph, pw), -1.0)
    for r, roi in enumerate(rois):
        x1, y1, x2, y2 = (int(_c_round(v * spatial_scale)) for v in roi[1:])
        bh, bw = max(y2 - y1 + 1, 1) / ph, max(x2 - x1 + 1, 1) / pw
        for k in range(c):
            for i in range(ph):
                for j in range(pw):
                    best = None
                    for yy in range(min(max(math.floor(i * bh) + y1, 0), h),
                                    min(max(math.ceil((i + 1) * bh) + y1, 0), h)):
                        for xx in range(min(max(math.floor(j * bw) + x1, 0), w),
                                        min(max(math.ceil((j + 1) * bw) + x1, 0), w)):
                            v = data[int(roi[0]), k, yy, xx]
                            if best is None or v > best:
                                best, arg[r, k, i, j] = v, ((int(roi[0]) * c + k) * h + yy) * w + xx
                    out[r, k, i, j] = 0.0 if best is None else best
    return out, arg


def _transpose_of(forward, shape):
    """The reference of a `_*_scatter` companion: the transpose of `forward` (data ->
    output, linear in data) applied to g, column by column of its Jacobian."""
    def ref(g, rois, **_):
        out = np.zeros(shape)
        for idx in np.ndindex(*shape):
            unit = np.zeros(shape)
            unit[idx] = 1.0
            out[idx] = (forward(unit, rois) * g).sum()
        return out
    return ref


# ---------------------------------------------------------------- deformable


def _deform_sample(img, y, x, modulated):
    h, w = img.shape
    if modulated:
        if not (-1 < y < h and -1 < x < w):
            return 0.0
        y0, x0 = math.floor(y), math.floor(x)
        ly, lx = y - y0, x - x0
        v = lambda i, j: img[i, j] if 0 <= i < h and 0 <= j < w else 0.0  # noqa: E731
        return ((1 - ly) * (1 - lx) * v(y0, x0) + (1 - ly) * lx * v(y0, x0 + 1)
                + ly * (1 - lx) * v(y0 + 1, x0) + ly * lx * v(y0 + 1, x0 + 1))
    if not (0 <= y < h and 0 <= x < w):
        return 0.0
    y0, x0 = math.floor(y), math.floor(x)
    ly = 0.0 if y0 >= h - 1 else y - y0
    lx = 0.0 if x0 >= w - 1 else x - x0
    y1, x1 = min(y0 + 1, h - 1), min(x0 + 1, w - 1)
    return ((1 - ly) * (1 - lx) * img[y0, x0] + (1 - ly) * lx * img[y0, x1]
            + ly * (1 - lx) * img[y1, x0] + ly * lx * img[y1, x1])


def _deform_conv(data, offset, mask, weight, bias, kernel, pad=(0, 0), stride=(1, 1),
                 dilate=(1, 1), num_group=1, dg=1):
    n, c, h, w = data.shape
    f = weight.shape[0]
    kh, kw = kernel
    ho, wo = offset.shape[2:]
    out = np.zeros((n, f, ho, wo))
    cg, fg = c // num_group, f // num_group
    for b in range(n):
        for oy in range(ho):
            for ox in range(wo):
                cols = np.zeros((c, kh * kw))
                for ch in range(c):
                    grp = ch // (c // dg)
                    for t in range(kh * kw):
                        ti, tj = divmod(t, kw)
                        dy = offset[b, (grp * kh * kw + t) * 2, oy, ox]
                        dx = offset[b, (grp * kh * kw + t) * 2 + 1, oy, ox]
                        y = oy * stride[0] - pad[0] + ti * dilate[0] + dy
                        xx = ox * stride[1] - pad[1] + tj * dilate[1] + dx
                        v = _deform_sample(data[b, ch], y, xx, mask is not None)
                        if mask is not None:
                            v *= mask[b, grp * kh * kw + t, oy, ox]
                        cols[ch, t] = v
                for fo in range(f):
                    gi = fo // fg
                    out[b, fo, oy, ox] = (weight[fo].reshape(cg, -1)
                                          * cols[gi * cg:(gi + 1) * cg]).sum() + \
                        (0.0 if bias is None else bias[fo])
    return out


def _dpsroi(data, rois, trans, spatial_scale, output_dim, group_size, pooled_size,
            part_size=0, sample_per_part=1, trans_std=0.0, no_trans=False):
    n, c, h, w = data.shape
    p, g, k, spp = pooled_size, group_size, output_dim, sample_per_part
    part = part_size or p
    classes = 1 if no_trans else trans.shape[1] // 2
    out = np.zeros((len(rois), k, p, p))
    for r, roi in enumerate(rois):
        x1 = _c_round(roi[1]) * spatial_scale - 0.5
        y1 = _c_round(roi[2]) * spatial_scale - 0.5
        x2 = (_c_round(roi[3]) + 1) * spatial_scale - 0.5
        y2 = (_c_round(roi[4]) + 1) * spatial_scale - 0.5
        rw, rh = max(x2 - x1, 0.1), max(y2 - y1, 0.1)
        bh, bw = rh / p, rw / p
        for ct in range(k):
            cls = ct // (k // classes)
            for i in range(p):
                for j in range(p):
                    pi, pj = math.floor(i / p * part), math.floor(j / p * part)
                    tx = 0.0 if no_trans else trans[r, cls * 2, pi, pj] * trans_std
                    ty = 0.0 if no_trans else trans[r, cls * 2 + 1, pi, pj] * trans_std
                    gi, gj = min(max(i * g // p, 0), g - 1), min(max(j * g // p, 0), g - 1)
                    img = data[int(roi[0]), (ct * g + gi) * g + gj]
                    total, count = 0.0, 0
                    for iy in range(spp):
                        for ix in range(spp):
                            yy = i * bh + y1 + ty * rh + iy * bh / spp
                            xx = j * bw + x1 + tx * rw + ix * bw / spp
                            if not (-0.5 <= xx <= w - 0.5 and -0.5 <= yy <= h - 0.5):
                                continue
                            yy, xx = min(max(yy, 0.0), h - 1.0), min(max(xx, 0.0), w - 1.0)
                            ya, xa = math.floor(yy), math.floor(xx)
                            yb, xb = min(ya + 1, h - 1), min(xa + 1, w - 1)
                            ly, lx = yy - ya, xx - xa
                            total += ((1 - ly) * (1 - lx) * img[ya, xa] + (1 - ly) * lx
                                      * img[ya, xb] + ly * (1 - lx) * img[yb, xa]
                                      + ly * lx * img[yb, xb])
                            count += 1
                    out[r, ct, i, j] = total / count if count else 0.0
    return out


# ---------------------------------------------------------------- proposals


def _anchors(stride, ratios, scales):
    f = np.float32
    base = f(stride)
    ctr = f(0.5) * (base - f(1))
    out = []
    for ratio in ratios:
        size = f(math.floor(base * base / f(ratio)))
        for scale in scales:
            ws = f(math.floor(math.sqrt(size) + 0.5)) * f(scale)
            hs = f(math.floor(ws / f(scale) * f(ratio) + 0.5)) * f(scale)
            out.append([ctr - f(0.5) * (ws - f(1)), ctr - f(0.5) * (hs - f(1)),
                        ctr + f(0.5) * (ws - f(1)), ctr + f(0.5) * (hs - f(1))])
    return np.array(out, np.float64)


def _proposal(prob, deltas, info, pre, post, thresh, min_size, scales, ratios, stride):
    anchors = _anchors(stride, ratios, scales)
    a = len(anchors)
    rows, scores = [], []
    for b in range(prob.shape[0]):
        cands = []
        _, hh, ww = prob[b].shape
        ih, iw, sc = info[b]
        for yy in range(hh):
            for xx in range(ww):
                for q in range(a):
                    x1, y1, x2, y2 = anchors[q] + [xx * stride, yy * stride] * 2
                    bw, bh = x2 - x1 + 1, y2 - y1 + 1
                    cx, cy = x1 + 0.5 * (bw - 1), y1 + 0.5 * (bh - 1)
                    d = deltas[b, 4 * q:4 * q + 4, yy, xx]
                    pcx, pcy = d[0] * bw + cx, d[1] * bh + cy
                    pw_, ph_ = math.exp(d[2]) * bw, math.exp(d[3]) * bh
                    box = [min(max(pcx - 0.5 * (pw_ - 1), 0), iw - 1),
                           min(max(pcy - 0.5 * (ph_ - 1), 0), ih - 1),
                           min(max(pcx + 0.5 * (pw_ - 1), 0), iw - 1),
                           min(max(pcy + 0.5 * (ph_ - 1), 0), ih - 1)]
                    score = prob[b, a + q, yy, xx]
                    if yy >= int(ih / stride) or xx >= int(iw / stride):
                        score = -1.0
                    m = min_size * sc
                    if box[2] - box[0] + 1 < m or box[3] - box[1] + 1 < m:
                        box = [box[0] - m / 2, box[1] - m / 2, box[2] + m / 2, box[3] + m / 2]
                        score = -1.0
                    cands.append((score, len(cands), box))
        cands = sorted(cands, key=lambda t: (-t[0], t[1]))[:pre]
        kept, kept_scores = [], []
        for score, _, box in cands:
            ok = True
            for other in kept:
                iw_ = max(0.0, min(box[2], other[2]) - max(box[0], other[0]) + 1)
                ih_ = max(0.0, min(box[3], other[3]) - max(box[1], other[1]) + 1)
                inter = iw_ * ih_
                area = lambda z: (z[2] - z[0] + 1) * (z[3] - z[1] + 1)  # noqa: E731
                if inter / (area(box) + area(other) - inter) > thresh:
                    ok = False
                    break
            if ok:
                kept.append(box)
                kept_scores.append(score)
        rows += [[b] + kept[i % len(kept)] for i in range(post)]
        scores += [[kept_scores[i % len(kept)]] for i in range(post)]
    return np.array(rows), np.array(scores)


# Every region value is a valid batch index of the 8 images (tests/transforms/test_vmap_ops
# gives each example its regions rolled by one value); no negative batch index: MXNet
# 1.9.1's ROIAlign writes that region's zeros over another's output (see
# tests/gluon/test_mxnet_region_exports.py). RROIAlign's angles are negative: a negative
# batch index gives zeros there.
_ROIS = np.array([[0, 0.6, 0.4, 4.3, 3.7], [1, 1.2, 0.9, 5.6, 4.8], [7, 2.2, 1.4, 3.1, 2.9]])
_PS_ROIS = np.array([[0, 0.6, 0.4, 4.3, 3.7], [6, 1.2, 0.9, 5.6, 4.8], [1, 0.1, 1, 3, 6.2]])
_RROIS = np.array([[0, 2.5, 2.2, 3.4, 2.1, -30.0], [7, 3.1, 2.6, 2.2, 4.1, -75.0]])
_PROB = np.random.RandomState(5).uniform(0, 1, (2, 12, 3, 4))
_DELTAS = np.random.RandomState(6).uniform(-0.3, 0.3, (2, 24, 3, 4))
# (the map covers the image: at most 24 x 32, whichever column a value is rolled into)
_INFO = np.array([[24.0, 22.0, 1.0], [20.0, 24.0, 1.5]])
_PROPOSAL = dict(rpn_pre_nms_top_n=12, rpn_post_nms_top_n=6, threshold=0.6, rpn_min_size=4,
                 scales=(2.0, 4.0), ratios=(0.5, 1.0, 2.0), feature_stride=8)


def _proposal_ref(single):
    def ref(prob, deltas, info):
        n = 1 if single else 2
        return _proposal(prob[:n], deltas[:n], info[:n], 12, 6, 0.6, 4, (2.0, 4.0),
                         (0.5, 1.0, 2.0), 8)[0]
    return ref


def off(*shape):
    return In(tuple(shape), 0.1, 0.9, signed=True)


_ALIGN = dict(pooled_size=(2, 3), spatial_scale=0.9)
_ALIGN_PS = dict(pooled_size=(2, 2), spatial_scale=0.95, sample_ratio=2, position_sensitive=True,
                 aligned=True)
_PS = dict(spatial_scale=0.8, output_dim=2, pooled_size=2, group_size=2)
_RROI = dict(pooled_size=(2, 2), spatial_scale=1.0, sampling_ratio=2)
_DPS = dict(spatial_scale=0.75, output_dim=2, group_size=2, pooled_size=2, part_size=2,
            sample_per_part=2, trans_std=0.25)
_CONV = dict(kernel=(2, 2), num_filter=2, pad=(1, 1))
_CONV_G = dict(kernel=(2, 2), num_filter=4, num_group=2, num_deformable_group=2, no_bias=True,
               stride=(2, 1), dilate=(1, 2))

# Listed after the detection operators (op_cases.json ids hold the sample's index).
REGIONS = [
    S("_contrib_ROIAlign", [x(8, 3, 5, 6), Const(_ROIS)],
      lambda d, r: _roi_align(d, r, **_ALIGN), **_ALIGN),
    S("_contrib_ROIAlign", [x(8, 8, 5, 6), Const(_ROIS)],
      lambda d, r: _roi_align(d, r, **_ALIGN_PS), **_ALIGN_PS),
    S("_roi_align_scatter", [x(3, 3, 2, 3), Const(_ROIS)],
      _transpose_of(lambda d, r: _roi_align(d, r, **_ALIGN), (8, 3, 5, 6)),
      shape=(8, 3, 5, 6), **_ALIGN),
    S("ROIPooling", [x(8, 2, 5, 6), Const(_PS_ROIS[:2])],
      lambda d, r: _roi_pool(d, r, (2, 3), 0.9), pooled_size=(2, 3), spatial_scale=0.9),
    S("_contrib_PSROIPooling", [x(8, 8, 5, 6), Const(_PS_ROIS)],
      lambda d, r: _psroi(d, r, **_PS), **_PS),
    S("_psroi_pooling_scatter", [x(3, 2, 2, 2), Const(_PS_ROIS)],
      _transpose_of(lambda d, r: _psroi(d, r, **_PS), (8, 8, 5, 6)), shape=(8, 8, 5, 6), **_PS),
    S("_contrib_RROIAlign", [x(8, 2, 5, 6), Const(_RROIS)],
      lambda d, r: _rroi_align(d, r, **_RROI), **_RROI),
    S("_rroi_align_scatter", [x(2, 2, 2, 2), Const(_RROIS)],
      _transpose_of(lambda d, r: _rroi_align(d, r, **_RROI), (8, 2, 5, 6)),
      shape=(8, 2, 5, 6), **_RROI),
    S("_contrib_DeformablePSROIPooling", [x(8, 8, 5, 6), Const(_PS_ROIS), off(3, 2, 2, 2)],
      lambda d, r, t: _dpsroi(d, r, t, **_DPS), **_DPS),
    S("_contrib_DeformablePSROIPooling", [x(8, 8, 5, 6), Const(_PS_ROIS)],
      lambda d, r: _dpsroi(d, r, None, no_trans=True, **_DPS), no_trans=True, **_DPS),
    S("_contrib_DeformableConvolution", [x(1, 2, 3, 4), off(1, 8, 4, 5), x(2, 2, 2, 2), x(2)],
      lambda d, o, w, b: _deform_conv(d, o, None, w, b, (2, 2), pad=(1, 1)), **_CONV),
    S("_contrib_DeformableConvolution", [x(2, 4, 4, 5), off(2, 16, 2, 3), x(4, 2, 2, 2)],
      lambda d, o, w: _deform_conv(d, o, None, w, None, (2, 2), stride=(2, 1), dilate=(1, 2),
                                   num_group=2, dg=2), **_CONV_G),
    S("_contrib_ModulatedDeformableConvolution",
      [x(1, 2, 3, 4), off(1, 8, 4, 5), x(1, 4, 4, 5), x(2, 2, 2, 2), x(2)],
      lambda d, o, m, w, b: _deform_conv(d, o, m, w, b, (2, 2), pad=(1, 1)), **_CONV),
    S("_contrib_ModulatedDeformableConvolution",
      [x(2, 4, 4, 5), off(2, 16, 2, 3), x(2, 8, 2, 3), x(4, 2, 2, 2)],
      lambda d, o, m, w: _deform_conv(d, o, m, w, None, (2, 2), stride=(2, 1), dilate=(1, 2),
                                      num_group=2, dg=2), **_CONV_G),
    S("_contrib_Proposal", [In((1, 12, 3, 4), 0, 1), In((1, 24, 3, 4), -0.3, 0.3),
                            Const(_INFO[:1])], _proposal_ref(True), stop_gradient=True,
      **_PROPOSAL),
    S("_contrib_MultiProposal", [Const(_PROB), Const(_DELTAS), Const(_INFO)],
      _proposal_ref(False), stop_gradient=True, **_PROPOSAL),
    S("_contrib_MultiProposal", [In((2, 12, 3, 4), 0, 1), In((2, 24, 3, 4), -0.3, 0.3),
                                 Const(_INFO)],
      lambda p, d, i: _proposal(p, d, i, 12, 6, 0.6, 4, (2.0, 4.0), (0.5, 1.0, 2.0), 8),
      stop_gradient=True,
      output_score=True, **_PROPOSAL),
]
