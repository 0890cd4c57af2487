"""Drop the identity copies a graph keeps only so that export can write an MXNet operator."""
from __future__ import annotations

from ..ir import Graph
from .manager import register_pass
from .rewrite import Rewriter


@register_pass("drop-export-copies")
def drop_export_copies(graph: Graph) -> Graph:
    """Replace each `_copy` node whose meta has `export_as` (a predict-mode Dropout traced
    by a hybridized block: an identity that export writes as MXNet's `Dropout`, see
    `tapegraph.trace.opnames`) by its input, for graphs that are run rather than exported.

    Guarantees: values are unchanged (the node is an identity); other nodes keep their
    objects when their inputs are unchanged; a copy whose output is a graph output is
    kept when its input is a graph input or another graph output (callers may write into
    returned arrays, so outputs never alias inputs or each other). The graph is returned
    unchanged when no such copy is present. Not part of `simplify`, whose graphs may still
    be exported.
    """
    if not any(n.op == "_copy" and n.meta and "export_as" in n.meta for n in graph.nodes):
        return graph
    rw = Rewriter(graph)
    inputs, outputs = set(graph.inputs), set(graph.outputs)
    for node in graph.nodes:
        if node.op == "_copy" and node.meta and "export_as" in node.meta:
            source = rw.get(node.inputs[0])
            if not (node.outputs[0] in outputs and (source in inputs or source in outputs)):
                rw.replace(node.outputs[0], source)
                continue
        rw.emit(node)
    return rw.result()
