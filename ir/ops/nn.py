"""Linear algebra and neural-network operators: dot, FullyConnected, Activation, Dropout,
BatchNorm. Their gradient rules are compositions of registered operators."""
from __future__ import annotations

import math

import numpy as np

from tapegraph.ir.errors import ShapeError
from tapegraph.ir.registry import REQUIRED, register
from tapegraph.ir.types import TensorType
from .elementwise import _relu
from .rules import fmt_shape
from ._emit import broadcast, mul, reshape, rsub, scale, shift, sub, sum_to

# ---------------------------------------------------------------- dot


def _dot_operands(sa, sb, ta, tb):
    """The operand shapes after MXNet's transposes: `transpose_a` moves lhs's first axis
    last (it is contracted, the others keep their order), `transpose_b` moves rhs's last
    axis first; for matrices both are the ordinary transpose."""
    a = tuple(sa[1:]) + tuple(sa[:1]) if ta else tuple(sa)
    c = tuple(sb[-1:]) + tuple(sb[:-1]) if tb else tuple(sb)
    return a, c


def _lhs_axes(ndim):  # transpose axes giving lhs's transpose_a operand, and back
    return tuple(range(1, ndim)) + (0,), (ndim - 1,) + tuple(range(ndim - 1))


def _rhs_axes(ndim):  # the same for rhs's transpose_b operand
    return _lhs_axes(ndim)[::-1]


def _dot_infer_shape(sa, sb, ta, tb, numpy_style, opname):
    a, c = _dot_operands(sa, sb, ta, tb)
    if not a or not c:
        if numpy_style:
            return a or c
        raise ShapeError("%s: inputs must have at least one dimension" % opname)
    if a[-1] != c[0]:
        raise ShapeError("%s: shapes %s and %s are not aligned (%d != %d)%s"
                         % (opname, fmt_shape(sa), fmt_shape(sb), a[-1], c[0],
                            " after transpose" if ta or tb else ""))
    out = a[:-1] + c[1:]
    if not out and not numpy_style:
        out = (1,)
    return out


def _make_dot_infer(numpy_style, opname):
    def rule(ins, attrs):
        sa, sb = ins[0].shape, ins[1].shape
        if ins[0].dtype != ins[1].dtype:
            raise ShapeError("%s: dtypes %s and %s differ" % (opname, ins[0].dtype, ins[1].dtype))
        ta, tb = attrs.get("transpose_a", False), attrs.get("transpose_b", False)
        return [TensorType.get(_dot_infer_shape(sa, sb, ta, tb, numpy_style, opname),
                               ins[0].dtype)]
    return rule


def _dot_kernel(a, b, transpose_a=False, transpose_b=False, legacy=True):
    if transpose_a:
        a = np.moveaxis(a, 0, -1)
    if transpose_b:
        b = np.moveaxis(b, -1, 0)
    if a.ndim == 0 or b.ndim == 0:
        return np.multiply(a, b)
    out = np.tensordot(a, b, axes=1) if (a.ndim > 2 or b.ndim > 2) else np.dot(a, b)
    out = np.asarray(out)
    if legacy and out.ndim == 0:
        out = out.reshape(1)
    return out


def _dot_vjp_common(b, n, g, opname, extra):
    """Gradient of a (transposed) tensor contraction over one axis, via 2-D dots."""
    va, vb = n.inputs
    ta, tb = n.attrs.get("transpose_a", False), n.attrs.get("transpose_b", False)
    sa, sb = _dot_operands(va.type.shape, vb.type.shape, ta, tb)
    if not sa or not sb:  # numpy-style dot with a scalar: plain multiplication
        return [None, None]
    k = sa[-1]
    na, nb = va.type.ndim, vb.type.ndim
    ta, tb = ta and na > 1, tb and nb > 1
    a2 = reshape(b, b.op("transpose", va, axes=_lhs_axes(na)[0]) if ta else va, (-1, k))
    b2 = reshape(b, b.op("transpose", vb, axes=_rhs_axes(nb)[0]) if tb else vb, (k, -1))
    g2 = reshape(b, g[0], (a2.type.shape[0], b2.type.shape[1]))
    da = reshape(b, b.op("dot", g2, b2, transpose_b=True), sa)
    db = reshape(b, b.op("dot", a2, g2, transpose_a=True), sb)
    if ta:
        da = b.op("transpose", da, axes=_lhs_axes(na)[1])
    if tb:
        db = b.op("transpose", db, axes=_rhs_axes(nb)[1])
    return [reshape(b, da, va.type.shape), reshape(b, db, vb.type.shape)]


