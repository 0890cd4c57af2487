"""Element-wise fusion: maximal groups of element-wise nodes, possibly ended by full
reductions of their values (reduction epilogues), become one `fused` node."""
from __future__ import annotations

import heapq
from typing import Dict, List, Optional, Sequence, Set

from ..ir import REGISTRY, Graph, Node, OpDef, Value, is_float
from .manager import register_pass


def fusible(node: Node) -> bool:
    """An element-wise, pure node with a codegen template over floating-point values of
    one shape (its inputs have the output's shape, so one index walks them all)."""
    opdef = REGISTRY._ops.get(node.op)
    if (opdef is None or not opdef.elementwise or not opdef.fuse or opdef.effects
            or node.region is not None or len(node.outputs) != 1):
        return False
    out = node.outputs[0].type
    if not is_float(out.dtype):
        return False
    return all(v.type.shape == out.shape and is_float(v.type.dtype) for v in node.inputs)


def _opdef(node: Node) -> Optional[OpDef]:
    return REGISTRY._ops.get(node.op)


def full_reduction(node: Node) -> bool:
    """A reduction runtime.fusion can compute chunk by chunk (`OpDef.reduction`: `sum`,
    `mean`) over every axis of one floating-point value: it can end a fused region (a
    reduction epilogue), each chunk adding its partial sum."""
    opdef = _opdef(node)
    if (opdef is None or opdef.reduction is None or node.region is not None
            or len(node.outputs) != 1):
        return False
    x, out = node.inputs[0].type, node.outputs[0].type
    return is_float(x.dtype) and out.dtype == x.dtype and out.size == 1 and x.size > 0


def scalar_reshape(node: Node) -> bool:
    """A reshape (`OpDef.reshape`) of a one-element floating-point value (MXNet's legacy
    arrays turn the 0-d result of a full reduction into shape (1,)): free in a reduction
    epilogue."""
    opdef = _opdef(node)
    if (opdef is None or not opdef.reshape or node.region is not None
            or len(node.inputs) != 1 or len(node.outputs) != 1):
        return False
    x, out = node.inputs[0].type, node.outputs[0].type
    return is_float(x.dtype) and out.dtype == x.dtype and x.size == 1 and out.size == 1


ARRAY, SCALAR = "array", "scalar"  # phases of a value in a fused region


def region_phase(node: Node, in_phases: Sequence[Optional[str]]) -> Optional[str]:
    """THE rule of what a fused region may hold, for the fuse pass and for deferred
    chains (tapegraph.accel.lazy) alike: the phase `node`'s result has in the region of
    its inputs, whose phases are `in_phases` (`ARRAY`: computed per element inside the
    chunk loop; `SCALAR`: after the region's reductions; None: not computed in the
    region; anything else: unknown), or None if `node` cannot join that region.

    - a fusible node (see `fusible`) reading no scalar-phase value: `ARRAY`;
    - a full reduction (see `full_reduction`) of an array-phase value: `SCALAR` (a
      reduction epilogue: the reduced array is never stored);
    - a scalar reshape of a scalar-phase value, or a one-element fusible node reading
      scalar-phase values only: `SCALAR` (a scalar tail, computed once after the chunk
      loop: `sum(...) / n`, `s + s`).
    """
    if any(p not in (ARRAY, SCALAR, None) for p in in_phases):
        return None
    if SCALAR in in_phases:
        if len(in_phases) == 1 and scalar_reshape(node):
            return SCALAR
        if all(p == SCALAR for p in in_phases) and fusible(node) \
                and node.outputs[0].type.size == 1:
            return SCALAR
        return None
    if full_reduction(node):
        ok = list(in_phases) == [ARRAY] and node.inputs[0].type.size > 1
        return SCALAR if ok else None
    return ARRAY if fusible(node) else None


class _Groups:
    """Union-find over group ids, with the groups each value depends on."""

    def __init__(self):
        self.parent: List[int] = []

    def new(self) -> int:
        self.parent.append(len(self.parent))
        return len(self.parent) - 1

    def find(self, g: int) -> int:
        root = g
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[g] != root:
            self.parent[g], g = root, self.parent[g]
        return root


