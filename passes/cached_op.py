"""The `_CachedOp` operator: a hybridized Gluon block's forward as ONE node.

`HybridBlock.hybridize()` traces the block's forward once per input signature into a
graph, and each later call under `autograd.record()` records one `_CachedOp` node whose
`region` is that graph (operator level) and whose inputs are the block's inputs,
parameters, dropout masks and captured constants. The runtime runs the region through
a plan (`tapegraph.runtime.regions`); differentiating the node differentiates its region
(the rule `fused` and `_grad_region` share, `fused_op.region_vjp`), so a backward through
a hybridized block is derived, optimised and cached like any other, to any order. The
`inline` pass shows the node as its operators (`get_symbol`, exports, pictures).
"""
from __future__ import annotations

from .fused_op import region_operator

CACHED_OP = "_CachedOp"

CACHED_OP_OP = region_operator(
    CACHED_OP, "to a plan", "these nodes are recorded by hybridized Gluon blocks",
    "A hybridized Gluon block's forward recorded as one node (see `region`).")
