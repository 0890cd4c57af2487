"""MXNet 1.9.1's region proposal operators (`mx.nd.contrib` Proposal and MultiProposal, the
RPN of Faster R-CNN), computed as MXNet's CPU kernel does: anchors from `scales` x
`ratios` at every feature cell, moved by the predicted deltas, clipped to the image, small
boxes filtered, the best `rpn_pre_nms_top_n` by foreground score suppressed at
`threshold`, and `rpn_post_nms_top_n` rows out per image (repeating the kept ones
cyclically when there are fewer). The output shapes depend on the input shapes and
attributes only, so both are ordinary operators (a hybridized RPN head traces to a fixed
graph and exports). With output_score=True a second output holds the rows' scores.
Zero gradient, as in MXNet."""
from __future__ import annotations

import math
from typing import Any, Dict, List

import numpy as np

from tapegraph.ir.errors import MXNetError, ShapeError
from tapegraph.ir.registry import register
from tapegraph.ir.types import TensorType
from .detection import ZERO_NOTE, zero_gradient


def _base_anchors(stride, ratios, scales):
    """MXNet's GenerateAnchors: for each ratio, for each scale, in float32."""
    f = np.float32
    w = h = f(stride)
    x_ctr = y_ctr = f(0.5) * (w - f(1))
    out = []
    for ratio in ratios:
        for scale in scales:
            size_ratios = f(math.floor(w * h / f(ratio)))
            new_w = f(math.floor(math.sqrt(size_ratios) + 0.5)) * f(scale)
            new_h = f(math.floor(new_w / f(scale) * f(ratio) + 0.5)) * f(scale)
            out.append([x_ctr - f(0.5) * (new_w - f(1)), y_ctr - f(0.5) * (new_h - f(1)),
                        x_ctr + f(0.5) * (new_w - f(1)), y_ctr + f(0.5) * (new_h - f(1))])
    return np.array(out, dtype=np.float64)


def _nms(boxes, scores, threshold):
    """Indices kept by greedy NMS (areas and overlaps with MXNet's +1 pixel convention)."""
    x1, y1, x2, y2 = boxes.T
    areas = (x2 - x1 + 1) * (y2 - y1 + 1)
    alive = np.ones(len(boxes), bool)
    keep = []
    for i in range(len(boxes)):
        if not alive[i]:
            continue
        keep.append(i)
        rest = np.arange(i + 1, len(boxes))
        rest = rest[alive[rest]]
        w = np.maximum(0.0, np.minimum(x2[i], x2[rest]) - np.maximum(x1[i], x1[rest]) + 1)
        h = np.maximum(0.0, np.minimum(y2[i], y2[rest]) - np.maximum(y1[i], y1[rest]) + 1)
        inter = w * h
        over = inter / (areas[i] + areas[rest] - inter)
        alive[rest[over > threshold]] = False
    return keep


def _one_image(prob, deltas, info, anchors, attrs):
    """Proposals (post_nms_top_n, 4) and their scores for one image."""
    stride = attrs["feature_stride"]
    a = anchors.shape[0]
    _, h, w = prob.shape
    shift_x, shift_y = np.meshgrid(np.arange(w) * stride, np.arange(h) * stride)
    # index = (row * W + col) * A + anchor
    boxes = (anchors[None, None] + np.stack([shift_x, shift_y, shift_x, shift_y],
                                            -1)[:, :, None]).reshape(-1, 4)
    scores = prob[a:].transpose(1, 2, 0).reshape(-1).copy()
    d = deltas.reshape(a, 4, h, w).transpose(2, 3, 0, 1).reshape(-1, 4)
    im_h, im_w, im_scale = info
    if attrs["iou_loss"]:
        pred = boxes + d
    else:
        bw, bh = boxes[:, 2] - boxes[:, 0] + 1, boxes[:, 3] - boxes[:, 1] + 1
        cx, cy = boxes[:, 0] + 0.5 * (bw - 1), boxes[:, 1] + 0.5 * (bh - 1)
        pcx, pcy = d[:, 0] * bw + cx, d[:, 1] * bh + cy
        pw, ph = np.exp(d[:, 2]) * bw, np.exp(d[:, 3]) * bh
        pred = np.stack([pcx - 0.5 * (pw - 1), pcy - 0.5 * (ph - 1), pcx + 0.5 * (pw - 1),
                         pcy + 0.5 * (ph - 1)], -1)
    pred[:, 0::2] = np.clip(pred[:, 0::2], 0, im_w - 1)
    pred[:, 1::2] = np.clip(pred[:, 1::2], 0, im_h - 1)
    rows = np.repeat(np.arange(h), w * a)
    cols = np.tile(np.repeat(np.arange(w), a), h)
    outside = (rows >= int(im_h / stride)) | (cols >= int(im_w / stride))
    scores[outside] = -1.0
    min_size = attrs["rpn_min_size"] * im_scale
    small = ((pred[:, 2] - pred[:, 0] + 1 < min_size) | (pred[:, 3] - pred[:, 1] + 1 < min_size))
    pred[small] += np.array([-1, -1, 1, 1]) * (min_size / 2)
    scores[small] = -1.0
    order = np.argsort(-scores, kind="stable")[:max(int(attrs["rpn_pre_nms_top_n"]), 0)
                                               or None]
    keep = [order[i] for i in _nms(pred[order], scores[order], attrs["threshold"])]
    post = int(attrs["rpn_post_nms_top_n"])
    picked = [keep[i % len(keep)] for i in range(post)] if keep else [0] * post
    return pred[picked], scores[picked]


