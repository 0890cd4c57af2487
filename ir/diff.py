"""Structural diff of graphs, matched by node identity rather than by printed number.

Printed value numbers shift whenever a pass drops or adds one node, so a text diff
between two passes is mostly noise. Here every node of a sequence of graphs gets a
stable id (`NodeIdentity`):

- a node that a pass keeps (the same `Node`) or rewrites (a new `Node` defining the same
  output `Value`, as `Rewriter.emit`, `simplify` and `cse` do) keeps its id;
- a node holding a region (a `fused` group) is identified by its region graph; the nodes
  copied into a region keep the ids of the nodes they were copied from (matched by
  operator, attributes and inputs);
- any other node is new and gets a new id.

Values get stable ids the same way, so a node whose inputs became graph inputs
(`residualize`) is unchanged. `diff` compares two graphs by these ids: nodes added,
removed, changed (operator, attributes or inputs) and kept; `rows` lays the IR text of
the new graph out with the removed nodes' lines interleaved where they were.
Depends only on `ir`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, Iterator, List, Optional, Tuple

from .graph import Graph, Node, Value, attrs_key
from .printer import print_graph

__all__ = ["GraphDiff", "NodeIdentity", "Row", "diff", "rows", "walk"]


def walk(graph: Graph) -> Iterator[Tuple[Node, Optional[Node]]]:
    """Every node of `graph` and of its regions as `(node, enclosing region node)`."""
    stack: List[Tuple[Graph, Optional[Node]]] = [(graph, None)]
    while stack:
        g, parent = stack.pop()
        for n in g.nodes:
            yield n, parent
            if n.region is not None:
                stack.append((n.region, n))


class NodeIdentity:
    """Stable ids (`n0`, `n1`, ...) for the nodes of a sequence of related graphs and
    (`v0`, ...) for their values. Call `assign` on each graph in order."""

    def __init__(self) -> None:
        self.value_ids: Dict[Value, str] = {}
        self._node_of_value: Dict[Value, str] = {}
        self._regions: Dict[int, Tuple[Graph, str]] = {}
        self._by_signature: Dict[tuple, Tuple[str, Tuple[Value, ...]]] = {}
        self._nodes = 0

    def _new_node(self) -> str:
        self._nodes += 1
        return "n%d" % (self._nodes - 1)

    def value(self, v: Value) -> str:
        """The stable id of `v` (assigned on first sight)."""
        ident = self.value_ids.get(v)
        if ident is None:
            ident = self.value_ids[v] = "v%d" % len(self.value_ids)
        return ident

    def assign(self, graph: Graph) -> Dict[Node, str]:
        """Ids for every node of `graph` (regions included)."""
        ids: Dict[Node, str] = {}
        for v in graph.inputs:
            self.value(v)
        self._assign_body(graph, ids, set())
        return ids

    def _assign_body(self, graph: Graph, ids: Dict[Node, str], used: set) -> None:
        for node in graph.nodes:
            ident = None
            if node.region is not None:
                found = self._regions.get(id(node.region))
                ident = found[1] if found is not None and found[0] is node.region else None
            else:
                ident = next((self._node_of_value[v] for v in node.outputs
                              if v in self._node_of_value), None)
                if ident is None:
                    ident = self._copied_from(node, used)
            if ident is None or ident in used:
                ident = self._new_node()
            used.add(ident)
            ids[node] = ident
            if node.region is not None:
                self._regions[id(node.region)] = (node.region, ident)
                for outer, inner in zip(node.inputs, node.region.inputs):
                    self.value_ids.setdefault(inner, self.value(outer))
                self._assign_body(node.region, ids, used)
                for outer, inner in zip(node.outputs, node.region.outputs):
                    self.value(outer)
                continue
            for v in node.outputs:
                self._node_of_value.setdefault(v, ident)
                self.value(v)
            self._by_signature[self._signature(node)] = (ident, node.outputs)

    def _signature(self, node: Node) -> tuple:
        return (node.op, attrs_key(node.attrs), tuple(self.value(v) for v in node.inputs))

    def _copied_from(self, node: Node, used: set) -> Optional[str]:
        """The id of an earlier node this one copies (a node moved into a region)."""
        found = self._by_signature.get(self._signature(node))
        if found is None:
            return None
        ident, outputs = found
        if len(outputs) != len(node.outputs) or ident in used:
            return None
        for new, old in zip(node.outputs, outputs):
            self.value_ids.setdefault(new, self.value(old))
        return ident


@dataclass
class GraphDiff:
    """How `after` differs from `before`, by node id."""

    added: List[str] = field(default_factory=list)
    removed: List[str] = field(default_factory=list)
    changed: List[str] = field(default_factory=list)
    kept: List[str] = field(default_factory=list)
    inputs_added: List[str] = field(default_factory=list)
    inputs_removed: List[str] = field(default_factory=list)
    outputs_changed: bool = False

    def status(self, ident: str) -> str:
        """"added", "removed", "changed" or "kept"."""
        for kind in ("added", "removed", "changed"):
            if ident in getattr(self, kind):
                return kind
        return "kept"

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed or self.inputs_added
                    or self.inputs_removed or self.outputs_changed)

    def summary(self) -> str:
        """`+3 -1 ~2` (nodes added, removed, changed), or `no change`."""
        if self.empty:
            return "no change"
        parts = ["+%d" % len(self.added), "-%d" % len(self.removed),
                 "~%d" % len(self.changed)]
        if self.inputs_added or self.inputs_removed:
            parts.append("inputs +%d -%d" % (len(self.inputs_added), len(self.inputs_removed)))
        return " ".join(parts)


def _signatures(graph: Graph, ids: Dict[Node, str], identity: NodeIdentity) -> Dict[str, tuple]:
    return {ids[n]: (n.op, attrs_key(n.attrs), tuple(identity.value(v) for v in n.inputs),
                     n.region is not None)
            for n, _ in walk(graph)}


def diff(before: Optional[Graph], before_ids: Dict[Node, str], after: Graph,
         after_ids: Dict[Node, str], identity: NodeIdentity) -> GraphDiff:
    """Compare two graphs whose ids come from the same `identity` (`before` may be None:
    every node is then added)."""
    out = GraphDiff()
    new = _signatures(after, after_ids, identity)
    if before is None:
        out.added = list(new)
        return out
    old = _signatures(before, before_ids, identity)
    for ident, sig in new.items():
        if ident not in old:
            out.added.append(ident)
        elif old[ident] != sig:
            out.changed.append(ident)
        else:
            out.kept.append(ident)
    out.removed = [i for i in old if i not in new]
    old_in = [identity.value(v) for v in before.inputs]
    new_in = [identity.value(v) for v in after.inputs]
    out.inputs_added = [v for v in new_in if v not in old_in]
    out.inputs_removed = [v for v in old_in if v not in new_in]
    out.outputs_changed = ([identity.value(v) for v in before.outputs]
                           != [identity.value(v) for v in after.outputs])
    return out


@dataclass
class Row:
    """One line of the IR diff: `status` is added/removed/changed/kept/moved (a kept node
    now inside a new region) or "" for structure lines; `node` its node id."""

    text: str
    status: str = ""
    node: Optional[str] = None


def _line_counts(graph: Graph) -> int:
    return 3 + sum(1 + (_line_counts(n.region) if n.region is not None else 0)
                   for n in graph.nodes)


def _node_lines(graph: Graph, ids: Dict[Node, str],
                names: Optional[Dict[Value, str]] = None) -> Tuple[str, List[Tuple[Node, List[
                    Tuple[str, Optional[str]]]]], List[str]]:
    """(header line, per top-level node its lines with node ids, closing lines)."""
    lines = print_graph(graph, input_names=names).split("\n")
    header, k = lines[0], 1
    per_node = []
    for node in graph.nodes:
        own = [(lines[k], ids.get(node))]
        k += 1
        if node.region is not None:
            count = _line_counts(node.region)
            inner = _region_ids(node.region, ids)
            for j, line in enumerate(lines[k:k + count]):
                own.append((line, inner.get(j)))
            k += count
        per_node.append((node, own))
    return header, per_node, lines[k:]


def _region_ids(region: Graph, ids: Dict[Node, str]) -> Dict[int, Optional[str]]:
    """Line index within a printed region -> node id (line 0 is the region header)."""
    out: Dict[int, Optional[str]] = {}
    k = 1
    for node in region.nodes:
        out[k] = ids.get(node)
        k += 1
        if node.region is not None:
            k += _line_counts(node.region)
    return out


def rows(before: Optional[Graph], before_ids: Dict[Node, str], after: Graph,
         after_ids: Dict[Node, str], d: GraphDiff,
         names: Optional[Dict[Value, str]] = None) -> List[Row]:
    """The IR text of `after`, each node line marked with its status, and the lines of
    the nodes `before` had and `after` lacks interleaved after their last kept neighbour.
    `names` name graph inputs in the text (see `print_graph`)."""
    header, per_node, tail = _node_lines(after, after_ids, names)
    removed = set(d.removed)
    pending: Dict[Optional[str], List[Row]] = {}
    if before is not None and removed:
        _, old_nodes, _ = _node_lines(before, before_ids, names)
        anchor: Optional[str] = None
        alive = set(after_ids.values())
        for node, lines in old_nodes:
            ident = before_ids.get(node)
            if ident in removed:
                pending.setdefault(anchor, []).extend(
                    Row(text, "removed", i) for text, i in lines if i is None or i in removed)
            elif ident in alive:
                anchor = ident
    top = {after_ids.get(n) for n, _ in per_node}
    out = [Row(header, "changed" if d.inputs_added or d.inputs_removed else "")]
    out.extend(pending.get(None, []))
    for node, lines in per_node:
        for text, ident in lines:
            status = d.status(ident) if ident is not None else ""
            if ident is not None and status == "kept" and ident not in top and \
                    after_ids.get(node) in d.added:
                status = "moved"
            out.append(Row(text, status, ident))
        out.extend(pending.get(after_ids.get(node), []))
    out.extend(Row(t, "changed" if d.outputs_changed and t.strip().startswith("return")
                   else "") for t in tail)
    return out
