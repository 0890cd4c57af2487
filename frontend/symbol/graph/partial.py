"""Partial shape inference (MXNet's `Symbol.infer_shape_partial`): the shapes that follow
from the given ones, the others left unknown instead of raising."""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence, Tuple

from ...ir import Builder, MXNetError, Value
from .dag import Entry, SymNode, _build, _dag_inputs, infer_variables, topo_order, variable_type
from .unknown_dims import UnknownDims


def partial_values(heads: Sequence[Entry], shapes: Dict[str, Any],
                   dtypes: Optional[Dict[str, Any]] = None) -> Dict[SymNode, Tuple[Value, ...]]:
    """SymNode -> its typed output values, for the variables and nodes whose types follow
    from `shapes` (and `dtypes`): `dag.lower`'s walk, where a node with an input of
    unknown type is skipped instead of an error. A node whose operator rejects known
    input types still raises (MXNet's partial inference reports those too)."""
    dtypes = dtypes or {}
    order = topo_order(heads)
    unknowns = UnknownDims(order)
    inputs: Dict[SymNode, Value] = {}
    for var in order:
        if var.is_variable:
            t = variable_type(var, shapes, dtypes)
            if t is not None:
                inputs[var] = Value(t, var.name)
    outs: Dict[SymNode, Tuple[Value, ...]] = {v: (inputs[v],) for v in inputs}
    b = Builder()
    for node in order:
        if node.is_variable:
            continue
        srcs = _dag_inputs(node)
        infer_variables(node, srcs, inputs, outs, dtypes)
        if any(src not in outs for src, _ in srcs):
            continue
        try:
            result = _build(b, node, [outs[n][i] for n, i in srcs], unknowns)
        except (MXNetError, ArithmeticError, LookupError, TypeError, ValueError) as e:
            raise MXNetError("node %r (%s): %s" % (node.name, node.op, e)) from None
        outs[node] = result if isinstance(result, tuple) else (result,)
    return outs


def known(outs: Dict[SymNode, Tuple[Value, ...]], entries: List[Entry], get, unknown) -> list:
    """`get(type)` of each entry whose type is known, else `unknown`."""
    return [get(outs[n][i].type) if n in outs else unknown for n, i in entries]
