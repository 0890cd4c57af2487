"""Operators whose gradient is *defined*, not derived: the straight-through estimators
`_contrib_round_ste` / `_contrib_sign_ste` (forward round / sign, backward the identity)
and `_contrib_gradientmultiplier` (forward the identity, backward the cotangent times
`scalar`), as MXNet 1.9.1's contrib operators.

Each rule is linear in the cotangent and independent of the input, so every gradient of
order two and up is a symbolic zero: the rules are closed under differentiation. Forward
mode (jvp) differentiates the forward function itself (zero tangents for round / sign,
the tangent unchanged for gradientmultiplier): a defined gradient has no forward form.
"""
from __future__ import annotations

import numpy as np

from tapegraph.ir.registry import REQUIRED, register
from .elementwise import _round_half_away
from .rules import math_type
from ._emit import scale
from ._jvp import linear, zero


def _ste(name, kernel, fuse, doc):
    op = register(name, math_type(name), elementwise=True, fuse=fuse, doc=doc,
                  mxnet_np=name)(kernel)
    op.gradient(lambda b, n, g: [g[0]])
    op.jvp(zero)  # forward mode differentiates the forward function: piecewise constant
    return op


_ste("_contrib_round_ste", _round_half_away, None,
     "Round to the nearest integer (halves away from zero); gradient: straight through "
     "(the cotangent unchanged).")
_ste("_contrib_sign_ste", np.sign, "np.sign({0})",
     "Sign (-1, 0 or 1); gradient: straight through (the cotangent unchanged).")


@register("_contrib_gradientmultiplier", math_type("_contrib_gradientmultiplier"),
          elementwise=True, fuse="{0}", attrs={"scalar": REQUIRED},
          mxnet_np="_contrib_gradientmultiplier")
def gradientmultiplier(x, scalar):
    """The identity; gradient: the cotangent times `scalar` (a gradient reversal layer
    with scalar=-1)."""
    return x.copy()


@gradientmultiplier.gradient
def _(b, node, g):
    return [scale(b, g[0], node.attrs["scalar"])]


gradientmultiplier.jvp(linear(0))  # forward mode: the identity's tangent
