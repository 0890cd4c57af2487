"""Deferred element-wise operations on large arrays, as MXNet's asynchronous engine does.

While recording, an element-wise operator on arrays of at least `LAZY_MIN` elements is
recorded without running: its NDArray is *pending* (MXNet's arrays are likewise values
"being computed" until read). Reading the array (`asnumpy`, printing, any operator that is
not deferred) materialises it: the whole pending chain behind it runs as ONE generated
kernel (tapegraph.runtime.fusion), touching memory once instead of once per operator.
A backward pass does better still: pending forward values it needs are recomputed inside
its own fused kernel (see engine.compile_backward), so most are never stored at all.

A full reduction (`sum` / `mean` over every axis) of a pending array is pending too: its
kernel adds up each chunk's partial sum (a reduction epilogue), so the reduced array is
never written to memory, and a backward whose head it is computes it in passing (see
engine.compile_backward). So are one-element operators reading only such results
(`sum(y) / n`, `s + s`, `sum(y) * mean(y)`, the reshape to MXNet's shape (1,)): a scalar
tail, computed once after the chunks.

Pending arrays are instances of a subclass of their array class whose `_data` property
shadows the base class's slot; materialising stores the array in the slot and turns the
object back into its base class, so nothing else ever sees the difference. Their shape,
size and ndim are known without computing anything. An in-place write computes the
pending arrays still referenced first (`before_write`), so they hold the values of when
they were called.
"""
from __future__ import annotations

import os
import weakref
from typing import Any, Dict, List

import numpy as np

from ..ir import REGISTRY, Graph, Node, Value
from ..passes import region_phase
from ..passes.fuse import ARRAY, SCALAR
from ..runtime import FusedKernel

# Elements from which element-wise results are deferred; 0 turns deferral off.
LAZY_MIN = int(os.environ.get("TAPEGRAPH_LAZY_MIN", 1 << 20))
_CLASSES: Dict[type, type] = {}
PENDING_TYPES: set = set()  # the pending classes, for a cheap `type(x) in` test
_KERNELS: Dict[tuple, Any] = {}
# The pending arrays (weakly): `before_write` computes those still referenced.
ALIVE: "weakref.WeakSet[Any]" = weakref.WeakSet()


def lazy_class(cls: type) -> type:
    """The pending variant of array class `cls` (same name, same slots)."""
    lazy = _CLASSES.get(cls)
    if lazy is None:
        slot = cls._data  # the base class's slot descriptor

        def get(self):
            data = materialize(self._value)
            slot.__set__(self, data)
            object.__setattr__(self, "__class__", cls)
            return data

        def set_(self, data):
            slot.__set__(self, data)
            object.__setattr__(self, "__class__", cls)

        lazy = type(cls.__name__, (cls,), {"__slots__": (), "_data": property(get, set_),
                                           "shape": property(_shape), "size": property(_size),
                                           "ndim": property(_ndim),
                                           "wait_to_read": _wait_to_read, "_eager_class": cls,
                                           "__module__": cls.__module__,
                                           "__qualname__": cls.__qualname__})
        _CLASSES[cls] = lazy
        PENDING_TYPES.add(lazy)
    return lazy


def _shape(arr) -> tuple:
    """Shape of a pending array (known from its type, nothing is computed)."""
    return arr._value.type.shape


def _size(arr) -> int:
    return arr._value.type.size


def _ndim(arr) -> int:
    return len(arr._value.type.shape)


def _wait_to_read(arr) -> None:
    """Compute the pending array now (MXNet's wait_to_read waits for its computation)."""
    arr._data


_TAIL_MAX = 64  # operators after a reduction that `phase` follows back


def phase(value) -> Any:
    """For a pending value: "scalar" if it is computed after a reduction of its chain (the
    reduction's result, or a one-input operator of such a value: a scalar tail), "array"
    if per element, "unknown" if the tail is longer than `_TAIL_MAX`; None if computed."""
    if value.data is not None:
        return None
    for _ in range(_TAIL_MAX):
        node = producer(value)
        if REGISTRY.get(node.op).reduction:
            return SCALAR
        if value.type.size != 1 or node.inputs[0].data is not None:
            return ARRAY
        # a tail reads scalar-phase values only (passes.fuse.region_phase): follow one
        value = node.inputs[0]
    return "unknown"