@register("dot", _make_dot_infer(False, "dot"), attrs={"transpose_a": False,
                                                       "transpose_b": False},
          num_inputs=2)
def dot(a, b, transpose_a, transpose_b):
    """MXNet's dot: contracts the last axis of a with the first of b (after transposes)."""
    if transpose_a:
        a = np.moveaxis(a, 0, -1)
    if transpose_b:
        b = np.moveaxis(b, -1, 0)
    na, nb = a.ndim, b.ndim
    if 0 < na <= 2 and 0 < nb <= 2 and na + nb > 2:  # matrix (or matrix-vector) product
        return np.dot(a, b)
    return _dot_kernel(a, b, legacy=True)


def _dot_vjp_direct(b, n, g):
    """Gradients of a matrix (or matrix-vector) product as single dots: the transposes
    become flags, so no transpose or reshape node is emitted; None where this form does
    not apply (the caller then uses the general rule for that operand)."""
    va, vb = n.inputs
    ta, tb = n.attrs.get("transpose_a", False), n.attrs.get("transpose_b", False)
    da = db = None
    if va.type.ndim == 2 and vb.type.ndim == 2:
        # C = op(A) op(B): dA = g op(B)^T (transposed back when ta); likewise dB.
        da = (b.op("dot", vb, g[0], transpose_a=tb, transpose_b=True) if ta
              else b.op("dot", g[0], vb, transpose_a=False, transpose_b=not tb))
        db = (b.op("dot", g[0], va, transpose_a=True, transpose_b=ta) if tb
              else b.op("dot", va, g[0], transpose_a=not ta))
    elif va.type.ndim == 2 and vb.type.ndim == 1:  # C = op(A) b: db = op(A)^T g
        db = b.op("dot", va, g[0], transpose_a=not ta)
    elif va.type.ndim == 1 and vb.type.ndim == 2:  # C = a op(B): da = op(B) g
        da = b.op("dot", vb, g[0], transpose_a=tb)
    return da, db


@dot.gradient
def _dot_vjp(b, n, g):
    da, db = _dot_vjp_direct(b, n, g)
    if da is not None and db is not None:
        return [da, db]
    general = _dot_vjp_common(b, n, g, "dot", None)
    return [da if da is not None else general[0], db if db is not None else general[1]]


def _np_dot_vjp(b, n, g):
    va, vb = n.inputs
    if va.type.ndim == 0 or vb.type.ndim == 0:
        if va.type.ndim == 0:
            return [sum_to(b, mul(b, g[0], vb), ()), mul(b, g[0], broadcast(b, va, vb.type.shape))]
        return [mul(b, g[0], broadcast(b, vb, va.type.shape)), sum_to(b, mul(b, g[0], va), ())]
    return _dot_vjp_common(b, n, g, "_np_dot", None)


@register("_np_dot", _make_dot_infer(True, "dot"), num_inputs=2, mxnet_np="_np_dot",
          vjp=_np_dot_vjp)
def np_dot(a, b):
    """NumPy's dot (vector . vector is a 0-d scalar)."""
    return _dot_kernel(a, b, legacy=False)


# ---------------------------------------------------------------- FullyConnected


def _fc_infer(ins, attrs):
    if len(ins) != (2 if attrs["no_bias"] else 3):
        raise ShapeError("FullyConnected: expected %d inputs (no_bias=%s), got %d"
                         % (2 if attrs["no_bias"] else 3, attrs["no_bias"], len(ins)))
    data, weight = ins[0], ins[1]
    nh = int(attrs["num_hidden"])
    if attrs["flatten"]:
        k = int(math.prod(data.shape[1:])) if data.ndim > 1 else 1
        out = (data.shape[0] if data.ndim else 1, nh)
    else:
        k = data.shape[-1]
        out = data.shape[:-1] + (nh,)
    if weight.shape != (nh, k):
        raise ShapeError("FullyConnected: weight has shape %s, expected %s for data %s and "
                         "num_hidden=%d" % (fmt_shape(weight.shape), fmt_shape((nh, k)),
                                            fmt_shape(data.shape), nh))
    want_inputs = 2 if attrs["no_bias"] else 3
    if len(ins) != want_inputs:
        raise ShapeError("FullyConnected: expected %d inputs (no_bias=%s), got %d"
                         % (want_inputs, attrs["no_bias"], len(ins)))
    if not attrs["no_bias"] and ins[2].shape != (nh,):
        raise ShapeError("FullyConnected: bias has shape %s, expected %s"
                         % (fmt_shape(ins[2].shape), fmt_shape((nh,))))
    return [TensorType.get(out, data.dtype)]


