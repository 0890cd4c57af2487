"""A rule-table rewrite engine: a rule is a pattern over a node and its producers, and a
function building the replacement from what the pattern bound (in the spirit of tinygrad's
`PatternMatcher`). A rule is one line:

    RULES.add(Pat("negative", Pat("negative", X)), lambda m: m.x)

`Pat(op, *inputs, **attrs)` matches a value produced by `op` (a name, or a tuple of names)
whose inputs match `inputs` (omit them to accept any inputs) and binds each attribute named
in `attrs` under the given name (`Pat("_mul_scalar", X, scalar="a")` binds `m.a`). `var(n)`
matches any value and binds it; `cvar(n)` matches a value known to hold one number
everywhere (see `passes.constants`) and binds that number. A name bound twice must bind the
same thing, so `Pat("elemwise_sub", X, X)` matches `x - x` only.

The replacement function gets a `Match` and returns an existing `Value` (the node's output
is replaced by it), a new `Node` defining the node's output (`m.node(op, *inputs, **attrs)`
builds one, `m.value(op, *inputs, **attrs)` an intermediate value it may read), or None
when the rule does not apply after all.
"""
from __future__ import annotations

from typing import (TYPE_CHECKING, Any, Callable, Dict, List, Optional, Sequence, Tuple,
                    Union)

from ..ir import Graph, Node, Value, get_op
from .constants import uniform_value
from .rewrite import Rewriter

Replacement = Callable[["Match"], Union[Value, Node, None]]


class Pat:
    """A pattern over the node producing a value (see the module docstring)."""

    __slots__ = ("ops", "inputs", "attrs", "name", "kind")

    def __init__(self, op: Union[str, Tuple[str, ...], None], *inputs: "Pat",
                 name: Optional[str] = None, **attrs: str):
        self.kind = "op"
        self.ops = (op,) if isinstance(op, str) else (tuple(op) if op else None)
        self.inputs: Optional[Tuple[Pat, ...]] = tuple(inputs) if inputs else None
        self.attrs = attrs
        self.name = name

    def __repr__(self) -> str:
        if self.kind != "op":
            return "%s(%r)" % (self.kind, self.name)
        ins = ", ".join(map(repr, self.inputs or ()))
        return "Pat(%s%s)" % ("|".join(self.ops or ("*",)), ", " + ins if ins else "")


def var(name: str) -> Pat:
    """Matches any value and binds it as `name`."""
    p = Pat(None, name=name)
    p.kind = "var"
    return p


def cvar(name: str) -> Pat:
    """Matches a uniform constant and binds its number as `name`."""
    p = Pat(None, name=name)
    p.kind = "cvar"
    return p


X, Y = var("x"), var("y")
C = cvar("c")


class Match:
    """What a rule's pattern bound: `m.x`, `m.c`, ...; `m.out` is the value being
    rewritten and `m.root` the node defining it."""

    def __init__(self, root: Node, bound: Dict[str, Any], uses: Dict[Value, int]):
        self.root = root
        self.out = root.outputs[0]
        self.helpers: List[Node] = []
        self._uses = uses
        self.__dict__.update(bound)

    def single_use(self, *values: Value) -> bool:
        """True when each value is read once only (by the pattern), so a replacement
        that stops reading it removes its producer instead of adding work."""
        return all(self._uses.get(v, 0) <= 1 for v in values)

    if TYPE_CHECKING:  # the bound names are attributes set at run time
        def __getattr__(self, name: str) -> Any: ...

    def node(self, op: str, *inputs: Value, **attrs: Any) -> Node:
        """A node computing `op(*inputs)` into the rewritten value (same type, same
        provenance as the node it replaces)."""
        return Node(op, inputs, (self.out,), attrs, None, self.root.meta)

    def value(self, op: str, *inputs: Value, **attrs: Any) -> Value:
        """A new intermediate value `op(*inputs)` (typed by the operator's rule, same
        provenance as the node being rewritten), for replacements of more than one node:
        `m.node("elemwise_mul", m.x, m.value("_mul_scalar", m.y, scalar=-m.a))`. It is
        added to the graph only if the rule's replacement is kept."""
        opdef = get_op(op)
        attrs = opdef.complete_attrs(attrs)
        (out_type,) = opdef.infer([v.type for v in inputs], attrs)
        node = Node(op, inputs, (Value(out_type),), attrs, None, self.root.meta)
        self.helpers.append(node)
        return node.outputs[0]


