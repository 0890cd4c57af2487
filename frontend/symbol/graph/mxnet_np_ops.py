"""Mappings of MXNet's numpy-mode operators whose attributes or semantics differ from the
legacy operator the IR names (`_np_reshape`'s newshape, `_npx_reshape`'s codes,
`_npi_norm`'s flag, `_npi_full_like`, matmul, around, the reductions), and the np-mode
names MXNet 1.9.1 registers for legacy operators (`NP_ALIASES`), the broadcasting of the np
samplers' parameters. Used by `mxnet_ops`."""
from __future__ import annotations

from dataclasses import replace as _replace
from typing import Any, Callable, Dict, List

import numpy as np

from ...ir import Builder, MXNetError, Value
from ...ir.composites import value_class
from ...ir.ops.shape import infer_npx_reshape
from .mxnet_index_ops import diag, mean_and_variance

Build = Callable[[Builder, List[Value], Dict[str, Any]], Any]


def np_reshape(b: Builder, ins: List[Value], attrs: Dict[str, Any]) -> Value:
    shape = attrs.get("newshape", attrs.get("shape"))
    shape = (shape,) if isinstance(shape, int) else tuple(shape)
    return b.op("Reshape", ins[0], shape=shape)


NP_ALIASES = {
    "_npx_activation": "Activation", "_npx_batch_norm": "BatchNorm", "_npx_cast": "Cast",
    "_npx_dropout": "Dropout", "_npx_fully_connected": "FullyConnected",
    "_npx_leaky_relu": "LeakyReLU", "_npx_sigmoid": "sigmoid", "_npx_slice": "slice",
    "_npx_reshape_like": "reshape_like", "_npx_gather_nd": "gather_nd",
    "_npx_sequence_mask": "SequenceMask", "_npx_smooth_l1": "smooth_l1", "_npx_rnn": "RNN",
    "_npx_arange_like": "_contrib_arange_like", "_npx_shape_array": "shape_array",
    "_npx_roi_pooling": "ROIPooling", "_np_amax": "_np_max", "_np_amin": "_np_min",
    "_np_product": "_np_prod", "_npi_arange": "_arange", "_npi_copyto": "_copyto",
    "_npi_gather_nd": "gather_nd", "_npi_linspace": "_linspace", "_npi_ones": "_ones",
    "_npi_zeros": "_zeros", "_npi_eye": "_eye", "_npi_abs": "abs",
    "_npi_logical_not": "logical_not"}


def np_full_like(b: Builder, ins: List[Value], attrs: Dict[str, Any]) -> Value:
    # np.full_like: `a`'s shape filled with fill_value, in `dtype` (default: a's)
    filled = b.op("_plus_scalar", b.op("zeros_like", ins[0]),
                  scalar=float(attrs.get("fill_value", 0.0)))
    dtype = attrs.get("dtype")
    if dtype is None or str(dtype) == "None" or np.dtype(str(dtype)).name == filled.type.dtype:
        return filled
    return b.op("Cast", filled, dtype=np.dtype(str(dtype)).name)


def np_norm(b: Builder, ins: List[Value], attrs: Dict[str, Any]) -> Value:
    # np.linalg.norm as MXNet's symbol writes it: `flag` -2 (the whole array's 2-norm) and
    # 1 (Frobenius over `axis`) are 2-norms; -1 a vector p-norm; 0 and 2 the spectral and
    # nuclear matrix norms (singular values), which the IR has not
    flag, ord_ = int(attrs.get("flag", -1)), attrs.get("ord", 2)
    if flag in (-2, 1):
        ord_ = 2
    elif flag != -1:
        raise MXNetError("np.linalg.norm: flag=%d (the %s matrix norm) is not supported"
                         % (flag, "nuclear" if flag == 2 else "spectral"))
    axis = attrs.get("axis")
    return b.op("norm", ins[0], ord=ord_, axis=None if axis is None else (
        (axis,) if isinstance(axis, int) else tuple(axis)),
        keepdims=bool(attrs.get("keepdims", False)))


def npx_reshape(b: Builder, ins: List[Value], attrs: Dict[str, Any]) -> Value:
    shape = attrs.get("newshape", attrs.get("shape"))
    shape = (shape,) if isinstance(shape, int) else tuple(shape)
    target = infer_npx_reshape(ins[0].type.shape, shape, bool(attrs.get("reverse", False)))
    return b.op("Reshape", ins[0], shape=target)


