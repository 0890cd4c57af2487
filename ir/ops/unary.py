"""More unary math: roots, reciprocal, trigonometric and hyperbolic functions and their
inverses, angle conversion, softsign, erf/erfinv, the gamma family, rint, clip,
hard_sigmoid and smooth_l1.

Every gradient rule is a composition of registered operators, so each of these is
differentiable to any order (on the open domain where the function is smooth).
"""
from __future__ import annotations

import math

import numpy as np

from tapegraph.ir.registry import REQUIRED, register
from .rules import float_ufunc, integers_in_float32, math_type, same_type
from . import special
from ._emit import div, input0, mul, neg, output0, rsub, scale, shift, sub
from ._jvp import diagonal


# operators computed in the input's own dtype; the others compute integers in float32 as
# MXNet does (then cast back). All but clip refuse bool inputs, as MXNet 1.9.1.
_INTEGER_VALUED = {"reciprocal", "rint", "clip", "_polygamma"}


def _unary(name, kernel, fuse, vjp, attrs=None, mxnet_np="", mxnet=None):
    """Register an elementwise unary operator; `mxnet_np` defaults to "_npi_<name>"
    (pass None for operators MXNet does not have in np mode)."""
    ufunc = None
    if name in _INTEGER_VALUED:
        rule = same_type if name in ("clip", "_polygamma") else math_type(name)
    else:
        ufunc = float_ufunc(kernel)
        kernel, rule = integers_in_float32(kernel), math_type(name)
    op = register(name, rule, elementwise=True, fuse=fuse, attrs=attrs, mxnet=mxnet,
                  ufunc=ufunc, mxnet_np=("_npi_" + name) if mxnet_np == "" else mxnet_np)(kernel)
    op.gradient(vjp)
    op.jvp(diagonal)  # element-wise: the Jacobian is diagonal (see _jvp.diagonal)
    return op


_x, _y = input0, output0


def _sq(b, v):
    return b.op("square", v)


_unary("cbrt", np.cbrt, "np.cbrt({0})",
       lambda b, n, g: [div(b, g[0], scale(b, _sq(b, _y(n)), 3.0))])
_unary("rcbrt", lambda x: 1.0 / np.cbrt(x), "(1.0 / np.cbrt({0}))",
       lambda b, n, g: [scale(b, div(b, mul(b, g[0], _y(n)), _x(n)), -1.0 / 3.0)],
       mxnet_np="rcbrt")
_unary("reciprocal", np.reciprocal, "np.reciprocal({0})",
       lambda b, n, g: [neg(b, mul(b, g[0], _sq(b, _y(n))))])
_unary("tan", np.tan, "np.tan({0})",
       lambda b, n, g: [mul(b, g[0], shift(b, _sq(b, _y(n)), 1.0))])
_unary("arcsin", np.arcsin, "np.arcsin({0})",
       lambda b, n, g: [mul(b, g[0], b.op("rsqrt", rsub(b, _sq(b, _x(n)), 1.0)))])
_unary("arccos", np.arccos, "np.arccos({0})",
       lambda b, n, g: [neg(b, mul(b, g[0], b.op("rsqrt", rsub(b, _sq(b, _x(n)), 1.0))))])
_unary("arctan", np.arctan, "np.arctan({0})",
       lambda b, n, g: [div(b, g[0], shift(b, _sq(b, _x(n)), 1.0))])
_unary("sinh", np.sinh, "np.sinh({0})", lambda b, n, g: [mul(b, g[0], b.op("cosh", _x(n)))])
_unary("cosh", np.cosh, "np.cosh({0})", lambda b, n, g: [mul(b, g[0], b.op("sinh", _x(n)))])
_unary("arcsinh", np.arcsinh, "np.arcsinh({0})",
       lambda b, n, g: [mul(b, g[0], b.op("rsqrt", shift(b, _sq(b, _x(n)), 1.0)))])
_unary("arccosh", np.arccosh, "np.arccosh({0})",
       lambda b, n, g: [mul(b, g[0], b.op("rsqrt", shift(b, _sq(b, _x(n)), -1.0)))])
_unary("arctanh", np.arctanh, "np.arctanh({0})",
       lambda b, n, g: [div(b, g[0], rsub(b, _sq(b, _x(n)), 1.0))])
_unary("degrees", np.degrees, "np.degrees({0})",
       lambda b, n, g: [scale(b, g[0], 180.0 / math.pi)])
_unary("radians", np.radians, "np.radians({0})",
       lambda b, n, g: [scale(b, g[0], math.pi / 180.0)])


def _softsign(x):
    """x / (1 + |x|)."""
    return x / (1.0 + np.abs(x))


