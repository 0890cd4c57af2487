"""Samples of the detection operators (tapegraph/ir/ops/detection.py, multibox.py) for the
operator table, with plain-loop NumPy references. Their values are checked against MXNet
1.9.1 in tests/ops/test_vision_golden.py; here: kernels vs references, shape rules,
gradients (box_nms's row gathers to order 3, zeros for the others), batching, export.

Boxes are drawn in center format (positive sizes), scores and ids uniform: suppression
and matching decisions are far from their thresholds for almost every draw, so finite
differences see the gathers box_nms differentiates."""
from __future__ import annotations

import itertools

import numpy as np

from op_samples import Const, In, S, x


def _corner(b):
    b = np.asarray(b, np.float64)
    return np.stack([b[..., 0] - b[..., 2] / 2, b[..., 1] - b[..., 3] / 2,
                     b[..., 0] + b[..., 2] / 2, b[..., 1] + b[..., 3] / 2], -1)


def _iou1(a, b):
    w = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    h = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - w * h
    return 0.0 if union <= 0 else w * h / union


def _box_iou(lhs, rhs, fmt="corner"):
    if fmt == "center":
        lhs, rhs = _corner(lhs), _corner(rhs)
    out = np.zeros(lhs.shape[:-1] + rhs.shape[:-1])
    for i in np.ndindex(*lhs.shape[:-1]):
        for j in np.ndindex(*rhs.shape[:-1]):
            out[i + j] = _iou1(lhs[i], rhs[j])
    return out


def _box_nms(data, thresh, valid=0.0, topk=-1, force=False, id_index=-1):
    """Center-format rows [id, score, x, y, w, h]: kept rows by score, then -1; sources."""
    n, k = data.shape[-2:]
    rows = data.reshape(-1, n, k)
    out, src = np.full(rows.shape, -1.0), np.full(rows.shape[:2] + (1,), -1.0)
    for b, r in enumerate(rows):
        order = [i for i in sorted(range(n), key=lambda i: -r[i, 1]) if r[i, 1] > valid]
        order = order[:topk] if topk > 0 else order
        kept = []
        for i in order:
            if all(_iou1(_corner(r[i, 2:]), _corner(r[j, 2:])) <= thresh
                   or not (force or id_index < 0 or r[i, id_index] == r[j, id_index])
                   for j in kept):
                kept.append(i)
        out[b, :len(kept)] = r[kept]
        src[b, :len(kept), 0] = [i + b * n for i in kept]
    return out.reshape(data.shape), src.reshape(data.shape[:-1] + (1,))


_ANCHORS = np.array([[[0.1, 0.1, 0.4, 0.5], [0.3, 0.2, 0.9, 0.6], [0.5, 0.5, 0.8, 0.9]]])
_REFS = np.array([[[0.2, 0.1, 0.5, 0.4], [0.4, 0.4, 0.9, 0.8]]])


def _center(b):
    return np.stack([(b[..., 0] + b[..., 2]) / 2, (b[..., 1] + b[..., 3]) / 2,
                     b[..., 2] - b[..., 0], b[..., 3] - b[..., 1]], -1)


def _box_encode(samples, matches, anchors, refs, means, stds):
    targets, masks = np.zeros(anchors.shape), np.zeros(anchors.shape)
    for b, n in itertools.product(*map(range, samples.shape)):
        if samples[b, n] > 0.5:
            a, r = _center(anchors[b, n]), _center(refs[b, int(matches[b, n])])
            t = np.r_[(r[:2] - a[:2]) / a[2:], np.log(r[2:] / a[2:])]
            targets[b, n], masks[b, n] = (t - means) / stds, 1.0
    return targets, masks


def _box_decode(data, anchors, stds):
    a = _center(anchors)
    c = data[..., :2] * stds[:2] * a[..., 2:] + a[..., :2]
    half = np.exp(data[..., 2:] * stds[2:]) * a[..., 2:] / 2
    return np.concatenate([c - half, c + half], -1)


def _matching(data, threshold, topk=-1):
    n, m = data.shape[-2:]
    rows, cols = np.full(data.shape[:-1], -1.0), np.full(data.shape[:-2] + (m,), -1.0)
    for b in np.ndindex(*data.shape[:-2]):
        pairs = sorted(itertools.product(range(n), range(m)), key=lambda p: -data[b][p])
        count = 0
        for i, j in pairs:
            if data[b][i, j] <= threshold or (0 < topk < count):
                break
            if rows[b][i] == -1 and cols[b][j] == -1:
                rows[b][i], cols[b][j] = j, i
                count += 1
    return rows, cols


