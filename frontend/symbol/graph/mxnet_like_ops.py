"""Mappings of MXNet operators that reshape, slice or broadcast one input like another, and
of the creation and logical operators, built from registered IR operators (MXNet names:
`_zeros`, `_ones`, `broadcast_like`, `broadcast_axis`, `slice_like`, `reshape_like`,
`broadcast_mod`, `broadcast_logical_*`, `logical_not`, `softmin`, `argmax_channel`,
`depth_to_space`, `space_to_depth`, `nansum`, `nanprod`, `softmax_cross_entropy`,
`SoftmaxActivation`, `_contrib_quadratic`, `_contrib_div_sqrt_dim`). `mappings()` merges
them into the loader's table, so `mx.sym` builds them and files written by MXNet holding
them load."""
from __future__ import annotations

from typing import Any, Dict, List

import numpy as np

from ...ir import Builder, MXNetError, Value, composites


def _filled(value: float):
    def build(b: Builder, ins: List[Value], attrs: Dict[str, Any]) -> Value:
        return b.op("_full", shape=tuple(attrs["shape"]), value=value,
                    dtype=attrs.get("dtype") or "float32")
    return build


def _axes(attrs: Dict[str, Any], key: str, ndim: int):
    axes = attrs.get(key)
    if axes is None or axes == ():
        return None
    axes = (axes,) if isinstance(axes, int) else tuple(axes)
    return tuple(int(a) % ndim for a in axes)


def _broadcast_like(b: Builder, ins: List[Value], attrs: Dict[str, Any]) -> Value:
    lhs, rhs = ins
    la = _axes(attrs, "lhs_axes", lhs.type.ndim)
    ra = _axes(attrs, "rhs_axes", rhs.type.ndim)
    if la is None and ra is None:
        return b.op("broadcast_to", lhs, shape=rhs.type.shape)
    if la is None or ra is None or len(la) != len(ra):
        raise MXNetError("broadcast_like: lhs_axes and rhs_axes must be given together, with "
                         "as many axes each")
    shape = list(lhs.type.shape)
    for a, r in zip(la, ra):
        shape[a] = rhs.type.shape[r]
    return b.op("broadcast_to", lhs, shape=tuple(shape))


def _broadcast_axis(b: Builder, ins: List[Value], attrs: Dict[str, Any]) -> Value:
    x = ins[0]
    axes = _axes(attrs, "axis", x.type.ndim) or ()
    sizes = attrs.get("size", ())
    sizes = (sizes,) if isinstance(sizes, int) else tuple(sizes)
    if len(axes) != len(sizes):
        raise MXNetError("broadcast_axis: %d axes but %d sizes" % (len(axes), len(sizes)))
    shape = list(x.type.shape)
    for a, s in zip(axes, sizes):
        if shape[a] != 1:
            raise MXNetError("broadcast_axis: axis %d has size %d, not 1" % (a, shape[a]))
        shape[a] = int(s)
    return b.op("broadcast_to", x, shape=tuple(shape))


def _slice_like(b: Builder, ins: List[Value], attrs: Dict[str, Any]) -> Value:
    x, like = ins
    axes = _axes(attrs, "axes", x.type.ndim)
    if axes is None:
        axes = tuple(range(min(x.type.ndim, like.type.ndim)))
    end: List[Any] = [None] * x.type.ndim
    for a in axes:
        end[a] = like.type.shape[a]
    return b.op("slice", x, begin=(None,) * x.type.ndim, end=tuple(end), step=())


def _reshape_like(b: Builder, ins: List[Value], attrs: Dict[str, Any]) -> Value:
    lhs, rhs = ins
    def span(key_begin, key_end, ndim):
        begin = attrs.get(key_begin)
        end = attrs.get(key_end)
        begin = 0 if begin is None else int(begin) % max(ndim, 1)
        end = ndim if end is None else (int(end) if int(end) >= 0 else int(end) + ndim)
        return begin, end
    lb, le = span("lhs_begin", "lhs_end", lhs.type.ndim)
    rb, re_ = span("rhs_begin", "rhs_end", rhs.type.ndim)
    shape = lhs.type.shape[:lb] + rhs.type.shape[rb:re_] + lhs.type.shape[le:]
    return b.op("Reshape", lhs, shape=shape)


def _nonzero(b: Builder, v: Value) -> Value:
    return b.op("_not_equal_scalar", v, scalar=0.0)


