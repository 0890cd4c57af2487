"""MXNet 1.9.1's region proposal operators (`mx.nd.contrib` Proposal and MultiProposal, the
RPN of Faster R-CNN): calls of the registered operators of tapegraph.ir.ops.proposal, which
hold their computation (as MXNet's CPU kernel), shape rules and checks; zero gradient, as
in MXNet. Their outputs' shapes depend on shapes and attributes only, so a hybridized RPN
head traces to a fixed graph and exports."""
from __future__ import annotations

from ..ir.ops.detection import floats
from ..ir.ops.proposal import DEFAULTS
from .detection import call
from .ndarray import write_out


def _attrs(kw):
    attrs = {}
    for key, default in DEFAULTS.items():
        v = kw.pop(key, default)
        attrs[key] = floats(v) if isinstance(default, tuple) else type(default)(v)
    return attrs


def Proposal(cls_prob, bbox_pred, im_info, out=None, name=None, **kw):
    """Region proposals of one image: rois (rpn_post_nms_top_n, 5) rows [0, x1, y1, x2, y2]
    (and their scores (rpn_post_nms_top_n, 1) with output_score=True)."""
    return write_out(call("_contrib_Proposal", "proposal", [cls_prob, bbox_pred, im_info],
                          _attrs(kw), name), out)


def MultiProposal(cls_prob, bbox_pred, im_info, out=None, name=None, **kw):
    """Proposal for a batch: rois (N * rpn_post_nms_top_n, 5), rows [image, x1, y1, x2,
    y2] (and scores with output_score=True)."""
    return write_out(call("_contrib_MultiProposal", "multiproposal",
                          [cls_prob, bbox_pred, im_info], _attrs(kw), name), out)
