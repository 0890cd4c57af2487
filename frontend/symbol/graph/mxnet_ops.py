"""How MXNet operator names become IR: one table, `MAPPINGS`, consulted by the loader.

An entry says, for one MXNet operator name, which inputs are auxiliary states, how many
outputs it has, how its attribute text becomes IR attributes (checked when a file is
loaded, so errors carry the node's position) and how it is built once input types are
known. Every registered IR operator maps to itself, and so do its `mxnet` / `mxnet_np`
names; the table adds MXNet's broadcasting operators, aliases and a few rewrites.
"""
from __future__ import annotations

from dataclasses import dataclass, replace as _replace
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

import numpy as np

from ...ir import REGISTRY, Builder, MXNetError, TensorType, Value, composites
from ...ir.promotion import binary_dtypes
from .mxjson import attr_value
from .mxnet_like_ops import like_mappings
from .mxnet_index_ops import index_mappings
from .mxnet_rnn import rnn_mappings
from . import mxnet_np_ops as np_ops
from .mxnet_np_ops import (NP_ALIASES, NP_SAMPLERS, broadcast_parameters, matmul, np_around,
                           np_full_like, np_norm, np_reduce, np_reshape, np_transpose,
                           npx_reshape)
from ...ir.composites import (adaptive_avg_pool2d, bilinear_resize2d, crop_window, lrn,
                               masked_softmax)

# MXNet's argument names, for keyword inputs and automatic parameter variables.
ARG_NAMES = {
    "FullyConnected": ("data", "weight", "bias"), "Convolution": ("data", "weight", "bias"),
    "BatchNorm": ("data", "gamma", "beta", "moving_mean", "moving_var"),
    "_contrib_BatchNormWithReLU": ("data", "gamma", "beta", "moving_mean", "moving_var"),
    "Embedding": ("data", "weight"), "SoftmaxOutput": ("data", "label"),
    "LinearRegressionOutput": ("data", "label"), "LogisticRegressionOutput": ("data", "label"),
    "MAERegressionOutput": ("data", "label"),
    "Dropout": ("data", "mask"),
    # MXNet's input names of its per-element samplers
    "_sample_uniform": ("low", "high"), "_sample_normal": ("mu", "sigma"),
    "_sample_exponential": ("lam",), "_sample_gamma": ("alpha", "beta"),
    "_sample_poisson": ("lam",), "_sample_negative_binomial": ("k", "p"),
    "_sample_generalized_negative_binomial": ("mu", "alpha"),
    # the detection operators
    "_contrib_box_iou": ("lhs", "rhs"), "_contrib_box_nms": ("data",),
    "_contrib_box_encode": ("samples", "matches", "anchors", "refs", "means", "stds"),
    "_contrib_box_decode": ("data", "anchors"), "_contrib_bipartite_matching": ("data",),
    "_contrib_MultiBoxPrior": ("data",),
    "_contrib_MultiBoxTarget": ("anchor", "label", "cls_pred"),
    "_contrib_MultiBoxDetection": ("cls_prob", "loc_pred", "anchor"),
    # the region operators
    "ROIPooling": ("data", "rois"), "_contrib_ROIAlign": ("data", "rois"),
    "_contrib_PSROIPooling": ("data", "rois"), "_contrib_RROIAlign": ("data", "rois"),
    "_contrib_DeformablePSROIPooling": ("data", "rois", "trans"),
    "_contrib_DeformableConvolution": ("data", "offset", "weight", "bias"),
    "_contrib_ModulatedDeformableConvolution": ("data", "offset", "mask", "weight", "bias"),
    "_contrib_Proposal": ("cls_prob", "bbox_pred", "im_info"),
    "_contrib_MultiProposal": ("cls_prob", "bbox_pred", "im_info"),
    # the samplers and histogram
    "BilinearSampler": ("data", "grid"), "SpatialTransformer": ("data", "loc"),
    "GridGenerator": ("data",),
    "_histogram": ("data", "bins"),
}
# Other names MXNet 1.9.1 registers for an operator (its symbol JSON writes the operator's
# own name, which the alias maps to).
LEGACY_ALIASES = {"_contrib_box_non_maximum_suppression": "_contrib_box_nms"}

