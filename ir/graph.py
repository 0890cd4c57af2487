"""Values, nodes and graphs: a flat, typed SSA IR in the spirit of JAX's jaxpr.

A `Value` is identified by the object itself; the printer gives it a name. A `Node`
applies one registered operator to input values and defines its output values. A
`Graph` lists its input values, its nodes in topological order, and its outputs.
Records are treated as immutable: passes build new graphs with `Builder`.
"""
from __future__ import annotations

from typing import Any, Callable, Dict, Iterable, List, Optional, Sequence, Tuple

from .types import TensorType
from .registry import REGISTRY

EMPTY_ATTRS: Dict[str, Any] = {}


class Value:
    """An SSA value of static type `type`. `hint` is an optional name for printing."""

    __slots__ = ("type", "hint")

    def __init__(self, type: TensorType, hint: Optional[str] = None):
        self.type = type
        self.hint = hint

    @property
    def shape(self) -> Tuple[int, ...]:
        return self.type.shape

    @property
    def dtype(self) -> str:
        return self.type.dtype

    def __repr__(self) -> str:
        return "<Value %s%s at %#x>" % (self.hint + ": " if self.hint else "", self.type, id(self))


class Node:
    """One operator application: `outputs = op(*inputs) {attrs}`.

    `attrs` holds every attribute of the operator (defaults filled in). `region` is a
    nested Graph for operators that hold one (a `fused` group). `meta` carries
    provenance such as `{"vjp_of": <forward Node>}`; it does not take part in equality.
    A node can be weakly referenced (the frontend keys per-node side effects on it).
    """

    __slots__ = ("op", "inputs", "outputs", "attrs", "region", "meta", "__weakref__")

    def __init__(self, op: str, inputs: Sequence[Value], outputs: Sequence[Value],
                 attrs: Dict[str, Any] = EMPTY_ATTRS, region: "Optional[Graph]" = None,
                 meta: Optional[Dict[str, Any]] = None):
        self.op = op
        self.inputs = tuple(inputs)
        self.outputs = tuple(outputs)
        self.attrs = attrs
        self.region = region
        self.meta = meta

    def __repr__(self) -> str:
        return "<Node %s/%d->%d>" % (self.op, len(self.inputs), len(self.outputs))


class Graph:
    """A function: `inputs` (Values), `nodes` in topological order, `outputs` (Values).

    Two graphs compare equal when they are structurally identical (same ops, attrs,
    types and wiring, up to renaming of values).
    """

    __slots__ = ("name", "inputs", "nodes", "outputs", "meta", "_structure", "_hash")

    def __init__(self, name: str, inputs: Sequence[Value], nodes: Sequence[Node],
                 outputs: Sequence[Value], meta: Optional[Dict[str, Any]] = None):
        self.name = name
        self.inputs = tuple(inputs)
        self.nodes = tuple(nodes)
        self.outputs = tuple(outputs)
        self.meta = meta if meta is not None else {}
        self._structure: Optional[tuple] = None
        self._hash: Optional[int] = None

    def __str__(self) -> str:
        from .printer import print_graph
        return print_graph(self)

    def _repr_svg_(self) -> Optional[str]:
        """Jupyter: the picture (`ir.dot`), or None without graphviz's `dot` program."""
        from .dot import render_svg, to_dot
        return render_svg(to_dot(self))

    def _repr_html_(self) -> Optional[str]:
        """Jupyter without graphviz: the IR text (None when the picture can be drawn)."""
        import html
        import shutil
        if shutil.which("dot"):
            return None
        return "<pre>%s</pre>" % html.escape(str(self))

    def __repr__(self) -> str:
        return "<Graph %s: %d inputs, %d nodes, %d outputs>" % (
            self.name, len(self.inputs), len(self.nodes), len(self.outputs))

    def structure(self) -> tuple:
        """A hashable description of the graph up to renaming (see `structural_key`),
        computed once: a graph is not changed after it is built, and graphs are parts of
        cache keys (a recorded region is compared at every plan-cache lookup)."""
        found = self._structure
        if found is None:
            found = self._structure = structural_key(self)
        return found

    def __eq__(self, other) -> bool:
        if not isinstance(other, Graph):
            return False
        return self is other or self.structure() == other.structure()

    def __ne__(self, other) -> bool:
        return not self == other

    def __hash__(self) -> int:
        if self._hash is None:
            self._hash = hash(self.structure())
        return self._hash

    def producers(self) -> Dict[Value, Tuple[Node, int]]:
        """Map each value defined by a node to `(node, output index)`."""
        return {v: (n, i) for n in self.nodes for i, v in enumerate(n.outputs)}

    def users(self) -> Dict[Value, List[Node]]:
        """Map each value to the nodes that read it, in node order."""
        out: Dict[Value, List[Node]] = {}
        for n in self.nodes:
            for v in n.inputs:
                out.setdefault(v, []).append(n)
        return out


