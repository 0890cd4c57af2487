"""Reductions: sum, mean, prod, max, min, norm (MXNet's `axis`, `keepdims`, `exclude`),
argmax/argmin (zero gradient) and cumsum."""
from __future__ import annotations

import math

import numpy as np

from tapegraph.ir.errors import ShapeError
from tapegraph.ir.registry import register
from tapegraph.ir.types import TensorType
from .rules import normalize_axes, reduced_shape
from ._emit import broadcast, reshape

_REDUCE_ATTRS = {"axis": None, "keepdims": False, "exclude": False}


def reduce_axes(shape, attrs, opname):
    """The axes a reduction removes, honouring `exclude`."""
    axis, exclude = attrs["axis"], attrs.get("exclude")
    try:
        key = (len(shape), axis, type(axis), exclude)
        found = _AXES.get(key)
    except TypeError:  # an unhashable axis (a list)
        key = found = None
    if found is not None:
        return found
    axes = normalize_axes(axis, len(shape), opname) if len(shape) else ()
    if exclude:
        axes = tuple(i for i in range(len(shape)) if i not in axes)
    if key is not None:
        if len(_AXES) >= 4096:
            _AXES.clear()
        _AXES[key] = axes
    return axes


# reduce_axes by (ndim, axis and its type, exclude): normalizing in Python was a good part
# of a small reduction's time. Only valid axes are kept (an invalid one raises every time).
_AXES: dict = {}


def _reduce_infer(opname):
    def rule(ins, attrs):
        t = ins[0]
        axes = reduce_axes(t.shape, attrs, opname)
        return [TensorType.get(reduced_shape(t.shape, axes, attrs["keepdims"]), t.dtype)]
    return rule


def _expand_back(b, g, x_shape, attrs, opname):
    """g (reduced) reshaped to keepdims form and broadcast to x_shape."""
    axes = reduce_axes(x_shape, attrs, opname)
    g = reshape(b, g, reduced_shape(x_shape, axes, True))
    return broadcast(b, g, x_shape)


_add_reduce = np.add.reduce  # what np.sum calls, without its Python-level dispatch


@register("sum", _reduce_infer("sum"), attrs=_REDUCE_ATTRS, mxnet_np="_np_sum", reduction="sum")
def sum_(x, axis, keepdims, exclude):
    """Sum over `axis` (all axes when None)."""
    if axis is None and not exclude:  # the common full reduction (a loss)
        return np.asarray(_add_reduce(x, axis=None, keepdims=keepdims))
    axes = reduce_axes(x.shape, {"axis": axis, "exclude": exclude}, "sum")
    if x.size >= _GEMV_MIN and x.dtype in _SUM_THEN_DIVIDE and x.flags.c_contiguous:
        plan = _gemv_plan(x.shape, axes)
        if plan is not None:
            return _gemv_sum(x, plan, x.dtype).reshape(reduced_shape(x.shape, axes, keepdims))
    return np.asarray(_add_reduce(x, axis=axes, keepdims=keepdims))


# Sums of float32/float64 C-contiguous arrays over leading and/or trailing axes (a bias
# gradient: (N, C, H, W) over (0, 2, 3), (N, F) over 0) are products with a vector of ones
# through the BLAS NumPy loaded: 2-3x faster than np.add.reduce there (measured: 45 -> 14
# us for (64, 6, 24, 24)), as the BLAS reads whole rows at once. Each product sums at
# most _GEMV_MAX_RUN terms, where its error (accumulation in the dtype, in SIMD lanes)
# stays that of a short sum; longer runs keep NumPy's pairwise summation. The result may
# differ from np.sum's in the last bits, as MXNet's own reductions do.
_GEMV_MIN = 1 << 12
_GEMV_MAX_RUN = 1 << 13
_ONES: dict = {}  # (length, dtype) -> a read-only vector of ones
_GEMV_PLANS: dict = {}  # (shape, axes) -> (rows, run, lead) or None


def _gemv_plan(shape, axes):
    """(rows, run, lead): `x` viewed as (rows, run) is summed over its rows (`run` > 1:
    the trailing reduced axes), then the (lead, rows // lead) result over its first axis
    (`lead` > 1: the leading reduced axes); None when `axes` are not a prefix and a
    suffix of the axes or a run is too long."""
    key = (shape, axes)
    found = _GEMV_PLANS.get(key, False)
    if found is not False:
        return found
    n, picked = len(shape), set(axes)
    lead_axes = 0
    while lead_axes < n and lead_axes in picked:
        lead_axes += 1
    tail_axes = 0
    while tail_axes < n - lead_axes and n - 1 - tail_axes in picked:
        tail_axes += 1
    plan = None
    if axes and lead_axes + tail_axes == len(picked):
        lead = math.prod(shape[:lead_axes])
        run = math.prod(shape[n - tail_axes:])
        rows = math.prod(shape) // run
        if run <= _GEMV_MAX_RUN and lead <= _GEMV_MAX_RUN and (run > 1 or lead > 1):
            plan = (rows, run, lead)
    if len(_GEMV_PLANS) >= 4096:
        _GEMV_PLANS.clear()
    _GEMV_PLANS[key] = plan
    return plan


