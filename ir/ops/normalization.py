"""Normalisation layers: LayerNorm (one axis), InstanceNorm (spatial axes per sample and
channel), GroupNorm (channel groups per sample), L2Normalization. Gradients are
compositions of registered operators."""
from __future__ import annotations

import numpy as np

from tapegraph.ir.errors import ShapeError
from tapegraph.ir.registry import register
from .rules import fmt_shape
from ._emit import broadcast, mul, reshape, shift, sub


def _ln_axis(ndim, axis):
    if not -ndim <= int(axis) < ndim:
        raise ShapeError("LayerNorm: axis %d out of range for %d-d input" % (axis, ndim))
    return int(axis) % ndim


def _ln_infer(ins, attrs):
    data, gamma, beta = ins
    axis = _ln_axis(data.ndim, attrs["axis"])
    c = data.shape[axis]
    for name, t in (("gamma", gamma), ("beta", beta)):
        if t.shape != (c,):
            raise ShapeError("LayerNorm: %s has shape %s, expected (%d,)"
                             % (name, fmt_shape(t.shape), c))
    if attrs["output_mean_var"]:
        raise ShapeError("LayerNorm: output_mean_var=True is not supported")
    return [data]


def _keep(shape, axis):
    return tuple(s if i == axis else 1 for i, s in enumerate(shape))


@register("LayerNorm", _ln_infer, num_inputs=3,
          attrs={"axis": -1, "eps": 1e-5, "output_mean_var": False}, mxnet_np="_npx_layer_norm")
def layer_norm(x, gamma, beta, axis, eps, output_mean_var):
    """(x - mean) / sqrt(var + eps) * gamma + beta, statistics along `axis`."""
    axis = int(axis) % x.ndim
    mean = x.mean(axis=axis, keepdims=True)
    var = x.var(axis=axis, keepdims=True)
    keep = _keep(x.shape, axis)
    out = (x - mean) / np.sqrt(var + eps) * gamma.reshape(keep) + beta.reshape(keep)
    return out.astype(x.dtype, copy=False)


def standardize_vjp(b, x, g, gamma_shape, gamma, axes, eps):
    """Gradients of (x - mean) / sqrt(var + eps) * gamma_b (statistics over `axes`;
    gamma reshaped to `gamma_shape` and broadcast): [dx, dgamma (summed to gamma's
    layout), xhat]."""
    shape = x.type.shape

    def mean(v):
        return broadcast(b, b.op("mean", v, axis=axes, keepdims=True), shape)

    xc = sub(b, x, mean(x))
    inv = b.op("_power_scalar", shift(b, mean(b.op("square", xc)), float(eps)), scalar=-0.5)
    xhat = mul(b, xc, inv)
    dxhat = mul(b, g, broadcast(b, reshape(b, gamma, gamma_shape), shape))
    inner = sub(b, sub(b, dxhat, mean(dxhat)), mul(b, xhat, mean(mul(b, dxhat, xhat))))
    return mul(b, inv, inner), xhat


def _sum_except(b, v, keep_axis):
    others = tuple(i for i in range(v.type.ndim) if i != keep_axis)
    return b.op("sum", v, axis=others) if others else v


@layer_norm.gradient
def _ln_vjp(b, n, g):
    x, gamma, _ = n.inputs
    shape = x.type.shape
    axis = _ln_axis(len(shape), n.attrs["axis"])
    dx, xhat = standardize_vjp(b, x, g[0], _keep(shape, axis), gamma, (axis,), n.attrs["eps"])
    return [dx, _sum_except(b, mul(b, g[0], xhat), axis), _sum_except(b, g[0], axis)]


def _in_infer(ins, attrs):
    data, gamma, beta = ins
    if data.ndim < 3:
        raise ShapeError("InstanceNorm: expected (N, C, spatial...) input, got %s"
                         % fmt_shape(data.shape))
    for name, t in (("gamma", gamma), ("beta", beta)):
        if t.shape != (data.shape[1],):
            raise ShapeError("InstanceNorm: %s has shape %s, expected (%d,)"
                             % (name, fmt_shape(t.shape), data.shape[1]))
    return [data]


@register("InstanceNorm", _in_infer, num_inputs=3, attrs={"eps": 1e-3},
          mxnet_np="InstanceNorm")
def instance_norm(x, gamma, beta, eps):
    """Normalise each (sample, channel) over the spatial axes, then scale and shift."""
    axes = tuple(range(2, x.ndim))
    keep = _keep(x.shape, 1)
    mean = x.mean(axis=axes, keepdims=True)
    var = x.var(axis=axes, keepdims=True)
    out = (x - mean) / np.sqrt(var + eps) * gamma.reshape(keep) + beta.reshape(keep)
    return out.astype(x.dtype, copy=False)


