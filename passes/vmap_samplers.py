"""Batching rules of GridGenerator, BilinearSampler and SpatialTransformer
(tapegraph.ir.ops.sampler). Each already has a batch axis of its own (data and grid / loc
share N): the vmap batch
merges into it, so one call serves every example ((S*N, ...) in, split back after).
`_histogram`'s counts are per call (each example counts its own values): its rule is one
call per example, unrolled in the graph, and the results stacked."""
from __future__ import annotations

from typing import List

from ..ir import Value
from .vmap_regions import _merged, _split
from .vmap_rules import _outs, rule


@rule("BilinearSampler", "SpatialTransformer", "GridGenerator")
def _sampler(b, node, args, batched, size) -> List[Value]:
    ins = [_merged(b, a, v, f, size) for a, v, f in zip(args, node.inputs, batched)]
    out = b.op(node.op, *ins, **node.attrs)
    return [_split(b, out, size, node.outputs[0].type.shape)]


def _stack(b, parts: List[Value]) -> Value:
    rows = [b.op("Reshape", p, shape=(1,) + p.type.shape) for p in parts]
    return rows[0] if len(rows) == 1 else b.op("Concat", *rows, dim=0, num_args=len(rows))


@rule("_histogram")
def _histogram(b, node, args, batched, size) -> List[Value]:
    results: List[List[Value]] = [[], []]
    for k in range(size):
        ins = []
        for a, v, f in zip(args, node.inputs, batched):
            if f:  # example k of the batched operand
                a = b.op("Reshape", b.op("slice", a, begin=(k,), end=(k + 1,), step=()),
                         shape=v.type.shape)
            ins.append(a)
        for out, part in zip(results, _outs(b.op(node.op, *ins, **node.attrs))):
            out.append(part)
    return [_stack(b, parts) for parts in results]
