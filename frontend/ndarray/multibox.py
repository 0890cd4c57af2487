"""MXNet 1.9.1's SSD operators (`mx.nd.contrib` MultiBoxPrior, MultiBoxTarget,
MultiBoxDetection and `mx.npx` multibox_prior / multibox_target / multibox_detection),
computed on the host as MXNet's CPU kernels do, including their quirks (noted where they
appear). Their gradients are zero, as in MXNet (see detection._zero_grad)."""
from __future__ import annotations

import math

import numpy as np

from ..ir.errors import MXNetError
from .detection import _host, _iou, _zero_grad
from .ops import _as_inputs


def _floats(value, name):
    try:
        return tuple(float(v) for v in value)
    except TypeError:
        return (float(value),)


def MultiBoxPrior(data, sizes=(1.0,), ratios=(1.0,), clip=False, steps=(-1.0, -1.0),
                  offsets=(0.5, 0.5), out=None, **kw):
    """Anchor boxes (1, H*W*(len(sizes)+len(ratios)-1), 4) in corner format for the cells of
    the (N, C, H, W) feature map: per cell, every size at ratios[0], then sizes[0] at each
    of ratios[1:]."""
    data = _as_inputs([data])[0]
    if data.ndim != 4:
        raise MXNetError("MultiBoxPrior: expected a 4-D input (N, C, H, W), got shape %s"
                         % (data.shape,))
    sizes, ratios = _floats(sizes, "sizes"), _floats(ratios, "ratios")
    steps, offsets = _floats(steps, "steps"), _floats(offsets, "offsets")
    if not sizes or not ratios or len(steps) != 2 or len(offsets) != 2:
        raise MXNetError("MultiBoxPrior: needs sizes, ratios and two steps and offsets")
    h, w = data.shape[2:]
    step_y = steps[0] if steps[0] > 0 else 1.0 / h
    step_x = steps[1] if steps[1] > 0 else 1.0 / w
    f32 = np.float32
    cy = ((np.arange(h, dtype=f32) + f32(offsets[0])) * f32(step_y))[:, None]
    cx = ((np.arange(w, dtype=f32) + f32(offsets[1])) * f32(step_x))[None, :]
    root0 = f32(math.sqrt(ratios[0]))
    halves = [(f32(s) * f32(h) / f32(w) * root0 / f32(2), f32(s) / root0 / f32(2))
              for s in sizes]
    for r in ratios[1:]:
        root = f32(math.sqrt(r))
        halves.append((f32(sizes[0]) * f32(h) / f32(w) * root / f32(2),
                       f32(sizes[0]) / root / f32(2)))
    boxes = np.stack([np.stack(np.broadcast_arrays(cx - hw, cy - hh, cx + hw, cy + hh), -1)
                      for hw, hh in halves], axis=2)  # (H, W, anchors, 4)
    boxes = boxes.reshape(1, -1, 4)
    if clip:
        boxes = np.clip(boxes, 0.0, 1.0)
    return _zero_grad([data], boxes.astype(data._data.dtype))


def _encode(anchor, gt, variances):
    aw, ah = anchor[2] - anchor[0], anchor[3] - anchor[1]
    ax, ay = (anchor[0] + anchor[2]) * 0.5, (anchor[1] + anchor[3]) * 0.5
    gw, gh = gt[2] - gt[0], gt[3] - gt[1]
    gx, gy = (gt[0] + gt[2]) * 0.5, (gt[1] + gt[3]) * 0.5
    vx, vy, vw, vh = variances
    return [(gx - ax) / aw / vx, (gy - ay) / ah / vy, math.log(gw / aw) / vw,
            math.log(gh / ah) / vh]