Build = Callable[[Builder, List[Value], Dict[str, Any]], Any]
# Attributes that are tuples in the IR even when MXNet writes one number.
TUPLE_ATTRS = {"begin", "end", "step", "shape", "axes", "kernel", "stride", "pad", "dilate",
               "newshape"}


@dataclass
class OpMapping:
    """How to import one MXNet operator (see the module docstring)."""

    ir_op: str                                  # main IR operator (for docs and errors)
    build: Build                                # (builder, inputs, attrs) -> Value(s)
    rename: Optional[Dict[str, str]] = None     # MXNet attr name -> IR attr name
    ignore: Tuple[str, ...] = ()                # MXNet attrs with no IR meaning
    aux: Any = ()                               # input positions that are auxiliary
    #                                             states (or a function of the attrs)
    outputs: Optional[Callable[[Dict[str, Any]], int]] = None
    same_attrs: bool = False                    # attrs are `ir_op`'s own: check them
    arity: Optional[Tuple[int, Optional[int]]] = None  # (min, max) inputs; None: ir_op's

    def aux_positions(self, attrs: Dict[str, Any]) -> Tuple[int, ...]:
        """The input positions that are auxiliary states, for a node with `attrs`."""
        return tuple(self.aux(attrs)) if callable(self.aux) else tuple(self.aux)

    def check_arity(self, count: int) -> None:
        """MXNetError unless the operator takes `count` inputs."""
        low, high = self.arity or (None, None)
        if self.arity is None and self.ir_op in REGISTRY:
            n = REGISTRY.get(self.ir_op).num_inputs
            low, high = (n, n) if n is not None else (1, None)
        if low is not None and (count < low or (high is not None and count > high)):
            want = str(low) if low == high else "%d to %s" % (low, high or "any")
            raise MXNetError("%s takes %s input(s), got %d" % (self.ir_op, want, count))

    def convert_attrs(self, raw: Dict[str, str]) -> Dict[str, Any]:
        """MXNet attribute strings -> IR attributes, checked against the IR operator."""
        attrs: Dict[str, Any] = {}
        for key, text in raw.items():
            if key.startswith("__") and key.endswith("__"):
                continue
            if key in self.ignore:
                continue
            name = (self.rename or {}).get(key, key)
            value = attr_value(text)
            if name in TUPLE_ATTRS and (value is None or isinstance(value, int)) \
                    and (self.ir_op, name) not in SCALAR_ATTRS:
                value = (value,)  # MXNet writes a 1-tuple as a bare number: begin="0"
            attrs[name] = value
        for key, value in attrs.items():
            if (self.ir_op, key) not in SCALAR_ATTRS | OWN_TYPE_ATTRS:
                _check_type(key, value, raw)
        if self.same_attrs:
            opdef = REGISTRY.get(self.ir_op)
            unknown = [k for k in attrs if k not in opdef.attrs]
            if unknown:
                raise MXNetError("unknown attribute(s) %s for %s (it takes: %s)"
                                 % (", ".join(unknown), self.ir_op,
                                    ", ".join(opdef.attrs) or "none"))
            attrs = opdef.complete_attrs(attrs)
        return attrs

    def num_outputs(self, attrs: Dict[str, Any]) -> int:
        if self.outputs is not None:
            return self.outputs(attrs)
        if self.ir_op in REGISTRY:
            n = REGISTRY.get(self.ir_op).num_outputs
            if isinstance(n, str):
                n = attrs.get(n, 1)
            elif callable(n):  # a function of the attributes (`_sample_multinomial`)
                n = n(REGISTRY.get(self.ir_op).complete_attrs(attrs))
            if isinstance(n, bool) or not isinstance(n, int) or n < 1:
                raise MXNetError("bad number of outputs %r for %s" % (n, self.ir_op))
            return n
        return 1

    def visible_outputs(self, attrs: Dict[str, Any]) -> int:
        """How many of the outputs MXNet shows (mx.sym heads, `get_internals`): all but the
        hidden ones of the IR operator (`OpDef.visible_outputs`, e.g. box_nms's 1 of 2)."""
        n = self.num_outputs(attrs)
        if self.outputs is None and self.ir_op in REGISTRY:
            shown = REGISTRY.get(self.ir_op).visible_outputs
            if shown is not None:
                return min(n, shown)
        return n


