"""Algebraic simplification: identities that remove work, as a table of rewrite rules."""
from __future__ import annotations

import math
from typing import Optional, Tuple

import numpy as np

from ..ir import Graph, Node, Value
from ..ir.ops.reduce import reduce_axes
from ..ir.types import is_float
from .manager import register_pass
from .patterns import C, Match, Pat, RuleSet, X, Y, rewrite, var

_NEUTRAL_SCALAR = {"_mul_scalar": 1.0, "_div_scalar": 1.0, "_plus_scalar": 0.0,
                   "_minus_scalar": 0.0, "_power_scalar": 1.0}

RULES = RuleSet("simplify")
"""The rules `simplify` applies, in order. Add one with
`RULES.add(Pat("negative", Pat("negative", X)), lambda m: m.x)`."""


def _perm(ndim: int, axes) -> Tuple[int, ...]:
    return tuple(int(a) % ndim for a in axes) if axes else tuple(range(ndim))[::-1]


def _exact_product(m: Match, a: float, b: float) -> Optional[float]:
    """a*b when (x*a)*b == x*(a*b) for every x (one factor a power of two, the product
    finite and representable in the output dtype), else None."""
    dtype = m.out.type.dtype
    if not is_float(dtype) or not (_power_of_two(a) or _power_of_two(b)):
        return None
    with np.errstate(all="ignore"):
        product = np.asarray(a, dtype) * np.asarray(b, dtype)
    if not np.isfinite(product) or float(product) != a * b:
        return None
    return float(product)


def _power_of_two(k: float) -> bool:
    if k == 0.0 or not math.isfinite(k):
        return False
    return math.frexp(abs(k))[0] == 0.5


def _scale(m: Match, x: Value, k: float):
    return m.x if k == 1.0 and x.type is m.out.type else m.node("_mul_scalar", x, scalar=k)


# x * 1, x / 1, x + 0, x - 0, x ** 1 (scalar forms)
RULES.add(Pat(tuple(_NEUTRAL_SCALAR), X, scalar="k"),
          lambda m: m.x if (float(m.k) == _NEUTRAL_SCALAR[m.root.op]
                            and m.x.type is m.out.type) else None, "neutral scalar")
# products, sums and differences with a uniform constant
RULES.add(Pat("elemwise_mul", X, C), lambda m: m.x if m.c == 1.0 else
          m.node("_mul_scalar", m.x, scalar=m.c), "x * c")
RULES.add(Pat("elemwise_mul", C, X), lambda m: m.x if m.c == 1.0 else
          m.node("_mul_scalar", m.x, scalar=m.c), "c * x")
RULES.add(Pat("elemwise_add", X, C), lambda m: m.x if m.c == 0.0 else
          m.node("_plus_scalar", m.x, scalar=m.c), "x + c")
RULES.add(Pat("elemwise_add", C, X), lambda m: m.x if m.c == 0.0 else
          m.node("_plus_scalar", m.x, scalar=m.c), "c + x")
RULES.add(Pat("elemwise_sub", X, C), lambda m: m.x if m.c == 0.0 else
          m.node("_minus_scalar", m.x, scalar=m.c), "x - c")
RULES.add(Pat("elemwise_sub", C, X), lambda m: m.node("negative", m.x) if m.c == 0.0 else
          m.node("_rminus_scalar", m.x, scalar=m.c), "c - x")
# division by a constant: a scalar division, a multiplication where that is exact
RULES.add(Pat("elemwise_div", X, C), lambda m: m.x if m.c == 1.0 else
          m.node("_div_scalar", m.x, scalar=m.c), "x / c")
RULES.add(Pat("_div_scalar", X, scalar="k"),
          lambda m: m.node("_mul_scalar", m.x, scalar=1.0 / m.k)
          if _power_of_two(m.k) and _exact_product(m, 1.0, 1.0 / m.k) is not None
          else None, "x / 2^k")
# scalar chains: (x * a) * b -> x * (a*b), negations folded into the factor
RULES.add(Pat("_mul_scalar", Pat("_mul_scalar", X, scalar="a"), scalar="b"),
          lambda m: (lambda k: None if k is None else _scale(m, m.x, k))(
              _exact_product(m, m.a, m.b)), "(x * a) * b")
RULES.add(Pat("_mul_scalar", Pat("negative", X), scalar="a"),
          lambda m: _scale(m, m.x, -m.a), "(-x) * a")
RULES.add(Pat("negative", Pat("_mul_scalar", X, scalar="a")),
          lambda m: _scale(m, m.x, -m.a), "-(x * a)")
RULES.add(Pat("negative", Pat("negative", X)), lambda m: m.x, "--x")
# (-x) * (y * a) -> x * (y * -a), either side: exact (IEEE negation commutes with *);
# only when neither operand is read elsewhere (else it would add a node)
_NEG, _SCALED = Pat("negative", X, name="n"), Pat("_mul_scalar", Y, scalar="a", name="s")
RULES.add(Pat("elemwise_mul", _NEG, _SCALED),
          lambda m: m.node("elemwise_mul", m.x, m.value("_mul_scalar", m.y, scalar=-m.a))
          if m.single_use(m.n, m.s) else None, "(-x) * (y * a)")
