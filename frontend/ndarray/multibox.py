"""MXNet 1.9.1's SSD operators: `mx.nd.contrib` MultiBoxPrior, MultiBoxTarget,
MultiBoxDetection and `mx.npx` multibox_prior / multibox_target / multibox_detection, calls
of the registered operators of tapegraph.ir.ops.multibox (their computation, shape rules,
checks; zero gradients, as in MXNet)."""
from __future__ import annotations

from ..ir.ops.detection import floats
from .detection import call
from .ndarray import write_out


def _prior(hint):
    def prior(data, sizes=(1.0,), ratios=(1.0,), clip=False, steps=(-1.0, -1.0),
              offsets=(0.5, 0.5), out=None, name=None, **kw):
        """Anchor boxes (1, H*W*(len(sizes)+len(ratios)-1), 4) in corner format for the
        cells of the (N, C, H, W) feature map: per cell, every size at ratios[0], then
        sizes[0] at each of ratios[1:]."""
        attrs = {"sizes": floats(sizes), "ratios": floats(ratios), "clip": bool(clip),
                 "steps": floats(steps), "offsets": floats(offsets)}
        return write_out(call("_contrib_MultiBoxPrior", hint, [data], attrs, name), out)
    return prior


def _target(hint):
    def target(anchor, label, cls_pred, overlap_threshold=0.5, ignore_label=-1.0,
               negative_mining_ratio=-1.0, negative_mining_thresh=0.5,
               minimum_negative_samples=0, variances=(0.1, 0.1, 0.2, 0.2), out=None,
               name=None, **kw):
        """SSD training targets: (loc_target (B, A*4), loc_mask (B, A*4), cls_target (B, A)).
        Anchors matched to a ground truth (labels (B, L, 5+): class, corner box; rows from
        the first class -1 are padding) get class + 1 and encoded offsets; negatives (all,
        or the hardest by background probability with negative mining) get 0; the rest
        ignore_label."""
        attrs = {"overlap_threshold": float(overlap_threshold),
                 "ignore_label": float(ignore_label),
                 "negative_mining_ratio": float(negative_mining_ratio),
                 "negative_mining_thresh": float(negative_mining_thresh),
                 "minimum_negative_samples": int(minimum_negative_samples),
                 "variances": floats(variances)}
        return call("_contrib_MultiBoxTarget", hint, [anchor, label, cls_pred], attrs, name)
    return target


def _detection(hint):
    def detection(cls_prob, loc_pred, anchor, clip=True, threshold=0.01, background_id=0,
                  nms_threshold=0.5, force_suppress=False, variances=(0.1, 0.1, 0.2, 0.2),
                  nms_topk=-1, out=None, name=None, **kw):
        """SSD detections (B, A, 6) of rows [class, score, xmin, ymin, xmax, ymax]: each
        anchor's best non-background class (score >= threshold) with its decoded box, best
        score first, then non-maximum suppression (class -1 for suppressed rows); unused
        rows are -1. As in MXNet, with nms_topk the rows past the top k keep their unsorted
        content and take part in the suppression."""
        attrs = {"clip": bool(clip), "threshold": float(threshold),
                 "background_id": int(background_id), "nms_threshold": float(nms_threshold),
                 "force_suppress": bool(force_suppress), "variances": floats(variances),
                 "nms_topk": int(nms_topk)}
        return write_out(call("_contrib_MultiBoxDetection", hint, [cls_prob, loc_pred, anchor],
                              attrs, name), out)
    return detection


def _named(fn, name, doc=None):
    fn.__name__ = fn.__qualname__ = name
    if doc:
        fn.__doc__ = doc
    return fn


MultiBoxPrior = _named(_prior("multiboxprior"), "MultiBoxPrior")
MultiBoxTarget = _named(_target("multiboxtarget"), "MultiBoxTarget")
MultiBoxDetection = _named(_detection("multiboxdetection"), "MultiBoxDetection")
multibox_prior = _named(_prior("multibox_prior"), "multibox_prior",
                        "`mx.npx.multibox_prior`: MultiBoxPrior on mx.np arrays.")
multibox_target = _named(_target("multibox_target"), "multibox_target",
                         "`mx.npx.multibox_target`: MultiBoxTarget on mx.np arrays.")
multibox_detection = _named(_detection("multibox_detection"), "multibox_detection",
                            "`mx.npx.multibox_detection`: MultiBoxDetection on mx.np arrays.")
