"""Elementwise operators: unary math, binary arithmetic on equal shapes, scalar forms.

Binary operators take inputs of one shape: the frontend makes broadcasting explicit
with `broadcast_to`, whose gradient sums back, so no rule here un-broadcasts.
"""
from __future__ import annotations

import math

import numpy as np

from tapegraph.ir.registry import REGISTRY, REQUIRED, register
from .rules import (float_ufunc, integers_in_float32, make_same_shapes, math_type, same_type,
                    scalar_as)
from ._emit import div, input0, mul, neg, output0, rsub, scale, shift, sub
from ._jvp import diagonal, zero

# ---------------------------------------------------------------- unary


# MXNet's float-valued math functions: integers are computed in float32 (then cast back)
_FLOAT_MATH = {"exp", "expm1", "log", "log1p", "log2", "log10", "sin", "cos", "tanh", "sqrt",
               "rsqrt", "sigmoid"}
# operators that keep bool inputs (the others refuse them, as MXNet 1.9.1)
_BOOL_OK = {"_copy", "zeros_like", "ones_like", "BlockGrad", "_backward_sign"}


def _unary(name, kernel, fuse, vjp=None, **options):
    if name in _FLOAT_MATH:
        options.setdefault("ufunc", float_ufunc(kernel))
        kernel = integers_in_float32(kernel)
    rule = same_type if name in _BOOL_OK else math_type(name)
    op = register(name, rule, elementwise=True, fuse=fuse, **options)(kernel)
    if vjp is not None:
        op.gradient(vjp)
        op.jvp(diagonal)  # element-wise: the Jacobian is diagonal (see _jvp.diagonal)
    return op


_x, _y = input0, output0


_unary("negative", np.negative, "np.negative({0})", lambda b, n, g: [neg(b, g[0])],
       mxnet_np="_npi_negative")
_unary("_copy", np.copy, "{0}", lambda b, n, g: [g[0]], mxnet_np="_np_copy")
_unary("exp", np.exp, "np.exp({0})", lambda b, n, g: [mul(b, g[0], _y(n))],
       mxnet_np="_npi_exp")
_unary("expm1", np.expm1, "np.expm1({0})",
       lambda b, n, g: [mul(b, g[0], shift(b, _y(n), 1.0))], mxnet_np="_npi_expm1")
_unary("log", np.log, "np.log({0})", lambda b, n, g: [div(b, g[0], _x(n))],
       mxnet_np="_npi_log")
_unary("log1p", np.log1p, "np.log1p({0})",
       lambda b, n, g: [div(b, g[0], shift(b, _x(n), 1.0))], mxnet_np="_npi_log1p")
_unary("log2", np.log2, "np.log2({0})",
       lambda b, n, g: [div(b, g[0], scale(b, _x(n), math.log(2.0)))], mxnet_np="_npi_log2")
_unary("log10", np.log10, "np.log10({0})",
       lambda b, n, g: [div(b, g[0], scale(b, _x(n), math.log(10.0)))],
       mxnet_np="_npi_log10")
_unary("sin", np.sin, "np.sin({0})", lambda b, n, g: [mul(b, g[0], b.op("cos", _x(n)))],
       mxnet_np="_npi_sin")
_unary("cos", np.cos, "np.cos({0})",
       lambda b, n, g: [neg(b, mul(b, g[0], b.op("sin", _x(n))))], mxnet_np="_npi_cos")
_unary("tanh", np.tanh, "np.tanh({0})",
       lambda b, n, g: [mul(b, g[0], rsub(b, b.op("square", _y(n)), 1.0))],
       mxnet_np="_npi_tanh")
_unary("square", np.square, "np.square({0})",
       lambda b, n, g: [mul(b, g[0], scale(b, _x(n), 2.0))], mxnet_np="_npi_square")
_unary("sqrt", np.sqrt, "np.sqrt({0})",
       lambda b, n, g: [div(b, g[0], scale(b, _y(n), 2.0))], mxnet_np="_npi_sqrt")
_unary("rsqrt", lambda x: 1.0 / np.sqrt(x), "1.0 / np.sqrt({0})",
       lambda b, n, g: [mul(b, g[0], scale(b, b.op("_power_scalar", _y(n), scalar=3.0),
                                          -0.5))])


