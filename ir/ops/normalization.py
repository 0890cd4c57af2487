"""LayerNorm: normalise over one axis, then scale by gamma and shift by beta."""
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


@layer_norm.gradient
def _ln_vjp(b, n, g):
    x, gamma, _ = n.inputs
    shape = x.type.shape
    axis = _ln_axis(len(shape), n.attrs["axis"])
    others = tuple(i for i in range(len(shape)) if i != axis)

    def mean(v):
        return broadcast(b, b.op("mean", v, axis=(axis,), keepdims=True), shape)

    xc = sub(b, x, mean(x))
    inv = b.op("_power_scalar", shift(b, mean(b.op("square", xc)), float(n.attrs["eps"])),
               scalar=-0.5)
    xhat = mul(b, xc, inv)
    dxhat = mul(b, g[0], broadcast(b, reshape(b, gamma, _keep(shape, axis)), shape))
    inner = sub(b, sub(b, dxhat, mean(dxhat)), mul(b, xhat, mean(mul(b, dxhat, xhat))))
    dx = mul(b, inv, inner)
    dgamma = b.op("sum", mul(b, g[0], xhat), axis=others) if others else mul(b, g[0], xhat)
    dbeta = b.op("sum", g[0], axis=others) if others else g[0]
    return [dx, dgamma, dbeta]