@register_pass("fuse")
def fuse(graph: Graph, min_size: int = 2, max_size: int = 2000) -> Graph:
    """Group element-wise nodes (see `fusible`) into `fused` nodes holding their region.

    Each fusible node joins the groups of all its fusible producers of the same shape and
    the groups that already read one of its inputs (siblings), merging them, unless
    that would create a cycle: a group may not both feed and read a node outside it.
    Groups of fewer than `min_size` nodes are left alone; a group stops growing at
    `max_size` nodes (generated functions stay a reasonable size). A group none of
    whose values is used is dead code and disappears. The region
    of a group has the group's external inputs (in order of first use) as inputs and,
    as outputs, the values read outside the group or returned by the graph.

    A full reduction (see `full_reduction`) of a value computed in a group joins that group
    as its epilogue, so the reduced array is never stored, and so do one-input operators of
    its result (see `region_phase`); no other node of a group reads such a value.

    Guarantees: the result computes the same values (the region holds the very same
    nodes); it is in topological order, original order kept where dependencies allow;
    no cycle is created; outputs are the same Value objects. `graph` itself is returned
    when no group forms.
    """
    groups = _Groups()
    size: Dict[int, int] = {}
    readers: Dict[Value, int] = {}
    group_of: Dict[Node, int] = {}
    producer: Dict[Value, Node] = {}
    # For each node: the groups it depends on (transitively, including its own).
    deps: Dict[Node, frozenset] = {}
    # For each group: groups reaching it through nodes outside it (would close a cycle).
    blocked: Dict[int, Set[int]] = {}
    empty: frozenset = frozenset()
    epilogues: Set[Node] = set()  # reductions that joined their input's group, and tails
    used = {v for n in graph.nodes for v in n.inputs}.union(graph.outputs)
    for node in graph.nodes:
        prods = [producer[v] for v in node.inputs if v in producer]
        up = empty
        for p in prods:
            d = deps[p]
            if d and d is not up:
                up = d if not up else up | d
        src = prods[0] if len(prods) == 1 and len(node.inputs) == 1 else None
        if (src in epilogues and node.outputs[0] in used
                and region_phase(node, [SCALAR]) == SCALAR
                and size[groups.find(group_of[src])] < max_size):
            target = groups.find(group_of[src])  # a scalar tail: after the chunk loop
            size[target] += 1
            group_of[node] = target
            epilogues.add(node)
        elif fusible(node):
            shape = node.outputs[0].type.shape
            cands = {groups.find(group_of[p]) for p in prods if p in group_of
                     and p not in epilogues and p.outputs[0].type.shape == shape}
            # Siblings: groups already reading one of our inputs (horizontal fusion).
            cands.update(groups.find(readers[v]) for v in node.inputs
                         if v in readers and v.type.shape == shape)
            outside: Set[int] = set()
            for p in prods:
                pg = groups.find(group_of[p]) if p in group_of else None
                outside.update(r for r in map(groups.find, deps[p]) if r != pg)
            outside.update(groups.find(group_of[p]) for p in prods if p in epilogues)
            ok = {g for g in cands if g not in outside and size[g] < max_size}
            ok = {g for g in ok
                  if not ({groups.find(b) for b in blocked.get(g, ())} & ok)}
            if ok and sum(size[g] for g in ok) >= max_size:
                ok = {min(ok)}
            if ok:
                target = min(ok)
                for g in ok:
                    if g != target:
                        groups.parent[g] = target
                        size[target] += size.pop(g)
                        blocked.setdefault(target, set()).update(blocked.pop(g, ()))
            else:
                target = groups.new()
                size[target] = 0
            size[target] += 1
            blocked.setdefault(target, set()).update(outside)
            group_of[node] = target
            for v in node.inputs:
                readers[v] = target
            up = up | {target}
        elif (src is not None and src in group_of and node.outputs[0] in used
              and region_phase(node, [ARRAY]) == SCALAR
              and size[groups.find(group_of[src])] < max_size):
            target = groups.find(group_of[src])  # a reduction epilogue
            size[target] += 1
            group_of[node] = target
            epilogues.add(node)
        if len(up) > 8:  # merged groups leave stale ids behind: keep the sets small
            up = frozenset(map(groups.find, up))
        deps[node] = up
        for v in node.outputs:
            producer[v] = node
    _detach_read_epilogues(graph, group_of, groups, epilogues)
    try:
        return _build(graph, group_of, groups, min_size)
    except _CycleError:
        # The incremental test above misses some paths through groups that grew after
        # being read; regroup with the conservative rule, which cannot form a cycle.
        group_of, groups = _conservative_groups(graph, max_size)
        return _build(graph, group_of, groups, min_size)


def _detach_read_epilogues(graph: Graph, group_of: Dict[Node, int], groups: _Groups,
                           epilogues: Set[Node]) -> None:
    """Take out of its group every epilogue whose result a member of that group reads
    (groups merged after it joined); it then runs on its own, after the group."""
    if not epilogues:
        return
    made_by = {n.outputs[0]: n for n in epilogues}
    for node in graph.nodes:
        for v in node.inputs:
            red = made_by.get(v)
            if (red is not None and node in group_of and red in group_of
                    and node not in epilogues
                    and groups.find(group_of[node]) == groups.find(group_of[red])):
                del group_of[red]
    for node in graph.nodes:  # a reshape leaves with the reduction it reshapes
        src = made_by.get(node.inputs[0]) if node in epilogues else None
        if src is not None and src not in group_of:
            group_of.pop(node, None)


class _CycleError(AssertionError):
    pass