# Multiply-adds from which the (weight . x^T) form pays: below, its two extra NumPy calls
# cost more than the product (a tiny layer).
_FC_TRANSPOSED_MIN = 1 << 15


@register("FullyConnected", _fc_infer, num_inputs=None,
          attrs={"num_hidden": REQUIRED, "no_bias": False, "flatten": True},
          mxnet_np="FullyConnected")
def fully_connected(data, weight, *bias, num_hidden, no_bias, flatten):
    """data . weight^T + bias, flattening data to 2-D first when `flatten`."""
    x = data.reshape(data.shape[0], -1) if flatten and data.ndim != 2 else data
    if (x.ndim == 2 and 1 < x.shape[0] and 2 * x.shape[0] <= weight.shape[0]
            and x.size * weight.shape[0] >= _FC_TRANSPOSED_MIN):
        # A batch smaller than the layer: OpenBLAS computes (weight . x^T) 10-45% faster
        # than x . weight^T (measured from 8x784->512 to 64x4096->4096; slower for large
        # batches); the C-ordered result is written by the bias add (or a copy).
        t = np.dot(weight, x.T).T
        out = np.empty(t.shape, t.dtype)
        if no_bias:
            np.copyto(out, t)
        else:
            np.add(t, bias[0], out=out, casting="same_kind")
        return out
    out = np.dot(x, weight.T)
    if not no_bias:
        out += bias[0]
    return out


@fully_connected.gradient
def _fc_vjp(b, n, g):
    data, weight = n.inputs[0], n.inputs[1]
    k = weight.type.shape[1]
    x2 = reshape(b, data, (-1, k))
    g2 = reshape(b, g[0], (-1, weight.type.shape[0]))
    dx = reshape(b, b.op("dot", g2, weight), data.type.shape)
    dw = b.op("dot", g2, x2, transpose_a=True)
    grads = [dx, dw]
    if not n.attrs["no_bias"]:
        grads.append(b.op("sum", g2, axis=(0,), keepdims=False))
    return grads


# ---------------------------------------------------------------- Activation


def _softrelu(x):
    return np.logaddexp(0, x).astype(x.dtype, copy=False)


_ACTS = {
    "relu": _relu,
    "sigmoid": lambda x: 1.0 / (1.0 + np.exp(-x)),
    "tanh": np.tanh,
    "softrelu": _softrelu,
    "softsign": lambda x: x / (1.0 + np.abs(x)),
}


def _act_infer(ins, attrs):
    if attrs["act_type"] not in _ACTS:
        raise ShapeError("Activation: unknown act_type %r (expected one of %s)"
                         % (attrs["act_type"], ", ".join(_ACTS)))
    return [ins[0]]


@register("Activation", _act_infer, attrs={"act_type": REQUIRED}, elementwise=True)
def activation(x, act_type):
    """relu, sigmoid, tanh, softrelu (log(1+e^x)) or softsign (x/(1+|x|))."""
    return _ACTS[act_type](x)


@activation.gradient
def _act_vjp(b, n, g):
    x, y, kind = n.inputs[0], n.outputs[0], n.attrs["act_type"]
    if kind == "relu":
        d = b.op("_greater_scalar", y, scalar=0.0)  # (as relu's: the input is no residual)
    elif kind == "sigmoid":
        d = mul(b, y, rsub(b, y, 1.0))
    elif kind == "tanh":
        d = rsub(b, b.op("square", y), 1.0)
    elif kind == "softrelu":
        d = b.op("sigmoid", x)
    else:
        d = b.op("_power_scalar", shift(b, b.op("abs", x), 1.0), scalar=-2.0)
    return [mul(b, g[0], d)]


# ---------------------------------------------------------------- Dropout


@register("Dropout", lambda ins, attrs: [ins[0]], num_inputs=2,
          attrs={"p": 0.5, "mode": "training", "axes": ()}, uses_train_mode=True)
def dropout(x, mask, p, mode, axes):
    """x * mask: the mask (0 or 1/(1-p)) is an explicit input, so the op is pure."""
    return x * mask


@dropout.gradient
def _dropout_vjp(b, n, g):
    return [mul(b, g[0], n.inputs[1]), None]


