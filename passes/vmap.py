"""The `vmap` pass: batching. A graph written for one example becomes a graph over a
batch, each node replaced by its batched form (rules in passes/vmap_rules.py,
vmap_index.py for gathers and scatters with batched indices, vmap_layers.py for layers
and output layers, vmap_sequence.py, vmap_detection.py, vmap_regions.py and
vmap_samplers.py; a node holding
a region is
batched by batching its region, below).

Inside the pass every batched value carries its batch at axis 0; `in_axes` and
`out_axes` move it from and to where the caller wants it. A node none of whose inputs is
batched is kept as it is (a constant such as `_full` stays one value, broadcast only
where it meets a batched one). Every built-in operator has a rule; an operator without
one (a user-registered operator, an `autograd.Function`) takes the documented slow
path, `vmap_rules.per_example`: one copy of the node per example, stacked; those nodes
are stamped `meta["vmap_rule"] = "per-example"`.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence, Union

from ..ir import REGISTRY, Builder, Graph, MXNetError, Node, Value
from ..ir.types import TensorType
from .manager import register_pass
from . import vmap_detection, vmap_index, vmap_layers, vmap_regions, vmap_samplers  # noqa: F401
from . import vmap_sequence  # noqa: F401
from .vmap_rules import _all_batched, batched_value, per_example, rule, rule_for

Axes = Union[None, int, Sequence[Optional[int]]]


def _per(axes: Axes, n: int, what: str) -> List[Optional[int]]:
    if axes is None or isinstance(axes, int):
        return [axes] * n
    axes = list(axes)
    if len(axes) != n:
        raise MXNetError("vmap: %s has %d entries for %d %s"
                         % (what, len(axes), n, what.split("_")[0] + "puts"))
    return axes


@register_pass("vmap")
def vmap(graph: Graph, size: int, in_axes: Axes = 0, out_axes: Axes = 0,
         name: Optional[str] = None) -> Graph:
    """Batch `graph` over `size` examples.

    - `in_axes`: per input (or one for all) the axis of the batch in that input, or None
      for an input shared by every example;
    - `out_axes`: per output (or one for all) where the batch goes in that output.

    Guarantees: the result has one input per input of `graph`, of the batched type (a
    dimension `size` inserted at its in_axis) or the same type when unbatched; one output
    per output of `graph`, batched at its out_axis (an output that does not depend on
    any batched input is broadcast; `out_axes=None` requires it). Output `k` of example
    `i` equals `graph` run on example `i`. Nodes are stamped `meta["vmap_of"]` with the
    node they batch, and `meta["vmap_rule"] = "per-example"` on the slow path.
    """
    size = int(size)
    if size < 1:
        raise MXNetError("vmap: the batch size must be positive, got %d" % size)
    ins = _per(in_axes, len(graph.inputs), "in_axes")
    outs = _per(out_axes, len(graph.outputs), "out_axes")
    b = Builder()
    env: Dict[Value, Value] = {}
    batched: Dict[Value, bool] = {}
    new_inputs = []
    for v, axis in zip(graph.inputs, ins):
        if axis is None:
            new_inputs.append(v)
            env[v], batched[v] = v, False
            continue
        nd = v.type.ndim + 1
        if not -nd <= axis < nd:
            raise MXNetError("vmap: in_axis %d is out of range for an input of %d dimensions"
                             % (axis, v.type.ndim))
        axis %= nd
        shape = v.type.shape[:axis] + (size,) + v.type.shape[axis:]
        nv = Value(TensorType.get(shape, v.type.dtype), v.hint)
        new_inputs.append(nv)
        b.meta = {"vmap_in": axis}
        env[v] = nv if axis == 0 else b.op("transpose", nv, axes=_move(nd, axis, 0))
        batched[v] = True
    for node in graph.nodes:
        args = [env[v] for v in node.inputs]
        flags = [batched[v] for v in node.inputs]
        if not any(flags):
            b.add(node)
            for v in node.outputs:
                env[v], batched[v] = v, False
            continue
        b.meta = {"vmap_of": node}
        rule = rule_for(node.op)
        results = rule(b, node, args, flags, size) if rule is not None else None
        if results is None:
            b.meta = {"vmap_of": node, "vmap_rule": "per-example"}
            results = per_example(b, node, args, flags, size)
        for v, r in zip(node.outputs, results):
            want = (size,) + v.type.shape
            if r.type.shape != want or r.type.dtype != v.type.dtype:
                raise AssertionError("batching rule of %s gave %s for %s"
                                     % (node.op, r.type, want))
            env[v], batched[v] = r, True
    b.meta = None
    new_outputs = []
    for v, axis in zip(graph.outputs, outs):
        r = env[v]
        if axis is None:
            if batched[v]:
                raise MXNetError("vmap: out_axes=None for an output that depends on a "
                                 "batched input")
            new_outputs.append(r)
            continue
        if not batched[v]:
            r = batched_value(b, r, size)
        nd = v.type.ndim + 1
        if not -nd <= axis < nd:
            raise MXNetError("vmap: out_axis %d is out of range for an output of %d "
                             "dimensions" % (axis, v.type.ndim))
        axis %= nd
        if axis != 0:
            r = b.op("transpose", r, axes=_move(nd, 0, axis))
        new_outputs.append(r)
    return Graph(name or "vmap_" + graph.name, new_inputs, b.nodes, new_outputs)


@rule("fused", "_grad_region", "_CachedOp", "_checkpoint")
def _region(b: Builder, node: Node, args: List[Value], flags: Sequence[bool],
            size: int) -> List[Value]:
    """A node holding a region (`fused`, `_grad_region`, `_CachedOp`, `_checkpoint`)
    batched by batching its region with this pass: one node of the same operator over
    the batched region.
    A `fused` region gets every input batched (its kernel iterates over one shape); one
    with a reduction epilogue, which batched keeps the batch axis and so is no longer
    the full reduction a fused kernel computes, is inlined instead."""
    if node.op == "fused":
        args, flags = _all_batched(b, args, flags, size), [True] * len(args)
    region = node.region
    assert region is not None
    inner = vmap(region, size, in_axes=[0 if f else None for f in flags], out_axes=0,
                 name=region.name)
    if node.op == "fused" and not all(REGISTRY.get(n.op).elementwise for n in inner.nodes):
        env: Dict[Value, Value] = dict(zip(inner.inputs, args))
        for n in inner.nodes:
            made = tuple(Value(v.type, v.hint) for v in n.outputs)
            b.add(Node(n.op, tuple(env.get(v, v) for v in n.inputs), made, n.attrs, n.region,
                       dict(b.meta or {}, **(n.meta or {}))))
            env.update(zip(n.outputs, made))
        return [env.get(v, v) for v in inner.outputs]
    outs = [Value(v.type, v.hint) for v in inner.outputs]
    b.add(Node(node.op, tuple(args), tuple(outs), node.attrs, inner, dict(b.meta or {})))
    return outs


def _move(ndim: int, src: int, dst: int) -> tuple:
    """The `axes` of a transpose moving axis `src` to position `dst`."""
    order: List[Any] = [a for a in range(ndim) if a != src]
    order.insert(dst, src)
    return tuple(order)