RULES.add(Pat("elemwise_mul", _SCALED, _NEG),
          lambda m: m.node("elemwise_mul", m.value("_mul_scalar", m.y, scalar=-m.a), m.x)
          if m.single_use(m.n, m.s) else None, "(y * a) * (-x)")
# (a copy that export writes as another MXNet operator, e.g. a predict-mode Dropout, stays)
RULES.add(Pat("_copy", X), lambda m: None if m.root.meta and "export_as" in m.root.meta
          else m.x, "copy")
# shape operators
RULES.add(Pat(("Reshape", "broadcast_to"), X),
          lambda m: m.x if m.x.type is m.out.type else None, "reshape to own type")
RULES.add(Pat("Reshape", Pat("Reshape", X)),
          lambda m: m.x if m.x.type is m.out.type else
          m.node("Reshape", m.x, shape=m.out.type.shape, reverse=False), "reshape of reshape")


def _transposes(m: Match):
    ndim = m.x.type.ndim
    first, second = _perm(ndim, m.inner), _perm(ndim, m.outer)
    composed = tuple(first[i] for i in second)
    if composed == tuple(range(ndim)):
        return m.x
    return m.node("transpose", m.x, axes=composed)


RULES.add(Pat("transpose", Pat("transpose", X, axes="inner"), axes="outer"), _transposes,
          "transpose of transpose")


def _reduce_size_one(m: Match):
    shape = m.x.type.shape
    if not all(shape[a] == 1 for a in reduce_axes(shape, m.root.attrs, m.root.op)):
        return None
    if m.x.type is m.out.type:
        return m.x
    return m.node("Reshape", m.x, shape=m.out.type.shape, reverse=False)


def _sum_of_broadcast(m: Match):
    src, shape = m.x, m.b.type.shape
    axes = reduce_axes(shape, m.root.attrs, "sum")
    if src.type is not m.out.type or len(src.type.shape) != len(shape) or not all(
            (src.type.shape[i] == 1) == (i in axes) or shape[i] == 1
            for i in range(len(shape))):
        return None
    return m.node("_mul_scalar", src, scalar=float(m.b.type.size // max(src.type.size, 1)))


def _sum_of_pick_scatter(m: Match):
    shape = m.s.type.shape
    if tuple(reduce_axes(shape, m.root.attrs, "sum")) != (int(m.axis) % len(shape),):
        return None
    if m.x.type is m.out.type:
        return m.x
    return m.node("Reshape", m.x, shape=m.out.type.shape, reverse=False)


RULES.add(Pat(("sum", "mean"), X), _reduce_size_one, "reduction over size-1 axes")
RULES.add(Pat("sum", Pat("_pick_scatter", X, var("i"), name="s", axis="axis")),
          _sum_of_pick_scatter, "sum of a pick's scatter along its axis")
RULES.add(Pat("sum", Pat("broadcast_to", X, name="b")), _sum_of_broadcast,
          "sum of broadcast")

@register_pass("simplify")
def simplify(graph: Graph) -> Graph:
    """Apply the exact algebraic identities of the rule table `RULES`, each replacing a
    node by an existing value or a cheaper node:

    - `x * ones`, `ones * x`, `x / ones`, `x + zeros`, `zeros + x`, `x - zeros` -> `x`
      (a "ones"/"zeros" value is a uniform constant: `_full`, `ones_like`/`zeros_like`,
      possibly reshaped, broadcast or transposed; the head gradient multiplied in
      disappears); `zeros - x` -> `negative(x)`; `x * c`, `x + c`, `x - c`, `c - x`,
      `x / c` with `c` a uniform constant -> the scalar form (`_mul_scalar` ...);
    - `x * 1.0`, `x / 1.0`, `x + 0.0`, `x - 0.0`, `x ** 1.0` (scalar forms) -> `x`;
      `x / 2^k` -> `x * 2^-k`; scalar chains merge: `(x * 2) * 0.125` -> `x * 0.25`,
      `-(x * a)` and `(-x) * a` -> `x * -a` (merged only when exact: one factor is a
      power of two); `(-x) * (y * a)` -> `x * (y * -a)` when both operands are read only
      there;
    - `negative(negative(x))` -> `x`; `transpose(transpose(x))` -> `x` or one transpose;
    - `Reshape`, `broadcast_to` to the input's own type, and `_copy` -> `x`;
      `Reshape(Reshape(x))` -> one `Reshape`;
    - `sum`/`mean` over axes of size 1 only -> `x` (or a `Reshape` of it);
      `sum(broadcast_to(x))` back to x's shape -> `x * count`.

    Guarantees: results are bit-identical except that `sum` of a broadcast becomes one
    multiplication and that a merged scalar chain may avoid an overflow or underflow its
    intermediate had; a graph output is never turned into an alias of a graph input (a
    `_copy` is kept in that case). Runs to a fixed point in one forward walk, because every
    rule looks only at already-simplified producers.
    """
    result = rewrite(graph, RULES)
    if result is graph:
        return graph
    return _unalias_outputs(graph, result, set(graph.inputs))


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
