"""Batching rules of the sequence operators (SequenceMask, SequenceLast, SequenceReverse,
_sequence_last_scatter): the vmap batch is merged into the sequences' own batch axis
(example i's sequences follow example i-1's), with the lengths flattened to match, so one
operator call serves every example; the result is split back."""
from __future__ import annotations

from ..ir import Builder, Value
from .vmap_index import _merge_batch_into, _move
from .vmap_rules import batched_value, rule


def _split_batch_from(b: Builder, y: Value, axis: int, size: int) -> Value:
    """(..., size*n@axis, ...) -> (size, ..., n@axis, ...): `_merge_batch_into` undone."""
    shape = y.type.shape
    y = b.op("Reshape", y, shape=shape[:axis] + (size, shape[axis] // size) + shape[axis + 1:])
    return b.op("transpose", y, axes=_move(y.type.ndim, axis, 0)) if axis else y


def _merged_lengths(b: Builder, node, args, batched, size):
    if len(args) < 2:
        return []
    n = args[1] if batched[1] else batched_value(b, args[1], size)
    return [b.op("Reshape", n, shape=(n.type.size,))]


@rule("SequenceMask", "SequenceReverse", "SequenceLast")
def _sequence(b, node, args, batched, size):
    data = args[0] if batched[0] else batched_value(b, args[0], size)
    batch_axis = 1 - int(node.attrs["axis"])
    y = b.op(node.op, _merge_batch_into(b, data, batch_axis),
             *_merged_lengths(b, node, args, batched, size), **node.attrs)
    if node.op == "SequenceLast":  # (the time axis gone, the batch is axis 0)
        return [b.op("Reshape", y, shape=(size, y.type.shape[0] // size) + y.type.shape[1:])]
    return [_split_batch_from(b, y, batch_axis, size)]


@rule("_sequence_last_scatter")
def _last_scatter(b, node, args, batched, size):
    g = args[0] if batched[0] else batched_value(b, args[0], size)
    g = b.op("Reshape", g, shape=(g.type.shape[0] * g.type.shape[1],) + g.type.shape[2:])
    shape = tuple(node.attrs["shape"])
    batch_axis = 1 - int(node.attrs["axis"])
    merged = shape[:batch_axis] + (size * shape[batch_axis],) + shape[batch_axis + 1:]
    y = b.op(node.op, g, *_merged_lengths(b, node, args, batched, size),
             **dict(node.attrs, shape=merged))
    return [_split_batch_from(b, y, batch_axis, size)]
