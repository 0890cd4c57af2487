"""`remove_amp_cast`: MXNet's symbol files without the casts mixed precision inserts.

`Symbol.save`, `Symbol.tojson` and `HybridBlock.export` take `remove_amp_cast=True` by
default in MXNet 1.9.1: the `amp_cast` and `amp_multicast` nodes of an `amp.init()` model
are left out of the written file (each reader reads the cast's input instead), so the
file describes the float32 model. This is that rewrite, on the JSON document.
"""
from __future__ import annotations

import json
from typing import Any, Dict, List, Tuple

from ..graph.mxjson import dumps

AMP_CAST_OPS = ("amp_cast", "amp_multicast")


def has_amp_casts(text: str) -> bool:
    """Whether a symbol JSON text may hold cast nodes (a cheap test before parsing)."""
    return any('"op": "%s"' % op in text for op in AMP_CAST_OPS)


def without_amp_casts(doc: Dict[str, Any]) -> Dict[str, Any]:
    """`doc` (a symbol JSON document) with its amp_cast / amp_multicast nodes removed:
    the readers of output k of such a node read its input k instead; a cast that is an
    output of the symbol stays as that output (MXNet keeps those too); node indices,
    `arg_nodes`, `node_row_ptr` and `heads` are renumbered. Other keys are kept."""
    nodes = doc["nodes"]
    outputs = {entry[0] for entry in doc["heads"]}
    row_ptr = doc.get("node_row_ptr") or list(range(len(nodes) + 1))
    source: Dict[Tuple[int, int], List[Any]] = {}

    def resolve(entry: List[Any]) -> List[Any]:
        key = (entry[0], entry[1])
        while key in source:
            entry = source[key]
            key = (entry[0], entry[1])
        return entry

    kept: Dict[int, int] = {}
    for i, node in enumerate(nodes):
        if node["op"] in AMP_CAST_OPS:
            for k, entry in enumerate(node["inputs"]):
                source[(i, k)] = resolve(entry)
        if node["op"] not in AMP_CAST_OPS or i in outputs:
            kept[i] = len(kept)

    def renumber(entry: List[Any], bypass: bool = True) -> List[Any]:
        entry = resolve(entry) if bypass else entry
        return [kept[entry[0]]] + list(entry[1:])

    out_nodes, out_rows = [], [0]
    for i, node in enumerate(nodes):
        if i in kept:
            out_nodes.append(dict(node, inputs=[renumber(e) for e in node["inputs"]]))
            out_rows.append(out_rows[-1] + row_ptr[i + 1] - row_ptr[i])
    result = dict(doc)
    result["nodes"] = out_nodes
    result["arg_nodes"] = [kept[i] for i in doc.get("arg_nodes", []) if i in kept]
    result["node_row_ptr"] = out_rows
    result["heads"] = [renumber(e, bypass=False) for e in doc["heads"]]
    return result


def amp_casts_removed(text: str, remove: bool = True) -> str:
    """Symbol JSON `text` without its cast nodes when `remove` (see `without_amp_casts`)."""
    if not remove or not has_amp_casts(text):
        return text
    return dumps(without_amp_casts(json.loads(text)))
