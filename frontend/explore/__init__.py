"""The pass explorer: step through a graph's gradient and every pass of a pipeline in a
browser (`tapegraph explore`, docs/explorer.md).

- `explore(source, output)` writes one self-contained HTML page for a script, an IR
  text file, MXNet symbol JSON, an `ir.Graph` or a `Symbol`;
- `Exploration` / `Step` (`model`) hold the steps, stable node ids and diffs;
- `render_page` (`page`) turns an exploration into HTML; `serve` (`serve`) shows it
  on 127.0.0.1.
"""
from __future__ import annotations

import os
from typing import Any, Optional, Sequence

from .model import Exploration, Step
from .page import page_data, render_page
from .serve import make_server, serve
from .sources import from_file, from_graph, from_script
from ..ir import Graph
from ..symbol import Symbol

__all__ = ["Exploration", "Step", "explore", "exploration", "from_file", "from_graph",
           "from_script", "make_server", "page_data", "render_page", "serve"]


def exploration(source: Any, passes: Optional[Sequence[Any]] = None, backward: bool = True,
                args: Sequence[str] = ()) -> Exploration:
    """The exploration of `source`: a script path (`.py`), a graph file path, an
    `ir.Graph` or a `Symbol`."""
    if isinstance(source, Symbol):
        graph = source.graph
        return from_graph(graph, passes, backward, source.name or graph.name,
                          {v: v.hint for v in graph.inputs if v.hint})
    if isinstance(source, Graph):
        return from_graph(source, passes, backward)
    path = os.fspath(source)
    if path.endswith(".py"):
        return from_script(path, args, passes)
    return from_file(path, passes, backward)


def explore(source: Any, output: Optional[str] = None,
            passes: Optional[Sequence[Any]] = None, backward: bool = True,
            args: Sequence[str] = ()) -> str:
    """Write the explorer page of `source` to `output` (returns the HTML when `output`
    is None, else the path written)."""
    page = render_page(exploration(source, passes, backward, args))
    if output is None:
        return page
    with open(output, "w", encoding="utf-8") as f:
        f.write(page)
    return output