def np_transpose(b: Builder, ins: List[Value], attrs: Dict[str, Any]) -> Value:
    axes = attrs.get("axes")
    return b.op("transpose", ins[0], axes=() if axes is None else tuple(axes))


def np_reduce(op: str) -> Build:
    def build(b, ins, attrs):
        return b.op(op, ins[0], axis=attrs.get("axis"), keepdims=bool(attrs.get("keepdims")))
    return build


def np_around(b: Builder, ins: List[Value], attrs: Dict[str, Any]) -> Value:
    """mx.np.around (halves to even, as `rint`), to `decimals` decimals."""
    decimals = int(attrs.get("decimals", 0) or 0)
    if not decimals:
        return b.op("rint", ins[0])
    scale = 10.0 ** decimals
    scaled = b.op("rint", b.op("_mul_scalar", ins[0], scalar=scale))
    return b.op("_div_scalar", scaled, scalar=scale)


def matmul(b: Builder, ins: List[Value], attrs: Dict[str, Any]) -> Value:
    """NumPy's matmul: `dot` up to 2-D, `batch_dot` over equal leading dimensions."""
    a, c = ins
    sa, sc = a.type.shape, c.type.shape
    if len(sa) <= 2 and len(sc) <= 2:
        return b.op("_np_dot", a, c)
    if len(sa) != len(sc) or sa[:-2] != sc[:-2]:
        raise MXNetError("matmul of shapes %s and %s: only equal batch dimensions are "
                         "supported" % (sa, sc))
    batch = int(np.prod(sa[:-2]))
    out = b.op("batch_dot", b.op("Reshape", a, shape=(batch,) + sa[-2:]),
               b.op("Reshape", c, shape=(batch,) + sc[-2:]))
    return b.op("Reshape", out, shape=sa[:-1] + sc[-1:])


# ---------------------------------------------------------------- more np-mode operators


def _filled_like(b: Builder, like: Value, value: float) -> Value:
    return b.op("_plus_scalar", b.op("zeros_like", like), scalar=float(value))


def _as_float(b: Builder, x: Value) -> Value:
    return x if x.type.dtype.startswith("float") else b.op("Cast", x, dtype="float32")


def where_rscalar(b: Builder, ins: List[Value], attrs: Dict[str, Any]) -> Value:
    # np.where(cond, x, scalar)
    return b.op("where", ins[0], ins[1], _filled_like(b, ins[1], attrs["scalar"]))


def where_lscalar(b: Builder, ins: List[Value], attrs: Dict[str, Any]) -> Value:
    # np.where(cond, scalar, y)
    return b.op("where", ins[0], _filled_like(b, ins[1], attrs["scalar"]), ins[1])


def where_scalar2(b: Builder, ins: List[Value], attrs: Dict[str, Any]) -> Value:
    # np.where(cond, x, y) with two scalars: float32, as MXNet gives it
    like = _as_float(b, ins[0])
    return b.op("where", ins[0], _filled_like(b, like, attrs["x"]),
                _filled_like(b, like, attrs["y"]))


def _axes(axis: Any, ndim: int) -> tuple:
    if axis is None:
        return tuple(range(ndim))
    axis = (axis,) if isinstance(axis, int) else tuple(axis)
    return tuple(int(a) % ndim for a in axis)


def moments(kind: str) -> Build:
    """np.var / np.std over `axis` with `ddof`: the mean of squared deviations from the
    mean, times n / (n - ddof) (the square root for std)."""
    def build(b: Builder, ins: List[Value], attrs: Dict[str, Any]) -> Value:
        x = _as_float(b, ins[0])
        shape = x.type.shape
        axes = _axes(attrs.get("axis"), len(shape))
        keep = bool(attrs.get("keepdims", False))
        count = int(np.prod([shape[a] for a in axes])) if axes else 1
        ddof = int(attrs.get("ddof", 0) or 0)
        var = mean_and_variance(b, x, axes, keep)[1]
        if ddof:
            var = b.op("_mul_scalar", var, scalar=count / float(count - ddof)
                       if count > ddof else float("inf"))
        return b.op("sqrt", var) if kind == "std" else var
    return build