def _ones(n: int, dtype) -> np.ndarray:
    key = (n, dtype.char)
    v = _ONES.get(key)
    if v is None:
        if len(_ONES) >= 256:
            _ONES.clear()
        v = _ONES[key] = np.ones(n, dtype)
        v.setflags(write=False)
    return v


def _gemv_sum(x, plan, dtype) -> np.ndarray:
    rows, run, lead = plan
    y = x.reshape(rows, run)
    y = np.dot(y, _ones(run, dtype)) if run > 1 else y.reshape(rows)
    if lead > 1:
        y = np.dot(_ones(lead, dtype), y.reshape(lead, rows // lead))
    return y


@sum_.gradient
def _sum_vjp(b, n, g):
    return [_expand_back(b, g[0], n.inputs[0].type.shape, n.attrs, "sum")]


@register("mean", _reduce_infer("mean"), attrs=_REDUCE_ATTRS, mxnet_np="_npi_mean",
          reduction="mean")
def mean(x, axis, keepdims, exclude):
    """Mean over `axis` (all axes when None); 0 over no elements, as MXNet."""
    shape = x.shape
    try:
        key = (shape, axis, type(axis), exclude, keepdims)
        plan = _MEAN_PLANS.get(key)
    except TypeError:  # an unhashable axis (a list)
        key = plan = None
    if plan is None:
        axes = reduce_axes(shape, {"axis": axis, "exclude": exclude}, "mean")
        count = math.prod(shape[a] for a in axes)
        plan = (axes, count, reduced_shape(shape, axes, keepdims))
        if key is not None:
            if len(_MEAN_PLANS) >= 4096:
                _MEAN_PLANS.clear()
            _MEAN_PLANS[key] = plan
    axes, count, out_shape = plan
    if count == 0 or x.size == 0:
        total = np.sum(x, axis=axes, keepdims=keepdims)
        return np.zeros(np.shape(total), dtype=x.dtype)
    if count == 1:  # each mean is of one element: that element (a per-sample mean of a
        return x.reshape(out_shape).copy()  # (batch, 1) loss), as summing would give
    # What np.mean does for float32/64 (sum in the dtype, divide by the count), without
    # its Python-level steps.
    if x.dtype in _SUM_THEN_DIVIDE and count < 1 << 24:  # (exact in float32: same quotient)
        total = _add_reduce(x, axis=axes, keepdims=keepdims)
        if type(total) is np.ndarray:
            return np.true_divide(total, count, out=total)
        return np.asarray(total / count)
    return np.asarray(np.mean(x, axis=axes, keepdims=keepdims), dtype=x.dtype)


# (shape, axis, its type, exclude, keepdims) -> (axes, count, result shape) of `mean`
_MEAN_PLANS: dict = {}
# np.mean of these sums in the array's dtype and divides by the count (float16 is summed
# in float32, integers in float64: those take np.mean itself). It divides by an intp in
# float64 and rounds: the float32 quotient is the same while the count is exact in float32.
_SUM_THEN_DIVIDE = (np.dtype(np.float32), np.dtype(np.float64))


@mean.gradient
def _mean_vjp(b, n, g):
    shape = n.inputs[0].type.shape
    axes = reduce_axes(shape, n.attrs, "mean")
    count = 1
    for a in axes:
        count *= shape[a]
    ga = b.op("_div_scalar", g[0], scalar=float(max(count, 1)))
    return [_expand_back(b, ga, shape, n.attrs, "mean")]


@register("prod", _reduce_infer("prod"), attrs=_REDUCE_ATTRS, mxnet_np="_np_prod")
def prod(x, axis, keepdims, exclude):
    """Product over `axis` (all axes when None)."""
    axes = reduce_axes(x.shape, {"axis": axis, "exclude": exclude}, "prod")
    return np.asarray(np.prod(x, axis=axes, keepdims=keepdims))


@prod.gradient
def _prod_vjp(b, n, g):
    x = n.inputs[0]
    shape = x.type.shape
    gy = b.op("elemwise_mul", g[0], n.outputs[0])
    return [b.op("elemwise_div", _expand_back(b, gy, shape, n.attrs, "prod"), x)]


def _extreme(name, fn):
    @register(name, _reduce_infer(name), attrs=_REDUCE_ATTRS, mxnet_np="_np_" + name)
    def kernel(x, axis, keepdims, exclude):
        axes = reduce_axes(x.shape, {"axis": axis, "exclude": exclude}, name)
        return np.asarray(fn(x, axis=axes, keepdims=keepdims))
    kernel.doc = "%s over `axis` (all axes when None)." % name.capitalize()

    @kernel.gradient
    def _vjp(b, n, g):
        x = n.inputs[0]
        shape = x.type.shape
        hit = b.op("_equal", x, _expand_back(b, n.outputs[0], shape, n.attrs, name))
        return [b.op("elemwise_mul", _expand_back(b, g[0], shape, n.attrs, name), hit)]
    return kernel


_extreme("max", np.max)
_extreme("min", np.min)

_NORM_ATTRS = {"ord": 2, "axis": None, "out_dtype": None, "keepdims": False}


def _norm_infer(ins, attrs):
    if int(attrs["ord"]) not in (1, 2):
        raise ShapeError("norm: ord must be 1 or 2, got %r" % (attrs["ord"],))
    return _reduce_infer("norm")(ins, dict(attrs, exclude=False))


@register("norm", _norm_infer, attrs=_NORM_ATTRS, mxnet_np="_npi_norm")
def norm(x, ord, axis, out_dtype, keepdims):
    """L2 (ord=2) or L1 (ord=1) norm over `axis` (all elements when None)."""
    axes = reduce_axes(x.shape, {"axis": axis}, "norm")
    if int(ord) == 1:
        return np.asarray(np.sum(np.abs(x), axis=axes, keepdims=keepdims))
    return np.asarray(np.sqrt(np.sum(np.square(x), axis=axes, keepdims=keepdims)))


@norm.gradient
def _norm_vjp(b, n, g):
    x = n.inputs[0]
    shape, attrs = x.type.shape, dict(n.attrs, exclude=False)
    gb = _expand_back(b, g[0], shape, attrs, "norm")
    if int(n.attrs["ord"]) == 1:
        sign = b.op("elemwise_sub", b.op("_greater_scalar", x, scalar=0.0),
                    b.op("_lesser_scalar", x, scalar=0.0))
        return [b.op("elemwise_mul", gb, sign)]
    yb = _expand_back(b, n.outputs[0], shape, attrs, "norm")
    return [b.op("elemwise_mul", gb, b.op("elemwise_div", x, yb))]


def _arg_infer(name):
    def rule(ins, attrs):
        t = ins[0]
        if attrs["axis"] is None:
            shape = (1,) * t.ndim if attrs["keepdims"] else ()
        else:
            axes = normalize_axes(int(attrs["axis"]), t.ndim, name)
            shape = reduced_shape(t.shape, axes, attrs["keepdims"])
        return [TensorType.get(shape, t.dtype)]
    return rule


def _argext(name, fn):
    @register(name, _arg_infer(name), attrs={"axis": None, "keepdims": False},
              mxnet_np="_npi_" + name,
              nondiff_note="index-valued output: its gradient is zero everywhere")
    def kernel(x, axis, keepdims):
        if axis is None:
            out = np.asarray(fn(x.reshape(-1)))
            return out.reshape((1,) * x.ndim if keepdims else ()).astype(x.dtype)
        return np.asarray(fn(x, axis=int(axis), keepdims=keepdims)).astype(x.dtype)
    kernel.doc = "Index of the %s along `axis` (as a float in x's dtype)." % name[3:]
    kernel.gradient(lambda b, n, g: [None])
    return kernel


_argext("argmax", np.argmax)
_argext("argmin", np.argmin)


def _cumsum_infer(ins, attrs):
    t = ins[0]
    dtype = attrs["dtype"] or t.dtype
    if attrs["axis"] is None:
        return [TensorType.get((t.size,), dtype)]
    normalize_axes(int(attrs["axis"]), t.ndim, "cumsum")
    return [TensorType.get(t.shape, dtype)]


@register("cumsum", _cumsum_infer, attrs={"axis": None, "dtype": None}, mxnet_np="_np_cumsum")
def cumsum(x, axis, dtype):
    """Running sum along `axis` (over the flattened array when None)."""
    return np.cumsum(x, axis=None if axis is None else int(axis), dtype=dtype)


@cumsum.gradient
def _cumsum_vjp(b, n, g):
    x = n.inputs[0]
    if n.attrs["dtype"] not in (None, x.type.dtype):
        return [None]
    axis = 0 if n.attrs["axis"] is None else int(n.attrs["axis"]) % x.type.ndim
    rev = b.op("reverse", b.op("cumsum", b.op("reverse", g[0], axis=(axis,)), axis=axis),
               axis=(axis,))
    return [reshape(b, rev, x.type.shape)]


# ---------------------------------------------------------------- forward mode (see _jvp.py)

from ._jvp import linear, set_rule, zero  # noqa: E402  (after the operators)

set_rule(linear(0), ["sum", "mean", "cumsum"])
set_rule(zero, ["argmax", "argmin"])
