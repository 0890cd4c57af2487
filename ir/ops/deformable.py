"""MXNet 1.9.1's contrib DeformableConvolution (v1, Dai et al. 2017) and
ModulatedDeformableConvolution (v2, Zhu et al. 2019). The output shape depends on the
input shapes and attributes only, so both are ordinary operators: a hybridized
gluon.contrib.cnn layer traces to a fixed graph and exports MXNet's node.

The kernel reads `data` bilinearly at each kernel tap moved by its learned offset (the
deformable columns, times the modulation mask for v2) and multiplies the columns with the
weight in one product per group, as im2col convolution does. The two operators treat the
border as MXNet 1.9.1's CPU kernels do, which differ (see `_columns`).

Gradient (in data, offset, mask, weight and bias): the same computation written with
registered operators (`composite`: the sample coordinates are tap positions plus the
offsets, their floor gives gather indices computed in the graph, their fractional parts
weight the four neighbours) differentiated by the gradient pass that is running
(`b.differentiate`, as a region operator's rule does), so the offsets get their gradient
through the weights, as MXNet's deformable_col2im_coord computes, and every order is
derived by the same pass. (MXNet 1.9.1's CPU backward of ModulatedDeformableConvolution
raises "only implemented in GPU"; here it is differentiable.)"""
from __future__ import annotations

from typing import Any, Dict, List, Optional

import numpy as np

from tapegraph.ir.errors import ShapeError
from tapegraph.ir.graph import Builder, Node, Value
from tapegraph.ir.registry import REQUIRED, register
from tapegraph.ir.types import TensorType
from .regions import region_vjp

_ATTRS = {"kernel": REQUIRED, "stride": (), "dilate": (), "pad": (), "num_filter": REQUIRED,
          "num_group": 1, "num_deformable_group": 1, "workspace": 1024, "no_bias": False,
          "layout": None}


def _ints2(value, default, name, op):
    v = tuple(int(i) for i in (value or ()))
    if not v:
        return (default, default)
    if len(v) != 2:
        raise ShapeError("%s: %s=%r must have 2 entries (2-D only)" % (op, name, value))
    return v


