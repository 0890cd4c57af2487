"""`mx.sym.contrib`: MXNet 1.9.1's `_contrib_*` operators that tapegraph builds as Symbols
(`mx.sym.contrib.quadratic(x, a=1)` makes a `_contrib_quadratic` node named `quadratic0`,
as MXNet does), MXNet's Python-level `rand_zipfian`, and stand-ins (NotImplementedError
with the reason) for the rest: see `api.unavailable`."""
from __future__ import annotations

import math

from .api.attrs import AttrScope  # noqa: F401  (MXNet's mx.sym.contrib re-exports it)
from .api.op_functions import make_op_function
from .api.symbol import OUTPUT_NAMES, Symbol
from .api.unavailable import STAND_INS
from . import random

NAMES = ("quadratic", "div_sqrt_dim", "gradientmultiplier", "round_ste", "sign_ste",
         "AdaptiveAvgPooling2D", "BilinearResize2D", "SyncBatchNorm", "BatchNormWithReLU",
         "arange_like",
         "interleaved_matmul_selfatt_qk", "interleaved_matmul_selfatt_valatt",
         "interleaved_matmul_encdec_qk", "interleaved_matmul_encdec_valatt",
         "count_sketch", "index_array", "index_copy", "allclose", "hawkesll", "MultiBoxPrior",
         "MultiBoxTarget", "MultiBoxDetection", "box_iou", "box_nms", "box_encode",
         "box_decode", "bipartite_matching", "ROIAlign", "PSROIPooling", "RROIAlign",
         "DeformablePSROIPooling", "DeformableConvolution", "ModulatedDeformableConvolution",
         "Proposal", "MultiProposal")
# Names whose operator is not `_contrib_<name>`.
OPERATORS = {"CTCLoss": "CTCLoss", "ctc_loss": "CTCLoss", "uniform": "_random_uniform",
             "box_non_maximum_suppression": "_contrib_box_nms"}


# MXNet's names of the outputs of its legacy operators (their ListOutputs)
OUTPUT_NAMES["ROIPooling"] = lambda node: [node.name + "_output", node.name + "_maxidx"]
OUTPUT_NAMES["_contrib_Proposal"] = OUTPUT_NAMES["_contrib_MultiProposal"] = lambda node: [
    node.name + "_output", node.name + "_score"]
OUTPUT_NAMES["_contrib_MultiBoxTarget"] = lambda node: [
    node.name + "_" + k for k in ("loc_target", "loc_mask", "cls_target")]


def rand_zipfian(true_classes: Symbol, num_sampled: int, range_max: int):
    """Candidates sampled from the log-uniform (Zipfian) distribution over
    [0, range_max), with the expected counts of `true_classes` and of the samples
    (float64), as MXNet's `mx.sym.contrib.rand_zipfian` builds them."""
    if not isinstance(true_classes, Symbol):
        raise TypeError("unexpected type %s" % type(true_classes))
    log_range = math.log(range_max + 1)
    rand = random.uniform(0, log_range, shape=(num_sampled,), dtype="float64")
    sampled_classes = (rand.exp() - 1).astype("int64") % range_max
    true_classes = true_classes.astype("float64")
    expected_count_true = ((true_classes + 2.0) / (true_classes + 1.0)).log() \
        / log_range * num_sampled
    sampled = sampled_classes.astype("float64")
    expected_count_sampled = ((sampled + 2.0) / (sampled + 1.0)).log() / log_range \
        * num_sampled
    return sampled_classes, expected_count_true, expected_count_sampled


def __getattr__(name: str):
    if name in NAMES:
        return make_op_function(name, "_contrib_" + name)
    if name in OPERATORS:
        return make_op_function(name, OPERATORS[name])
    if name in STAND_INS:
        return STAND_INS[name]
    raise AttributeError("module %r has no attribute %r" % (__name__, name))


__all__ = list(NAMES) + list(OPERATORS) + ["AttrScope", "Symbol", "rand_zipfian"]