def _sigmoid(x):
    """Logistic function 1 / (1 + exp(-x))."""
    return 1.0 / (1.0 + np.exp(-x))


_unary("sigmoid", _sigmoid, "1.0 / (1.0 + np.exp(-{0}))",
       lambda b, n, g: [mul(b, g[0], mul(b, _y(n), rsub(b, _y(n), 1.0)))])


def _relu(x):
    """max(x, 0)."""
    # floats against zeros of the array's dtype (same result, bit for bit): a 0-d zero
    # saves NumPy converting a Python 0 on every call (most of a small array's time), and
    # large C-contiguous arrays meet a whole array of zeros, for which NumPy runs its
    # contiguous SIMD loop (against a 0-d operand it runs a 2.7x slower one on AVX-512)
    zero = _FLOAT_ZEROS.get(x.dtype)
    if zero is None:
        return np.maximum(x, 0)
    if x.size >= _WHOLE_ZEROS_FROM and x.flags.c_contiguous:
        zero = zeros_like_readonly(x)
    return np.maximum(x, zero)


_FLOAT_ZEROS = {np.dtype(t): np.zeros((), t) for t in (np.float16, np.float32, np.float64)}
for _z in _FLOAT_ZEROS.values():
    _z.setflags(write=False)
_WHOLE_ZEROS_FROM = 4096
_WHOLE_ZEROS_UPTO = 1 << 24  # bytes kept per dtype
_ZERO_BUFFERS: dict = {}


def zeros_like_readonly(x):
    """Read-only zeros of `x`'s shape and dtype (floats), a view of a buffer kept per dtype
    and grown to the largest request (larger than _WHOLE_ZEROS_UPTO bytes: a new array)."""
    nbytes = x.size * x.itemsize
    if nbytes > _WHOLE_ZEROS_UPTO:
        return np.zeros(x.shape, x.dtype)
    buf = _ZERO_BUFFERS.get(x.dtype)
    if buf is None or buf.size < x.size:
        buf = np.zeros(max(x.size, 1 << 16), x.dtype)
        buf.setflags(write=False)
        _ZERO_BUFFERS[x.dtype] = buf
    return buf[:x.size].reshape(x.shape)


# relu's gradient masks with its output (y > 0 exactly where x > 0, NaN included): the
# input is then no residual, and the forward may overwrite it in place
_unary("relu", _relu, "np.maximum({0}, 0)",
       lambda b, n, g: [mul(b, g[0], b.op("_greater_scalar", _y(n), scalar=0.0))],
       mxnet_np="_npx_relu")


def _abs_vjp(b, n, g):
    x = _x(n)
    sign = sub(b, b.op("_greater_scalar", x, scalar=0.0), b.op("_lesser_scalar", x, scalar=0.0))
    return [mul(b, g[0], sign)]


_unary("abs", np.abs, "np.abs({0})", _abs_vjp, mxnet_np="_npi_absolute")
_unary("sign", np.sign, "np.sign({0})",
       lambda b, n, g: [b.op("_backward_sign", _x(n))], mxnet_np="_npi_sign")
_unary("_backward_sign", np.zeros_like, "np.zeros_like({0})", fill=0.0,
       nondiff_note="MXNet compatibility: MXNet 1.9.1 gives sign a first-order gradient "
                    "(zero) that cannot be differentiated again; tapegraph keeps that "
                    "behaviour for `sign` only.")


def _round_half_away(x):
    """Round to the nearest integer, halves away from zero (MXNet's legacy `round`).

    NumPy and mx.np round halves to even: that is `rint`."""
    if x.dtype.kind not in "fc":
        return x.copy()
    return np.copysign(np.floor(np.abs(x) + x.dtype.type(0.5)), x)


_unary("round", _round_half_away, None, lambda b, n, g: [None], mxnet_np=None)
for _name, _fn in (("floor", np.floor), ("ceil", np.ceil), ("trunc", np.trunc),
                   ("fix", np.fix)):
    _unary(_name, _fn, "np.%s({0})" % _fn.__name__, lambda b, n, g: [None],
           mxnet_np="_npi_" + _name)
_unary("zeros_like", np.zeros_like, "np.zeros_like({0})", lambda b, n, g: [None],
       mxnet_np="zeros_like", fill=0.0)
_unary("ones_like", np.ones_like, "np.ones_like({0})", lambda b, n, g: [None],
       mxnet_np="ones_like", fill=1.0)
