"""`Block.save(prefix)` / `Block.load(prefix)`: MXNet 1.9.1's model files.

`save` writes `<prefix>-model.json`, the block tree as nested dictionaries, and
`<prefix>-model.params` (`save_parameters`). Each block's entry is keyed by its class name
in lower case and its position in a depth-first walk (`dense1`: the second block
visited), holding `orig_name` (the block's name), `children` (each child's name -> the
attribute name its parent registered it under) and its children's entries. A
HybridBlock that has run hybridized also records `in_format`, `out_format`, `inputs` (the
input variables as symbol JSON) and `symbol` (its graph as symbol JSON), with
`hybridized: true`. (MXNet also records the graph of a block that was never hybridized
but built one for its deferred initialization, and its `load` then hybridizes that block;
here such a block is saved with `hybridized: false`.)

`load` does not rebuild the architecture: the block must be constructed as when it was
saved. It renames every block to its saved name (and re-keys its own parameters to
`<name>_<suffix>`), reorders children under their saved attribute names, marks
HybridBlocks that were hybridized as active (they trace again at their next call; the
saved symbol is parsed, so a corrupt file is an error before anything changes), then
loads the parameters.
"""
from __future__ import annotations

import json
from typing import Any, Dict, List, Tuple

from ..base import MXNetError
from ..symbol import load_json

__all__ = ["save_model", "load_model"]


def save_model(block: Any, prefix: str) -> None:
    """Write `<prefix>-model.json` and `<prefix>-model.params` (module docstring)."""
    model: Dict[str, Any] = {}
    index = [0]

    def visit(blk: Any, structure: Dict[str, Any]) -> None:
        entry: Dict[str, Any] = {"orig_name": blk.name}
        structure[type(blk).__name__.lower() + str(index[0])] = entry
        if hasattr(blk, "_saved_graph"):
            graph = blk._saved_graph()
            entry.update(graph)
            entry["hybridized"] = bool(graph)
        children: Dict[str, str] = {}
        entry["children"] = children
        for attr, child in blk._children.items():
            index[0] += 1
            children[child.name] = attr
            visit(child, entry)

    visit(block, model)
    with open(prefix + "-model.json", "w") as f:
        json.dump(model, f)
    block.save_parameters(prefix + "-model.params")


def load_model(block: Any, prefix: str) -> None:
    """Apply `<prefix>-model.json` to `block` and load `<prefix>-model.params`."""
    with open(prefix + "-model.json") as f:
        model = json.load(f)
    plan: List[Tuple[Any, Dict[str, Any], Dict[str, str]]] = []
    index = [0]

    def match(blk: Any, structure: Dict[str, Any]) -> Dict[str, Any]:
        key = type(blk).__name__.lower() + str(index[0])
        if key not in structure:
            raise MXNetError("Block.load: %s-model.json has no entry %r for block %s (%s): "
                             "the model must be constructed as it was when saved"
                             % (prefix, key, blk.name, type(blk).__name__))
        entry = structure[key]
        if entry.get("hybridized"):
            load_json(entry["symbol"])
        renames: Dict[str, str] = {}
        plan.append((blk, entry, renames))
        saved = entry.get("children", {})
        for attr, child in blk._children.items():
            index[0] += 1
            name = match(child, entry)["orig_name"]
            if name not in saved:
                raise MXNetError("Block.load: %s-model.json lists no child named %s under "
                                 "%s" % (prefix, name, entry["orig_name"]))
            renames[attr] = saved[name]
        return entry

    match(block, model)  # every entry is checked before any block changes
    for blk, entry, renames in plan:
        _apply(blk, entry, renames)
    block.load_parameters(prefix + "-model.params")


def _apply(blk: Any, entry: Dict[str, Any], renames: Dict[str, str]) -> None:
    old_prefix = blk.params.prefix
    blk._name = entry["orig_name"]
    params = blk.params._params
    for key in list(params.keys()):
        params[blk.name + "_" + key[len(old_prefix):]] = params.pop(key)
    children = list(blk._children.items())
    blk._children.clear()
    blk._children.update((renames[attr], child) for attr, child in children)
    if entry.get("hybridized") and hasattr(blk, "_active"):
        blk._active = True
        blk._clear_cached_op()
