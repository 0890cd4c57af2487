"""MXNet 1.9.1's box operators (`mx.nd.contrib` / `mx.sym.contrib` box_iou, box_nms,
box_encode, box_decode, bipartite_matching), computed as MXNet's CPU kernels do. Each
output's shape depends on the input shapes and attributes only, so each is an ordinary
operator: a hybridized block holding one traces to a fixed graph and exports it.

Gradients are MXNet's. `_contrib_box_nms` has, as in MXNet, a hidden second output (its
visible outputs: 1) holding for every output row the flat index of the input row it came
from (over the rows of every leading axis, -1 for padding rows); its gradient passes each
kept row's cotangent back to that input row (a `_take_scatter`), unchanged by a format
conversion, as MXNet's `_backward_contrib_box_nms`. The other operators have a zero
gradient (MXNet defines theirs so)."""
from __future__ import annotations

from typing import Any, Dict, List

import numpy as np

from tapegraph.ir.errors import ShapeError
from tapegraph.ir.registry import REQUIRED, register
from tapegraph.ir.types import TensorType

_FORMATS = ("corner", "center")
ZERO_NOTE = "MXNet 1.9.1 defines its gradient as zero"


def zero_gradient(b, node, g) -> List[Any]:
    """Every input gets a zero cotangent (MXNet's gradient of these operators)."""
    return [None] * len(node.inputs)


def corner(boxes: np.ndarray, fmt: str) -> np.ndarray:
    """Boxes (..., 4) in corner format (xmin, ymin, xmax, ymax) from `fmt`."""
    if fmt == "corner":
        return boxes
    x, y, w, h = np.moveaxis(boxes, -1, 0)
    return np.stack([x - w / 2, y - h / 2, x + w / 2, y + h / 2], axis=-1)


def center(boxes: np.ndarray) -> np.ndarray:
    """Corner boxes (..., 4) in center format (x, y, width, height)."""
    l, t, r, b = np.moveaxis(boxes, -1, 0)
    return np.stack([(l + r) / 2, (t + b) / 2, r - l, b - t], axis=-1)


