"""`mx.sym.contrib`: MXNet 1.9.1's `_contrib_*` operators that tapegraph builds as Symbols
(`mx.sym.contrib.quadratic(x, a=1)` makes a `_contrib_quadratic` node named `quadratic0`,
as MXNet does). The others (detection, quantization, DGL, control flow) are not
available symbolically; their `mx.nd.contrib` forms run eagerly."""
from __future__ import annotations

from .api.op_functions import make_op_function

NAMES = ("quadratic", "div_sqrt_dim", "gradientmultiplier", "round_ste", "sign_ste")


def __getattr__(name: str):
    if name in NAMES:
        return make_op_function(name, "_contrib_" + name)
    raise AttributeError("module 'tapegraph.symbol.contrib' has no attribute %r (tapegraph "
                         "provides %s)" % (name, ", ".join(NAMES)))


__all__ = list(NAMES)
