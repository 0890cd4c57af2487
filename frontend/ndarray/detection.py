"""MXNet 1.9.1's detection operators (`mx.nd.contrib` box_iou, box_nms, box_encode,
box_decode, bipartite_matching, MultiBoxPrior, MultiBoxTarget, MultiBoxDetection, and the
`mx.npx` multibox_* names), computed on the host as MXNet's CPU kernels do.

Gradients are MXNet's: box_nms passes each kept box's cotangent back to the input row it
came from (a recorded gather of rows, suppressed rows get zero); every other operator here
has a zero gradient, so its result is recorded as the constant plus
`broadcast(sum(zeros_like(input)))` of each array input: a backward through it writes zeros,
as MXNet's does, instead of failing on an unrecorded array."""
from __future__ import annotations

from typing import List, Sequence

import numpy as np

from ..ir.errors import MXNetError
from ..trace import host_reads
from .ndarray import NDArray
from .ops import _as_inputs
from .vision import _const, _op, _reshape


def _zero_grad(inputs: Sequence[NDArray], values: np.ndarray) -> NDArray:
    """`values` as an array of inputs[0]'s class, connected to every input with a zero
    gradient (see the module docstring)."""
    first = inputs[0]
    res = type(first)._wrap(np.ascontiguousarray(values))
    if all(a._value is None for a in inputs):
        return res
    for a in inputs:
        zero = _op("sum", [_op("zeros_like", [a])], {"axis": None, "keepdims": False})
        zero = _op("Cast", [zero], {"dtype": res._data.dtype.name})
        zero = _reshape(zero, (1,) * max(res.ndim, 1))
        if res.ndim == 0:
            zero = _reshape(zero, ())
        res = res + _op("broadcast_to", [zero], {"shape": res.shape})
    return res


def _host(a: NDArray) -> np.ndarray:
    """`a`'s values on the host (noted: a hybridized trace reading them is not fixed)."""
    host_reads.note(a)
    return a._data.astype(np.float64)


def _corner(boxes: np.ndarray, fmt: str) -> np.ndarray:
    if fmt == "corner":
        return boxes
    x, y, w, h = np.moveaxis(boxes, -1, 0)
    return np.stack([x - w / 2, y - h / 2, x + w / 2, y + h / 2], axis=-1)


def _center(boxes: np.ndarray) -> np.ndarray:
    l, t, r, b = np.moveaxis(boxes, -1, 0)
    return np.stack([(l + r) / 2, (t + b) / 2, r - l, b - t], axis=-1)


def _check_format(fmt, name, key="format"):
    if fmt not in ("corner", "center"):
        raise MXNetError("%s: %s must be 'corner' or 'center', got %r" % (name, key, fmt))