def _flags(overlaps, threshold):
    """MXNet's matching: greedy bipartite (best remaining pair above 1e-6), then each other
    anchor's best ground truth when above `threshold`. Returns (flags 1/-1, match, best)."""
    na, ng = overlaps.shape
    flags, match = np.full(na, -1), np.full(na, -1)
    best = np.full(na, -1.0)
    gt_done = np.zeros(ng, bool)
    while not gt_done.all():
        cand = np.where(flags[:, None] == 1, -np.inf, overlaps)
        cand = np.where(gt_done[None, :], -np.inf, cand)
        j, k = np.unravel_index(int(np.argmax(cand)), cand.shape)
        if not cand[j, k] > 1e-6:
            break
        flags[j], match[j], best[j], gt_done[k] = 1, k, cand[j, k], True
    if threshold > 0:
        for j in np.nonzero(flags != 1)[0]:
            k = int(np.argmax(overlaps[j]))
            if overlaps[j, k] > best[j]:
                best[j], match[j] = overlaps[j, k], k
            if best[j] > threshold:
                flags[j] = 1
    return flags, match, best


def _background_prob(preds):
    """Softmax probability of class 0 for each anchor: preds (classes, anchors)."""
    top = preds.max(axis=0)
    e = np.exp(preds - top)
    return e[0] / e.sum(axis=0)


def MultiBoxTarget(anchor, label, cls_pred, overlap_threshold=0.5, ignore_label=-1.0,
                   negative_mining_ratio=-1.0, negative_mining_thresh=0.5,
                   minimum_negative_samples=0, variances=(0.1, 0.1, 0.2, 0.2), out=None, **kw):
    """SSD training targets: (loc_target (B, A*4), loc_mask (B, A*4), cls_target (B, A)).
    Anchors matched to a ground truth (labels (B, L, 5+): class, corner box; rows from the
    first class -1 are padding) get class + 1 and encoded offsets; negatives (all, or the
    hardest by background probability with negative mining) get 0; the rest ignore_label."""
    anchor, label, cls_pred = _as_inputs([anchor, label, cls_pred])
    anchors = _host(anchor).reshape(-1, 4)
    labels, preds = _host(label), _host(cls_pred)
    if labels.ndim != 3 or labels.shape[2] < 5:
        raise MXNetError("MultiBoxTarget: label must be (B, L, 5+), got shape %s"
                         % (labels.shape,))
    if preds.ndim != 3 or preds.shape[2] != anchors.shape[0] or preds.shape[0] != labels.shape[0]:
        raise MXNetError("MultiBoxTarget: cls_pred must be (B, classes, %d) with B=%d, got "
                         "shape %s" % (anchors.shape[0], labels.shape[0], preds.shape))
    var = _floats(variances, "variances")
    batches, na = labels.shape[0], anchors.shape[0]
    loc = np.zeros((batches, na, 4))
    mask = np.zeros((batches, na, 4))
    cls = np.zeros((batches, na))
    for b in range(batches):
        valid = 0
        while valid < labels.shape[1] and labels[b, valid, 0] != -1.0:
            valid += 1
        if not valid:
            continue
        gts = labels[b, :valid]
        overlaps = _iou(anchors, gts[:, 1:5])
        flags, match, best = _flags(overlaps, overlap_threshold)
        if negative_mining_ratio > 0:
            positives = int((flags == 1).sum())
            wanted = max(int(negative_mining_ratio * positives), int(minimum_negative_samples))
            wanted = min(wanted, na - positives)
            cand = [j for j in range(na) if flags[j] != 1 and best[j] < negative_mining_thresh]
            prob = _background_prob(preds[b])
            cand.sort(key=lambda j: prob[j])  # stable: hardest negatives first
            flags[cand[:wanted]] = 0
        else:
            flags[flags != 1] = 0
        for j in range(na):
            if flags[j] == 1:
                gt = gts[match[j]]
                cls[b, j] = gt[0] + 1
                mask[b, j] = 1.0
                loc[b, j] = _encode(anchors[j], gt[1:5], var)
            elif flags[j] == -1:
                cls[b, j] = ignore_label
    dtype = anchor._data.dtype
    arrays = [anchor, label, cls_pred]
    return [_zero_grad(arrays, loc.reshape(batches, -1).astype(dtype)),
            _zero_grad(arrays, mask.reshape(batches, -1).astype(dtype)),
            _zero_grad(arrays, cls.astype(dtype))]