def _prior(h, w, sizes, ratios):
    out = []
    for i, j in itertools.product(range(h), range(w)):
        cy, cx = (i + 0.5) / h, (j + 0.5) / w
        shapes = [(s, ratios[0]) for s in sizes] + [(sizes[0], r) for r in ratios[1:]]
        for s, r in shapes:
            hw, hh = s * h / w * np.sqrt(r) / 2, s / np.sqrt(r) / 2
            out.append([cx - hw, cy - hh, cx + hw, cy + hh])
    return np.array(out)[None]


_VAR = np.array([0.1, 0.1, 0.2, 0.2])
# three anchors: the first and last overlapping, the middle apart
_SSD_ANCHORS = np.array([[[0.1, 0.1, 0.5, 0.5], [0.6, 0.6, 0.9, 0.9], [0.12, 0.1, 0.52, 0.48]]])
_SSD_LABEL = np.array([[[1, 0.1, 0.12, 0.48, 0.5], [0, 0.62, 0.6, 0.9, 0.88],
                        [-1, -1, -1, -1, -1]]])  # (MXNet requires padding rows all -1)


def _target(anchor, label, cls_pred):
    # anchors 0 and 1 match the two ground truths best; anchor 2's best IoU (with the
    # first) is above 0.5: a positive too
    loc, cls = np.zeros((1, 3, 4)), np.zeros((1, 3))
    for j, g in ((0, 0), (1, 1), (2, 0)):
        a, t = _center(anchor[0, j]), _center(label[0, g, 1:])
        loc[0, j] = np.r_[(t[:2] - a[:2]) / a[2:], np.log(t[2:] / a[2:])] / _VAR
        cls[0, j] = label[0, g, 0] + 1
    return loc.reshape(1, 12), np.ones((1, 12)), cls


_SSD_PROBS = np.array([[[0.1, 0.2, 0.9], [0.8, 0.1, 0.05], [0.1, 0.7, 0.05]]])


def _detection(cls_prob, loc_pred, anchor):
    boxes = np.clip(_box_decode(loc_pred.reshape(1, 3, 4), anchor, _VAR), 0, 1)[0]
    # anchor 0: class 0 (0.8), anchor 1: class 1 (0.7), anchor 2: class 0 (0.05),
    # suppressed by anchor 0 (same class, IoU > 0.5)
    return np.array([[[0, 0.8, *boxes[0]], [1, 0.7, *boxes[1]], [-1, 0.05, *boxes[2]]]])


_MATCHES = np.array([[0, 1, 1], [1, 0, 0]], np.float64)
# Listed after the image operators (op_cases.json ids hold the sample's index).
DETECTION = [
    S("_contrib_box_iou", [x(2, 4), x(3, 4)], _box_iou, stop_gradient=True),
    S("_contrib_box_iou", [In((3, 4), 0.2, 0.6), In((2, 1, 4), 0.2, 0.6)],
      lambda a, b: _box_iou(a, b, "center"), stop_gradient=True, format="center"),
    S("_contrib_box_nms", [In((2, 6, 6), 0.05, 0.5)],
      lambda v: _box_nms(v, 0.3, 0.1, 5), overlap_thresh=0.3, valid_thresh=0.1, topk=5,
      in_format="center", out_format="center"),
    S("_contrib_box_nms", [In((5, 6), 0.05, 0.6)], lambda v: _box_nms(v, 0.2, force=True),
      overlap_thresh=0.2, id_index=0, force_suppress=True, in_format="center",
      out_format="center"),
    S("_contrib_box_encode", [Const(np.array([[1.0, -1, 1], [0, 1, 1]])), Const(_MATCHES),
                              Const(_ANCHORS.repeat(2, 0)), Const(_REFS.repeat(2, 0)),
                              In((4,), -0.1, 0.1), In((4,), 0.1, 0.3)],
      _box_encode, stop_gradient=True),
    S("_contrib_box_decode", [In((2, 3, 4), -0.5, 0.5), Const(_ANCHORS)],
      lambda d, a: _box_decode(d, a, np.array([0.1, 0.1, 0.2, 0.2])), stop_gradient=True,
      std0=0.1, std1=0.1, std2=0.2, std3=0.2, format="corner"),
    S("_contrib_bipartite_matching", [In((2, 3, 4), 0.0, 1.0)],
      lambda v: _matching(v, 0.3), stop_gradient=True, threshold=0.3),
    S("_contrib_MultiBoxPrior", [x(1, 2, 2, 3)],
      lambda v: _prior(2, 3, (0.5, 0.25), (1.0, 2.0)), stop_gradient=True,
      sizes=(0.5, 0.25), ratios=(1.0, 2.0)),
    S("_contrib_MultiBoxTarget", [Const(_SSD_ANCHORS), Const(_SSD_LABEL), x(1, 3, 3)],
      _target, stop_gradient=True),
    S("_contrib_MultiBoxDetection", [Const(_SSD_PROBS), In((1, 12), -0.2, 0.2),
                                     Const(_SSD_ANCHORS)], _detection, stop_gradient=True),
]
