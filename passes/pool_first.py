"""Max pooling before relu: `Pooling(max)(relu(x))` becomes `relu(Pooling(max)(x))`."""
from __future__ import annotations

from ..ir import Graph
from ..ir.ops.pooling import geometry
from .dce import dce
from .manager import register_pass
from .patterns import Pat, RuleSet, X, rewrite

RULES = RuleSet("pool-first")


def _pool_first(act_op: str, **act_attrs):
    def replace(m):
        if (m.pool_type != "max" or getattr(m, "act", "relu") != "relu"
                or not m.single_use(m.r)
                or not windows_read_input(m.x.type.shape, m.root.attrs)):
            return None
        pooled = m.value("Pooling", m.x, **m.root.attrs)
        return m.node(act_op, pooled, **act_attrs)
    return replace


def windows_read_input(shape, attrs) -> bool:
    """Whether every pooling window covers at least one input element (a window of padding
    only pools to the lowest number, where relu first gives 0)."""
    k, s, lo, _, out = geometry(shape, attrs)
    return all(kk > p and (o - 1) * ss < p + n
               for kk, ss, p, o, n in zip(k, s, lo, out, shape[2:]))


RULES.add(Pat("Pooling", Pat("Activation", X, name="r", act_type="act"),
              pool_type="pool_type"), _pool_first("Activation", act_type="relu"),
          "max pool of Activation(relu)")
RULES.add(Pat("Pooling", Pat("relu", X, name="r"), pool_type="pool_type"),
          _pool_first("relu"), "max pool of relu")


@register_pass("pool-first")
def pool_first(graph: Graph) -> Graph:
    """Swap each relu read only by a max Pooling with that pooling, so that relu, and in a
    derived backward its gradient mask, touch the pooled tensor: a quarter of the elements
    under 2x2 pooling (LeNet's conv - relu - pool). relu is non-decreasing, so it commutes
    with a maximum; a pass for graphs that are run, not exported (the exported topology
    stays MXNet's).

    Guarantees: forward values are unchanged up to the sign of zeros (the maximum of
    relu(x) over a window is relu of the maximum of x; NaN propagates through both), and
    so are gradients derived from the result: in a window whose
    maximum is positive, relu keeps every value at least that large, so the first maximum
    is the same element and relu's derivative there is 1; otherwise every gradient entry
    of the window is zero both ways (padding, the lowest number, is never the maximum; a
    pooling with windows of padding only is left alone).
    Only relu qualifies: a strictly increasing activation rounded to floats (sigmoid, tanh)
    can tie distinct inputs and move the first maximum. A relu whose output is read
    elsewhere or is a graph output is left alone; the graph is returned unchanged when no
    rule applies.
    """
    rewritten = rewrite(graph, RULES)
    return graph if rewritten is graph else dce(rewritten)