def _logical(combine: str):
    def build(b: Builder, ins: List[Value], attrs: Dict[str, Any]) -> Value:
        try:
            shape = tuple(np.broadcast_shapes(*[v.type.shape for v in ins]))
        except ValueError:
            raise MXNetError("operands could not be broadcast together with shapes %s"
                             % " ".join(str(v.type.shape) for v in ins)) from None
        flags = [_nonzero(b, v) for v in ins]
        lhs, rhs = [f if f.type.shape == shape else b.op("broadcast_to", f, shape=shape)
                    for f in flags]
        return b.op(combine, lhs, rhs)
    return build


def _logical_not(b: Builder, ins: List[Value], attrs: Dict[str, Any]) -> Value:
    return b.op("_equal_scalar", ins[0], scalar=0.0)


def _argmax_channel(b: Builder, ins: List[Value], attrs: Dict[str, Any]) -> Value:
    return b.op("argmax", ins[0], axis=1, keepdims=False)


def _nan_reduce(reduce: str, neutral: str):
    def build(b: Builder, ins: List[Value], attrs: Dict[str, Any]) -> Value:
        out = b.op(reduce, composites.nan_to(b, ins[0], neutral), axis=attrs.get("axis"),
                   keepdims=bool(attrs.get("keepdims", False)),
                   exclude=bool(attrs.get("exclude", False)))
        return out if out.type.ndim else b.op("Reshape", out, shape=(1,))
    return build


def _quadratic(b: Builder, ins: List[Value], attrs: Dict[str, Any]) -> Value:
    x = ins[0]
    a, bb, c = (float(attrs.get(k, 0.0)) for k in ("a", "b", "c"))
    ax = b.op("_mul_scalar", b.op("square", x), scalar=a)
    return b.op("_plus_scalar", b.op("elemwise_add", ax, b.op("_mul_scalar", x, scalar=bb)),
                scalar=c)


def _div_sqrt_dim(b: Builder, ins: List[Value], attrs: Dict[str, Any]) -> Value:
    return b.op("_div_scalar", ins[0], scalar=float(np.sqrt(ins[0].type.shape[-1])))


def like_mappings(mapping_cls) -> Dict[str, Any]:
    """The mappings of this module (`mapping_cls` is `mxnet_ops.OpMapping`)."""
    m = mapping_cls
    return {
        "_zeros": m("_full", _filled(0.0), arity=(0, 0), ignore=("ctx",)),
        "_ones": m("_full", _filled(1.0), arity=(0, 0), ignore=("ctx",)),
        "broadcast_like": m("broadcast_to", _broadcast_like, arity=(2, 2)),
        "broadcast_axis": m("broadcast_to", _broadcast_axis, arity=(1, 1)),
        "slice_like": m("slice", _slice_like, arity=(2, 2)),
        "reshape_like": m("Reshape", _reshape_like, arity=(2, 2)),
        "broadcast_logical_and": m("elemwise_mul", _logical("elemwise_mul"), arity=(2, 2)),
        "broadcast_logical_or": m("_maximum", _logical("_maximum"), arity=(2, 2)),
        "broadcast_logical_xor": m("_not_equal", _logical("_not_equal"), arity=(2, 2)),
        "logical_not": m("_equal_scalar", _logical_not, arity=(1, 1)),
        "softmin": m("softmax", lambda b, ins, a: composites.softmin(
            b, ins[0], a.get("axis", -1), a.get("temperature"), a.get("dtype")), arity=(1, 1)),
        "argmax_channel": m("argmax", _argmax_channel, arity=(1, 1)),
        "depth_to_space": m("transpose", lambda b, ins, a: composites.depth_to_space(
            b, ins[0], a["block_size"]), arity=(1, 1)),
        "space_to_depth": m("transpose", lambda b, ins, a: composites.space_to_depth(
            b, ins[0], a["block_size"]), arity=(1, 1)),
        "nansum": m("sum", _nan_reduce("sum", "zeros_like"), arity=(1, 1)),
        "nanprod": m("prod", _nan_reduce("prod", "ones_like"), arity=(1, 1)),
        "softmax_cross_entropy": m("log_softmax", lambda b, ins, a: b.op(
            "Reshape", composites.softmax_cross_entropy(b, *ins), shape=(1,)), arity=(2, 2)),
        "SoftmaxActivation": m("softmax", lambda b, ins, a: composites.softmax_activation(
            b, ins[0], a.get("mode", "instance")), arity=(1, 1)),
        "_contrib_quadratic": m("square", _quadratic, arity=(1, 1)),
        "_contrib_div_sqrt_dim": m("_div_scalar", _div_sqrt_dim, arity=(1, 1)),
    }
