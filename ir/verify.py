"""The verifier: checks the invariants every pass must keep."""
from __future__ import annotations

from typing import Set

from .errors import MXNetError, VerifyError
from .graph import Graph, Value
from .registry import REGISTRY
from .printer import Namer, format_node


def verify(graph: Graph, check_types: bool = True) -> Graph:
    """Check `graph` and return it unchanged; raise VerifyError naming the first problem.

    Invariants: every value is defined once (as an input or one node output) before it
    is used; every operator is registered and gets the attributes it declares; the
    recorded output types are what the operator's shape rule infers (`check_types`);
    graph outputs are defined; regions satisfy the same rules on their own.
    """
    defined: Set[Value] = set()
    namer = Namer()
    for i, v in enumerate(graph.inputs):
        if v in defined:
            raise VerifyError("graph %s: input %d is listed twice" % (graph.name, i))
        defined.add(v)
        namer.input(v, i)
    for k, node in enumerate(graph.nodes):
        where = "graph %s, node %d (%s)" % (graph.name, k, node.op)
        for v in node.inputs:
            if v not in defined:
                raise VerifyError("%s: input is not defined before use: %s"
                                  % (where, format_node(node, namer, define=False)))
        if node.op not in REGISTRY:
            raise VerifyError("%s: operator %r is not registered" % (where, node.op))
        opdef = REGISTRY.get(node.op)
        missing = [k2 for k2 in opdef.attrs if k2 not in node.attrs]
        extra = [k2 for k2 in node.attrs if k2 not in opdef.attrs]
        if missing or extra:
            raise VerifyError("%s: attributes missing %s / unknown %s" % (where, missing, extra))
        if check_types and node.region is None:
            try:
                want = opdef.infer([v.type for v in node.inputs], node.attrs)
            except MXNetError as e:
                raise VerifyError("%s: shape rule fails: %s" % (where, e)) from None
            got = [v.type for v in node.outputs]
            if want != got:
                raise VerifyError("%s: output types %s, but the shape rule gives %s"
                                  % (where, got, want))
        if node.region is not None:
            verify(node.region, check_types)
            rtypes = [v.type for v in node.region.inputs]
            if rtypes != [v.type for v in node.inputs]:
                raise VerifyError("%s: region inputs %s do not match node inputs %s"
                                  % (where, rtypes, [v.type for v in node.inputs]))
            if [v.type for v in node.region.outputs] != [v.type for v in node.outputs]:
                raise VerifyError("%s: region outputs do not match node outputs" % where)
        for v in node.outputs:
            if v in defined:
                raise VerifyError("%s: value defined twice" % where)
            defined.add(v)
            namer.output(v)
    for i, v in enumerate(graph.outputs):
        if v not in defined:
            raise VerifyError("graph %s: output %d is not defined" % (graph.name, i))
    return graph