DEFAULTS = dict(rpn_pre_nms_top_n=6000, rpn_post_nms_top_n=300, threshold=0.7,
                rpn_min_size=16, scales=(4.0, 8.0, 16.0, 32.0), ratios=(0.5, 1.0, 2.0),
                feature_stride=16, output_score=False, iou_loss=False)


def _anchors(attrs):
    return _base_anchors(attrs["feature_stride"], tuple(attrs["ratios"]),
                         tuple(attrs["scales"]))


def _infer(name: str, single: bool):
    def infer(ins: List[TensorType], attrs: Dict[str, Any]) -> List[TensorType]:
        prob, deltas, info = ins
        a = len(attrs["ratios"]) * len(attrs["scales"])
        if prob.ndim != 4 or prob.shape[1] != 2 * a:
            raise ShapeError("%s: cls_prob must be (N, 2*%d anchors, H, W), got shape %s"
                             % (name, a, prob.shape))
        if deltas.shape != (prob.shape[0], 4 * a) + prob.shape[2:]:
            raise ShapeError("%s: bbox_pred must have shape %s, got %s"
                             % (name, (prob.shape[0], 4 * a) + prob.shape[2:], deltas.shape))
        if info.shape != (prob.shape[0], 3):
            raise ShapeError("%s: im_info must be (N, 3) (height, width, scale), got %s"
                             % (name, info.shape))
        if single and prob.shape[0] != 1:
            raise ShapeError("Proposal: sorry, multiple images each device is not "
                             "implemented (use MultiProposal)")
        rows = prob.shape[0] * int(attrs["rpn_post_nms_top_n"])
        out = [TensorType.get((rows, 5), prob.dtype)]
        if attrs["output_score"]:
            out.append(TensorType.get((rows, 1), prob.dtype))
        return out
    return infer


def _kernel(cls_prob, bbox_pred, im_info, **attrs):
    prob, deltas = cls_prob.astype(np.float64), bbox_pred.astype(np.float64)
    info = im_info.astype(np.float64)
    anchors = _anchors(attrs)
    rois, scores = [], []
    h, w = prob.shape[2:]
    stride = attrs["feature_stride"]
    for b in range(prob.shape[0]):
        for axis, size, real in (("height", h, int(info[b, 0] / stride)),
                                 ("width", w, int(info[b, 1] / stride))):
            if size < real:  # (MXNet's check: the feature map covers the image)
                raise MXNetError("Check failed: %s >= real_%s (%d vs. %d)"
                                 % (axis, axis, size, real))
        boxes, score = _one_image(prob[b], deltas[b], info[b], anchors, attrs)
        rois.append(np.concatenate([np.full((len(boxes), 1), float(b)), boxes], 1))
        scores.append(score[:, None])
    dtype = cls_prob.dtype
    out = np.concatenate(rois).astype(dtype)
    if attrs["output_score"]:
        return out, np.concatenate(scores).astype(dtype)
    return out


def _outputs(attrs):
    return 2 if attrs["output_score"] else 1


for _name, _single, _doc in (
        ("_contrib_Proposal", True,
         "Region proposals of one image: rois (rpn_post_nms_top_n, 5) rows [0, x1, y1, x2, "
         "y2] (and their scores (rpn_post_nms_top_n, 1) with output_score=True)."),
        ("_contrib_MultiProposal", False,
         "Proposal for a batch: rois (N * rpn_post_nms_top_n, 5), rows [image, x1, y1, x2, "
         "y2] (and scores with output_score=True).")):
    register(_name, _infer(_name[9:], _single), num_inputs=3, num_outputs=_outputs,
             attrs=DEFAULTS, nondiff_note=ZERO_NOTE, doc=_doc)(_kernel).gradient(zero_gradient)