class RuleSet:
    """An ordered table of (pattern, replacement) rules, indexed by the root's operator."""

    def __init__(self, name: str = "rules"):
        self.name = name
        self.rules: List[Tuple[Pat, Replacement, str]] = []
        self._by_op: Dict[Optional[str], List[Tuple[Pat, Replacement, str]]] = {}

    def add(self, pattern: Pat, replacement: Replacement, name: str = "") -> "RuleSet":
        """Append a rule (tried after the rules already there); returns the table."""
        if pattern.kind != "op" or not pattern.ops:
            raise ValueError("a rule's pattern must name the root operator(s): %r" % (pattern,))
        rule = (pattern, replacement, name or repr(pattern))
        self.rules.append(rule)
        for op in pattern.ops:
            self._by_op.setdefault(op, []).append(rule)
        return self

    def for_op(self, op: str) -> Sequence[Tuple[Pat, Replacement, str]]:
        return self._by_op.get(op, ())

    def __len__(self) -> int:
        return len(self.rules)


class _State:
    __slots__ = ("producer", "consts", "uses")

    def __init__(self, graph: Graph):
        self.producer: Dict[Value, Node] = {}
        self.consts: Dict[Value, float] = {}
        self.uses: Dict[Value, int] = {}
        for node in graph.nodes:
            for v in node.inputs:
                self.uses[v] = self.uses.get(v, 0) + 1
        for v in graph.outputs:
            self.uses[v] = self.uses.get(v, 0) + 1


def _bind(bound: Dict[str, Any], name: Optional[str], thing: Any) -> bool:
    if name is None:
        return True
    if name in bound:
        return bound[name] is thing or bound[name] == thing
    bound[name] = thing
    return True


def _match_value(p: Pat, v: Value, st: _State, bound: Dict[str, Any]) -> bool:
    if p.kind == "var":
        return _bind(bound, p.name, v)
    if p.kind == "cvar":
        c = st.consts.get(v)
        return c is not None and _bind(bound, p.name, c)
    node = st.producer.get(v)
    if node is None or len(node.outputs) != 1:
        return False
    return _match_node(p, node, st, bound)


def _match_node(p: Pat, node: Node, st: _State, bound: Dict[str, Any]) -> bool:
    if p.ops is not None and node.op not in p.ops:
        return False
    if p.inputs is not None:
        if len(p.inputs) != len(node.inputs):
            return False
        if not all(_match_value(q, v, st, bound) for q, v in zip(p.inputs, node.inputs)):
            return False
    for attr, name in p.attrs.items():
        if attr not in node.attrs or not _bind(bound, name, node.attrs[attr]):
            return False
    return _bind(bound, p.name, node.outputs[0])


def _apply(rules: RuleSet, node: Node, st: _State, helpers: List[Node]
           ) -> Union[Value, Node, None]:
    for pattern, replacement, _ in rules.for_op(node.op):
        bound: Dict[str, Any] = {}
        if _match_node(pattern, node, st, bound):
            m = Match(node, bound, st.uses)
            result = replacement(m)
            if result is not None:
                helpers.extend(m.helpers)
                return result
    return None


def rewrite(graph: Graph, rules: RuleSet, max_steps: int = 16) -> Graph:
    """Apply `rules` to `graph` in one forward walk; returns `graph` itself if no rule fired.

    Each node is matched against the rules of its operator, with its inputs already
    rewritten (so patterns see simplified producers); a replacement node is matched
    again, up to `max_steps` times, so chains of rules reach a fixed point in one walk.
    """
    rw = Rewriter(graph)
    st = _State(graph)
    for node in graph.nodes:
        ins = tuple(rw.get(v) for v in node.inputs)
        current = node if ins == node.inputs else Node(node.op, ins, node.outputs, node.attrs,
                                                       node.region, node.meta)
        replaced: Union[Value, Node, None] = None
        helpers: List[Node] = []
        if len(current.outputs) == 1 and current.region is None:
            for _ in range(max_steps):
                result = _apply(rules, current, st, helpers)
                if result is None:
                    break
                replaced = result
                if isinstance(result, Value):
                    break
                current = result
        for helper in helpers:  # intermediate values of multi-node replacements
            rw.add(helper)
            st.producer[helper.outputs[0]] = helper
        if isinstance(replaced, Value):
            rw.replace(node.outputs[0], replaced)
            continue
        kept = rw.add(current) if replaced is not None else rw.emit(node, ins)
        for v in kept.outputs:
            st.producer[v] = kept
        c = uniform_value(kept, st.consts)
        if c is not None:
            st.consts[kept.outputs[0]] = c
    return rw.result()