_unary("BlockGrad", np.copy, "{0}", lambda b, n, g: [None], mxnet_np="stop_gradient")

# ---------------------------------------------------------------- binary, equal shapes


def _binary(name, kernel, fuse, vjp=None, mxnet=None, mxnet_np=None, ufunc=None):
    op = register(name, make_same_shapes(name), num_inputs=2, elementwise=True, fuse=fuse,
                  mxnet=mxnet, mxnet_np=mxnet_np, ufunc=ufunc)(kernel)
    if vjp is not None:
        op.gradient(vjp)
        op.jvp(diagonal)  # element-wise: the Jacobian is diagonal (see _jvp.diagonal)
    return op


_binary("elemwise_add", np.add, "({0} + {1})", lambda b, n, g: [g[0], g[0]],
        mxnet_np="_npi_add")
_binary("elemwise_sub", np.subtract, "({0} - {1})", lambda b, n, g: [g[0], neg(b, g[0])],
        mxnet_np="_npi_subtract")
_binary("elemwise_mul", np.multiply, "({0} * {1})",
        lambda b, n, g: [mul(b, g[0], n.inputs[1]), mul(b, g[0], n.inputs[0])],
        mxnet_np="_npi_multiply")
_binary("elemwise_div", np.divide, "({0} / {1})",
        lambda b, n, g: [div(b, g[0], n.inputs[1]),
                         neg(b, div(b, mul(b, g[0], _y(n)), n.inputs[1]))],
        mxnet_np="_npi_true_divide")


def _power_vjp(b, n, g):
    x, p = n.inputs
    dx = mul(b, g[0], mul(b, p, b.op("_power", x, shift(b, p, -1.0))))
    dp = mul(b, g[0], mul(b, _y(n), b.op("log", x)))
    return [dx, dp]


_binary("_power", np.power, "np.power({0}, {1})", _power_vjp, mxnet_np="_npi_power")

# ---------------------------------------------------------------- scalar forms


def _scalar(name, kernel, fuse, vjp, mxnet_np=None, ufunc=None):
    op = register(name, same_type, attrs={"scalar": REQUIRED}, elementwise=True, fuse=fuse,
                  mxnet_np=mxnet_np, ufunc=ufunc)(kernel)
    op.gradient(vjp)
    op.jvp(diagonal)
    return op


def _s(n):
    return n.attrs["scalar"]


_SCALARS: dict = {}


def _cast_scalar(x, s):
    """The scalar operand as a 0-d array of `x`'s dtype: a float array takes the value in
    its own precision (what NumPy does with a Python float, but without its ~0.5 us
    weak-scalar path), other dtypes take the scalar in their own type, as MXNet does."""
    dtype = x.dtype
    key = (dtype, s)
    c = _SCALARS.get(key)
    if c is None:
        with np.errstate(over="ignore"):
            c = np.array(s, dtype=dtype) if dtype.kind == "f" else scalar_as(dtype, s)
        if s:  # (not zero: -0.0 == 0.0 as a key, and their signs matter)
            if len(_SCALARS) >= 4096:
                _SCALARS.clear()
            _SCALARS[key] = c
    return c


_scalar("_plus_scalar", lambda x, scalar: x + _cast_scalar(x, scalar), "({0} + {a[scalar]})",
        lambda b, n, g: [g[0]], "_npi_add_scalar", ("add", (0, "scalar")))
_scalar("_minus_scalar", lambda x, scalar: x - _cast_scalar(x, scalar), "({0} - {a[scalar]})",
        lambda b, n, g: [g[0]], "_npi_subtract_scalar", ("subtract", (0, "scalar")))
_scalar("_rminus_scalar", lambda x, scalar: _cast_scalar(x, scalar) - x,
        "({a[scalar]} - {0})", lambda b, n, g: [neg(b, g[0])], "_npi_rsubtract_scalar",
        ("subtract", ("scalar", 0)))
_scalar("_mul_scalar", lambda x, scalar: x * _cast_scalar(x, scalar), "({0} * {a[scalar]})",
        lambda b, n, g: [scale(b, g[0], _s(n))], "_npi_multiply_scalar",
        ("multiply", (0, "scalar")))