def can_defer(node: Node) -> bool:
    """Whether a call (`node`, over the recorded values it reads) is deferred: when it
    can join the fused region of its pending inputs, by the fuse pass's own rule
    (`passes.fuse.region_phase`: a reduction of a pending per-element value, a scalar
    tail of a pending reduction, any fusible operator reading no reduction result)."""
    return region_phase(node, [phase(v) for v in node.inputs]) is not None


def shape_dtype(arr) -> tuple:
    """`(shape, dtype)` of an array without materialising it when it is pending."""
    if type(arr) in PENDING_TYPES:
        t = arr._value.type
        return t.shape, np.dtype(t.dtype)
    d = arr._data
    return d.shape, d.dtype


def producer(value) -> Node:
    """The node computing pending `value`: its recorded node, or after the graph was freed
    by a backward, one rebuilt from the recipe the value kept (see `forget_graph`)."""
    if value.node is not None:
        return value.node
    op, inputs, attrs = value.recipe
    return Node(op, inputs, (value,), attrs)


def forget_graph(value) -> None:
    """Free the recorded node of `value`; a pending value keeps what it needs to be
    computed, without referring to itself (so refcounting alone frees it)."""
    node = value.node
    if node is not None and value.data is None:
        value.recipe = (node.op, node.inputs, node.attrs)
    value.node = None


def pending_chain(value) -> List[Node]:
    """The nodes that must run to compute pending `value`, in creation order."""
    seen = {}
    stack = [value]
    while stack:
        v = stack.pop()
        if v in seen:
            continue
        node = seen[v] = producer(v)
        for u in node.inputs:
            if u.data is None and u not in seen:
                stack.append(u)
    return sorted(seen.values(), key=lambda n: n.outputs[0].seq)


def materialize(value) -> np.ndarray:
    """Compute pending `value` (a TracedValue whose `data` is None) with one fused kernel;
    store and return its array. Intermediate pending values stay pending."""
    if value.data is not None:
        return value.data
    nodes = pending_chain(value)
    seen = set()
    leaves: List[Any] = []
    for n in nodes:
        for v in n.inputs:
            if v.data is not None and v not in seen:
                seen.add(v)
                leaves.append(v)
    fused = _fused_node(nodes, leaves, value)
    # Kernels are cached by the region's structure (ir.structural_key), built afresh here:
    # a pending chain is large-array work, so this costs nothing that shows.
    key = fused.region.structure()
    kernel = _KERNELS.get(key)
    if kernel is None:
        kernel = FusedKernel(fused)
        if len(_KERNELS) > 256:
            _KERNELS.clear()
        _KERNELS[key] = kernel
    value.data = kernel(*[v.data for v in leaves])
    return value.data


def _fused_node(nodes: List[Node], leaves: List[Any], value) -> Node:
    env: Dict[Any, Value] = {v: Value(v.type) for v in leaves}
    body = []
    for n in nodes:
        outs = [Value(v.type) for v in n.outputs]
        body.append(Node(n.op, [env[v] for v in n.inputs], outs, n.attrs))
        env.update(zip(n.outputs, outs))
    region = Graph("pending", [env[v] for v in leaves], body, [env[value]])
    # Fresh outer values: the cached kernel must not keep this iteration's arrays alive.
    return Node("fused", [Value(v.type) for v in leaves], [Value(value.type)], {}, region)


def before_write() -> None:
    """Compute every pending array still referenced: an in-place write (`x[:] = ...`,
    `copyto`, `out=`, an optimizer update, ...) is about to change memory that one of them
    may read. MXNet's engine likewise runs a write after the reads issued before it."""
    if ALIVE:
        pending = list(ALIVE)
        ALIVE.clear()
        for arr in pending:
            if type(arr) in PENDING_TYPES:
                arr._data