_unary("softsign", _softsign, "({0} / (1.0 + np.abs({0})))",
       lambda b, n, g: [mul(b, g[0], b.op("_power_scalar", shift(b, b.op("abs", _x(n)), 1.0),
                                          scalar=-2.0))], mxnet_np="softsign")

_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)
_unary("erf", special.erf, None,
       lambda b, n, g: [mul(b, g[0], scale(b, b.op("exp", neg(b, _sq(b, _x(n)))),
                                           _TWO_OVER_SQRT_PI))], mxnet_np="_npx_erf")
_unary("erfinv", special.erfinv, None,
       lambda b, n, g: [mul(b, g[0], scale(b, b.op("exp", _sq(b, _y(n))),
                                           1.0 / _TWO_OVER_SQRT_PI))], mxnet_np="_npx_erfinv")


def _polygamma(x, n):
    """The n-th derivative of digamma (n = 0: digamma)."""
    return special.polygamma(int(n), x)


_unary("_polygamma", _polygamma, None,
       lambda b, n, g: [mul(b, g[0], b.op("_polygamma", _x(n), n=int(n.attrs["n"]) + 1))],
       attrs={"n": 0}, mxnet_np=None)
_unary("gamma", special.gamma, None,
       lambda b, n, g: [mul(b, g[0], mul(b, _y(n), b.op("_polygamma", _x(n), n=0)))],
       mxnet_np="_npx_gamma")
_unary("gammaln", special.gammaln, None,
       lambda b, n, g: [mul(b, g[0], b.op("_polygamma", _x(n), n=0))], mxnet_np="_npx_gammaln")
_unary("rint", np.rint, "np.rint({0})", lambda b, n, g: [None])

# ---------------------------------------------------------------- piecewise


def _clip(x, a_min, a_max):
    """Limit values to [a_min, a_max]."""
    return np.clip(x, x.dtype.type(a_min), x.dtype.type(a_max))


def _clip_vjp(b, n, g):
    x, a = _x(n), n.attrs
    inside = mul(b, b.op("_greater_scalar", x, scalar=float(a["a_min"])),
                 b.op("_lesser_scalar", x, scalar=float(a["a_max"])))
    return [mul(b, g[0], inside)]


_unary("clip", _clip, "np.clip({0}, {a[a_min]}, {a[a_max]})", _clip_vjp,
       attrs={"a_min": REQUIRED, "a_max": REQUIRED}, mxnet_np="_npi_clip")


def _hard_sigmoid(x, alpha, beta):
    """max(0, min(1, alpha * x + beta))."""
    return np.clip(x * x.dtype.type(alpha) + x.dtype.type(beta), 0, 1)


def _hard_sigmoid_vjp(b, n, g):
    a = n.attrs
    t = shift(b, scale(b, _x(n), a["alpha"]), a["beta"])
    inside = mul(b, b.op("_greater_scalar", t, scalar=0.0), b.op("_lesser_scalar", t, scalar=1.0))
    return [mul(b, g[0], scale(b, inside, a["alpha"]))]


_unary("hard_sigmoid", _hard_sigmoid,
       "np.clip({0} * {a[alpha]} + {a[beta]}, 0, 1)", _hard_sigmoid_vjp,
       attrs={"alpha": 0.2, "beta": 0.5}, mxnet_np="hard_sigmoid")


def _smooth_l1(x, scalar):
    """0.5 (sigma x)^2 where |x| < 1/sigma^2, |x| - 0.5/sigma^2 elsewhere (sigma = scalar)."""
    s2 = float(scalar) ** 2
    ax = np.abs(x)
    return np.where(ax < 1.0 / s2, 0.5 * s2 * x * x, ax - 0.5 / s2).astype(x.dtype, copy=False)


def _smooth_l1_vjp(b, n, g):
    x = _x(n)
    s2 = float(n.attrs["scalar"]) ** 2
    near = b.op("_lesser_scalar", b.op("abs", x), scalar=1.0 / s2)
    sign = sub(b, b.op("_greater_scalar", x, scalar=0.0), b.op("_lesser_scalar", x, scalar=0.0))
    slope = b.op("elemwise_add", mul(b, near, scale(b, x, s2)), mul(b, rsub(b, near, 1.0), sign))
    return [mul(b, g[0], slope)]


_unary("smooth_l1", _smooth_l1,
       "np.where(np.abs({0}) < 1.0 / ({a[scalar]} * {a[scalar]}), 0.5 * ({a[scalar]} * "
       "{a[scalar]}) * {0} * {0}, np.abs({0}) - 0.5 / ({a[scalar]} * {a[scalar]}))",
       _smooth_l1_vjp, attrs={"scalar": 1.0},
       mxnet_np="smooth_l1")