# Exceptions: operators whose attribute of that name is a single number.
SCALAR_ATTRS = {("slice_axis", "begin"), ("slice_axis", "end"), ("_arange", "step")}
# Exceptions to the checks below: operators whose attribute of that name has its own type
# (`_image_adjust_lighting`'s alpha is a 3-tuple; its shape rule checks it).
OWN_TYPE_ATTRS = {("_image_adjust_lighting", "alpha")}
# Attributes that must be numbers whatever the operator (the text could be anything).
NUMBER_ATTRS = {"num_hidden", "num_filter", "num_outputs", "num_args", "num_group", "dim",
                "depth", "input_dim", "output_dim", "scalar", "eps", "momentum", "p",
                "a_min", "a_max", "slope", "alpha", "on_value", "off_value"}
BOOL_ATTRS = {"no_bias", "flatten", "keepdims", "exclude", "fix_gamma", "use_global_stats",
              "squeeze_axis", "transpose_a", "transpose_b", "reverse", "global_pool"}


def _check_type(key: str, value: Any, raw: Dict[str, str]) -> None:
    text = next((t for k, t in raw.items() if k == key), value)
    if key in NUMBER_ATTRS and (isinstance(value, bool) or
                                not isinstance(value, (int, float))):
        raise MXNetError("attribute %s=%r must be a number" % (key, text))
    if key in BOOL_ATTRS and not isinstance(value, (bool, int)):
        raise MXNetError("attribute %s=%r must be True or False" % (key, text))
    if key in TUPLE_ATTRS and not (value is None or isinstance(value, tuple)):
        raise MXNetError("attribute %s=%r must be a tuple like (2, 3)" % (key, text))


def _with_relu(build: Build) -> Build:
    """`build` followed by relu on its first output (MXNet's fused BatchNormWithReLU)."""
    def fused(b: Builder, ins: List[Value], attrs: Dict[str, Any]) -> Any:
        outs = build(b, ins, attrs)
        if isinstance(outs, tuple):
            return (b.op("relu", outs[0]),) + outs[1:]
        return b.op("relu", outs)
    return fused


def identity(ir_op: str, **options: Any) -> OpMapping:
    """The IR operator `ir_op` with the same inputs and attributes."""
    def build(b, ins, attrs):
        return b.op(ir_op, *ins, **attrs)
    return OpMapping(ir_op, build, same_attrs=True, **options)


def _broadcast_all(b: Builder, ins: List[Value]) -> List[Value]:
    """Explicit `broadcast_to` nodes so every input has the common (NumPy) shape."""
    try:
        shape = tuple(np.broadcast_shapes(*[v.type.shape for v in ins]))
    except ValueError:
        raise MXNetError("operands could not be broadcast together with shapes %s"
                         % " ".join(str(v.type.shape) for v in ins)) from None
    return [v if v.type.shape == shape else b.op("broadcast_to", v, shape=shape) for v in ins]


def broadcasting(ir_op: str, np_op: Optional[str] = None) -> OpMapping:
    """MXNet's `broadcast_*` (and np-mode binary) operators: explicit broadcast, then `ir_op`.
    An np-mode operator (`np_op`, a key of `ir.promotion.FAMILY`) of mixed dtypes, or a true
    division of integers, computes in the dtypes `ir.promotion.binary_dtypes` gives (MXNet
    1.9.1's rule, the one the frontend follows), or refuses the pair as MXNet does."""
    def build(b, ins, attrs):
        ins = _broadcast_all(b, ins)
        if np_op is not None:
            da, db = (v.type.dtype for v in ins)
            if da != db or (np_op == "div" and not da.startswith("float")):
                rule = binary_dtypes("np", np_op, da, db)
                ins = [v if v.type.dtype == rule.compute else
                       b.op("Cast", v, dtype=rule.compute) for v in ins]
                out = b.op(ir_op, *ins)
                return out if out.type.dtype == rule.out else b.op("Cast", out, dtype=rule.out)
        return b.op(ir_op, *ins)
    return OpMapping(ir_op, build, arity=(2, 2))