# ---------------------------------------------------------------- BatchNorm

_BN_ATTRS = {"eps": 1e-3, "momentum": 0.9, "fix_gamma": True, "use_global_stats": False,
             "axis": 1, "output_mean_var": False, "cudnn_off": False, "training": False}


def _bn_axes(ndim, axis):
    axis %= ndim
    return axis, tuple(i for i in range(ndim) if i != axis)


def _bn_infer(ins, attrs):
    data = ins[0]
    axis, _ = _bn_axes(data.ndim, int(attrs["axis"]))
    c = data.shape[axis]
    for name, t in zip(("gamma", "beta", "moving_mean", "moving_var"), ins[1:]):
        if t.shape != (c,):
            raise ShapeError("BatchNorm: %s has shape %s, expected %s (channels on axis %d)"
                             % (name, fmt_shape(t.shape), fmt_shape((c,)), axis))
    return [data]


def bn_uses_batch_stats(attrs) -> bool:
    return bool(attrs["training"]) and not attrs["use_global_stats"]


def _bn_keep(shape, axis):
    return tuple(s if i == axis else 1 for i, s in enumerate(shape))


@register("BatchNorm", _bn_infer, num_inputs=5, attrs=_BN_ATTRS, uses_train_mode=True)
def batch_norm(x, gamma, beta, mean, var, eps, momentum, fix_gamma, use_global_stats, axis,
               output_mean_var, cudnn_off, training):
    """Normalise over all axes but `axis` (batch statistics when training)."""
    axis, red = _bn_axes(x.ndim, axis)
    keep = _bn_keep(x.shape, axis)
    if training and not use_global_stats:
        mean = x.mean(axis=red)
        var = x.var(axis=red)
    g = np.ones_like(gamma) if fix_gamma else gamma
    inv = 1.0 / np.sqrt(var.reshape(keep) + eps)
    return ((x - mean.reshape(keep)) * inv * g.reshape(keep) + beta.reshape(keep)).astype(
        x.dtype, copy=False)


@batch_norm.gradient
def _bn_vjp(b, n, g):
    x, gamma, _, mmean, mvar = n.inputs
    a = n.attrs
    shape = x.type.shape
    axis, red = _bn_axes(len(shape), int(a["axis"]))
    keep = _bn_keep(shape, axis)
    g = g[0]
    narrow = x.type.dtype if x.type.dtype != gamma.type.dtype else None
    if narrow:  # float16 data, float32 parameters (mixed precision): in the parameters' type
        x = b.op("Cast", x, dtype=gamma.type.dtype)
        g = b.op("Cast", g, dtype=gamma.type.dtype)

    def channel(v):  # a (C,) value broadcast over x's shape
        return broadcast(b, reshape(b, v, keep), shape)

    def red_mean(v):
        return broadcast(b, b.op("mean", v, axis=red, keepdims=True), shape)

    if bn_uses_batch_stats(a):
        xc = sub(b, x, red_mean(x))
        inv = b.op("_power_scalar", shift(b, red_mean(b.op("square", xc)), a["eps"]),
                   scalar=-0.5)
    else:
        xc = sub(b, x, channel(mmean))
        inv = channel(b.op("_power_scalar", shift(b, mvar, a["eps"]), scalar=-0.5))
    xhat = mul(b, xc, inv)
    dxhat = g if a["fix_gamma"] else mul(b, g, channel(gamma))
    if bn_uses_batch_stats(a):
        inner = sub(b, sub(b, dxhat, red_mean(dxhat)), mul(b, xhat, red_mean(mul(b, dxhat, xhat))))
        dx = mul(b, inv, inner)
    else:
        dx = mul(b, dxhat, inv)
    dgamma = None if a["fix_gamma"] else b.op("sum", mul(b, g, xhat), axis=red)
    dbeta = b.op("sum", g, axis=red)
    if narrow:
        dx = b.op("Cast", dx, dtype=narrow)
    return [dx, dgamma, dbeta, None, None]


__all__ = ["bn_uses_batch_stats", "scale"]


# ---------------------------------------------------------------- forward mode (see _jvp.py)

from ._jvp import diagonal, linear, product, set_rule  # noqa: E402  (after the operators)

set_rule(product(0, 1), ["dot", "_np_dot"])
set_rule(product(0, 1, bias=2), ["FullyConnected"])
set_rule(diagonal, ["Activation"])
set_rule(linear(0), ["Dropout"])  # x * mask: linear in x, the mask is a constant draw
