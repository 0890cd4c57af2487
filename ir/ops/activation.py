"""Activations with attributes: LeakyReLU (leaky, elu, selu, gelu, prelu), softmax and
log_softmax (axis, temperature). Gradients are compositions of registered operators."""
from __future__ import annotations

import math

import numpy as np

from tapegraph.ir.errors import DTypeError, ShapeError
from tapegraph.ir.registry import register
from tapegraph.ir.types import TensorType
from . import special
from ._emit import broadcast, mul, reshape, rsub, scale, shift, sum_to

_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_LAMBDA = 1.0507009873554804934193349852946
_LEAKY_KINDS = ("leaky", "elu", "selu", "gelu", "prelu")


def _gamma_shape(shape):
    """Where prelu's gamma lives: one value per channel (axis 1), or a single value."""
    return tuple(s if i == 1 else 1 for i, s in enumerate(shape))


def _leaky_infer(ins, attrs):
    kind = attrs["act_type"]
    if kind not in _LEAKY_KINDS:
        raise ShapeError("LeakyReLU: act_type %r is not supported (expected one of %s)"
                         % (kind, ", ".join(_LEAKY_KINDS)))
    want = 2 if kind == "prelu" else 1
    if len(ins) != want:
        raise ShapeError("LeakyReLU: act_type=%r takes %d input(s), got %d"
                         % (kind, want, len(ins)))
    if kind == "prelu":
        x, gamma = ins
        c = x.shape[1] if x.ndim > 1 else 1
        if gamma.shape not in ((c,), (1,)):
            raise ShapeError("LeakyReLU: prelu gamma has shape %s, expected (%d,) or (1,)"
                             % (gamma.shape, c))
    return [ins[0]]


@register("LeakyReLU", _leaky_infer, num_inputs=None,
          attrs={"act_type": "leaky", "slope": 0.25, "lower_bound": 0.125,
                 "upper_bound": 0.334}, mxnet_np="LeakyReLU")
def leaky_relu(x, *gamma, act_type, slope, lower_bound, upper_bound):
    """leaky: x or slope*x; elu: x or slope*(e^x - 1); selu; gelu (erf form);
    prelu: x or gamma*x with a learned per-channel gamma."""
    pos = x > 0
    if act_type == "leaky":
        return np.where(pos, x, x * x.dtype.type(slope))
    if act_type == "elu":
        return np.where(pos, x, x.dtype.type(slope) * np.expm1(x))
    if act_type == "selu":
        return (_SELU_LAMBDA * np.where(pos, x, _SELU_ALPHA * np.expm1(x))).astype(x.dtype)
    if act_type == "gelu":
        return (0.5 * x * (1.0 + special.erf(x / math.sqrt(2.0)))).astype(x.dtype)
    g = gamma[0]
    g = g.reshape(_gamma_shape(x.shape)) if g.size > 1 else g.reshape(())
    return np.where(pos, x, g * x)


@leaky_relu.gradient
def _leaky_vjp(b, n, g):
    x, kind, slope = n.inputs[0], n.attrs["act_type"], float(n.attrs["slope"])
    pos = b.op("_greater_scalar", x, scalar=0.0)
    neg_part = rsub(b, pos, 1.0)
    if kind == "leaky":
        return [mul(b, g[0], shift(b, scale(b, pos, 1.0 - slope), slope))]
    if kind in ("elu", "selu"):
        alpha = slope if kind == "elu" else _SELU_ALPHA
        d = b.op("elemwise_add", pos, mul(b, neg_part, scale(b, b.op("exp", x), alpha)))
        if kind == "selu":
            d = scale(b, d, _SELU_LAMBDA)
        return [mul(b, g[0], d)]
    if kind == "gelu":
        cdf = scale(b, shift(b, b.op("erf", scale(b, x, 1.0 / math.sqrt(2.0))), 1.0), 0.5)
        pdf = scale(b, b.op("exp", scale(b, b.op("square", x), -0.5)),
                    1.0 / math.sqrt(2.0 * math.pi))
        return [mul(b, g[0], b.op("elemwise_add", cdf, mul(b, x, pdf)))]
    gamma = n.inputs[1]
    shape = x.type.shape
    if gamma.type.size > 1:
        gb = broadcast(b, reshape(b, gamma, _gamma_shape(shape)), shape)
    else:
        gb = broadcast(b, reshape(b, gamma, ()), shape)
    dx = mul(b, g[0], b.op("elemwise_add", pos, mul(b, neg_part, gb)))
    dgamma = sum_to(b, mul(b, g[0], mul(b, neg_part, x)),
                    _gamma_shape(shape) if gamma.type.size > 1 else ())
    return [dx, reshape(b, dgamma, gamma.type.shape)]

# ---------------------------------------------------------------- softmax


