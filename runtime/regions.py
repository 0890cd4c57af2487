"""Running a node that stands for a region of ordinary operators (`_grad_region`, the
gradient computation recorded by `autograd.grad(create_graph=True)`): its region is
compiled to a `Plan` once per node."""
from __future__ import annotations

from typing import Callable

from ..ir import Node
from .plan import Plan


def lower_region(node: Node) -> Callable:
    """A callable running `node`'s region on arrays (one array, or a tuple of several)."""
    assert node.region is not None, "a region node holds its region"
    plan = Plan(node.region)
    if len(node.outputs) == 1:
        return lambda *arrays: plan.run(arrays)[0]
    return lambda *arrays: tuple(plan.run(arrays))
