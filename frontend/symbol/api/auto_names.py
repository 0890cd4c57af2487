"""The names MXNet's name manager gives new Symbol nodes: `name`, or the operator's
automatic name (`_mul0` for `x * y`, `fullyconnected0`), prefixed by a `Prefix`."""
from __future__ import annotations

from typing import Optional

from ...name import NameManager

# The name hints MXNet's Symbol operators use (`x * y` is `_mul0`, `x * 2` `_mulscalar0`).
_MXNET_HINTS = {"elemwise_add": "_plus", "elemwise_sub": "_minus", "elemwise_mul": "_mul",
                "elemwise_div": "_div", "_power": "_power", "_plus_scalar": "_plusscalar",
                "_minus_scalar": "_minusscalar", "_rminus_scalar": "_rminusscalar",
                "_mul_scalar": "_mulscalar", "_div_scalar": "_divscalar",
                "_rdiv_scalar": "_rdivscalar", "_power_scalar": "_powerscalar",
                "_rpower_scalar": "_rpowerscalar", "_mod_scalar": "_modscalar",
                "_rmod_scalar": "_rmodscalar", "_maximum_scalar": "_maximumscalar",
                "_minimum_scalar": "_minimumscalar", "_hypot_scalar": "_hypotscalar"}


def node_name(name: Optional[str], op: str) -> str:
    """A new node's name from the current `mx.name.NameManager`: `name`, or MXNet's auto
    name of `op` (`_mul0`, `fullyconnected0`); a `Prefix` manager prefixes either."""
    return NameManager.current.get(name, _MXNET_HINTS.get(op, op.lower()))


def auto_name(op: str) -> str:
    """MXNet's name for an unnamed node of `op` (see `node_name`)."""
    return node_name(None, op)
