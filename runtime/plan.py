"""Execution plans: a graph lowered to a flat schedule of kernel calls over slots.

Each value gets a slot; each step calls one kernel on slots and writes its outputs to
slots; after a value's last use its slot is cleared so NumPy can free (or reuse) the
buffer, as NNVM's PlanMemory does.
"""
from __future__ import annotations

import functools
from typing import Callable, Dict, List, Sequence, Tuple

import numpy as np

from ..ir import REGISTRY, ExecutionError, Graph, Value, format_node
from ..ir.printer import Namer

Step = Tuple[Callable, Tuple[int, ...], Tuple[int, ...], Tuple[int, ...], int]

# Kernel builders for nodes that the registry cannot run directly (e.g. fused groups):
# op name -> function(node) -> callable(*arrays) returning an array or a tuple.
LOWERINGS: Dict[str, Callable] = {}


def bind_kernel(node) -> Callable:
    """A callable running `node` on arrays: its lowering, or its kernel with attrs bound."""
    lower = LOWERINGS.get(node.op)
    if lower is not None:
        return lower(node)
    opdef = REGISTRY.get(node.op)
    if node.attrs:
        return functools.partial(opdef.kernel, **node.attrs)
    return opdef.kernel


class Plan:
    """A compiled graph: `plan.run(arrays)` returns the output arrays.

    `steps` is the schedule: (kernel, input slots, output slots, slots to free, node index).
    """

    def __init__(self, graph: Graph):
        self.graph = graph
        slot: Dict[Value, int] = {}
        for v in graph.inputs:
            slot.setdefault(v, len(slot))
        for n in graph.nodes:
            for v in n.outputs:
                slot[v] = len(slot)
        self.num_slots = len(slot)
        self.input_slots = tuple(slot[v] for v in graph.inputs)
        self.output_slots = tuple(slot[v] for v in graph.outputs)
        last_use: Dict[int, int] = {}
        for k, n in enumerate(graph.nodes):
            for v in n.inputs:
                last_use[slot[v]] = k
        keep = set(self.output_slots)
        frees: Dict[int, List[int]] = {}
        for s, k in last_use.items():
            if s not in keep:
                frees.setdefault(k, []).append(s)
        steps: List[Step] = []
        for k, n in enumerate(graph.nodes):
            steps.append((bind_kernel(n), tuple(slot[v] for v in n.inputs),
                          tuple(slot[v] for v in n.outputs), tuple(frees.get(k, ())), k))
        self.steps = steps

    def run(self, inputs: Sequence[np.ndarray]) -> List[np.ndarray]:
        """Execute with `inputs` in the order of `graph.inputs`."""
        if len(inputs) != len(self.input_slots):
            raise ExecutionError("plan of graph %s takes %d inputs, got %d"
                                 % (self.graph.name, len(self.input_slots), len(inputs)))
        env: List = [None] * self.num_slots
        for s, a in zip(self.input_slots, inputs):
            env[s] = a
        for fn, ins, outs, frees, k in self.steps:
            try:
                r = fn(*[env[i] for i in ins])
            except Exception as e:
                raise self._error(k, e) from e
            if len(outs) == 1:
                env[outs[0]] = r if type(r) is np.ndarray else np.asarray(r)
            else:
                for s, a in zip(outs, r):
                    env[s] = a if type(a) is np.ndarray else np.asarray(a)
            for s in frees:
                env[s] = None
        return [env[s] for s in self.output_slots]

    def _error(self, k: int, e: Exception) -> ExecutionError:
        namer = Namer()
        for i, v in enumerate(self.graph.inputs):
            namer.input(v, i)
        line = ""
        for j, n in enumerate(self.graph.nodes):
            text = format_node(n, namer)
            if j == k:
                line = text
                break
        return ExecutionError("%s: %s\n  while executing: %s" % (type(e).__name__, e, line))


def execute(graph: Graph, inputs: Sequence[np.ndarray]) -> List[np.ndarray]:
    """Compile and run `graph` once (no caching)."""
    return Plan(graph).run(inputs)
