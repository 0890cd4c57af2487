"""MXNet 1.9.1's SSD operators (`mx.nd.contrib` / `mx.sym.contrib` MultiBoxPrior,
MultiBoxTarget, MultiBoxDetection; `mx.npx` multibox_prior / multibox_target /
multibox_detection), computed as MXNet's CPU kernels do, including their quirks (noted
where they appear). Their output shapes depend on the input shapes and attributes only:
MultiBoxPrior's anchors on the feature map's shape, MultiBoxTarget's targets and
MultiBoxDetection's (B, A, 6) detections on the anchors' and predictions' shapes. Their
gradients are zero, as in MXNet."""
from __future__ import annotations

import math
from typing import Any, Dict, List

import numpy as np

from tapegraph.ir.errors import ShapeError
from tapegraph.ir.registry import register
from tapegraph.ir.types import TensorType

from .detection import ZERO_NOTE, floats, iou, zero_gradient

_VARIANCES = (0.1, 0.1, 0.2, 0.2)


def _variances(attrs: Dict[str, Any], name: str) -> tuple:
    var = floats(attrs["variances"])
    if len(var) != 4:
        raise ShapeError("%s: variances must have 4 values (x, y, width, height), got %s"
                         % (name, var))
    return var


# ---------------------------------------------------------------- MultiBoxPrior

_PRIOR = {"sizes": (1.0,), "ratios": (1.0,), "clip": False, "steps": (-1.0, -1.0),
          "offsets": (0.5, 0.5)}


def _prior_infer(ins: List[TensorType], attrs: Dict[str, Any]) -> List[TensorType]:
    t = ins[0]
    if t.ndim != 4:
        raise ShapeError("MultiBoxPrior: expected a 4-D input (N, C, H, W), got shape %s"
                         % (t.shape,))
    sizes, ratios = floats(attrs["sizes"]), floats(attrs["ratios"])
    if not sizes or not ratios or len(floats(attrs["steps"])) != 2 \
            or len(floats(attrs["offsets"])) != 2:
        raise ShapeError("MultiBoxPrior: needs sizes, ratios and two steps and offsets")
    anchors = t.shape[2] * t.shape[3] * (len(sizes) + len(ratios) - 1)
    return [TensorType.get((1, anchors, 4), t.dtype)]


@register("_contrib_MultiBoxPrior", _prior_infer, attrs=_PRIOR,
          mxnet_np="_npx_multibox_prior", nondiff_note=ZERO_NOTE)
def multibox_prior(data, sizes, ratios, clip, steps, offsets):
    """Anchor boxes (1, H*W*(len(sizes)+len(ratios)-1), 4) in corner format for the cells
    of the (N, C, H, W) feature map: per cell, every size at ratios[0], then sizes[0] at
    each of ratios[1:] (float32 arithmetic, as MXNet's)."""
    sizes, ratios = floats(sizes), floats(ratios)
    steps, offsets = floats(steps), floats(offsets)
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
    return boxes.astype(data.dtype)


multibox_prior.gradient(zero_gradient)


# ---------------------------------------------------------------- MultiBoxTarget

_TARGET = {"overlap_threshold": 0.5, "ignore_label": -1.0, "negative_mining_ratio": -1.0,
           "negative_mining_thresh": 0.5, "minimum_negative_samples": 0,
           "variances": _VARIANCES}


def _target_infer(ins: List[TensorType], attrs: Dict[str, Any]) -> List[TensorType]:
    anchor, label, preds = ins
    _variances(attrs, "MultiBoxTarget")
    if anchor.size % 4:
        raise ShapeError("MultiBoxTarget: anchor must hold boxes of 4 values (1, A, 4), got "
                         "shape %s" % (anchor.shape,))
    na = anchor.size // 4
    if label.ndim != 3 or label.shape[2] < 5:
        raise ShapeError("MultiBoxTarget: label must be (B, L, 5+), got shape %s"
                         % (label.shape,))
    if preds.ndim != 3 or preds.shape[2] != na or preds.shape[0] != label.shape[0]:
        raise ShapeError("MultiBoxTarget: cls_pred must be (B, classes, %d) with B=%d, got "
                         "shape %s" % (na, label.shape[0], preds.shape))
    batches = label.shape[0]
    return [TensorType.get((batches, na * 4), anchor.dtype),
            TensorType.get((batches, na * 4), anchor.dtype),
            TensorType.get((batches, na), anchor.dtype)]


