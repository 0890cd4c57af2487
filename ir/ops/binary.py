"""More binary operators on equal shapes: maximum, minimum, hypot, mod, arctan2 (and their
scalar forms) and `where`. The frontend broadcasts explicitly before calling them."""
from __future__ import annotations

import numpy as np

from tapegraph.ir.errors import ShapeError
from tapegraph.ir.registry import REQUIRED, register
from .rules import fmt_shape, make_same_shapes, same_type, scalar_as
from ._emit import div, mul, neg
from ._jvp import diagonal


def _binary(name, kernel, fuse, vjp, mxnet_np, mxnet=None):
    op = register(name, make_same_shapes(name), num_inputs=2, elementwise=True, fuse=fuse,
                  mxnet=mxnet, mxnet_np=mxnet_np)(kernel)
    op.gradient(vjp)
    op.jvp(diagonal)  # element-wise: the Jacobian is diagonal (see _jvp.diagonal)
    return op


def _scalar(name, kernel, fuse, vjp, mxnet_np, mxnet=None):
    op = register(name, same_type, attrs={"scalar": REQUIRED}, elementwise=True, fuse=fuse,
                  mxnet=mxnet, mxnet_np=mxnet_np)(kernel)
    op.gradient(vjp)
    op.jvp(diagonal)  # element-wise: the Jacobian is diagonal (see _jvp.diagonal)
    return op


def _select(b, cond, g):
    """g where cond is true, zero elsewhere (`where`, so every order stays exact)."""
    return b.op("where", cond, g, b.op("zeros_like", g))


def _max_vjp(b, n, g):
    first = b.op("_greater_equal", n.inputs[0], n.inputs[1])
    return [_select(b, first, g[0]), _select(b, b.op("_lesser", n.inputs[0], n.inputs[1]), g[0])]


def _min_vjp(b, n, g):
    first = b.op("_lesser_equal", n.inputs[0], n.inputs[1])
    return [_select(b, first, g[0]), _select(b, b.op("_greater", n.inputs[0], n.inputs[1]), g[0])]


def _hypot_vjp(b, n, g):
    y = n.outputs[0]
    return [mul(b, g[0], div(b, n.inputs[0], y)), mul(b, g[0], div(b, n.inputs[1], y))]


def _mod_vjp(b, n, g):
    x, y = n.inputs
    return [g[0], neg(b, mul(b, g[0], b.op("floor", div(b, x, y))))]


