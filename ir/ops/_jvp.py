"""Forward-mode (JVP) rule builders shared by the operator files.

A JVP rule `rule(b, node, tangents)` returns one tangent per output of `node` (`None` for
a symbolic zero) from one tangent per input (`None` when that input's tangent is zero,
e.g. an index or a constant). It emits registered operators only, and is linear in the
tangents, so the `linearize` and `transpose` passes can split and transpose its output.

Operators without a rule get one derived exactly from their VJP rule by the `jvp` pass
(tapegraph.passes.jvp): these builders are for the common operators, where a direct rule
is smaller.
"""
from __future__ import annotations

from typing import Any, Callable, List, Optional, Sequence

from tapegraph.ir.registry import REGISTRY

JvpFn = Callable[..., List[Any]]


def _add(b, x, y):
    if x is None:
        return y
    if y is None:
        return x
    return b.op("elemwise_add", x, y)


def zero(b, node, t) -> List[Any]:
    """Every output tangent is zero (step functions, stop-gradient, index outputs)."""
    return [None] * len(node.outputs)


def diagonal(b, node, t) -> List[Any]:
    """Element-wise operators: the Jacobian with respect to each input is diagonal, so it
    is its own transpose and input i contributes `vjp_i(t_i)`. Needs the output type to
    equal each differentiated input's type (true of every operator given this rule)."""
    vjp = REGISTRY.get(node.op).vjp
    assert vjp is not None, node.op  # (rules are only asked of differentiable operators)
    out = None
    for i, ti in enumerate(t):
        if ti is None:
            continue
        saved = b.needed
        b.needed = tuple(j == i for j in range(len(t)))
        try:
            term = vjp(b, node, [ti])[i]
        finally:
            b.needed = saved
        out = _add(b, out, term)
    return [out]


def linear(*positions: int) -> JvpFn:
    """Operators linear in the inputs at `positions` together (the other inputs are
    indices or shapes, passed through): the tangent is the operator applied to the
    tangents, with zeros for the missing ones."""
    def rule(b, node, t):
        if all(t[i] is None for i in positions):
            return [None] * len(node.outputs)
        args = list(node.inputs)
        for i in positions:
            args[i] = t[i] if t[i] is not None else b.op("zeros_like", node.inputs[i])
        out = b.op(node.op, *args, **node.attrs)
        return list(out) if isinstance(out, tuple) else [out]
    rule.linear_in = positions  # type: ignore[attr-defined]
    return rule


def linear_all(b, node, t) -> List[Any]:
    """`linear` over every input (variadic operators: Concat, stack, ...)."""
    return linear(*range(len(node.inputs)))(b, node, t)


def product(*positions: int, bias: Optional[int] = None) -> JvpFn:
    """Operators multilinear in the inputs at `positions` (and, when given, affine in a
    `bias` input added to the result): the product rule, one term per tangent."""
    def rule(b, node, t):
        out = None
        bias_t = t[bias] if bias is not None and bias < len(t) else None
        for i in positions:
            if t[i] is None:
                continue
            args = list(node.inputs)
            args[i] = t[i]
            if bias is not None and bias < len(args):
                args[bias] = bias_t if bias_t is not None else b.op("zeros_like",
                                                                    node.inputs[bias])
                bias_t = None  # added once
            out = _add(b, out, b.op(node.op, *args, **node.attrs))
        if bias_t is not None:  # only the bias moves: its tangent goes through the op
            args = [b.op("zeros_like", v) if k in positions else v
                    for k, v in enumerate(node.inputs)]
            args[bias] = bias_t
            out = _add(b, out, b.op(node.op, *args, **node.attrs))
        return [out]
    return rule


def set_rule(rule: JvpFn, names: Sequence[str]) -> None:
    """Give each operator in `names` the JVP rule `rule`."""
    for name in names:
        REGISTRY.get(name).jvp(rule)


def softmax_tangent(b, y, t, axis: int, temperature=None):
    """The tangent of `y = softmax(x / T)` along `axis` for an input tangent `t`:
    y * (t - sum(y * t, axis)) / T."""
    shape = y.type.shape
    yt = b.op("elemwise_mul", y, t)
    s = b.op("broadcast_to", b.op("sum", yt, axis=(int(axis) % len(shape),), keepdims=True),
             shape=shape)
    out = b.op("elemwise_sub", yt, b.op("elemwise_mul", y, s))
    if temperature not in (None, 1.0):
        out = b.op("_div_scalar", out, scalar=float(temperature))
    return out
