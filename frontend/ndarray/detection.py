"""MXNet 1.9.1's detection operators in `mx.nd.contrib` (box_iou, box_nms /
box_non_maximum_suppression, box_encode, box_decode, bipartite_matching): calls of the
registered operators of tapegraph.ir.ops.detection, which hold their computation, shape
rules, checks and gradients (box_nms passes each kept row's cotangent back to its input
row; the others have a zero gradient, as in MXNet). Recorded like any operator, so a
hybridized block using them traces to a fixed graph and exports."""
from __future__ import annotations

from contextlib import nullcontext
from typing import Any, Dict, Optional, Sequence

from ..ir import get_op
from ..ir.errors import MXNetError
from ..trace.invoke import invoke
from ..trace.opnames import _SCOPES as _NAME_SCOPES, auto_naming, naming
from .ndarray import write_out
from .ops import _as_inputs


def call(op: str, hint: str, arrays: Sequence[Any], attrs: Dict[str, Any],
         name: Optional[str] = None) -> Any:
    """Operator `op` on `arrays` (NDArrays of one class, or numbers): its visible
    output(s). Inside a hybridized block's trace the node is named `name`, or by `hint` (the
    function called) as MXNet's name manager names it."""
    arrays = _as_inputs(arrays)
    opdef = get_op(op)
    scope = nullcontext() if not _NAME_SCOPES else (
        naming(name) if name is not None else auto_naming(hint))
    with scope:
        result = invoke(opdef, arrays, attrs, out_cls=type(arrays[0]))
    if opdef.visible_outputs is not None:
        result = result[0] if opdef.visible_outputs == 1 else \
            tuple(result[:opdef.visible_outputs])
    return list(result) if isinstance(result, tuple) else result


def box_iou(lhs, rhs, format="corner", out=None, name=None, **kw):  # noqa: A002  (MXNet's)
    """Pairwise intersection-over-union of boxes lhs (..., 4) and rhs (..., 4): shape
    lhs.shape[:-1] + rhs.shape[:-1]; zero gradient."""
    return write_out(call("_contrib_box_iou", "box_iou", [lhs, rhs], {"format": format},
                          name), out)


def _nms(hint):
    def box_nms(data, overlap_thresh=0.5, valid_thresh=0.0, topk=-1, coord_start=2,
                score_index=1, id_index=-1, background_id=-1, force_suppress=False,
                in_format="corner", out_format="corner", out=None, name=None, **kw):
        """Non-maximum suppression of the boxes in the rows of `data` (..., n, k): kept rows
        first, best score first, the rest -1. The gradient of a kept row goes back to the
        input row it came from (unchanged by a format conversion, as in MXNet)."""
        attrs = {"overlap_thresh": float(overlap_thresh), "valid_thresh": float(valid_thresh),
                 "topk": int(topk), "coord_start": int(coord_start),
                 "score_index": int(score_index), "id_index": int(id_index),
                 "background_id": int(background_id), "force_suppress": bool(force_suppress),
                 "in_format": in_format, "out_format": out_format}
        return write_out(call("_contrib_box_nms", hint, [data], attrs, name), out)
    box_nms.__name__ = box_nms.__qualname__ = hint
    return box_nms


box_nms = _nms("box_nms")
box_non_maximum_suppression = _nms("box_non_maximum_suppression")


def box_encode(samples, matches, anchors, refs, means, stds, out=None, name=None, **kw):
    """Regression targets of the positive samples (samples > 0.5): (targets, masks), each
    (B, N, 4): ((ref centre - anchor centre) / anchor size, log(ref size / anchor size)),
    minus `means`, over `stds`; 0 with mask 0 elsewhere. Zero gradient."""
    return call("_contrib_box_encode", "box_encode",
                [samples, matches, anchors, refs, means, stds], {}, name)


def box_decode(data, anchors, std0=1.0, std1=1.0, std2=1.0, std3=1.0, clip=-1.0,
               format="center", out=None, name=None, **kw):  # noqa: A002  (MXNet's name)
    """Boxes (B, N, 4, corner format) from offsets `data` (B, N, 4) relative to `anchors`
    (1, N, 4, in `format`): the inverse of box_encode, widths through exp (clipped at
    `clip` when positive). Zero gradient, as in MXNet."""
    attrs = {"std0": float(std0), "std1": float(std1), "std2": float(std2),
             "std3": float(std3), "clip": float(clip), "format": format}
    return write_out(call("_contrib_box_decode", "box_decode", [data, anchors], attrs, name),
                     out)


def bipartite_matching(data, threshold=None, is_ascend=False, topk=-1, out=None, name=None,
                       **kw):
    """Greedy bipartite matching of the score matrices in `data` (..., N, M): pairs taken
    best score first (ties: first in row-major order) while the score beats `threshold`
    (MXNet 1.9.1 stops once it has made more than `topk` matches, topk > 0). Returns
    (row -> column, column -> row) markers, -1 where unmatched. Zero gradient."""
    if threshold is None:
        raise MXNetError("Required parameter threshold of float is not presented, in "
                         "operator _contrib_bipartite_matching(name=\"\")")
    attrs = {"is_ascend": bool(is_ascend), "threshold": float(threshold), "topk": int(topk)}
    return call("_contrib_bipartite_matching", "bipartite_matching", [data], attrs, name)


__all__ = ("box_iou", "box_nms", "box_non_maximum_suppression", "box_encode", "box_decode",
           "bipartite_matching")