def _decode(anchor, loc, clip, variances):
    aw, ah = anchor[2] - anchor[0], anchor[3] - anchor[1]
    ax, ay = (anchor[0] + anchor[2]) / 2.0, (anchor[1] + anchor[3]) / 2.0
    vx, vy, vw, vh = variances
    ox, oy = loc[0] * vx * aw + ax, loc[1] * vy * ah + ay
    ow, oh = math.exp(loc[2] * vw) * aw / 2, math.exp(loc[3] * vh) * ah / 2
    box = [ox - ow, oy - oh, ox + ow, oy + oh]
    return [max(0.0, min(1.0, v)) for v in box] if clip else box


def MultiBoxDetection(cls_prob, loc_pred, anchor, clip=True, threshold=0.01, background_id=0,
                      nms_threshold=0.5, force_suppress=False, variances=(0.1, 0.1, 0.2, 0.2),
                      nms_topk=-1, out=None, **kw):
    """SSD detections (B, A, 6) of rows [class, score, xmin, ymin, xmax, ymax]: each anchor's
    best non-background class (score >= threshold) with its decoded box, best score first,
    then non-maximum suppression (class -1 for suppressed rows); unused rows are -1. As in
    MXNet, with nms_topk the rows past the top k keep their unsorted content and take part
    in the suppression."""
    cls_prob, loc_pred, anchor = _as_inputs([cls_prob, loc_pred, anchor])
    probs, locs = _host(cls_prob), _host(loc_pred)
    anchors = _host(anchor).reshape(-1, 4)
    batches, classes, na = probs.shape if probs.ndim == 3 else (0, 0, -1)
    if na != anchors.shape[0] or locs.shape != (batches, na * 4):
        raise MXNetError("MultiBoxDetection: cls_prob (B, classes, A), loc_pred (B, A*4) and "
                         "anchor (1, A, 4) must agree, got %s, %s and %s"
                         % (probs.shape, locs.shape, anchor.shape))
    var = _floats(variances, "variances")
    res = np.full((batches, na, 6), -1.0)
    for b in range(batches):
        rows = []
        for i in range(na):
            score, cid = -1.0, 0
            for j in range(classes):
                if j != background_id and probs[b, j, i] > score:
                    score, cid = probs[b, j, i], j
            if cid > 0 and score < threshold:
                cid = 0
            if cid > 0:
                rows.append([cid - 1, score] + _decode(anchors[i], locs[b, 4 * i:4 * i + 4],
                                                      clip, var))
        out_b = res[b]
        if rows:
            out_b[:len(rows)] = rows
        if not rows or nms_threshold <= 0 or nms_threshold > 1:
            continue
        order = sorted(range(len(rows)), key=lambda k: -rows[k][1])
        keep = len(order) if nms_topk <= 0 else min(nms_topk, len(order))
        out_b[:keep] = [rows[k] for k in order[:keep]]
        for i in range(len(rows)):
            if out_b[i, 0] < 0:
                continue
            for j in range(i + 1, len(rows)):
                if out_b[j, 0] < 0:
                    continue
                if force_suppress or out_b[i, 0] == out_b[j, 0]:
                    if _iou(out_b[i, 2:6], out_b[j, 2:6]) >= nms_threshold:
                        out_b[j, 0] = -1
    return _zero_grad([cls_prob, loc_pred, anchor], res.astype(cls_prob._data.dtype))


def _np_call(fn, name):
    def call(*arrays, **kw):
        return fn(*arrays, **kw)
    call.__name__ = call.__qualname__ = name
    call.__doc__ = "`mx.npx.%s`: %s on mx.np arrays." % (name, fn.__name__)
    return call


multibox_prior = _np_call(MultiBoxPrior, "multibox_prior")
multibox_target = _np_call(MultiBoxTarget, "multibox_target")
multibox_detection = _np_call(MultiBoxDetection, "multibox_detection")
