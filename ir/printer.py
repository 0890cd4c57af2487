"""The text format: one typed equation per line, attributes in braces, provenance in
comments. `parse(print_graph(g))` gives a graph equal to `g` (see docs/ir.md)."""
from __future__ import annotations

import re
from typing import Any, Dict, List, Optional

from .graph import Graph, Node, Value
from .registry import REGISTRY
from .types import format_type

_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_.]*$")


def format_attr(value: Any) -> str:
    """An attribute value as a Python literal (strings quoted, tuples in parentheses)."""
    if isinstance(value, bool) or value is None:
        return repr(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, (tuple, list)):
        inner = ", ".join(format_attr(v) for v in value)
        return "(" + inner + ("," if len(value) == 1 else "") + ")"
    if hasattr(value, "dtype") and getattr(value, "ndim", 1) == 0:
        return format_attr(value.item())
    return "<%s>" % getattr(value, "tg_label", type(value).__name__)


def printed_attrs(node: Node) -> Dict[str, Any]:
    """The attributes worth printing: those that differ from the operator's defaults."""
    if not node.attrs:
        return {}
    opdef = REGISTRY._ops.get(node.op)
    if opdef is None:
        return dict(node.attrs)
    out = {}
    for k, v in node.attrs.items():
        d = opdef.attrs.get(k, object())
        if not (type(d) is type(v) and d == v):
            out[k] = v
    return out


class Namer:
    """Assigns printed names: graph inputs by hint (or `in<i>`), node outputs `%0, %1, ...`."""

    def __init__(self, parent: "Optional[Namer]" = None,
                 hints: Optional[Dict[Value, str]] = None):
        self.names: Dict[Value, str] = dict(parent.names) if parent else {}
        self.taken = set(self.names.values())
        self.counter = 0
        self.hints = hints or {}

    def input(self, v: Value, i: int) -> str:
        hint = self.hints.get(v) or v.hint
        if not (hint and _IDENT.match(hint)) or hint in self.taken:
            hint = "in%d" % i
            while hint in self.taken:
                hint += "_"
        return self._set(v, hint)

    def output(self, v: Value) -> str:
        while str(self.counter) in self.taken:
            self.counter += 1
        name = str(self.counter)
        self.counter += 1
        return self._set(v, name)

    def _set(self, v: Value, name: str) -> str:
        self.names[v] = name
        self.taken.add(name)
        return name

    def ref(self, v: Value) -> str:
        """`%name`; a value outside the graph (in a provenance comment) shows its hint."""
        return "%" + (self.names.get(v) or v.hint or "?")


def format_node(node: Node, namer: Namer, define: bool = True, types: bool = True) -> str:
    """`%3: f32[4] = op(%a, %b) {k=v}` (defining names for the outputs when `define`)."""
    outs = []
    for v in node.outputs:
        name = namer.output(v) if define else (namer.names.get(v) or v.hint or "?")
        outs.append("%%%s: %s" % (name, format_type(v.type)) if types else "%" + name)
    args = ", ".join(namer.ref(v) for v in node.inputs)
    line = "%s = %s(%s)" % (", ".join(outs) or "()", node.op, args)
    attrs = printed_attrs(node)
    if attrs:
        line += " {" + ", ".join("%s=%s" % (k, format_attr(v)) for k, v in attrs.items()) + "}"
    return line


def _provenance(node: Node, namer: Namer, outer: Optional[Namer] = None) -> Optional[str]:
    meta = node.meta
    if not meta:
        return None
    source = meta.get("source")
    if source:
        rest = _derivation(node, namer, outer)
        return "at %s" % source if rest is None else "%s; at %s" % (rest, source)
    return _derivation(node, namer, outer)


def _derivation(node: Node, namer: Namer, outer: Optional[Namer]) -> Optional[str]:
    meta = node.meta or {}
    if "origin" in meta:
        return meta["origin"]
    kind = "vjp"
    src = meta.get("vjp_of")
    if src is None:
        kind, src = "jvp", meta.get("jvp_of")
        if src is None:
            return None
    at = ""
    if src.meta and src.meta.get("source"):
        at = " (at %s)" % src.meta["source"]  # the user's line of the node differentiated
    for names in (namer, outer):  # a region's node may come from the enclosing graph
        if names is not None and all(v in names.names or v.hint for v in src.outputs):
            return kind + " of " + format_node(src, names, define=False, types=False) + at
    return "%s of %s%s" % (kind, src.op, at)


def print_graph(graph: Graph, indent: str = "", provenance: bool = True,
                input_names: Optional[Dict[Value, str]] = None) -> str:
    """The text form of `graph`. Iterative over nodes; regions are printed nested.
    `input_names` name the graph's inputs instead of their hints (identifiers only)."""
    lines: List[str] = []
    _print_into(graph, indent, provenance, lines, None, hints=input_names)
    return "\n".join(lines)


def _print_into(graph: Graph, indent: str, provenance: bool, lines: List[str],
                parent: Optional[Namer], outer: Optional[Namer] = None,
                hints: Optional[Dict[Value, str]] = None) -> None:
    namer = Namer(parent, hints) if parent else Namer(None, hints)
    params = []
    for i, v in enumerate(graph.inputs):
        params.append("%%%s: %s" % (namer.input(v, i), format_type(v.type)))
    results = ", ".join(format_type(v.type) for v in graph.outputs)
    lines.append("%sgraph %s(%s) -> (%s) {" % (indent, graph.name, ", ".join(params), results))
    inner = indent + "  "
    for node in graph.nodes:
        line = inner + format_node(node, namer)
        note = _provenance(node, namer, outer) if provenance else None
        if node.region is not None:
            lines.append(line + " region")
            _print_into(node.region, inner + "    ", provenance, lines, None, namer)
            if note:
                lines[-1] += "   # " + note
            continue
        if note:
            line += "   # " + note
        lines.append(line)
    lines.append("%s  return (%s)" % (indent, ", ".join(namer.ref(v) for v in graph.outputs)))
    lines.append(indent + "}")