def _broadcast_to(b: Builder, ins: List[Value], attrs: Dict[str, Any]) -> Value:
    """MXNet's broadcast_to: a 0 in `shape` keeps the input's dimension."""
    shape, have = tuple(attrs["shape"]), ins[0].type.shape
    if len(shape) == len(have):
        shape = tuple(d if s == 0 else s for s, d in zip(shape, have))
    return b.op("broadcast_to", ins[0], **dict(attrs, shape=shape))


def _add_n(b: Builder, ins: List[Value], attrs: Dict[str, Any]) -> Value:
    total = ins[0]
    for v in ins[1:]:
        total = b.op("elemwise_add", total, v)
    return total


def _flatten(b: Builder, ins: List[Value], attrs: Dict[str, Any]) -> Value:
    shape = ins[0].type.shape
    rest = int(np.prod(shape[1:])) if len(shape) > 1 else 1
    return b.op("Reshape", ins[0], shape=(shape[0] if shape else 1, rest))


def _slice_assign(b: Builder, ins: List[Value], attrs: Dict[str, Any]) -> Value:
    """lhs with lhs[begin:end:step] replaced by rhs, from registered operators."""
    lhs, rhs = ins
    where = dict(begin=attrs["begin"], end=attrs["end"], step=attrs.get("step", ()))
    placed = b.op("_slice_scatter", rhs, shape=lhs.type.shape, **where)
    old = b.op("_slice_scatter", b.op("slice", lhs, **where), shape=lhs.type.shape, **where)
    return b.op("elemwise_add", b.op("elemwise_sub", lhs, old), placed)


def _col2im(b: Builder, ins: List[Value], attrs: Dict[str, Any]) -> Value:
    cols = ins[0].type.shape
    kernel = tuple(attrs["kernel"])
    channels = cols[1] // int(np.prod(kernel))
    window = {k: tuple(attrs.get(k) or ()) for k in ("stride", "dilate", "pad")}
    return b.op("_col2im", ins[0], kernel=kernel, shape=(cols[0], channels) +
                tuple(attrs["output_size"]), **window)


def _dropout(b: Builder, ins: List[Value], attrs: Dict[str, Any]) -> Value:
    # MXNet's Dropout draws its mask inside the operator; evaluated from a file it is the
    # identity (inference). tapegraph's own exports carry the explicit mask instead.
    return b.op("_copy", ins[0])


def _softmax(b: Builder, ins: List[Value], attrs: Dict[str, Any]) -> Value:
    # use_length=True: MXNet's masked softmax, with the lengths as a second input
    attrs = dict(attrs)
    use_length = bool(attrs.pop("use_length", False))
    if not use_length:
        if len(ins) != 1:
            raise MXNetError("softmax: a length input needs use_length=True (MXNet 1.9.1: "
                             "Operator softmax expects 1 inputs, but got 2 instead)")
        return b.op("softmax", ins[0], **attrs)
    return masked_softmax(b, ins[0], ins[1] if len(ins) > 1 else None,
                          attrs.get("axis", -1), attrs.get("temperature"), attrs.get("dtype"))


def _adaptive_avg_pool(b: Builder, ins: List[Value], attrs: Dict[str, Any]) -> Value:
    return adaptive_avg_pool2d(b, ins[0], attrs.get("output_size") or ())


def _bilinear_resize(b: Builder, ins: List[Value], attrs: Dict[str, Any]) -> Value:
    a = attrs
    return bilinear_resize2d(b, ins[0], ins[1] if len(ins) > 1 else None,
                             a.get("height", 1), a.get("width", 1), a.get("scale_height"),
                             a.get("scale_width"), a.get("mode", "size"),
                             a.get("align_corners", True))