def _softmax_infer(ins, attrs):
    t = ins[0]
    if t.dtype not in ("float16", "float32", "float64"):
        raise DTypeError("softmax: this operation only supports floating point types, not %s "
                         "(as MXNet 1.9.1)" % t.dtype)
    if not -t.ndim <= int(attrs["axis"]) < t.ndim:
        raise ShapeError("softmax: axis %d out of range for %d-d input" % (attrs["axis"], t.ndim))
    if attrs["use_length"]:
        raise ShapeError("softmax: use_length=True is not supported")
    dtype = attrs["dtype"]
    if dtype is None or np.dtype(dtype).name == t.dtype:
        return [t]
    if np.dtype(dtype).name not in ("float16", "float32", "float64"):
        raise DTypeError("softmax: dtype must be float16, float32 or float64, got %r"
                         % (dtype,))
    return [TensorType.get(t.shape, np.dtype(dtype).name)]


def _written(y, dtype):
    """A softmax computed in its input's dtype, written in `dtype` (as MXNet 1.9.1 does)."""
    return y if dtype is None else y.astype(dtype, copy=False)


def _back_to_input(b, n, v):
    """A cotangent or tangent `v` cast from one end of a softmax to the other's dtype."""
    want = n.inputs[0].type.dtype
    return v if v.type.dtype == want else b.op("Cast", v, dtype=want)


def _to_output(b, n, t):
    want = n.outputs[0].type.dtype
    return t if t is None or t.type.dtype == want else b.op("Cast", t, dtype=want)


_SOFTMAX_ATTRS = {"axis": -1, "temperature": None, "dtype": None, "use_length": False}


# What ndarray.max / .sum call, without their Python-level wrappers (same results).
_max_reduce, _add_reduce = np.maximum.reduce, np.add.reduce


def _scaled(x, temperature):
    return x if temperature in (None, 1.0) else x / x.dtype.type(temperature)


@register("softmax", _softmax_infer, attrs=_SOFTMAX_ATTRS, mxnet_np="_npx_softmax")
def softmax(x, axis, temperature, dtype, use_length):
    """exp(x/T) normalised to sum 1 along `axis` (written in `dtype` when given)."""
    z = _scaled(x, temperature)
    e = np.exp(z - _max_reduce(z, axis=axis, keepdims=True))
    return _written(np.true_divide(e, _add_reduce(e, axis=axis, keepdims=True), out=e), dtype)


def _axis_sum(b, v, axis):
    shape = v.type.shape
    return broadcast(b, b.op("sum", v, axis=(int(axis) % len(shape),), keepdims=True), shape)


def _temper(b, v, temperature):
    return v if temperature in (None, 1.0) else b.op("_div_scalar", v, scalar=float(temperature))


@softmax.gradient
def _softmax_vjp(b, n, g):
    y, a = n.outputs[0], n.attrs
    gy = mul(b, g[0], y)
    dz = b.op("elemwise_sub", gy, mul(b, y, _axis_sum(b, gy, a["axis"])))
    return [_back_to_input(b, n, _temper(b, dz, a["temperature"]))]


@register("log_softmax", _softmax_infer, attrs=_SOFTMAX_ATTRS, mxnet_np="_npx_log_softmax")
def log_softmax(x, axis, temperature, dtype, use_length):
    """log(softmax(x)) computed stably (written in `dtype` when given)."""
    z = _scaled(x, temperature)
    z = z - _max_reduce(z, axis=axis, keepdims=True)
    total = _add_reduce(np.exp(z), axis=axis, keepdims=True)
    return _written(np.subtract(z, np.log(total, out=total), out=z), dtype)


@log_softmax.gradient
def _log_softmax_vjp(b, n, g):
    y, a = n.outputs[0], n.attrs
    dz = b.op("elemwise_sub", g[0], mul(b, b.op("exp", y), _axis_sum(b, g[0], a["axis"])))
    return [_back_to_input(b, n, _temper(b, dz, a["temperature"]))]


# ---------------------------------------------------------------- forward mode (see _jvp.py)

from ._jvp import diagonal, softmax_tangent  # noqa: E402  (after the operators)


@leaky_relu.jvp
def _leaky_jvp(b, n, t):
    out = diagonal(b, n, [t[0]] + [None] * (len(t) - 1))[0]
    if len(t) > 1 and t[1] is not None:  # prelu is linear in gamma on the negative part:
        x = n.inputs[0]                  # prelu(x, tg) - relu(x) = where(x > 0, 0, tg * x)
        term = b.op("elemwise_sub", b.op("LeakyReLU", x, t[1], **n.attrs), b.op("relu", x))
        out = term if out is None else b.op("elemwise_add", out, term)
    return [out]


@softmax.jvp
def _softmax_jvp(b, n, t):
    a = n.attrs
    return [softmax_tangent(b, n.outputs[0], _to_output(b, n, t[0]), a["axis"],
                            a["temperature"])]


@log_softmax.jvp
def _log_softmax_jvp(b, n, t):
    # d log_softmax(x/T) = (t - sum(softmax * t)) / T
    a, y, t0 = n.attrs, n.outputs[0], _to_output(b, n, t[0])
    shape = y.type.shape
    axis = (int(a["axis"]) % len(shape),)
    p = b.op("exp", y)
    s = b.op("broadcast_to", b.op("sum", b.op("elemwise_mul", p, t0), axis=axis,
                                  keepdims=True), shape=shape)
    out = b.op("elemwise_sub", t0, s)
    if a["temperature"] not in (None, 1.0):
        out = b.op("_div_scalar", out, scalar=float(a["temperature"]))
    return [out]
