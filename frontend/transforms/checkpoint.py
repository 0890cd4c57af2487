"""`checkpoint(fn, policy=...)`: like `jax.checkpoint` / `torch.utils.checkpoint`, a
function whose intermediates the backward recomputes instead of keeping them alive
from the forward to the backward.

Called while recording, the function is traced into a graph and recorded as ONE
`_checkpoint` node holding that graph as its region (visible in printed graphs, e.g.
`make_graph`). Its outputs are the function's results and the intermediates the policy
saves; everything else inside is dropped after the forward. The gradient of a region
node differentiates its region and recomputes, in the backward, the intermediates the
node did not keep (`tapegraph.ir.ops.regions.region_vjp`), so `backward()`,
`autograd.grad`, `transforms.grad`/`vjp`/`jacrev` and the `checkpoint` pass all see
the same trade: less memory alive across the forward/backward boundary for the price
of running the function's forward again. Not recording, it simply calls the function.
"""
from __future__ import annotations

import functools
from typing import Any, Callable, Dict, Union

from ..ir import Graph, MXNetError, Node, is_float
from ..passes.checkpoint import DOTS
from ..trace.tape import STATE
from .tracing import as_arrays, record_region, trace

Policy = Union[str, Callable[[Node], bool]]

POLICIES: Dict[str, Callable[[Node], bool]] = {
    "nothing": lambda node: False,  # keep only the results (jax.checkpoint's default)
    "dots": lambda node: node.op in DOTS,  # jax.checkpoint_policies.dots_saveable
    "everything": lambda node: True,  # keep every intermediate: no recomputation
}


def _saver(policy: Policy) -> Callable[[Node], bool]:
    if callable(policy):
        return policy
    found = POLICIES.get(policy)
    if found is None:
        raise MXNetError("checkpoint: unknown policy %r (%s, or a function of an ir.Node "
                         "returning whether to save its outputs)"
                         % (policy, ", ".join(sorted(POLICIES))))
    return found


def checkpoint(fn: Callable, policy: Policy = "nothing") -> Callable:
    """`fn` (a function of NDArrays returning an NDArray or a tuple/list of them) with its
    intermediates recomputed in the backward instead of saved.

    - `policy`: which intermediates to save anyway: "nothing" (the default: recompute
      all of them from the inputs), "dots" (save the outputs of matrix products and
      convolutions, recompute the cheap element-wise work between them), "everything"
      (save all: the same memory as without checkpoint), or a function
      `policy(node) -> bool` of each `tapegraph.ir.Node` of the traced function.

    A tapegraph extension (MXNet has no such function). Results and gradients are those
    of `fn`; only where the backward finds the intermediates changes.
    """
    saves = _saver(policy)
    name = policy if isinstance(policy, str) else getattr(policy, "__name__", "custom")

    @functools.wraps(fn)
    def checkpointed(*args: Any) -> Any:
        arrays = as_arrays(args)
        if not (STATE.recording and any(a._value is not None for a in arrays)):
            return fn(*args)  # nothing is recorded: nothing to save or recompute
        tr = trace(fn, arrays, "checkpoint", per_call=True)
        region = saved_region(tr.graph, saves)
        attrs = {"policy": name, "num_results": len(tr.graph.outputs)}
        outs = record_region(region, list(arrays) + list(tr.constants), attrs, tr.cls)
        return tr.pack(outs[:len(tr.graph.outputs)])

    return checkpointed


def saved_region(graph: Graph, saves: Callable[[Node], bool]) -> Graph:
    """`graph` with the floating-point intermediates `saves` selects as extra outputs."""
    outputs = list(graph.outputs)
    have = set(outputs) | set(graph.inputs)
    for node in graph.nodes:
        if node.region is None and saves(node):
            for v in node.outputs:
                if v not in have and is_float(v.type.dtype):
                    outputs.append(v)
                    have.add(v)
    return Graph(graph.name, list(graph.inputs), list(graph.nodes), outputs, dict(graph.meta))