@instance_norm.gradient
def _in_vjp(b, n, g):
    x, gamma, _ = n.inputs
    shape = x.type.shape
    axes = tuple(range(2, len(shape)))
    dx, xhat = standardize_vjp(b, x, g[0], _keep(shape, 1), gamma, axes, n.attrs["eps"])
    return [dx, _sum_except(b, mul(b, g[0], xhat), 1), _sum_except(b, g[0], 1)]


def _gn_infer(ins, attrs):
    data, gamma, beta = ins
    groups = int(attrs["num_groups"])
    if data.ndim < 2 or groups <= 0 or data.shape[1] % groups:
        raise ShapeError("GroupNorm: num_groups=%d must divide the channels of a (N, C, ...) "
                         "input, got shape %s" % (groups, fmt_shape(data.shape)))
    for name, t in (("gamma", gamma), ("beta", beta)):
        if t.shape != (groups,):
            raise ShapeError("GroupNorm: %s has shape %s, expected (%d,) (one per group)"
                             % (name, fmt_shape(t.shape), groups))
    if attrs["output_mean_var"]:
        raise ShapeError("GroupNorm: output_mean_var=True is not supported")
    return [data]


@register("GroupNorm", _gn_infer, num_inputs=3,
          attrs={"num_groups": 1, "eps": 1e-5, "output_mean_var": False},
          mxnet_np="GroupNorm")
def group_norm(x, gamma, beta, num_groups, eps, output_mean_var):
    """Normalise each group of channels of a sample, then scale and shift per group.

    Statistics cover the group's channels and the spatial axes; as in MXNet 1.9.1, gamma
    and beta hold one value per group."""
    groups = int(num_groups)
    xs = x.reshape(x.shape[0], groups, -1)
    mean = xs.mean(axis=2, keepdims=True)
    var = xs.var(axis=2, keepdims=True)
    out = (xs - mean) / np.sqrt(var + eps) * gamma.reshape(1, groups, 1) \
        + beta.reshape(1, groups, 1)
    return out.reshape(x.shape).astype(x.dtype, copy=False)


@group_norm.gradient
def _gn_vjp(b, n, g):
    x, gamma, _ = n.inputs
    groups = int(n.attrs["num_groups"])
    shape3 = (x.type.shape[0], groups, x.type.size // (x.type.shape[0] * groups))
    x3, g3 = reshape(b, x, shape3), reshape(b, g[0], shape3)
    dx, xhat = standardize_vjp(b, x3, g3, (1, groups, 1), gamma, (2,), n.attrs["eps"])
    return [reshape(b, dx, x.type.shape), _sum_except(b, mul(b, g3, xhat), 1),
            _sum_except(b, g3, 1)]


_L2_MODES = {"instance": lambda nd: tuple(range(1, nd)), "channel": lambda nd: (1,),
             "spatial": lambda nd: tuple(range(2, nd))}


def _l2_axes(ndim, mode):
    if mode not in _L2_MODES:
        raise ShapeError("L2Normalization: mode must be instance, channel or spatial, got %r"
                         % (mode,))
    axes = _L2_MODES[mode](ndim)
    if not axes or max(axes) >= ndim:
        raise ShapeError("L2Normalization: mode %r needs more than %d dimensions" % (mode, ndim))
    return axes


def _l2_infer(ins, attrs):
    _l2_axes(ins[0].ndim, attrs["mode"])
    return [ins[0]]


@register("L2Normalization", _l2_infer, attrs={"eps": 1e-10, "mode": "instance"},
          mxnet_np="L2Normalization")
def l2_normalization(x, eps, mode):
    """x / sqrt(sum(x^2) + eps), the sum over all axes but the first (instance), the
    channel axis (channel) or the spatial axes (spatial)."""
    axes = _l2_axes(x.ndim, mode)
    return (x / np.sqrt((x * x).sum(axis=axes, keepdims=True) + eps)).astype(x.dtype,
                                                                             copy=False)


@l2_normalization.gradient
def _l2_vjp(b, n, g):
    x = n.inputs[0]
    shape = x.type.shape
    axes = _l2_axes(len(shape), n.attrs["mode"])

    def total(v):
        return broadcast(b, b.op("sum", v, axis=axes, keepdims=True), shape)

    inv = b.op("_power_scalar", shift(b, total(b.op("square", x)), float(n.attrs["eps"])),
               scalar=-0.5)
    y = mul(b, x, inv)
    return [mul(b, inv, sub(b, g[0], mul(b, y, total(mul(b, g[0], y)))))]
