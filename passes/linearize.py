"""The `linearize` pass: partial evaluation of the `jvp` graph.

`jvp(graph)` computes primal values and tangents together. `linearize` splits it into
the part that reads no tangent (run once, at the primal point) and the part that does:
a graph that is linear in the tangents, reading the primal values it needs as
*residuals*. Run the primal graph once, keep the residuals, and the linear graph gives
J t for any number of tangents t without recomputing the primal; `transpose` turns it
into the VJP.
"""
from __future__ import annotations

from typing import Dict, List, Optional, Sequence, Set

from ..ir import Builder, Graph, Node, Value
from .jvp import jvp
from .manager import register_pass

# Operators whose result depends only on the *type* of their input: a node of one of these
# reading a tangent still computes a constant.
SHAPE_ONLY = frozenset({"zeros_like", "ones_like"})


def constant_like(b: Builder, node: Node) -> Value:
    """A `_full` node computing what shape-only `node` computes, without its input."""
    t = node.outputs[0].type
    return b.op("_full", shape=t.shape, dtype=t.dtype,
                value=1.0 if node.op == "ones_like" else 0.0)


@register_pass("linearize")
def linearize(graph: Graph, wrt: Optional[Sequence[int]] = None,
              name: Optional[str] = None) -> Graph:
    """The linear tangent graph of `graph` at a primal point computed separately.

    - `wrt`: indices into `graph.inputs` that get a tangent (default: every float input).

    Guarantees: the result's inputs are the residuals (primal values the tangents need)
    followed by one tangent per `wrt` input; its outputs are the tangents of
    `graph.outputs`; every node reads a tangent-dependent value, so the graph is linear
    in its tangent inputs (`transpose` applies). `result.meta["primal"]` is the primal
    graph: inputs `graph.inputs` (same Values), outputs `graph.outputs` followed by the
    residuals, nodes `graph.nodes` plus the tangent rules' nodes that read no tangent.
    `result.meta["num_residuals"]` counts the residual inputs. Running the primal graph
    and then the linear graph on its residuals gives the outputs of `jvp(graph)`.
    """
    j = jvp(graph, wrt=wrt)
    num_tangents = j.meta["num_tangent_inputs"]
    tangents = list(j.inputs[len(j.inputs) - num_tangents:])
    dependent: Set[Value] = set(tangents)
    primal = Builder()
    linear: List[Node] = []
    for node in j.nodes:
        if node.op in SHAPE_ONLY and node.inputs[0] in dependent:
            primal.meta = node.meta
            out = constant_like(primal, node)
            primal.meta = None
            linear.append(Node("_alias", [out], node.outputs))  # resolved below
        elif any(v in dependent for v in node.inputs):
            linear.append(node)
            dependent.update(node.outputs)
        else:
            primal.add(node)
    # Tangent-free stand-ins for shape-only nodes: rename their outputs.
    alias: Dict[Value, Value] = {}
    kept: List[Node] = []
    for node in linear:
        if node.op == "_alias":
            alias[node.outputs[0]] = node.inputs[0]
        else:
            kept.append(Node(node.op, [alias.get(v, v) for v in node.inputs], node.outputs,
                             node.attrs, node.region, node.meta))
    n_out = len(graph.outputs)
    tangent_outputs = [alias.get(v, v) for v in j.outputs[n_out:]]
    defined = set(dependent)
    residuals: List[Value] = []
    seen: Set[Value] = set()
    for v in [u for n in kept for u in n.inputs] + tangent_outputs:
        if v not in defined and v not in seen:
            seen.add(v)
            residuals.append(v)
    primal_graph = Graph("primal_" + graph.name, graph.inputs, primal.nodes,
                         list(graph.outputs) + residuals)
    # The linear graph reads stand-ins for the residuals (named after them, else r<i>).
    stand_in = {v: Value(v.type, v.hint or "r%d" % i) for i, v in enumerate(residuals)}
    kept = [Node(n.op, [stand_in.get(v, v) for v in n.inputs], n.outputs, n.attrs, n.region,
                 n.meta) for n in kept]
    return Graph(name or "lin_" + graph.name, [stand_in[v] for v in residuals] + tangents,
                 kept, [stand_in.get(v, v) for v in tangent_outputs],
                 meta={"primal": primal_graph, "num_residuals": len(residuals)})