_binary("_maximum", np.maximum, "np.maximum({0}, {1})", _max_vjp, "_npi_maximum")
_binary("_minimum", np.minimum, "np.minimum({0}, {1})", _min_vjp, "_npi_minimum")
_binary("_hypot", np.hypot, "np.hypot({0}, {1})", _hypot_vjp, "_npi_hypot")
def _mod(x, y):
    """Returns the element-wise remainder of division (0 where the divisor is 0, as MXNet)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        r = np.mod(x, y)  # (x may be a Python number: the array's dtype is the result's)
        return np.where(y == 0, r.dtype.type(0), r)


_binary("_mod", _mod, "np.where({1} == 0, 0 * {0}, np.mod({0}, {1}))", _mod_vjp, "_npi_mod")


def _arctan2_vjp(b, n, g):
    y, x = n.inputs
    r2 = b.op("elemwise_add", b.op("square", y), b.op("square", x))
    return [mul(b, g[0], div(b, x, r2)), neg(b, mul(b, g[0], div(b, y, r2)))]


# MXNet 1.9.1 has arctan2 only as _npi_* operators: both export modes use those names.
_binary("_arctan2", np.arctan2, "np.arctan2({0}, {1})", _arctan2_vjp, "_npi_arctan2",
        mxnet="_npi_arctan2")


def _cast(x, s):
    return s if x.dtype.kind == "f" else scalar_as(x.dtype, s)


def _s(n):
    return n.attrs["scalar"]


_scalar("_maximum_scalar", lambda x, scalar: np.maximum(x, _cast(x, scalar)),
        "np.maximum({0}, {a[scalar]})",
        lambda b, n, g: [mul(b, g[0], b.op("_greater_equal_scalar", n.inputs[0],
                                           scalar=_s(n)))], "_npi_maximum_scalar")
_scalar("_minimum_scalar", lambda x, scalar: np.minimum(x, _cast(x, scalar)),
        "np.minimum({0}, {a[scalar]})",
        lambda b, n, g: [mul(b, g[0], b.op("_lesser_equal_scalar", n.inputs[0],
                                           scalar=_s(n)))], "_npi_minimum_scalar")
_scalar("_hypot_scalar", lambda x, scalar: np.hypot(x, _cast(x, scalar)),
        "np.hypot({0}, {a[scalar]})",
        lambda b, n, g: [mul(b, g[0], div(b, n.inputs[0], n.outputs[0]))], "_npi_hypot_scalar")
def _arctan2_scalar_vjp(b, n, g):
    y, s = n.inputs[0], float(_s(n))
    r2 = b.op("_plus_scalar", b.op("square", y), scalar=s * s)
    return [mul(b, g[0], b.op("_rdiv_scalar", r2, scalar=s))]


def _rarctan2_scalar_vjp(b, n, g):
    x, s = n.inputs[0], float(_s(n))
    r2 = b.op("_plus_scalar", b.op("square", x), scalar=s * s)
    return [neg(b, mul(b, g[0], b.op("_rdiv_scalar", r2, scalar=s)))]


_scalar("_arctan2_scalar", lambda x, scalar: np.arctan2(x, _cast(x, scalar)),
        "np.arctan2({0}, {a[scalar]})", _arctan2_scalar_vjp, "_npi_arctan2_scalar",
        mxnet="_npi_arctan2_scalar")
_scalar("_rarctan2_scalar", lambda x, scalar: np.arctan2(_cast(x, scalar), x),
        "np.arctan2({a[scalar]}, {0})", _rarctan2_scalar_vjp, "_npi_rarctan2_scalar",
        mxnet="_npi_rarctan2_scalar")
_scalar("_mod_scalar", lambda x, scalar: _mod(x, _cast(x, scalar)),
        "np.where({a[scalar]} == 0, 0 * {0}, np.mod({0}, {a[scalar]} or 1))",
        lambda b, n, g: [g[0]], "_npi_mod_scalar")
_scalar("_rmod_scalar", lambda x, scalar: _mod(_cast(x, scalar), x),
        "np.where({0} == 0, 0 * {0}, np.mod({a[scalar]}, {0}))",
        lambda b, n, g: [neg(b, mul(b, g[0], b.op("floor", b.op(
            "_rdiv_scalar", n.inputs[0], scalar=_s(n)))))], "_npi_rmod_scalar")

# ---------------------------------------------------------------- where


def _where_infer(ins, attrs):
    c, x, y = ins
    if not c.shape == x.shape == y.shape:
        raise ShapeError("where: condition, x and y need one shape, got %s, %s and %s"
                         % (fmt_shape(c.shape), fmt_shape(x.shape), fmt_shape(y.shape)))
    if x.dtype != y.dtype:
        raise ShapeError("where: x and y have different dtypes %s and %s" % (x.dtype, y.dtype))
    return [x]


@register("where", _where_infer, num_inputs=3, elementwise=True,
          fuse="np.where({0} != 0, {1}, {2})", mxnet_np="_npi_where")
def where(condition, x, y):
    """x where condition is non-zero, y elsewhere."""
    return np.where(condition != 0, x, y)


@where.gradient
def _where_vjp(b, n, g):
    c = n.inputs[0]
    zeros = b.op("zeros_like", g[0])
    return [None, b.op("where", c, g[0], zeros), b.op("where", c, zeros, g[0])]


where.jvp(diagonal)  # diagonal in x and y; the condition has no tangent