def _encode(anchors: np.ndarray, gts: np.ndarray, variances) -> np.ndarray:
    """SSD's offsets (A, 4) of corner boxes `gts` from `anchors`, over the variances."""
    aw, ah = anchors[:, 2] - anchors[:, 0], anchors[:, 3] - anchors[:, 1]
    ax, ay = (anchors[:, 0] + anchors[:, 2]) * 0.5, (anchors[:, 1] + anchors[:, 3]) * 0.5
    gw, gh = gts[:, 2] - gts[:, 0], gts[:, 3] - gts[:, 1]
    gx, gy = (gts[:, 0] + gts[:, 2]) * 0.5, (gts[:, 1] + gts[:, 3]) * 0.5
    vx, vy, vw, vh = variances
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.stack([(gx - ax) / aw / vx, (gy - ay) / ah / vy, np.log(gw / aw) / vw,
                         np.log(gh / ah) / vh], axis=-1)


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


@register("_contrib_MultiBoxTarget", _target_infer, num_inputs=3, num_outputs=3,
          attrs=_TARGET, mxnet_np="_npx_multibox_target", nondiff_note=ZERO_NOTE)
def multibox_target(anchor, label, cls_pred, overlap_threshold, ignore_label,
                    negative_mining_ratio, negative_mining_thresh, minimum_negative_samples,
                    variances):
    """SSD training targets: (loc_target (B, A*4), loc_mask (B, A*4), cls_target (B, A)).
    Anchors matched to a ground truth (labels (B, L, 5+): class, corner box; rows from the
    first class -1 are padding) get class + 1 and encoded offsets; negatives (all, or the
    hardest by background probability with negative mining) get 0; the rest ignore_label."""
    anchors = anchor.astype(np.float64).reshape(-1, 4)
    labels, preds = label.astype(np.float64), cls_pred.astype(np.float64)
    var = floats(variances)
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
        flags, match, best = _flags(iou(anchors, gts[:, 1:5]), overlap_threshold)
        if negative_mining_ratio > 0:
            positives = int((flags == 1).sum())
            wanted = max(int(negative_mining_ratio * positives), int(minimum_negative_samples))
            wanted = min(wanted, na - positives)
            cand = np.nonzero((flags != 1) & (best < negative_mining_thresh))[0]
            prob = _background_prob(preds[b])
            cand = cand[np.argsort(prob[cand], kind="stable")]  # hardest negatives first
            flags[cand[:wanted]] = 0
        else:
            flags[flags != 1] = 0
        pos = flags == 1
        matched = gts[match[pos]]
        cls[b, pos] = matched[:, 0] + 1
        mask[b, pos] = 1.0
        loc[b, pos] = _encode(anchors[pos], matched[:, 1:5], var)
        cls[b, flags == -1] = ignore_label
    dtype = anchor.dtype
    return (loc.reshape(batches, -1).astype(dtype), mask.reshape(batches, -1).astype(dtype),
            cls.astype(dtype))


multibox_target.gradient(zero_gradient)


# ---------------------------------------------------------------- MultiBoxDetection

_DETECTION = {"clip": True, "threshold": 0.01, "background_id": 0, "nms_threshold": 0.5,
              "force_suppress": False, "variances": _VARIANCES, "nms_topk": -1}


def _detection_infer(ins: List[TensorType], attrs: Dict[str, Any]) -> List[TensorType]:
    probs, locs, anchor = ins
    _variances(attrs, "MultiBoxDetection")
    batches, _, na = probs.shape if probs.ndim == 3 else (0, 0, -1)
    if anchor.size % 4 or na != anchor.size // 4 or locs.shape != (batches, na * 4):
        raise ShapeError("MultiBoxDetection: cls_prob (B, classes, A), loc_pred (B, A*4) and "
                         "anchor (1, A, 4) must agree, got %s, %s and %s"
                         % (probs.shape, locs.shape, anchor.shape))
    return [TensorType.get((batches, na, 6), probs.dtype)]