def geometry(name: str, ins: List[TensorType], attrs: Dict[str, Any], modulated: bool):
    """((kh, kw), (sh, sw), (dh, dw), (ph, pw), (Ho, Wo)) after checking every input."""
    data = ins[0]
    if data.ndim != 4:
        raise ShapeError("%s: only 2-D (N, C, H, W) input is supported, got shape %s"
                         % (name, data.shape))
    n, c, h, w = data.shape
    kern = _ints2(attrs["kernel"], 1, "kernel", name)
    win = (kern, _ints2(attrs["stride"], 1, "stride", name),
           _ints2(attrs["dilate"], 1, "dilate", name), _ints2(attrs["pad"], 0, "pad", name))
    (kh, kw), (sh, sw), (dh, dw), (ph, pw) = win
    ho = (h + 2 * ph - dh * (kh - 1) - 1) // sh + 1
    wo = (w + 2 * pw - dw * (kw - 1) - 1) // sw + 1
    if ho <= 0 or wo <= 0:
        raise ShapeError("%s: kernel %s does not fit the input %s" % (name, kern, (h, w)))
    groups, k = int(attrs["num_deformable_group"]), kh * kw
    if groups <= 0 or c % groups:
        raise ShapeError("%s: channels %d are not divisible by num_deformable_group %d"
                         % (name, c, groups))
    if ins[1].shape != (n, 2 * groups * k, ho, wo):
        raise ShapeError("%s: offset must have shape %s, got %s"
                         % (name, (n, 2 * groups * k, ho, wo), ins[1].shape))
    rest = list(ins[2:])
    if modulated:
        if not rest or rest[0].shape != (n, groups * k, ho, wo):
            raise ShapeError("%s: mask must have shape %s, got %s"
                             % (name, (n, groups * k, ho, wo),
                                rest[0].shape if rest else "nothing"))
        rest = rest[1:]
    f, ng = int(attrs["num_filter"]), int(attrs["num_group"])
    want = (f, c // ng if ng > 0 else c, kh, kw)
    if not rest or ng <= 0 or c % ng or f % ng or rest[0].shape != want:
        raise ShapeError("%s: weight must have shape %s, got %s"
                         % (name, want, rest[0].shape if rest else "nothing"))
    if attrs["no_bias"] and len(rest) > 1:
        raise ShapeError("%s: no_bias=True takes no bias input" % name)
    if not attrs["no_bias"] and (len(rest) != 2 or rest[1].shape != (f,)):
        raise ShapeError("%s: bias of shape %s is missing (pass it, or no_bias=True)"
                         % (name, (f,)))
    return win + ((ho, wo),)


def _infer(name, modulated):
    def infer(ins: List[TensorType], attrs: Dict[str, Any]) -> List[TensorType]:
        ho, wo = geometry(name, ins, attrs, modulated)[4]
        return [TensorType.get((ins[0].shape[0], int(attrs["num_filter"]), ho, wo),
                               ins[0].dtype)]
    return infer


# ---------------------------------------------------------------- the NumPy kernel

def _base(kernel, stride, dilate, pad, out):
    """Tap positions (K, Ho, Wo) on each axis before the offsets."""
    (kh, kw), (sh, sw), (dh, dw), (ph, pw), (ho, wo) = kernel, stride, dilate, pad, out
    ti, tj = np.divmod(np.arange(kh * kw), kw)
    base_y = ti[:, None, None] * dh + np.arange(ho)[None, :, None] * sh - ph
    base_x = tj[:, None, None] * dw + np.arange(wo)[None, None, :] * sw - pw
    return (np.broadcast_to(base_y, (kh * kw, ho, wo)),
            np.broadcast_to(base_x, (kh * kw, ho, wo)))


def _columns(data, offset, mask, win, groups):
    """The deformable columns (N, C, K, Ho, Wo) in float64 (times `mask` when given)."""
    n, c, h, w = data.shape
    ho, wo = win[4]
    k = win[0][0] * win[0][1]
    off = offset.astype(np.float64).reshape(n, groups, 1, k, 2, ho, wo)
    base_y, base_x = _base(*win)
    y = np.broadcast_to(off[:, :, :, :, 0] + base_y, (n, groups, c // groups, k, ho, wo))
    x = np.broadcast_to(off[:, :, :, :, 1] + base_x, (n, groups, c // groups, k, ho, wo))
    y, x = y.reshape(n, c, k, ho, wo), x.reshape(n, c, k, ho, wo)
    y0, x0 = np.floor(y), np.floor(x)
    if mask is None:
        # MXNet 1.9.1's CPU DeformableConvolution: a sample needs 0 <= y < H, 0 <= x < W,
        # and one in the last row / column reads it (fraction 0) instead of a zero beyond
        valid = (y >= 0) & (x >= 0) & (y < h) & (x < w)
        keep_y, keep_x = y0 < h - 1, x0 < w - 1
        y0, x0 = np.minimum(y0, h - 1), np.minimum(x0, w - 1)
        fy, fx = (y - y0) * keep_y, (x - x0) * keep_x
    else:
        # ModulatedDeformableConvolution: up to one pixel outside, zero padding
        valid = (y > -1) & (x > -1) & (y < h) & (x < w)
        fy, fx = y - y0, x - x0
    flat = data.reshape(-1).astype(np.float64)
    planes = (np.arange(n * c).reshape(n, c, 1, 1, 1)) * (h * w)
    total = 0.0
    for dy, wy in ((0, 1.0 - fy), (1, fy)):
        for dx, wx in ((0, 1.0 - fx), (1, fx)):
            yy, xx = y0 + dy, x0 + dx
            if mask is None:
                yy, xx = np.minimum(yy, h - 1), np.minimum(xx, w - 1)
            inside = valid & (yy >= 0) & (xx >= 0) & (yy <= h - 1) & (xx <= w - 1)
            pos = planes + np.clip(yy, 0, h - 1).astype(np.int64) * w \
                + np.clip(xx, 0, w - 1).astype(np.int64)
            total = total + flat[pos] * (wy * wx * inside)
    if mask is not None:
        m = mask.astype(np.float64).reshape(n, groups, 1, k, ho, wo)
        total = total * np.broadcast_to(m, (n, groups, c // groups, k, ho, wo)).reshape(
            n, c, k, ho, wo)
    return total


def _kernel(name, modulated):
    def kernel(*arrays, **attrs):
        data, offset = arrays[:2]
        mask = arrays[2] if modulated else None
        rest = arrays[3:] if modulated else arrays[2:]
        win = geometry(name, [TensorType.of(a) for a in arrays], attrs, modulated)
        cols = _columns(data, offset, mask, win, int(attrs["num_deformable_group"]))
        n, c, k = cols.shape[:3]
        ho, wo = win[4]
        g, f = int(attrs["num_group"]), int(attrs["num_filter"])
        cols = cols.reshape(n, g, (c // g) * k, ho * wo)
        weight = rest[0].astype(np.float64).reshape(g, f // g, (c // g) * k)
        out = np.einsum("gfk,ngkl->ngfl", weight, cols).reshape(n, f, ho, wo)
        if not attrs["no_bias"]:
            out = out + rest[1].astype(np.float64).reshape(1, f, 1, 1)
        return out.astype(data.dtype)
    return kernel


# ---------------------------------------------------------------- the composite

def _by_channel(b, a, n, groups, c, k, ho, wo):
    """Entries (N, G, K, Ho, Wo) per deformable group (any layout of that size) -> (N, C,
    K, Ho, Wo). (At most 5 axes anywhere: MXNet's slice and broadcast take no more.)"""
    a = b.op("Reshape", a, shape=(n * groups, 1, k * ho * wo))
    a = b.op("broadcast_to", a, shape=(n * groups, c // groups, k * ho * wo))
    return b.op("Reshape", a, shape=(n, c, k, ho, wo))


def _grid(b, shape, axis_values, dtype="float64"):
    """The constant array of `shape` that is the sum over (axis, values) of the values
    along that axis (built from `_arange`)."""
    total = None
    for axis, (start, step) in axis_values:
        size = shape[axis]
        v = b.op("_arange", start=float(start), stop=float(start + step * size),
                 step=float(step), dtype=dtype)
        view = [1] * len(shape)
        view[axis] = size
        v = b.op("broadcast_to", b.op("Reshape", v, shape=tuple(view)), shape=shape)
        total = v if total is None else b.op("elemwise_add", total, v)
    return total


def _scalar(b, op, x, s):
    return b.op(op, x, scalar=float(s))


def composite(b: Builder, ins: List[Value], attrs: Dict[str, Any], name: str,
              modulated: bool) -> Value:
    """The operator written with registered operators (the graph its gradient
    differentiates)."""
    win = geometry(name, [v.type for v in ins], attrs, modulated)
    (kh, kw), (sh, sw), (dh, dw), (ph, pw), (ho, wo) = win
    dtype = ins[0].type.dtype
    f64 = [b.op("Cast", v, dtype="float64") for v in ins]
    data, offset = f64[:2]
    mask = f64[2] if modulated else None
    weight = f64[3] if modulated else f64[2]
    bias = None if attrs["no_bias"] else f64[-1]
    n, c, h, w = ins[0].type.shape
    groups, k = int(attrs["num_deformable_group"]), kh * kw
    off = b.op("Reshape", offset, shape=(n * groups * k, 2, ho * wo))
    coords = []
    for axis, (step_tap, step_out, p, along) in enumerate(((dh, sh, ph, 2), (dw, sw, pw, 3))):
        part = b.op("slice", off, begin=(None, axis), end=(None, axis + 1), step=())
        part = b.op("Reshape", part, shape=(n * groups, k * ho * wo))
        taps = (kh, kw, ho, wo)
        tap = _grid(b, taps, [(axis, (0, step_tap)), (along, (-p, step_out))])
        tap = b.op("broadcast_to", b.op("Reshape", tap, shape=(1, k * ho * wo)),
                   shape=(n * groups, k * ho * wo))
        coords.append(_by_channel(b, b.op("elemwise_add", part, tap), n, groups, c, k, ho, wo))
    y, x = coords
    y0, x0 = b.op("floor", y), b.op("floor", x)
    if mask is None:
        valid = b.op("elemwise_mul", b.op("elemwise_mul", _scalar(b, "_greater_equal_scalar", y, 0),
                                          _scalar(b, "_greater_equal_scalar", x, 0)),
                     b.op("elemwise_mul", _scalar(b, "_lesser_scalar", y, h),
                          _scalar(b, "_lesser_scalar", x, w)))
        keep_y, keep_x = _scalar(b, "_lesser_scalar", y0, h - 1), _scalar(b, "_lesser_scalar",
                                                                          x0, w - 1)
        y0, x0 = _scalar(b, "_minimum_scalar", y0, h - 1), _scalar(b, "_minimum_scalar", x0,
                                                                   w - 1)
        fy = b.op("elemwise_mul", b.op("elemwise_sub", y, y0), keep_y)
        fx = b.op("elemwise_mul", b.op("elemwise_sub", x, x0), keep_x)
    else:
        valid = b.op("elemwise_mul", b.op("elemwise_mul", _scalar(b, "_greater_scalar", y, -1),
                                          _scalar(b, "_greater_scalar", x, -1)),
                     b.op("elemwise_mul", _scalar(b, "_lesser_scalar", y, h),
                          _scalar(b, "_lesser_scalar", x, w)))
        fy, fx = b.op("elemwise_sub", y, y0), b.op("elemwise_sub", x, x0)
    shape = (n, c, k, ho, wo)
    planes = _grid(b, (n, c, k, ho, wo), [(0, (0, c * h * w)), (1, (0, h * w))])
    flat = b.op("Reshape", data, shape=(-1,))
    total = None
    for dy, wy in ((0, _scalar(b, "_rminus_scalar", fy, 1)), (1, fy)):
        for dx, wx in ((0, _scalar(b, "_rminus_scalar", fx, 1)), (1, fx)):
            yy, xx = _scalar(b, "_plus_scalar", y0, dy), _scalar(b, "_plus_scalar", x0, dx)
            if mask is None:
                yy, xx = _scalar(b, "_minimum_scalar", yy, h - 1), _scalar(b, "_minimum_scalar",
                                                                          xx, w - 1)
            inside = valid
            for v, lim in ((yy, h - 1), (xx, w - 1)):
                inside = b.op("elemwise_mul", inside, _scalar(b, "_greater_equal_scalar", v, 0))
                inside = b.op("elemwise_mul", inside, _scalar(b, "_lesser_equal_scalar", v, lim))
            row = b.op("clip", yy, a_min=0.0, a_max=float(h - 1))
            col = b.op("clip", xx, a_min=0.0, a_max=float(w - 1))
            pos = b.op("elemwise_add", planes, b.op("elemwise_add", _scalar(b, "_mul_scalar",
                                                                             row, w), col))
            vals = b.op("take", flat, b.op("Reshape", pos, shape=(-1,)), axis=0, mode="clip")
            vals = b.op("Reshape", vals, shape=shape)
            term = b.op("elemwise_mul", vals, b.op("elemwise_mul", b.op("elemwise_mul", wy, wx),
                                                   inside))
            total = term if total is None else b.op("elemwise_add", total, term)
    assert total is not None
    if mask is not None:
        total = b.op("elemwise_mul", total, _by_channel(b, mask, n, groups, c, k, ho, wo))
    out = _convolve(b, total, weight, int(attrs["num_filter"]), int(attrs["num_group"]),
                    ho, wo)
    f = int(attrs["num_filter"])
    if bias is not None:
        out = b.op("elemwise_add", out, b.op("broadcast_to", b.op(
            "Reshape", bias, shape=(1, f, 1, 1)), shape=(n, f, ho, wo)))
    return b.op("Cast", out, dtype=dtype)


def _convolve(b, cols, weight, f, num_group, ho, wo):
    """(N, C, K, Ho, Wo) columns times weight (F, C/num_group, kh, kw): (N, F, Ho, Wo)."""
    n, c, k = cols.type.shape[:3]
    cg, fg, length = c // num_group, f // num_group, ho * wo
    parts = []
    for g in range(num_group):
        cols_g = b.op("slice", cols, begin=(None, g * cg), end=(None, (g + 1) * cg), step=())
        cols_g = b.op("transpose", b.op("Reshape", cols_g, shape=(n, cg * k, length)),
                      axes=(1, 0, 2))
        w_g = b.op("slice", weight, begin=(g * fg,), end=((g + 1) * fg,), step=())
        res = b.op("dot", b.op("Reshape", w_g, shape=(fg, cg * k)),
                   b.op("Reshape", cols_g, shape=(cg * k, n * length)))
        parts.append(b.op("transpose", b.op("Reshape", res, shape=(fg, n, length)),
                          axes=(1, 0, 2)))
    out = parts[0] if len(parts) == 1 else b.op("Concat", *parts, dim=1, num_args=len(parts))
    return b.op("Reshape", out, shape=(n, f, ho, wo))


def composite_vjp(build, constant=()):
    """A gradient rule differentiating `build(builder, inputs, attrs)` (the operator written
    with registered operators) with the running gradient pass; the inputs at positions
    `constant` get no gradient (MXNet's regions)."""
    def vjp(b, node: Node, g: List[Optional[Value]]) -> List[Optional[Value]]:
        sub = Builder()
        ins = [Value(v.type) for v in node.inputs]
        out = build(sub, ins, dict(node.attrs))
        region = sub.graph(node.op, ins, [out])
        needed = b.needed
        if constant:
            b.needed = tuple(i not in constant and (needed is None or needed[i])
                             for i in range(len(ins)))
        try:
            result = region_vjp(b, Node(node.op, node.inputs, node.outputs, node.attrs,
                                        region, node.meta), g)
        finally:
            b.needed = needed
        return [None if i in constant else r for i, r in enumerate(result)]
    return vjp


for _name, _mod, _doc in (
        ("_contrib_DeformableConvolution", False,
         "Deformable convolution v1 (Dai et al.): each kernel tap reads `data` at its "
         "position moved by `offset` (N, 2*num_deformable_group*kh*kw, Ho, Wo; (dy, dx) per "
         "tap), bilinearly; then a grouped convolution with `weight` (F, C/num_group, kh, "
         "kw) (+ bias)."),
        ("_contrib_ModulatedDeformableConvolution", True,
         "Deformable convolution v2: DeformableConvolution whose samples are also multiplied "
         "by `mask` (N, num_deformable_group*kh*kw, Ho, Wo).")):
    _attrs = dict(_ATTRS, im2col_step=64) if _mod else dict(_ATTRS)
    register(_name, _infer(_name[9:], _mod), num_inputs=None, attrs=_attrs, doc=_doc)(
        _kernel(_name[9:], _mod)).gradient(composite_vjp(
            lambda b, ins, a, _n=_name[9:], _m=_mod: composite(b, ins, a, _n, _m)))