def stack_along(kind: str) -> Build:
    """np.vstack / hstack / column_stack as Concat (1-d inputs reshaped as NumPy does)."""
    def build(b: Builder, ins: List[Value], attrs: Dict[str, Any]) -> Value:
        parts = list(ins)
        one_d = all(v.type.ndim == 1 for v in parts)
        if kind == "vstack":
            if one_d:
                parts = [b.op("Reshape", v, shape=(1, v.type.shape[0])) for v in parts]
            dim = 0
        elif kind == "hstack":
            dim = 0 if one_d else 1
        else:  # column_stack
            parts = [b.op("Reshape", v, shape=(v.type.shape[0], 1)) if v.type.ndim == 1
                     else v for v in parts]
            dim = 1
        return b.op("Concat", *parts, dim=dim, num_args=len(parts))
    return build


def moveaxis(b: Builder, ins: List[Value], attrs: Dict[str, Any]) -> Value:
    ndim = ins[0].type.ndim
    source = _axes(attrs["source"], ndim)
    destination = _axes(attrs["destination"], ndim)
    if len(source) != len(destination):
        raise MXNetError("moveaxis: source and destination need as many axes")
    order = [a for a in range(ndim) if a not in source]
    for dst, src in sorted(zip(destination, source)):
        order.insert(dst, src)
    return b.op("transpose", ins[0], axes=tuple(order))


def value_test(kind: str) -> Build:
    """np.isnan / isinf / isfinite: bool arrays."""
    def build(b: Builder, ins: List[Value], attrs: Dict[str, Any]) -> Value:
        x = ins[0]
        hit = value_class(b, x, kind, x.type.dtype.startswith("float"))
        return b.op("Cast", hit, dtype="bool")
    return build


def any_all(kind: str) -> Build:
    """np.any / np.all over `axis`: bool."""
    def build(b: Builder, ins: List[Value], attrs: Dict[str, Any]) -> Value:
        x = _as_float(b, ins[0])
        nonzero = b.op("_not_equal_scalar", x, scalar=0.0)
        axes = _axes(attrs.get("axis"), x.type.ndim)
        hit = b.op("max" if kind == "any" else "min", nonzero, axis=axes,
                   keepdims=bool(attrs.get("keepdims", False)))
        return b.op("Cast", hit, dtype="bool")
    return build


def roll(b: Builder, ins: List[Value], attrs: Dict[str, Any]) -> Value:
    """np.roll: each axis's elements shifted, wrapping around (slices and a Concat)."""
    x = ins[0]
    shift, axis = attrs.get("shift"), attrs.get("axis")
    if axis is None:
        flat = b.op("Reshape", x, shape=(-1,))
        return b.op("Reshape", _roll_axis(b, flat, int(_first(shift)), 0), shape=x.type.shape)
    shifts = (shift,) if isinstance(shift, int) else tuple(shift)
    axes = _axes(axis, x.type.ndim)
    if len(shifts) == 1:
        shifts = shifts * len(axes)
    for s, a in zip(shifts, axes):
        x = _roll_axis(b, x, int(s), a)
    return x


def _first(shift: Any) -> int:
    return shift if isinstance(shift, int) else tuple(shift)[0]


def _roll_axis(b: Builder, x: Value, shift: int, axis: int) -> Value:
    n = x.type.shape[axis]
    shift = shift % n if n else 0
    if not shift:
        return x
    tail = b.op("slice_axis", x, axis=axis, begin=n - shift, end=n)
    head = b.op("slice_axis", x, axis=axis, begin=0, end=n - shift)
    return b.op("Concat", tail, head, dim=axis, num_args=2)


def trace(b: Builder, ins: List[Value], attrs: Dict[str, Any]) -> Value:
    """np.trace: the sum of the `offset` diagonal over axis1 and axis2 (`mxnet_index_ops.diag`
    takes it out)."""
    taken = diag(b, ins, {"k": int(attrs.get("offset", 0) or 0),
                          "axis1": attrs.get("axis1", 0), "axis2": attrs.get("axis2", 1)})
    return b.op("sum", taken, axis=(-1,))


