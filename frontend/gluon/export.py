"""`HybridBlock.export`: the traced graph as MXNet symbol JSON plus its parameters.

The graph exported is the block's trace in predict mode for the input signature of its
most recent hybridized call (traced now if that call ran in train mode): inference
graphs are what `SymbolBlock.imports` loads. Inputs are named `data` (`data0`,
`data1`, ... for several), parameters by their names; arrays the forward computed from
constants are saved as parameters too (`const0`, ...). The `.params` file holds
`arg:<name>` / `aux:<name>` entries as MXNet's export writes them.
"""
from __future__ import annotations

import json
from typing import Any, Dict

import numpy as np

from .. import autograd
from .. import random as _random
from ..base import MXNetError
from ..ndarray import NDArray
from ..ndarray.serialize import save_arrays
from ..symbol import Symbol
from ..util import is_np_array

__all__ = ["export_block", "export_symbol"]


def export_symbol(block: Any) -> Any:
    """(Symbol, {name: array}) of `block`'s predict-mode trace (see the module docstring)."""
    last = block._last
    if last is None:
        raise RuntimeError("Please first call block.hybridize() and then run forward with "
                           "this block at least once before calling export.")
    traced = last
    if any(kind == "mask" for kind, _ in last.sources) or last.bn_updates or any(
            n.attrs.get("training") for n in last.graph.nodes):
        zeros = [NDArray._wrap(np.zeros(v.type.shape, v.type.dtype))
                 for (kind, _), v in zip(last.sources, last.graph.inputs) if kind == "input"]
        state = _random.generator().bit_generator.state  # exporting draws nothing
        try:
            with autograd.predict_mode():
                traced, _ = block._traced_flat(zeros, last.in_fmt)
        finally:
            _random.generator().bit_generator.state = state
        traced.first_call = None  # its draws were taken back: the next call draws afresh
        block._last = last
    if traced.value_dependent:
        raise MXNetError("export: the forward of %s computes positions or constants from its "
                         "inputs' values on the host (boolean_mask, histogram without a "
                         "range, NumPy fallbacks, ...): its graph "
                         "holds one call's values, so it cannot be exported as a symbol"
                         % block.name)
    names: Dict[Any, str] = {}
    for node in traced.graph.nodes:  # `F.<op>(..., name=...)` in a forward: `<prefix><name>`
        if node.meta and node.meta.get("name") and node.outputs:
            names[node.outputs[0]] = node.meta["name"]
    values: Dict[str, np.ndarray] = {}
    for (kind, what), v in zip(traced.sources, traced.graph.inputs):
        names[v] = v.hint
        if kind == "param":
            values[v.hint] = what._reduce()._data
        elif kind == "const":
            values[v.hint] = np.asarray(what)
        elif kind == "mask":
            raise MXNetError("export: %s still draws Dropout masks in predict mode"
                             % block.name)
        elif kind == "random":
            raise MXNetError("export: %s draws random numbers with an mx.np.random / "
                             "mx.npx.random sampler that is not an IR operator (F.random.*, "
                             "F.sample_* and mx.np.random.uniform/normal are, and export as "
                             "MXNet's); exporting those samplers is not supported"
                             % block.name)
    return Symbol.from_graph(traced.graph, names, np_mode=is_np_array()), values


def export_block(block: Any, path: str, epoch: int = 0, remove_amp_cast: bool = True) -> None:
    """Write `path-symbol.json` and `path-%04d.params` (see HybridBlock.export); mixed
    precision's cast nodes are left out unless `remove_amp_cast` is False, as in MXNet."""
    sym, values = export_symbol(block)
    args = set(sym.list_arguments())
    aux = set(sym.list_auxiliary_states())
    arrays = {}
    for name, data in values.items():
        if name in args:
            arrays["arg:" + name] = data
        elif name in aux:
            arrays["aux:" + name] = data
    doc = json.loads(sym.tojson(remove_amp_cast))
    inputs = {v.hint for (kind, _), v in zip(block._last.sources, block._last.graph.inputs)
              if kind == "input"}
    for node in doc["nodes"]:  # the batch size is free, as in MXNet's own export
        if node["op"] == "null" and node["name"] in inputs:
            node.get("attrs", {}).pop("__shape__", None)
            if not node.get("attrs"):
                node.pop("attrs", None)
    with open("%s-symbol.json" % path, "w") as f:
        json.dump(doc, f, indent=2)
    save_arrays("%s-%04d.params" % (path, epoch), arrays)