_scalar("_div_scalar", lambda x, scalar: x / _cast_scalar(x, scalar), "({0} / {a[scalar]})",
        lambda b, n, g: [b.op("_div_scalar", g[0], scalar=_s(n))], "_npi_true_divide_scalar",
        ("true_divide", (0, "scalar")))
_scalar("_rdiv_scalar", lambda x, scalar: _cast_scalar(x, scalar) / x, "({a[scalar]} / {0})",
        lambda b, n, g: [neg(b, div(b, mul(b, g[0], _y(n)), _x(n)))],
        "_npi_rtrue_divide_scalar", ("true_divide", ("scalar", 0)))
def _power_scalar(x, scalar):
    """x ** scalar; the common float exponents 2 and 3 by multiplication (as PyTorch does:
    NumPy's float `power` is ~10x slower than a multiply)."""
    if x.dtype.kind == "f":
        if scalar == 2.0:
            return np.square(x)
        if scalar == 3.0:
            y = np.square(x)
            return np.multiply(y, x, out=y)
    return _int_power(x, _cast_scalar(x, scalar))


def _int_power(base, exponent):
    """np.power, except that integer powers are computed in float64 and cast back, as MXNet
    does: negative exponents work (0 ** -1 is the cast of inf) and overflows are those of
    the float-to-integer conversion, not NumPy's wrap-around."""
    dtype = np.result_type(base, exponent)
    if dtype.kind in "iu":
        with np.errstate(all="ignore"):
            return np.power(np.asarray(base, np.float64), np.asarray(exponent, np.float64)
                            ).astype(dtype)
    return np.power(base, exponent)


_scalar("_power_scalar", _power_scalar,
        "np.power({0}, {a[scalar]})",
        lambda b, n, g: [mul(b, g[0], scale(b, b.op("_power_scalar", _x(n), scalar=_s(n) - 1.0),
                                            _s(n)))] if _s(n) != 0 else [None],
        "_npi_power_scalar", ("power", (0, "scalar")))
_scalar("_rpower_scalar", lambda x, scalar: _int_power(_cast_scalar(x, scalar), x),
        "np.power({a[scalar]}, {0})",
        lambda b, n, g: [scale(b, mul(b, g[0], _y(n)), math.log(_s(n)))]
        if _s(n) > 0 else [mul(b, g[0], mul(b, _y(n), b.op("log", b.op(
            "_plus_scalar", b.op("zeros_like", _x(n)), scalar=_s(n)))))],
        "_npi_rpower_scalar")

# ---------------------------------------------------------------- comparisons (zero gradient)


def _cmp_kernel(fn):
    def kernel(x, y):
        return fn(x, y).astype(x.dtype)
    kernel.__doc__ = "%s, as 0/1 in the input dtype (MXNet's legacy comparisons)" % fn.__name__
    return kernel


def _cmp_scalar_kernel(fn):
    def kernel(x, scalar):
        return fn(x, _cast_scalar(x, scalar)).astype(x.dtype)
    kernel.__doc__ = "%s with a scalar, as 0/1 in the input dtype" % fn.__name__
    return kernel


_CMP = {"equal": (np.equal, "=="), "not_equal": (np.not_equal, "!="),
        "greater": (np.greater, ">"), "greater_equal": (np.greater_equal, ">="),
        "lesser": (np.less, "<"), "lesser_equal": (np.less_equal, "<=")}
for _name, (_cmp, _sym) in _CMP.items():
    # ufunc: fused code writes the comparison's booleans straight into a buffer of the
    # input dtype (`out=`, casting='unsafe'), 1.5x faster than a bool array and a copy
    _binary("_" + _name, _cmp_kernel(_cmp), "({0} %s {1}).astype({0}.dtype)" % _sym,
            lambda b, n, g: [None, None], mxnet_np="_npi_" + _name.replace("lesser", "less"),
            ufunc=(_cmp.__name__, (0, 1)))
    _scalar("_%s_scalar" % _name, _cmp_scalar_kernel(_cmp),
            "({0} %s {a[scalar]}).astype({0}.dtype)" % _sym, lambda b, n, g: [None],
            "_npi_%s_scalar" % _name.replace("lesser", "less"),
            ufunc=(_cmp.__name__, (0, "scalar")))

# sign's derivative is zero (its VJP emits _backward_sign, which has no rule of its own).
REGISTRY.get("sign").jvp(zero)
