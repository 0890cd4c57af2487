"""Memory planning: which buffers can be reused in place, and the peak it saves."""
from __future__ import annotations

from typing import Dict, List, Optional, Set

from ..ir import REGISTRY, Graph, Node, OpDef, Value
from .manager import register_pass



def _opdef(node: Node) -> Optional[OpDef]:
    return REGISTRY._ops.get(node.op)


class MemoryPlan:
    """The result of `plan-memory`, kept in `graph.meta["memory_plan"]`.

    - `donations`: fused node -> for each output, the index of an input whose buffer it
      may overwrite (or None);
    - `peak_before` / `peak_after`: peak bytes of intermediate buffers when every node
      allocates fresh outputs and frees buffers after their last use, and with the
      donations applied;
    - `total`: bytes of all intermediates if none were ever freed.
    """

    def __init__(self, donations: Dict[Node, List[Optional[int]]], peak_before: int,
                 peak_after: int, total: int):
        self.donations = donations
        self.peak_before = peak_before
        self.peak_after = peak_after
        self.total = total

    def report(self) -> str:
        saved = self.peak_before - self.peak_after
        return ("memory plan: peak %s -> %s (%s saved; %d in-place outputs; %s if nothing "
                "were freed)" % (_fmt(self.peak_before), _fmt(self.peak_after), _fmt(saved),
                                 sum(1 for d in self.donations.values() for i in d
                                     if i is not None), _fmt(self.total)))

    def __repr__(self) -> str:
        return "<MemoryPlan %s>" % self.report()


def _fmt(n: float) -> str:
    for unit in ("B", "KiB", "MiB", "GiB"):
        if abs(n) < 1024 or unit == "GiB":
            return ("%d %s" % (n, unit)) if unit == "B" else ("%.1f %s" % (n, unit))
        n /= 1024.0
    return str(n)


@register_pass("plan-memory")
def plan_memory(graph: Graph) -> Graph:
    """Plan buffer reuse: a node whose kernel takes `out=` buffers (`OpDef.writes_into`:
    `fused`) may write an output into the buffer of an input of the same type that dies
    at that node (in place), as NNVM's PlanMemory does.

    A buffer dies when its value and every view of it (outputs of operators whose kernel
    may return a view of their input, `OpDef.view`) have had their last use. Graph inputs
    (user arrays, saved forward values) and graph outputs are never overwritten.
    Guarantees: the nodes are unchanged; the result is a new Graph whose
    `meta["memory_plan"]` is a `MemoryPlan` with the donations and the peak bytes before
    and after. The runtime re-checks at run time that a donated buffer is not referenced
    elsewhere before writing into it.
    """
    inputs: Set[Value] = set(graph.inputs)
    base: Dict[Value, Value] = {}
    for node in graph.nodes:
        opdef = _opdef(node)
        view = opdef is not None and opdef.view and bool(node.inputs)
        for v in node.outputs:
            base[v] = base.get(node.inputs[0], node.inputs[0]) if view else v
    last_use: Dict[Value, int] = {}
    for k, node in enumerate(graph.nodes):
        for v in node.inputs:
            last_use[base.get(v, v)] = k
    end = len(graph.nodes)
    for v in graph.outputs:
        last_use[base.get(v, v)] = end
    donations: Dict[Node, List[Optional[int]]] = {}
    donated: Set[Value] = set()
    for k, node in enumerate(graph.nodes):
        opdef = _opdef(node)
        if opdef is None or not opdef.writes_into:  # its kernel cannot take `out=` buffers
            continue
        choice: List[Optional[int]] = []
        taken: Set[int] = set()
        for out in node.outputs:
            pick = None
            for i, v in enumerate(node.inputs):
                b = base.get(v, v)
                if (i not in taken and b is v and v not in inputs and v not in donated
                        and v.type is out.type and last_use.get(v) == k
                        and node.inputs.count(v) == 1 and _region_allows(node, i, out)):
                    pick = i
                    break
            if pick is not None:
                taken.add(pick)
                donated.add(node.inputs[pick])
            choice.append(pick)
        if any(c is not None for c in choice):
            donations[node] = choice
    before, after, total = _peaks(graph, base, last_use, inputs, donations)
    meta = dict(graph.meta)
    meta["memory_plan"] = MemoryPlan(donations, before, after, total)
    return Graph(graph.name, graph.inputs, graph.nodes, graph.outputs, meta)


def _region_allows(node: Node, i: int, out: Value) -> bool:
    """Inside the region, input `i` must not be read after the output is written: the
    generated code walks all operators chunk by chunk, so a later read would see the
    overwritten elements (reading it in the very operator that writes is fine)."""
    region = node.region
    if region is None:
        return False
    j = node.outputs.index(out)
    r_in, r_out = region.inputs[i], region.outputs[j]
    written = None
    last_read = -1
    for k, n in enumerate(region.nodes):
        if r_in in n.inputs:
            last_read = k
        if r_out in n.outputs:
            written = k
    return written is not None and last_read <= written


def _peaks(graph: Graph, base, last_use, inputs, donations):
    """Simulate the schedule: bytes of live intermediate buffers after each node."""
    live = before = after_live = after = total = 0
    frees: Dict[int, List[Value]] = {}
    for v, k in last_use.items():
        if v not in inputs:
            frees.setdefault(k, []).append(v)
    for k, node in enumerate(graph.nodes):
        fresh = sum(v.type.nbytes for v in node.outputs if base.get(v) is v)
        total += fresh
        reused = 0
        if node in donations:
            reused = sum(node.outputs[j].type.nbytes
                         for j, i in enumerate(donations[node]) if i is not None)
        live += fresh
        after_live += fresh - reused
        before = max(before, live)
        after = max(after, after_live)
        freed = sum(v.type.nbytes for v in frees.get(k, ()))
        donated_bytes = sum(node.inputs[i].type.nbytes
                            for i in (donations.get(node) or ()) if i is not None)
        live -= freed
        after_live -= freed - donated_bytes
    return before, after, total