def _lrn(b: Builder, ins: List[Value], attrs: Dict[str, Any]) -> Value:
    return lrn(b, ins[0], float(attrs.get("alpha", 1e-4)), float(attrs.get("beta", 0.75)),
               float(attrs.get("knorm", 2.0)), attrs.get("nsize"))


def _crop(b: Builder, ins: List[Value], attrs: Dict[str, Any]) -> Value:
    if len(ins) != int(attrs.get("num_args", 1)):
        raise MXNetError("Crop: num_args=%r but %d input(s) given (1 or 2)"
                         % (attrs.get("num_args", 1), len(ins)))
    return crop_window(b, ins[0], ins[1] if len(ins) == 2 else None,
                       attrs.get("offset") or (0, 0), attrs.get("h_w") or (0, 0),
                       bool(attrs.get("center_crop", False)))


def _softmax_output(b: Builder, ins: List[Value], attrs: Dict[str, Any]) -> Value:
    # The forward of SoftmaxOutput is a softmax over the last axis; the label only
    # changes MXNet's hand-written backward.
    return b.op("softmax", ins[0])


_BINARY = {"add": "elemwise_add", "sub": "elemwise_sub", "mul": "elemwise_mul",
           "div": "elemwise_div", "power": "_power", "maximum": "_maximum",
           "minimum": "_minimum", "equal": "_equal", "not_equal": "_not_equal",
           "greater": "_greater", "greater_equal": "_greater_equal", "lesser": "_lesser",
           "lesser_equal": "_lesser_equal", "hypot": "_hypot", "mod": "_mod"}
_NP_BINARY = {"add": "add", "subtract": "sub", "multiply": "mul", "true_divide": "div",
              "power": "power", "maximum": "maximum", "minimum": "minimum",
              "equal": "equal", "not_equal": "not_equal", "greater": "greater",
              "greater_equal": "greater_equal", "less": "lesser", "less_equal": "lesser_equal"}
# np-mode operator -> its key in ir.promotion (which dtypes MXNet combines, and how)
PROMOTION_NAMES = {"add": "add", "subtract": "sub", "multiply": "mul", "true_divide": "div",
                   "power": "pow", "maximum": "maximum", "minimum": "minimum", "equal": "eq",
                   "not_equal": "ne", "greater": "gt", "greater_equal": "ge", "less": "lt",
                   "less_equal": "le"}
# (public: export leaves out broadcasts these operators do themselves)
BINARY, NP_BINARY = _BINARY, _NP_BINARY
_ALIASES = {"_plus": "add", "_add": "add", "_Plus": "add", "_sub": "sub", "_minus": "sub",
            "_Minus": "sub", "_mul": "mul", "_Mul": "mul", "_div": "div", "_Div": "div",
            "_Power": "power", "_maximum": "maximum", "_minimum": "minimum"}


# Operators that hold a region or run Python code: no file can describe them.
NOT_LOADABLE = {"fused", "_CustomFunction", "_CustomFunctionBackward"}


