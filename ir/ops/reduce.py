"""Reductions: sum, mean (MXNet's `axis`, `keepdims`, `exclude`)."""
from __future__ import annotations

import numpy as np

from ..registry import register
from ..types import TensorType
from .rules import normalize_axes, reduced_shape
from ._emit import broadcast, reshape

_REDUCE_ATTRS = {"axis": None, "keepdims": False, "exclude": False}


def reduce_axes(shape, attrs, opname):
    """The axes a reduction removes, honouring `exclude`."""
    axes = normalize_axes(attrs["axis"], len(shape), opname) if len(shape) else ()
    if attrs.get("exclude"):
        axes = tuple(i for i in range(len(shape)) if i not in axes)
    return axes


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


@register("sum", _reduce_infer("sum"), attrs=_REDUCE_ATTRS, mxnet_np="_np_sum")
def sum_(x, axis, keepdims, exclude):
    """Sum over `axis` (all axes when None)."""
    axes = reduce_axes(x.shape, {"axis": axis, "exclude": exclude}, "sum")
    return np.asarray(np.sum(x, axis=axes, keepdims=keepdims))


@sum_.gradient
def _sum_vjp(b, n, g):
    return [_expand_back(b, g[0], n.inputs[0].type.shape, n.attrs, "sum")]


@register("mean", _reduce_infer("mean"), attrs=_REDUCE_ATTRS, mxnet_np="_npi_mean")
def mean(x, axis, keepdims, exclude):
    """Mean over `axis` (all axes when None)."""
    axes = reduce_axes(x.shape, {"axis": axis, "exclude": exclude}, "mean")
    return np.asarray(np.mean(x, axis=axes, keepdims=keepdims), dtype=x.dtype)


@mean.gradient
def _mean_vjp(b, n, g):
    shape = n.inputs[0].type.shape
    axes = reduce_axes(shape, n.attrs, "mean")
    count = 1
    for a in axes:
        count *= shape[a]
    ga = b.op("_div_scalar", g[0], scalar=float(max(count, 1)))
    return [_expand_back(b, ga, shape, n.attrs, "mean")]
