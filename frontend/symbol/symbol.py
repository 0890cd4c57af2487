"""`Symbol`: a graph of the IR seen through MXNet's Symbol API."""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence

from ..ir import Graph, print_graph
from ..ir.errors import MXNetError


class Symbol:
    """A graph with MXNet's Symbol methods. `print(sym)` shows the IR text."""

    def __init__(self, graph: Graph, np_mode: bool = False):
        self._graph = graph
        self._np_mode = np_mode

    @property
    def graph(self) -> Graph:
        """The IR graph."""
        return self._graph

    def list_arguments(self) -> List[str]:
        """Names of the free inputs, in order of first use."""
        return [v.hint or "var%d" % i for i, v in enumerate(self._graph.inputs)]

    list_inputs = list_arguments

    def list_outputs(self) -> List[str]:
        """Names of the outputs (`<node>_output`)."""
        from .json_export import output_names
        return output_names(self._graph)

    def list_auxiliary_states(self) -> List[str]:
        return []

    def tojson(self) -> str:
        """MXNet symbol JSON (loadable by Apache MXNet 1.9.1)."""
        from .json_export import to_json
        return to_json(self._graph, np_mode=self._np_mode)

    def save(self, fname: str) -> None:
        with open(fname, "w") as f:
            f.write(self.tojson())

    def debug_str(self) -> str:
        return print_graph(self._graph)

    def __str__(self) -> str:
        return print_graph(self._graph)

    def __repr__(self) -> str:
        outs = self.list_outputs()
        return "<Symbol %s>" % (outs[0] if len(outs) == 1 else "group [%s]" % ", ".join(outs))


def symbol_from_arrays(arrays: Sequence[Any]) -> Symbol:
    """The Symbol of the recorded graph producing `arrays`."""
    from ..engine import Collected
    values = []
    for a in arrays:
        v = getattr(a, "_value", None)
        if v is None or v.node is None:
            raise MXNetError("NDArray is not part of a computation graph. Did you forget to "
                             "turn on recording?")
        values.append(v)
    col = Collected(values)
    np_mode = bool(getattr(type(arrays[0]), "_bool_comparisons", False))
    return Symbol(col.graph("recorded"), np_mode=np_mode)