def _table() -> Dict[str, OpMapping]:
    table: Dict[str, OpMapping] = {}
    loadable = [op for op in REGISTRY if op.num_outputs is not None and not op.callback
                and op.name not in NOT_LOADABLE]
    for opdef in loadable:
        for name in (opdef.mxnet, opdef.mxnet_np):
            if name and name not in table:
                table[name] = identity(opdef.name)
    for opdef in loadable:  # an IR name always means the IR operator itself
        table[opdef.name] = identity(opdef.name)
    for short, ir_op in _BINARY.items():
        table["broadcast_" + short] = broadcasting(ir_op)
    for np_name, short in _NP_BINARY.items():
        table["_npi_" + np_name] = broadcasting(_BINARY[short], PROMOTION_NAMES[np_name])
    for alias, short in _ALIASES.items():
        table[alias] = broadcasting(_BINARY[short])
    sum_of = {"num_args": "num_args"}
    specials = {
        "add_n": OpMapping("elemwise_add", _add_n, ignore=tuple(sum_of), arity=(1, None)),
        "ElementWiseSum": OpMapping("elemwise_add", _add_n, ignore=tuple(sum_of),
                                    arity=(1, None)),
        "Flatten": OpMapping("Reshape", _flatten, arity=(1, 1)),
        "flatten": OpMapping("Reshape", _flatten, arity=(1, 1)),
        "_np_reshape": OpMapping("Reshape", np_reshape, ignore=("order",)),
        "_npx_reshape": OpMapping("Reshape", npx_reshape, ignore=("order",)),
        "_np_transpose": OpMapping("transpose", np_transpose),
        "_np_sum": OpMapping("sum", np_reduce("sum"), ignore=("dtype", "initial")),
        "_npi_mean": OpMapping("mean", np_reduce("mean"), ignore=("dtype", "initial")),
        "_npi_matmul": OpMapping("_np_dot", matmul, arity=(2, 2)),
        "_npi_around": OpMapping("rint", np_around, arity=(1, 1)),
        "_slice_assign": OpMapping("_slice_scatter", _slice_assign, arity=(2, 2)),
        "im2col": identity("_im2col"),
        "col2im": OpMapping("_col2im", _col2im, arity=(1, 1)),
        "LRN": OpMapping("Pooling", _lrn, arity=(1, 1)),
        "_contrib_AdaptiveAvgPooling2D": OpMapping("dot", _adaptive_avg_pool, arity=(1, 1)),
        "_contrib_arange_like": OpMapping("_arange", lambda b, ins, a: composites.arange_like(
            b, ins[0], a.get("start", 0.0), a.get("step", 1.0), a.get("repeat", 1),
            a.get("axis")), arity=(1, 1), ignore=("ctx",)),
        "_contrib_interleaved_matmul_selfatt_qk": OpMapping(
            "batch_dot", lambda b, ins, a: composites.selfatt_qk(b, ins[0], a["heads"]),
            arity=(1, 1)),
        "_contrib_interleaved_matmul_selfatt_valatt": OpMapping(
            "batch_dot", lambda b, ins, a: composites.selfatt_valatt(b, *ins, a["heads"]),
            arity=(2, 2)),
        "_contrib_interleaved_matmul_encdec_qk": OpMapping(
            "batch_dot", lambda b, ins, a: composites.encdec_qk(b, *ins, a["heads"]),
            arity=(2, 2)),
        "_contrib_interleaved_matmul_encdec_valatt": OpMapping(
            "batch_dot", lambda b, ins, a: composites.encdec_valatt(b, *ins, a["heads"]),
            arity=(2, 2)),
        "_contrib_BilinearResize2D": OpMapping("dot", _bilinear_resize, arity=(1, 2)),
        "Crop": OpMapping("slice", _crop, arity=(1, 2)),
        "SoftmaxOutput": OpMapping("softmax", _softmax_output, arity=(1, 2),
                                   ignore=("grad_scale", "ignore_label", "multi_output",
                                           "use_ignore", "preserve_shape", "normalization",
                                           "out_grad", "smooth_alpha")),
    }
    specials.update(like_mappings(OpMapping))
    specials.update(index_mappings(OpMapping))
    specials.update(rnn_mappings(OpMapping))
    for name, mapping in specials.items():  # an operator the IR has itself maps to itself
        if name not in REGISTRY:
            table[name] = mapping
    if "Dropout" in table:
        table["Dropout"] = OpMapping("Dropout", _dropout, arity=(1, 2),
                                     ignore=("cudnn_off", "p", "mode", "axes"))
    for name in ("softmax", "_npx_softmax"):
        if name in table:
            table[name] = OpMapping("softmax", _softmax, arity=(1, 2))
    if "BatchNorm" in table:
        table["BatchNorm"].aux = (3, 4)
        # one device: MXNet's SyncBatchNorm is BatchNorm (its device count and key unused)
        table["_contrib_SyncBatchNorm"] = _replace(table["BatchNorm"], ignore=("ndev", "key"))
        table["_contrib_BatchNormWithReLU"] = _replace(
            table["BatchNorm"], build=_with_relu(table["BatchNorm"].build))
    if "broadcast_to" in table:
        table["broadcast_to"] = _replace(table["broadcast_to"], build=_broadcast_to)
    for name in NP_SAMPLERS:
        if name in table:
            table[name] = broadcast_parameters(table[name])
    for name, mapping in table.items():  # MXNet's np scalar operators write is_int too
        if mapping.same_attrs and mapping.ir_op in REGISTRY and \
                set(REGISTRY.get(mapping.ir_op).attrs) == {"scalar"}:
            table[name] = _replace(mapping, ignore=tuple(mapping.ignore) + ("is_int",))
    if "_copy" in table:
        table["_copy"].ignore = ("scalar",)
    # MXNet 1.9.1 registers these np-mode names for the operators of the same parameters
    # (checked with its get_operator_arguments; `_npi_abs` / `_npi_logical_not` name their
    # input `x`, which files do not write)
    for alias, name in list(NP_ALIASES.items()) + list(LEGACY_ALIASES.items()):
        if name in table and alias not in table:
            table[alias] = table[name]
    table.setdefault("_npi_full_like", OpMapping("zeros_like", np_full_like, arity=(1, 1),
                                                 ignore=("ctx",)))
    for name, mapping in np_ops.more_np_mappings(OpMapping).items():
        table.setdefault(name, mapping)
    if "_npi_norm" in table:
        table["_npi_norm"] = OpMapping("norm", np_norm, arity=(1, 1))
    # np-mode spellings MXNet 1.9.1 writes for attributes the IR operator names otherwise,
    # or attributes with no meaning here (the initial value of an empty max, the context)
    for name, rename, ignore in (("_npi_concatenate", {"axis": "dim"}, ()),
                                 ("_np_max", None, ("initial",)),
                                 ("_np_min", None, ("initial",)),
                                 ("_npi_full", None, ("ctx",)),
                                 ("_npi_pad", None, ("reflect_type",))):
        if name in table:
            table[name] = _replace(table[name], rename=rename or table[name].rename,
                                   ignore=tuple(table[name].ignore) + ignore)
    for name in LEGACY_TOTALS:  # MXNet's legacy arrays have no 0-d form
        if name in table:
            table[name] = _legacy_total(table[name])
    return table


