"""The `_grad_region` operator: a recorded gradient computation as ONE node.

`autograd.grad(..., create_graph=True)` must record how the gradients were computed so
they can be differentiated again. Rather than re-running the backward graph operator by
operator through the recording machinery, the engine runs its compiled plan once and
records one `_grad_region` node whose `region` is that backward graph (operator level,
as the `dce, cse, simplify` pipeline left it) and whose inputs are the region's inputs:
the recorded forward values and head gradients it reads, and every leaf of the forward
graph (so a constant gradient stays linked to the variables, as in MXNet).

Differentiating the node differentiates its region (the same rule as `fused`): the
second-order backward is derived by the ordinary gradient pass and cached like any
other plan. The `inline` pass replaces the node by its region wherever users expect the
operator-level graph (`get_symbol`, exports, pictures).
"""
from __future__ import annotations

from .fused_op import region_operator

GRAD_REGION = "_grad_region"

GRAD_REGION_OP = region_operator(
    GRAD_REGION, "to a plan", "these nodes are recorded by autograd.grad(create_graph=True)",
    "A gradient computation recorded by autograd.grad(create_graph=True) (see `region`).")