def tensordot(b: Builder, ins: List[Value], attrs: Dict[str, Any]) -> Value:
    """np.tensordot: the summed axes of `a` moved last, those of `b` first, one dot."""
    a, c = ins
    sa, sc = a.type.shape, c.type.shape
    if "axes" in attrs:
        k = attrs["axes"]
        k = int(k[0] if isinstance(k, tuple) else k)
        a_axes, c_axes = tuple(range(len(sa) - k, len(sa))), tuple(range(k))
    else:
        a_axes = _axes(attrs["a_axes_summed"], len(sa))
        c_axes = _axes(attrs["b_axes_summed"], len(sc))
    if [sa[i] for i in a_axes] != [sc[i] for i in c_axes]:
        raise MXNetError("tensordot: summed axes of shapes %s and %s differ" % (sa, sc))
    a_free = [i for i in range(len(sa)) if i not in a_axes]
    c_free = [i for i in range(len(sc)) if i not in c_axes]
    inner = int(np.prod([sa[i] for i in a_axes])) if a_axes else 1
    left = b.op("Reshape", b.op("transpose", a, axes=tuple(a_free) + a_axes),
                shape=(-1, inner))
    right = b.op("Reshape", b.op("transpose", c, axes=c_axes + tuple(c_free)),
                 shape=(inner, -1))
    out = b.op("dot", left, right)
    return b.op("Reshape", out, shape=tuple(sa[i] for i in a_free) +
                tuple(sc[i] for i in c_free))


def more_np_mappings(mapping_cls) -> Dict[str, Any]:
    """The mappings of the np-mode operators above (`mapping_cls`: `mxnet_ops.OpMapping`)."""
    m = mapping_cls
    return {
        "_npi_where_rscalar": m("where", where_rscalar, arity=(2, 2)),
        "_npi_where_lscalar": m("where", where_lscalar, arity=(2, 2)),
        "_npi_where_scalar2": m("where", where_scalar2, arity=(1, 1)),
        "_npi_std": m("mean", moments("std"), arity=(1, 1), ignore=("dtype",)),
        "_npi_var": m("mean", moments("var"), arity=(1, 1), ignore=("dtype",)),
        "_npi_vstack": m("Concat", stack_along("vstack"), arity=(1, None),
                         ignore=("num_args",)),
        "_npi_hstack": m("Concat", stack_along("hstack"), arity=(1, None),
                         ignore=("num_args", "dim")),
        "_npi_column_stack": m("Concat", stack_along("column_stack"), arity=(1, None),
                               ignore=("num_args",)),
        "_np_moveaxis": m("transpose", moveaxis, arity=(1, 1)),
        "_npi_isnan": m("_not_equal", value_test("nan"), arity=(1, 1)),
        "_npi_isinf": m("_equal_scalar", value_test("inf"), arity=(1, 1)),
        "_npi_isfinite": m("_lesser_scalar", value_test("finite"), arity=(1, 1)),
        "_np_any": m("max", any_all("any"), arity=(1, 1)),
        "_np_all": m("min", any_all("all"), arity=(1, 1)),
        "_np_sometrue": m("max", any_all("any"), arity=(1, 1)),
        "_np_roll": m("Concat", roll, arity=(1, 1)),
        "_np_diag": m("take", diag, arity=(1, 1)),
        "_np_trace": m("take", trace, arity=(1, 1)),
        "_npi_tensordot": m("dot", tensordot, arity=(2, 2)),
        "_npi_tensordot_int_axes": m("dot", tensordot, arity=(2, 2)),
    }


# MXNet's np samplers broadcast their array parameters (to `size` when given); its legacy
# `_sample_*` operators require parameters of one shape (MXNet 1.9.1 refuses others).
NP_SAMPLERS = ("_npi_uniform", "_npi_normal")


def broadcast_parameters(mapping: Any) -> Any:
    """`mapping` (an `mxnet_ops.OpMapping`) with explicit `broadcast_to` nodes giving every
    array parameter the output's shape: the broadcast of the parameters' shapes, or `size`.
    (MXNet also writes the device, `ctx`, which means nothing here.)"""
    inner = mapping.build

    def build(b: Builder, ins: List[Value], attrs: Dict[str, Any]) -> Any:
        size = attrs.get("size")
        if ins:
            shapes = [v.type.shape for v in ins]
            try:
                shape = tuple(np.broadcast_shapes(*shapes + ([tuple(size)] if size else [])))
            except ValueError:
                shape = None
            if shape is None or (size is not None and shape != tuple(size)):
                raise MXNetError("%s: parameters of shapes %s cannot be broadcast%s"
                                 % (mapping.ir_op, ", ".join(str(s) for s in shapes),
                                    "" if size is None else " to size %s" % (tuple(size),)))
            ins = [v if v.type.shape == shape else b.op("broadcast_to", v, shape=shape)
                   for v in ins]
        return inner(b, ins, attrs)
    return _replace(mapping, build=build, ignore=tuple(mapping.ignore) + ("ctx",))