# Legacy operators whose reduction over every axis MXNet gives shape (1,), not ().
LEGACY_TOTALS = ("sum", "mean", "prod", "max", "min", "nansum", "nanprod", "norm",
                 "argmax", "argmin", "sum_axis")


def _legacy_total(mapping: OpMapping) -> OpMapping:
    """`mapping`, with a 0-d result reshaped to (1,) as MXNet's legacy operator gives it."""
    inner = mapping.build

    def build(b: Builder, ins: List[Value], attrs: Dict[str, Any]) -> Value:
        out = inner(b, ins, attrs)
        return b.op("Reshape", out, shape=(1,)) if out.type.shape == () else out
    return _replace(mapping, build=build)


_CACHE: Dict[int, Dict[str, OpMapping]] = {}


def mappings() -> Dict[str, OpMapping]:
    """The import table, rebuilt when operators are registered after first use."""
    key = len(REGISTRY.names())
    table = _CACHE.get(key)
    if table is None:
        _CACHE.clear()
        table = _CACHE[key] = _table()
    return table


# Mappings a higher layer adds: `Custom` (mx.sym.Custom), whose Python operators live in
# mx.operator's registry above this package.
EXTRA: Dict[str, OpMapping] = {}


def lookup(op: str) -> OpMapping:
    """The mapping for MXNet operator `op` (MXNetError explaining why there is none)."""
    found = EXTRA.get(op) or mappings().get(op)
    if found is not None:
        return found
    if op.startswith("_backward_"):
        raise MXNetError("operator %r is one of MXNet's opaque backward kernels; export the "
                         "gradient graph from tapegraph instead (it uses ordinary operators)"
                         % op)
    raise MXNetError("operator %r is not supported by tapegraph (no IR operator or mapping)"
                     % op)


def input_types(values: Sequence[Value]) -> List[TensorType]:
    return [v.type for v in values]