def iou(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Pairwise IoU of corner boxes a (..., 4) and b (..., 4): a.shape[:-1] + b.shape[:-1]."""
    a = a.reshape(a.shape[:-1] + (1,) * (b.ndim - 1) + (4,))
    w = np.maximum(0.0, np.minimum(a[..., 2], b[..., 2]) - np.maximum(a[..., 0], b[..., 0]))
    h = np.maximum(0.0, np.minimum(a[..., 3], b[..., 3]) - np.maximum(a[..., 1], b[..., 1]))
    inter = w * h
    union = ((a[..., 2] - a[..., 0]) * (a[..., 3] - a[..., 1])
             + (b[..., 2] - b[..., 0]) * (b[..., 3] - b[..., 1]) - inter)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(union <= 0, 0.0, inter / np.where(union <= 0, 1.0, union))


def _check_format(fmt: Any, name: str, key: str = "format") -> None:
    if fmt not in _FORMATS:
        raise ShapeError("%s: %s must be 'corner' or 'center', got %r" % (name, key, fmt))


def _f64(x: np.ndarray) -> np.ndarray:
    return x.astype(np.float64)


# ---------------------------------------------------------------- box_iou

def _iou_infer(ins: List[TensorType], attrs: Dict[str, Any]) -> List[TensorType]:
    _check_format(attrs["format"], "box_iou")
    for side, t in zip(("lhs", "rhs"), ins):
        if t.ndim < 1 or t.shape[-1] != 4:
            raise ShapeError("box_iou: last dimension of %s must be 4 %d provided"
                             % (side, t.shape[-1] if t.ndim else 0))
    return [TensorType.get(ins[0].shape[:-1] + ins[1].shape[:-1], ins[0].dtype)]


@register("_contrib_box_iou", _iou_infer, num_inputs=2, attrs={"format": "corner"},
          nondiff_note=ZERO_NOTE)
def box_iou(lhs, rhs, format):  # noqa: A002  (MXNet's attribute name)
    """Pairwise intersection-over-union of boxes lhs (..., 4) and rhs (..., 4): shape
    lhs.shape[:-1] + rhs.shape[:-1]."""
    return iou(corner(_f64(lhs), format), corner(_f64(rhs), format)).astype(lhs.dtype)


box_iou.gradient(zero_gradient)


# ---------------------------------------------------------------- box_nms

_NMS = {"overlap_thresh": 0.5, "valid_thresh": 0.0, "topk": -1, "coord_start": 2,
        "score_index": 1, "id_index": -1, "background_id": -1, "force_suppress": False,
        "in_format": "corner", "out_format": "corner"}


def _nms_infer(ins: List[TensorType], attrs: Dict[str, Any]) -> List[TensorType]:
    t = ins[0]
    _check_format(attrs["in_format"], "box_nms", "in_format")
    _check_format(attrs["out_format"], "box_nms", "out_format")
    if t.ndim < 2:
        raise ShapeError("box_nms: input must have at least 2 dimensions (n, k), got shape %s"
                         % (t.shape,))
    k = t.shape[-1]
    start, score, ident = (int(attrs[a]) for a in ("coord_start", "score_index", "id_index"))
    if not (0 <= start and start + 4 <= k and 0 <= score < k and ident < k):
        raise ShapeError("box_nms: coord_start=%d, score_index=%d, id_index=%d do not fit "
                         "rows of width %d" % (start, score, ident, k))
    return [t, TensorType.get(t.shape[:-1] + (1,), t.dtype)]


def nms_order(rows, score_index, id_index, coord_start, valid_thresh, topk, background_id,
              overlap_thresh, force_suppress, in_format) -> List[int]:
    """Indices of the rows (n, k) box_nms keeps, best score first: the valid rows by
    descending score (ties in row order), the first `topk`, each suppressing the later
    ones (of its class, unless `force_suppress` or without ids) it overlaps by more than
    `overlap_thresh`."""
    scores = rows[:, score_index]
    valid = scores > valid_thresh
    if id_index >= 0:
        valid &= rows[:, id_index] != background_id
    order = np.array([i for i in np.argsort(-scores, kind="stable") if valid[i]], np.int64)
    if topk > 0:
        order = order[:topk]
    boxes = corner(rows[:, coord_start:coord_start + 4], in_format)
    alive = np.ones(len(order), bool)
    keep = []
    for a, i in enumerate(order):
        if not alive[a]:
            continue
        keep.append(int(i))
        later = order[a + 1:]
        hit = alive[a + 1:] & (iou(boxes[i], boxes[later]) > overlap_thresh)
        if not (force_suppress or id_index < 0):
            hit &= rows[later, id_index] == rows[i, id_index]
        alive[a + 1:] &= ~hit
    return keep


@register("_contrib_box_nms", _nms_infer, attrs=_NMS, num_outputs=2, visible_outputs=1)
def box_nms(data, overlap_thresh, valid_thresh, topk, coord_start, score_index, id_index,
            background_id, force_suppress, in_format, out_format):
    """Non-maximum suppression of the boxes in the rows of `data` (..., n, k): kept rows
    first, best score first, the rest -1. Hidden second output (..., n, 1): the flat index
    of each output row's input row, -1 for padding."""
    n, k = data.shape[-2:]
    rows = data.reshape(-1, n, k)
    out = np.full(rows.shape, -1.0)
    source = np.full(rows.shape[:2], -1.0)
    for b in range(rows.shape[0]):
        keep = nms_order(_f64(rows[b]), int(score_index), int(id_index), int(coord_start),
                         valid_thresh, int(topk), background_id, overlap_thresh,
                         force_suppress, in_format)
        out[b, :len(keep)] = rows[b, keep]
        source[b, :len(keep)] = np.asarray(keep, np.float64) + b * n
        if in_format != out_format and keep:
            coords = out[b, :len(keep), coord_start:coord_start + 4]
            out[b, :len(keep), coord_start:coord_start + 4] = (
                center(coords) if out_format == "center" else corner(coords, "center"))
    return (out.reshape(data.shape).astype(data.dtype),
            source.reshape(data.shape[:-1] + (1,)).astype(data.dtype))


def _nms_rows(b, node):
    """(data's rows as (rows, k), where each output row came from (rows,), its mask)."""
    shape = node.inputs[0].type.shape
    rows = int(np.prod(shape[:-1]))
    src = b.op("Reshape", node.outputs[1], shape=(rows,))
    kept = b.op("broadcast_to", b.op("Reshape", b.op("_greater_equal_scalar", node.outputs[1],
                                                     scalar=0.0), shape=(rows, 1)),
                shape=(rows, shape[-1]))
    return (rows, shape[-1]), src, kept


@box_nms.gradient
def _nms_vjp(b, node, g):
    if g[0] is None:
        return [None]
    flat, src, kept = _nms_rows(b, node)
    rows = b.op("Reshape", g[0], shape=flat)
    rows = b.op("where", kept, rows, b.op("zeros_like", rows))
    dx = b.op("_take_scatter", rows, src, shape=flat, axis=0, mode="clip")
    return [b.op("Reshape", dx, shape=node.inputs[0].type.shape)]


@box_nms.jvp
def _nms_jvp(b, node, t):
    # the transpose of the gradient: each kept row's tangent is its input row's
    if t[0] is None:
        return [None, None]
    flat, src, kept = _nms_rows(b, node)
    rows = b.op("take", b.op("Reshape", t[0], shape=flat), src, axis=0, mode="clip")
    rows = b.op("where", kept, rows, b.op("zeros_like", rows))
    return [b.op("Reshape", rows, shape=node.outputs[0].type.shape), None]


# ---------------------------------------------------------------- box_encode, box_decode

def _encode_infer(ins: List[TensorType], attrs: Dict[str, Any]) -> List[TensorType]:
    s, m, a, r, mu, sd = ins
    if a.ndim != 3 or a.shape[-1] != 4 or r.ndim != 3 or r.shape[-1] != 4:
        raise ShapeError("box_encode: anchors (B, N, 4) and refs (B, M, 4) expected, got %s "
                         "and %s" % (a.shape, r.shape))
    if s.shape != a.shape[:2] or m.shape != a.shape[:2]:
        raise ShapeError("box_encode: samples and matches must be (B, N) = %s, got %s and %s"
                         % (a.shape[:2], s.shape, m.shape))
    for name, t in (("means", mu), ("stds", sd)):
        if not _broadcasts_to(t.shape, a.shape):
            raise ShapeError("box_encode: %s of shape %s do not broadcast to the anchors' "
                             "%s" % (name, t.shape, a.shape))
    return [a, a]


@register("_contrib_box_encode", _encode_infer, num_inputs=6, num_outputs=2,
          nondiff_note=ZERO_NOTE)
def box_encode(samples, matches, anchors, refs, means, stds):
    """Regression targets of the positive samples (samples > 0.5): (targets, masks), each
    (B, N, 4): ((ref centre - anchor centre) / anchor size, log(ref size / anchor size)),
    minus `means`, over `stds`; 0 with mask 0 elsewhere."""
    a, r = _f64(anchors), _f64(refs)
    idx = np.clip(matches.astype(np.float64).astype(np.int64), 0, r.shape[1] - 1)
    ref = np.take_along_axis(r, idx[..., None].repeat(4, axis=-1), axis=1)
    ac, rc = center(a), center(ref)
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.concatenate([(rc[..., :2] - ac[..., :2]) / ac[..., 2:],
                            np.log(rc[..., 2:] / ac[..., 2:])], axis=-1)
        t = (t - _f64(means)) / _f64(stds)
    pos = (_f64(samples) > 0.5)[..., None]
    return (np.where(pos, t, 0.0).astype(anchors.dtype),
            np.broadcast_to(pos, t.shape).astype(anchors.dtype))


box_encode.gradient(zero_gradient)

_DECODE = {"std0": 1.0, "std1": 1.0, "std2": 1.0, "std3": 1.0, "clip": -1.0, "format": "center"}


def _broadcasts_to(shape, target) -> bool:
    """Whether an array of `shape` broadcasts to `target` (without growing it)."""
    try:
        return np.broadcast_shapes(shape, target) == tuple(target)
    except ValueError:
        return False


def _decode_infer(ins: List[TensorType], attrs: Dict[str, Any]) -> List[TensorType]:
    d, a = ins
    _check_format(attrs["format"], "box_decode")
    if not (d.ndim == 3 and a.ndim == 3 and d.shape[-1] == 4 and a.shape[-1] == 4
            and _broadcasts_to(a.shape, d.shape)):
        raise ShapeError("box_decode: data (B, N, 4) and anchors (1, N, 4) expected, got %s "
                         "and %s" % (d.shape, a.shape))
    return [d]


@register("_contrib_box_decode", _decode_infer, num_inputs=2, attrs=_DECODE,
          nondiff_note=ZERO_NOTE)
def box_decode(data, anchors, std0, std1, std2, std3, clip, format):  # noqa: A002
    """Boxes (B, N, 4, corner format) from offsets `data` (B, N, 4) relative to `anchors`
    (1, N, 4, in `format`): the inverse of box_encode, widths through exp (clipped at
    `clip` when positive)."""
    d, a = _f64(data), _f64(anchors)
    ac = center(a) if format == "corner" else a
    ox = d[..., 0] * std0 * ac[..., 2] + ac[..., 0]
    oy = d[..., 1] * std1 * ac[..., 3] + ac[..., 1]
    dw, dh = d[..., 2] * std2, d[..., 3] * std3
    if clip > 0:
        dw, dh = np.minimum(dw, clip), np.minimum(dh, clip)
    with np.errstate(over="ignore"):
        hw, hh = np.exp(dw) * ac[..., 2] * 0.5, np.exp(dh) * ac[..., 3] * 0.5
    return np.stack([ox - hw, oy - hh, ox + hw, oy + hh], axis=-1).astype(data.dtype)


box_decode.gradient(zero_gradient)


# ---------------------------------------------------------------- bipartite_matching

def _matching_infer(ins: List[TensorType], attrs: Dict[str, Any]) -> List[TensorType]:
    t = ins[0]
    if t.ndim < 2:
        raise ShapeError("bipartite_matching: input must be at least 2-D (N, M), got shape %s"
                         % (t.shape,))
    return [TensorType.get(t.shape[:-1], t.dtype),
            TensorType.get(t.shape[:-2] + t.shape[-1:], t.dtype)]


@register("_contrib_bipartite_matching", _matching_infer, num_outputs=2,
          attrs={"is_ascend": False, "threshold": REQUIRED, "topk": -1},
          nondiff_note=ZERO_NOTE)
def bipartite_matching(data, is_ascend, threshold, topk):
    """Greedy bipartite matching of the score matrices in `data` (..., N, M): pairs taken
    best score first (ties: first in row-major order) while the score beats `threshold`
    (MXNet 1.9.1 stops once it has made more than `topk` matches, topk > 0). Returns
    (row -> column, column -> row) markers, -1 where unmatched."""
    n, m = data.shape[-2:]
    scores = _f64(data).reshape(-1, n * m)
    rows = np.full((scores.shape[0], n), -1.0)
    cols = np.full((scores.shape[0], m), -1.0)
    most = min(n, m)
    for b, s in enumerate(scores):
        order = np.argsort(s if is_ascend else -s, kind="stable")
        count = 0
        for flat in order:
            v = s[flat]
            if not (v < threshold if is_ascend else v > threshold):
                break
            i, j = divmod(int(flat), m)
            if rows[b, i] == -1 and cols[b, j] == -1:
                rows[b, i], cols[b, j] = j, i
                count += 1
                if 0 < topk < count or count == most:  # (MXNet: after topk + 1 matches)
                    break
    lead = data.shape[:-2]
    return (rows.reshape(lead + (n,)).astype(data.dtype),
            cols.reshape(lead + (m,)).astype(data.dtype))


bipartite_matching.gradient(zero_gradient)


def floats(value: Any) -> tuple:
    """An attribute of floats (one number or a sequence) as a tuple."""
    try:
        return tuple(float(v) for v in value)
    except TypeError:
        return (float(value),)


# ---------------------------------------------------------------- forward mode (see _jvp.py)

from ._jvp import set_rule, zero  # noqa: E402  (after the operators)

set_rule(zero, ["_contrib_box_iou", "_contrib_box_encode", "_contrib_box_decode",
                "_contrib_bipartite_matching"])