def _conservative_groups(graph: Graph, max_size: int):
    """Producer-chain groups that stop growing once any node outside reads them, so a
    group's ancestry is final whenever something depends on it; a node joins a group
    only if it does not also reach that group through another producer."""
    groups = _Groups()
    group_of: Dict[Node, int] = {}
    producer: Dict[Value, Node] = {}
    ancestry: Dict[int, Set[int]] = {}   # group -> groups it depends on
    node_deps: Dict[Node, frozenset] = {}  # ungrouped node -> groups it depends on
    frozen: Set[int] = set()
    size: Dict[int, int] = {}

    def reach(p: Node) -> Set[int]:
        g = group_of.get(p)
        return ancestry[g] | {g} if g is not None else set(node_deps[p])

    for node in graph.nodes:
        prods = [producer[v] for v in node.inputs if v in producer]
        target = None
        if fusible(node):
            shape = node.outputs[0].type.shape
            for p in prods:
                g = group_of.get(p)
                if (g is None or g in frozen or size[g] >= max_size
                        or p.outputs[0].type.shape != shape):
                    continue
                if all(g not in reach(q) for q in prods if group_of.get(q) != g):
                    target = g
                    break
            if target is None:
                target = groups.new()
                ancestry[target], size[target] = set(), 0
        up: Set[int] = set()
        for p in prods:
            up |= reach(p)
        if target is not None:
            group_of[node] = target
            size[target] += 1
            ancestry[target] |= up - {target}
        else:
            node_deps[node] = frozenset(up)
        for p in prods:
            g = group_of.get(p)
            if g is not None and g != target:
                frozen.add(g)
        for v in node.outputs:
            producer[v] = node
    return group_of, groups


def _build(graph: Graph, group_of: Dict[Node, int], groups: _Groups, min_size: int) -> Graph:
    members: Dict[int, List[Node]] = {}
    for node in graph.nodes:
        if node in group_of:
            members.setdefault(groups.find(group_of[node]), []).append(node)
    members = {g: ns for g, ns in members.items() if len(ns) >= min_size}
    if not members:
        return graph
    member_group = {n: g for g, ns in members.items() for n in ns}
    group_of_value = {v: g for n, g in member_group.items() for v in n.outputs}
    read_outside: Set[Value] = set(graph.outputs)
    for node in graph.nodes:
        g = member_group.get(node)
        for v in node.inputs:
            if group_of_value.get(v, -1) != g:
                read_outside.add(v)
    units = {g: _fused_node(ns, read_outside) for g, ns in members.items()}
    dead = {g for g, unit in units.items() if not unit.outputs}
    # Topological order of the new units (fused nodes and untouched nodes).
    order: Dict[Node, int] = {}
    items: List[Node] = []
    for k, node in enumerate(graph.nodes):
        g = member_group.get(node)
        if g in dead:
            continue
        unit = units[g] if g is not None else node
        if unit not in order:
            order[unit] = k
            items.append(unit)
    return Graph(graph.name, graph.inputs, _toposort(items, order), graph.outputs,
                 dict(graph.meta))


def _fused_node(nodes: List[Node], read_outside: Set[Value]) -> Node:
    """One `fused` node whose region holds copies of `nodes` (on fresh region values)."""
    inside = {v for n in nodes for v in n.outputs}
    inputs: List[Value] = []
    seen: Set[Value] = set()
    for n in nodes:
        for v in n.inputs:
            if v not in inside and v not in seen:
                seen.add(v)
                inputs.append(v)
    outputs = [v for n in nodes for v in n.outputs if v in read_outside]
    params = [Value(v.type, v.hint) for v in inputs]
    env = dict(zip(inputs, params))
    body = []
    for n in nodes:
        outs = tuple(Value(v.type) for v in n.outputs)
        body.append(Node(n.op, tuple(env[v] for v in n.inputs), outs, n.attrs, None, n.meta))
        env.update(zip(n.outputs, outs))
    region = Graph("region", params, body, [env[v] for v in outputs])
    return Node("fused", tuple(inputs), tuple(outputs), {}, region, None)


def _toposort(items: List[Node], order: Dict[Node, int]) -> List[Node]:
    """Kahn's algorithm, taking the earliest original position first."""
    producer: Dict[Value, Node] = {}
    for unit in items:
        for v in unit.outputs:
            producer[v] = unit
    indegree: Dict[Node, int] = {}
    readers: Dict[Node, List[Node]] = {}
    for unit in items:
        preds = {producer[v] for v in unit.inputs if v in producer}
        indegree[unit] = len(preds)
        for p in preds:
            readers.setdefault(p, []).append(unit)
    heap = [(order[u], 0, u) for u in items if indegree[u] == 0]
    heapq.heapify(heap)
    out: List[Node] = []
    while heap:
        _, _, unit = heapq.heappop(heap)
        out.append(unit)
        for r in readers.get(unit, ()):
            indegree[r] -= 1
            if indegree[r] == 0:
                heapq.heappush(heap, (order[r], 0, r))
    if len(out) != len(items):
        raise _CycleError("fuse: grouping created a cycle")
    return out