def freeze(value: Any) -> Any:
    """A hashable form of an attribute value (lists become tuples, dicts sorted tuples)."""
    if isinstance(value, list):
        return tuple(freeze(v) for v in value)
    if isinstance(value, tuple):
        return tuple(freeze(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((k, freeze(v)) for k, v in value.items()))
    try:
        hash(value)
    except TypeError:
        return ("<unhashable>", id(value))
    return value


def attrs_key(attrs: Dict[str, Any]) -> tuple:
    """A hashable, order-independent key of an attribute dict."""
    if not attrs:
        return ()
    return tuple(sorted((k, freeze(v)) for k, v in attrs.items()))


def structural_key(graph: Graph) -> tuple:
    """Describe `graph` as nested tuples in which values are numbered by first definition.

    Equal keys mean equal graphs up to renaming; used for equality, hashing and caching.
    Iterative, so a 100,000-node graph is fine.
    """
    index: Dict[Value, int] = {}
    for v in graph.inputs:
        index[v] = len(index)
    body = []
    for n in graph.nodes:
        ins = tuple(index.get(v, -1) for v in n.inputs)
        for v in n.outputs:
            index[v] = len(index)
        region = structural_key(n.region) if n.region is not None else None
        body.append((n.op, attrs_key(n.attrs), ins, tuple(v.type for v in n.outputs), region))
    return (tuple(v.type for v in graph.inputs), tuple(body),
            tuple(index.get(v, -1) for v in graph.outputs))


class Builder:
    """Builds new nodes, inferring output types through the operator registry.

    `b.op("elemwise_mul", x, y)` appends a node and returns its output value (a tuple of
    values for multi-output operators). Every new node gets `meta` from `b.meta` (the
    gradient pass uses this to stamp provenance).
    """

    def __init__(self, registry=None):
        self.registry = registry if registry is not None else REGISTRY
        self.nodes: List[Node] = []
        self.meta: Optional[Dict[str, Any]] = None
        # Set by the gradient pass before calling a rule: per input of the node, whether
        # its cotangent is wanted (a rule may skip the others; see ir.ops.regions), and
        # the pass itself, with which a region operator's rule differentiates its region.
        self.needed: Optional[Tuple[bool, ...]] = None
        self.differentiate: Optional[Callable[..., Graph]] = None

    def op(self, name: str, *inputs: Value, **attrs: Any):
        """Append `name(*inputs) {attrs}`; return its output Value (or tuple of Values)."""
        opdef = self.registry.get(name)
        full = opdef.complete_attrs(attrs)
        types = opdef.infer([v.type for v in inputs], full)
        outputs = tuple(Value(t) for t in types)
        self.nodes.append(Node(name, inputs, outputs, full, None,
                               dict(self.meta) if self.meta else None))
        return outputs[0] if len(outputs) == 1 else outputs

    def add(self, node: Node) -> Node:
        """Append an existing node unchanged."""
        self.nodes.append(node)
        return node

    def graph(self, name: str, inputs: Iterable[Value], outputs: Iterable[Value],
              meta: Optional[Dict[str, Any]] = None) -> Graph:
        """The graph of the nodes built so far."""
        return Graph(name, tuple(inputs), self.nodes, tuple(outputs), meta)