def _decode(anchors: np.ndarray, locs: np.ndarray, clip, variances) -> np.ndarray:
    """Corner boxes (A, 4) from SSD offsets `locs` (A, 4) of `anchors` (A, 4)."""
    aw, ah = anchors[:, 2] - anchors[:, 0], anchors[:, 3] - anchors[:, 1]
    ax, ay = (anchors[:, 0] + anchors[:, 2]) / 2.0, (anchors[:, 1] + anchors[:, 3]) / 2.0
    vx, vy, vw, vh = variances
    ox, oy = locs[:, 0] * vx * aw + ax, locs[:, 1] * vy * ah + ay
    with np.errstate(over="ignore"):
        ow, oh = np.exp(locs[:, 2] * vw) * aw / 2, np.exp(locs[:, 3] * vh) * ah / 2
    box = np.stack([ox - ow, oy - oh, ox + ow, oy + oh], axis=-1)
    return np.clip(box, 0.0, 1.0) if clip else box


def _best_classes(probs: np.ndarray, background_id: int):
    """Each anchor's first highest-scoring class other than `background_id` among scores
    above -1 (class 0, score -1 when none): probs (classes, A) -> (class ids, scores)."""
    scores = np.where(np.isnan(probs), -np.inf, probs)
    if 0 <= background_id < len(scores):
        scores[background_id] = -np.inf
    cid = np.argmax(scores, axis=0) if len(scores) else np.zeros(probs.shape[1], np.int64)
    best = scores[cid, np.arange(probs.shape[1])] if len(scores) else np.full(len(cid), -1.0)
    found = best > -1.0
    return np.where(found, cid, 0), np.where(found, best, -1.0)


@register("_contrib_MultiBoxDetection", _detection_infer, num_inputs=3, attrs=_DETECTION,
          mxnet_np="_npx_multibox_detection", nondiff_note=ZERO_NOTE)
def multibox_detection(cls_prob, loc_pred, anchor, clip, threshold, background_id,
                       nms_threshold, force_suppress, variances, nms_topk):
    """SSD detections (B, A, 6) of rows [class, score, xmin, ymin, xmax, ymax]: each anchor's
    best non-background class (score >= threshold) with its decoded box, best score first,
    then non-maximum suppression (class -1 for suppressed rows); unused rows are -1. As in
    MXNet, with nms_topk the rows past the top k keep their unsorted content and take part
    in the suppression."""
    probs, locs = cls_prob.astype(np.float64), loc_pred.astype(np.float64)
    anchors = anchor.astype(np.float64).reshape(-1, 4)
    var = floats(variances)
    batches, _, na = probs.shape
    res = np.full((batches, na, 6), -1.0)
    for b in range(batches):
        cid, score = _best_classes(probs[b], int(background_id))
        cid = np.where((cid > 0) & (score < threshold), 0, cid)
        found = np.nonzero(cid > 0)[0]  # (MXNet's quirk: class 0 is never detected)
        rows = np.concatenate([(cid[found] - 1)[:, None], score[found][:, None],
                               _decode(anchors[found], locs[b].reshape(-1, 4)[found], clip,
                                       var)], axis=1)
        out_b = res[b]
        out_b[:len(rows)] = rows
        if not len(rows) or nms_threshold <= 0 or nms_threshold > 1:
            continue
        order = np.argsort(-rows[:, 1], kind="stable")
        keep = len(order) if nms_topk <= 0 else min(nms_topk, len(order))
        out_b[:keep] = rows[order[:keep]]
        for i in range(len(rows)):
            if out_b[i, 0] < 0:
                continue
            later = out_b[i + 1:len(rows)]
            hit = (later[:, 0] >= 0) & (iou(out_b[i, 2:6], later[:, 2:6]) >= nms_threshold)
            if not force_suppress:
                hit &= later[:, 0] == out_b[i, 0]
            later[hit, 0] = -1
    return res.astype(cls_prob.dtype)


multibox_detection.gradient(zero_gradient)


# ---------------------------------------------------------------- forward mode (see _jvp.py)

from ._jvp import set_rule, zero  # noqa: E402  (after the operators)

set_rule(zero, ["_contrib_MultiBoxPrior", "_contrib_MultiBoxTarget",
                "_contrib_MultiBoxDetection"])