def _iou(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Pairwise IoU of corner boxes a (..., 4) and b (..., 4): a.shape[:-1] + b.shape[:-1]."""
    a = a.reshape(a.shape[:-1] + (1,) * (b.ndim - 1) + (4,))
    w = np.maximum(0.0, np.minimum(a[..., 2], b[..., 2]) - np.maximum(a[..., 0], b[..., 0]))
    h = np.maximum(0.0, np.minimum(a[..., 3], b[..., 3]) - np.maximum(a[..., 1], b[..., 1]))
    inter = w * h
    union = ((a[..., 2] - a[..., 0]) * (a[..., 3] - a[..., 1])
             + (b[..., 2] - b[..., 0]) * (b[..., 3] - b[..., 1]) - inter)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(union <= 0, 0.0, inter / np.where(union <= 0, 1.0, union))


def box_iou(lhs, rhs, format="corner", out=None, **kw):  # noqa: A002  (MXNet's name)
    """Pairwise intersection-over-union of boxes lhs (..., 4) and rhs (..., 4):
    shape lhs.shape[:-1] + rhs.shape[:-1]; zero gradient."""
    lhs, rhs = _as_inputs([lhs, rhs])
    _check_format(format, "box_iou")
    for side, a in (("lhs", lhs), ("rhs", rhs)):
        if a.ndim < 1 or a.shape[-1] != 4:
            raise MXNetError("box_iou: last dimension of %s must be 4 %d provided"
                             % (side, a.shape[-1] if a.ndim else 0))
    res = _iou(_corner(_host(lhs), format), _corner(_host(rhs), format))
    return _zero_grad([lhs, rhs], res.astype(lhs._data.dtype))


def _nms_order(rows, score_index, id_index, coord_start, valid_thresh, topk, background_id,
               overlap_thresh, force_suppress, in_format) -> List[int]:
    """Indices of the rows box_nms keeps, best score first."""
    scores = rows[:, score_index]
    valid = scores > valid_thresh
    if id_index >= 0:
        valid &= rows[:, id_index] != background_id
    order = [int(i) for i in np.argsort(-scores, kind="stable") if valid[i]]
    if topk > 0:
        order = order[:topk]
    boxes = _corner(rows[:, coord_start:coord_start + 4], in_format)
    keep, alive = [], [True] * len(order)
    for a, i in enumerate(order):
        if not alive[a]:
            continue
        keep.append(i)
        for z in range(a + 1, len(order)):
            j = order[z]
            if alive[z] and (force_suppress or id_index < 0
                             or rows[i, id_index] == rows[j, id_index]):
                if _iou(boxes[i], boxes[j]) > overlap_thresh:
                    alive[z] = False
    return keep


def box_nms(data, overlap_thresh=0.5, valid_thresh=0.0, topk=-1, coord_start=2,
            score_index=1, id_index=-1, background_id=-1, force_suppress=False,
            in_format="corner", out_format="corner", out=None, **kw):
    """Non-maximum suppression of the boxes in the rows of `data` (..., n, k): kept rows
    first, best score first, the rest -1. The gradient of a kept row goes back to the
    input row it came from (unchanged by a format conversion, as in MXNet)."""
    data = _as_inputs([data])[0]
    _check_format(in_format, "box_nms", "in_format")
    _check_format(out_format, "box_nms", "out_format")
    if data.ndim < 2:
        raise MXNetError("box_nms: input must have at least 2 dimensions (n, k), got shape %s"
                         % (data.shape,))
    n, k = data.shape[-2:]
    if not (0 <= coord_start and coord_start + 4 <= k and 0 <= score_index < k
            and id_index < k):
        raise MXNetError("box_nms: coord_start=%d, score_index=%d, id_index=%d do not fit "
                         "rows of width %d" % (coord_start, score_index, id_index, k))
    rows = _host(data).reshape(-1, n, k)
    source = np.zeros((rows.shape[0], n), np.int64)
    kept = np.zeros((rows.shape[0], n), bool)
    for b in range(rows.shape[0]):
        keep = _nms_order(rows[b], score_index, id_index, coord_start, valid_thresh, topk,
                          background_id, overlap_thresh, force_suppress, in_format)
        source[b, :len(keep)] = np.asarray(keep, np.int64) + b * n
        kept[b, :len(keep)] = True
    flat = _reshape(data, (-1, k))
    picked = _op("take", [flat, type(data)._wrap(source.reshape(-1))], {"axis": 0, "mode": "clip"})
    mask = np.repeat(kept.reshape(-1, 1), k, axis=1)
    if in_format != out_format:
        host = picked._data.astype(np.float64)
        coords = host[:, coord_start:coord_start + 4]
        host[:, coord_start:coord_start + 4] = (_center(coords) if out_format == "center"
                                                else _corner(coords, "center"))
        # the converted values, with the gradient of the plain row copy
        picked = _const(data, host) + (picked - _op("BlockGrad", [picked]))
    res = _op("where", [_const(data, mask), picked, _const(data, np.full(mask.shape, -1.0))])
    return _reshape(res, data.shape)


box_non_maximum_suppression = box_nms


def box_encode(samples, matches, anchors, refs, means, stds, out=None, **kw):
    """Regression targets of the positive samples (samples > 0.5): (targets, masks), each
    (B, N, 4): ((ref centre - anchor centre) / anchor size, log(ref size / anchor size)),
    minus `means`, over `stds`; 0 with mask 0 elsewhere. Zero gradient."""
    arrays = _as_inputs([samples, matches, anchors, refs, means, stds])
    s, m, a, r, mu, sd = (_host(x) for x in arrays)
    if a.ndim != 3 or a.shape[-1] != 4 or r.ndim != 3 or r.shape[-1] != 4:
        raise MXNetError("box_encode: anchors (B, N, 4) and refs (B, M, 4) expected, got %s "
                         "and %s" % (a.shape, r.shape))
    if s.shape != a.shape[:2] or m.shape != a.shape[:2]:
        raise MXNetError("box_encode: samples and matches must be (B, N) = %s, got %s and %s"
                         % (a.shape[:2], s.shape, m.shape))
    idx = np.clip(m.astype(np.int64), 0, r.shape[1] - 1)
    ref = np.take_along_axis(r, idx[..., None].repeat(4, axis=-1), axis=1)
    ac, rc = _center(a), _center(ref)
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.concatenate([(rc[..., :2] - ac[..., :2]) / ac[..., 2:],
                            np.log(rc[..., 2:] / ac[..., 2:])], axis=-1)
        t = (t - mu) / sd
    pos = (s > 0.5)[..., None]
    dtype = arrays[2]._data.dtype
    targets = np.where(pos, t, 0.0).astype(dtype)
    masks = np.broadcast_to(pos, t.shape).astype(dtype)
    return [_zero_grad(arrays, targets), _zero_grad(arrays, masks)]


def box_decode(data, anchors, std0=1.0, std1=1.0, std2=1.0, std3=1.0, clip=-1.0,
               format="center", out=None, **kw):  # noqa: A002  (MXNet's name)
    """Boxes (B, N, 4, corner format) from offsets `data` (B, N, 4) relative to `anchors`
    (1, N, 4, in `format`): the inverse of box_encode, widths through exp (clipped at
    `clip` when positive). Zero gradient, as in MXNet."""
    data, anchors = _as_inputs([data, anchors])
    _check_format(format, "box_decode")
    d, a = _host(data), _host(anchors)
    if d.ndim != 3 or d.shape[-1] != 4 or a.ndim != 3 or a.shape[-1] != 4:
        raise MXNetError("box_decode: data (B, N, 4) and anchors (1, N, 4) expected, got %s "
                         "and %s" % (d.shape, a.shape))
    ac = _center(a) if format == "corner" else a
    ox = d[..., 0] * std0 * ac[..., 2] + ac[..., 0]
    oy = d[..., 1] * std1 * ac[..., 3] + ac[..., 1]
    dw, dh = d[..., 2] * std2, d[..., 3] * std3
    if clip > 0:
        dw, dh = np.minimum(dw, clip), np.minimum(dh, clip)
    hw, hh = np.exp(dw) * ac[..., 2] * 0.5, np.exp(dh) * ac[..., 3] * 0.5
    res = np.stack([ox - hw, oy - hh, ox + hw, oy + hh], axis=-1)
    return _zero_grad([data, anchors], res.astype(data._data.dtype))


def bipartite_matching(data, threshold=None, is_ascend=False, topk=-1, out=None, **kw):
    """Greedy bipartite matching of the score matrices in `data` (..., N, M): pairs taken
    best score first (ties: first in row-major order) while the score beats `threshold`
    (MXNet 1.9.1 stops once it has made more than `topk` matches, topk > 0). Returns
    (row -> column, column -> row) markers, -1 where unmatched. Zero gradient."""
    if threshold is None:
        raise MXNetError("Required parameter threshold of float is not presented, in "
                         "operator _contrib_bipartite_matching")
    data = _as_inputs([data])[0]
    if data.ndim < 2:
        raise MXNetError("bipartite_matching: input must be at least 2-D (N, M), got shape %s"
                         % (data.shape,))
    n, m = data.shape[-2:]
    scores = _host(data).reshape(-1, n * m)
    rows = np.full((scores.shape[0], n), -1.0)
    cols = np.full((scores.shape[0], m), -1.0)
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
                if 0 < topk < count:  # MXNet 1.9.1 stops after topk + 1 matches
                    break
    dtype = data._data.dtype
    lead = data.shape[:-2]
    return [_zero_grad([data], rows.reshape(lead + (n,)).astype(dtype)),
            _zero_grad([data], cols.reshape(lead + (m,)).astype(dtype))]


__all__ = ("box_iou", "box_nms", "box_non_maximum_suppression", "box_encode", "box_decode",
           "bipartite_matching")
