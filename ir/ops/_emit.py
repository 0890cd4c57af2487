"""Small helpers that gradient rules use to emit registered operators with a Builder."""
from __future__ import annotations

from typing import Sequence


def input0(node):
    """The first input of `node` (the `x` of most gradient rules)."""
    return node.inputs[0]


def output0(node):
    """The first output of `node` (the `y` of rules that reuse the forward result)."""
    return node.outputs[0]


def mul(b, x, y):
    return b.op("elemwise_mul", x, y)


def div(b, x, y):
    return b.op("elemwise_div", x, y)


def add(b, x, y):
    return b.op("elemwise_add", x, y)


def sub(b, x, y):
    return b.op("elemwise_sub", x, y)


def neg(b, x):
    return b.op("negative", x)


def scale(b, x, s: float):
    return b.op("_mul_scalar", x, scalar=float(s))


def shift(b, x, s: float):
    return b.op("_plus_scalar", x, scalar=float(s))


def rsub(b, x, s: float):
    """s - x"""
    return b.op("_rminus_scalar", x, scalar=float(s))


def reshape(b, x, shape: Sequence[int]):
    shape = tuple(int(s) for s in shape)
    if x.type.shape == shape:
        return x
    return b.op("Reshape", x, shape=shape)


def broadcast(b, x, shape: Sequence[int]):
    """`x` broadcast to `shape` (numpy rules; x may have fewer dimensions)."""
    shape = tuple(shape)
    if x.type.shape == shape:
        return x
    return b.op("broadcast_to", x, shape=shape)


def sum_to(b, g, shape: Sequence[int]):
    """Sum `g` down to `shape` (the adjoint of broadcasting `shape` to g's shape)."""
    shape = tuple(shape)
    gshape = g.type.shape
    if gshape == shape:
        return g
    lead = len(gshape) - len(shape)
    axes = tuple(range(lead)) + tuple(
        lead + i for i, s in enumerate(shape) if s == 1 and gshape[lead + i] != 1)
    if axes:
        g = b.op("sum", g, axis=axes, keepdims=True)
    return reshape(b, g, shape)
