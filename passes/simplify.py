"""Algebraic simplification: identities that remove work without changing any result."""
from __future__ import annotations

from typing import Dict, Optional, Tuple

from ..ir import Graph, Node, Value
from ..ir.ops.reduce import reduce_axes
from .constants import uniform_value
from .manager import register_pass
from .rewrite import Rewriter

_NEUTRAL_SCALAR = {"_mul_scalar": 1.0, "_div_scalar": 1.0, "_plus_scalar": 0.0,
                   "_minus_scalar": 0.0, "_power_scalar": 1.0}


def _perm(ndim: int, axes) -> Tuple[int, ...]:
    return tuple(int(a) % ndim for a in axes) if axes else tuple(range(ndim))[::-1]


@register_pass("simplify")
def simplify(graph: Graph) -> Graph:
    """Apply exact algebraic identities, each replacing a node by an existing value or a
    cheaper node:

    - `x * ones`, `ones * x`, `x / ones`, `x + zeros`, `zeros + x`, `x - zeros` -> `x`
      (a "ones"/"zeros" value is a `ones_like`/`zeros_like`, possibly reshaped,
      broadcast or transposed: the head gradient `ones_like` multiplied in disappears);
    - `zeros - x` -> `negative(x)`; `x * c`, `x + c`, `x - c`, `c - x` with `c` a uniform
      constant (see the `fold` pass) -> the scalar form (`_mul_scalar` ...);
    - `x * 1.0`, `x / 1.0`, `x + 0.0`, `x - 0.0`, `x ** 1.0` (scalar forms) -> `x`;
    - `negative(negative(x))` -> `x`; `transpose(transpose(x))` -> `x` or one transpose;
    - `Reshape`, `broadcast_to` to the input's own type, and `_copy` -> `x`;
      `Reshape(Reshape(x))` -> one `Reshape`;
    - `sum`/`mean` over axes of size 1 only -> `x` (or a `Reshape` of it);
      `sum(broadcast_to(x))` back to x's shape -> `x * count`.

    Guarantees: results are bit-identical except that `sum` of a broadcast becomes one
    multiplication; a graph output is never turned into an alias of a graph input (a
    `_copy` is kept in that case). Runs to a fixed point in one forward walk, because
    every rule looks only at already-simplified producers.
    """
    rw = Rewriter(graph)
    consts: Dict[Value, float] = {}
    producer: Dict[Value, Node] = {}
    inputs = set(graph.inputs)
    for node in graph.nodes:
        ins = tuple(rw.get(v) for v in node.inputs)
        new = _rule(node, ins, consts, producer, rw)
        if isinstance(new, Value):
            rw.replace(node.outputs[0], new)
            continue
        kept = rw.add(new) if new is not None else rw.emit(node, ins)
        for v in kept.outputs:
            producer[v] = kept
        c = uniform_value(kept, consts)
        if c is not None:
            consts[kept.outputs[0]] = c
    result = rw.result()
    if result is graph:
        return graph
    return _unalias_outputs(graph, result, inputs)


def _unalias_outputs(old: Graph, new: Graph, inputs) -> Graph:
    """Copy outputs that became graph inputs (callers may write into returned arrays)."""
    nodes = list(new.nodes)
    outs = []
    for was, now in zip(old.outputs, new.outputs):
        if now in inputs and was not in inputs:
            copy = Node("_copy", (now,), (Value(now.type),), {})
            nodes.append(copy)
            now = copy.outputs[0]
        outs.append(now)
    return Graph(new.name, new.inputs, nodes, outs, dict(new.meta))


def _rule(node: Node, ins, consts, producer, rw) -> "Optional[object]":
    """A replacement Value, a replacement Node, or None to keep `node`."""
    op, out = node.op, node.outputs[0] if node.outputs else None
    if out is None or len(node.outputs) != 1:
        return None
    c = [consts.get(v) for v in ins]
    if op == "elemwise_mul":
        if c[1] == 1.0:
            return ins[0]
        if c[0] == 1.0:
            return ins[1]
        if c[0] is not None or c[1] is not None:
            x, k = (ins[0], c[1]) if c[1] is not None else (ins[1], c[0])
            return Node("_mul_scalar", (x,), (out,), {"scalar": k}, None, node.meta)
    elif op in ("elemwise_add", "elemwise_sub"):
        if c[1] == 0.0:
            return ins[0]
        if c[0] == 0.0:
            return ins[1] if op == "elemwise_add" else Node("negative", (ins[1],), (out,), {},
                                                             None, node.meta)
        if c[1] is not None:
            return Node("_plus_scalar" if op == "elemwise_add" else "_minus_scalar", (ins[0],),
                        (out,), {"scalar": c[1]}, None, node.meta)
        if c[0] is not None:
            return Node("_plus_scalar" if op == "elemwise_add" else "_rminus_scalar",
                        (ins[1],), (out,), {"scalar": c[0]}, None, node.meta)
    elif op == "elemwise_div":
        if c[1] == 1.0:
            return ins[0]
    elif op in _NEUTRAL_SCALAR:
        if float(node.attrs["scalar"]) == _NEUTRAL_SCALAR[op] and ins[0].type is out.type:
            return ins[0]
    elif op == "negative":
        p = producer.get(ins[0])
        if p is not None and p.op == "negative":
            return p.inputs[0]
    elif op == "_copy":
        return ins[0]
    elif op in ("Reshape", "broadcast_to"):
        if ins[0].type is out.type:
            return ins[0]
        p = producer.get(ins[0])
        if op == "Reshape" and p is not None and p.op == "Reshape":
            if p.inputs[0].type is out.type:
                return p.inputs[0]
            return Node("Reshape", (p.inputs[0],), (out,), {"shape": out.type.shape,
                                                            "reverse": False}, None, node.meta)
    elif op == "transpose":
        p = producer.get(ins[0])
        if p is not None and p.op == "transpose":
            x = p.inputs[0]
            first = _perm(x.type.ndim, p.attrs["axes"])
            second = _perm(x.type.ndim, node.attrs["axes"])
            composed = tuple(first[i] for i in second)
            if composed == tuple(range(x.type.ndim)):
                return x
            return Node("transpose", (x,), (out,), {"axes": composed}, None, node.meta)
    elif op in ("sum", "mean"):
        return _reduce_rule(node, ins, producer, out)
    return None


def _reduce_rule(node: Node, ins, producer, out) -> "Optional[object]":
    x = ins[0]
    shape = x.type.shape
    axes = reduce_axes(shape, node.attrs, node.op)
    if all(shape[a] == 1 for a in axes):
        if x.type is out.type:
            return x
        return Node("Reshape", (x,), (out,), {"shape": out.type.shape, "reverse": False},
                    None, node.meta)
    p = producer.get(x)
    if node.op == "sum" and p is not None and p.op == "broadcast_to":
        src = p.inputs[0]
        if src.type is out.type and len(src.type.shape) == len(shape) and all(
                (src.type.shape[i] == 1) == (i in axes) or shape[i] == 1
                for i in range(len(shape))):
            count = x.type.size // max(src.type.size, 1)
            return Node("_mul_scalar", (src,), (out,), {"scalar": float(count)}, None,
                        node.meta)
    return None
