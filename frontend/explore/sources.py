"""Where explorations come from: a graph file (IR text or MXNet symbol JSON) or an MXNet
script run on tapegraph, each backward it runs becoming one program."""
from __future__ import annotations

import os
import runpy
import sys
from typing import Any, Dict, List, Optional, Sequence

from ..ir import Graph, MXNetError, is_float
from .model import Exploration

# Internals the explorer builds on, imported in one place (see HELPERS: issue 11 moves them).
from .. import engine as _engine
from ..trace.source import source_lines
from ..symbol.graph.naming import NodeNames, caller_names, graph_names  # noqa: F401


def default_pipeline() -> List[Any]:
    """The pipeline the engine runs on every derived backward graph."""
    return list(_engine.DEFAULT_PIPELINE)


def from_graph(graph: Graph, pipeline: Optional[Sequence[Any]] = None, backward: bool = True,
               title: Optional[str] = None, names: Optional[Dict[Any, str]] = None
               ) -> Exploration:
    """The exploration of one graph: itself, its gradient (w.r.t. every floating-point
    input, unless `backward` is False) and each pass of `pipeline`."""
    pipeline = default_pipeline() if pipeline is None else list(pipeline)
    exp = Exploration(title or graph.name)
    labels = None
    if backward:
        wrt = [v for v in graph.inputs if is_float(v.type.dtype)]
        if not wrt:
            raise MXNetError("explore: %s has no floating-point input to differentiate "
                             "(use --forward-only)" % graph.name)
        labels = ["grad " + ((names or {}).get(v) or v.hint or "in%d" % i)
                  for i, v in enumerate(wrt)]
    exp.add_program(graph, pipeline, {} if backward else None, names=names, labels=labels)
    return exp


def from_file(path: str, pipeline: Optional[Sequence[Any]] = None, backward: bool = True,
              shapes: Optional[dict] = None) -> Exploration:
    """The exploration of the graph in `path` (MXNet symbol JSON or IR text)."""
    from ..cli.commands import load_symbol
    sym = load_symbol(path, shapes)
    graph = sym.graph
    names = {v: v.hint for v in graph.inputs if v.hint}
    return from_graph(graph, pipeline, backward, os.path.basename(path), names)


class _Observer:
    """Engine observer: each backward with a new structure becomes a program."""

    def __init__(self, exploration: Exploration, pipeline: Sequence[Any]):
        self.exploration = exploration
        self.pipeline = list(pipeline)
        self.seen: Dict[tuple, int] = {}
        self.count = 0
        self.errors: List[str] = []

    def __call__(self, heads, variables, joint, final, create_graph) -> None:
        self.count += 1
        key = joint.structure()
        if key in self.seen:
            return
        self.seen[key] = self.count
        try:
            self.add(heads, variables, joint, create_graph)
        except Exception as e:  # never break the user's script
            self.errors.append("backward #%d: %s: %s" % (self.count, type(e).__name__, e))

    def add(self, heads, variables, joint: Graph, create_graph: bool) -> None:
        n_forward = joint.meta.get("forward_nodes", 0)
        n_heads = joint.meta.get("num_head_inputs", 0)
        outputs = [h._value for h in heads]
        forward = Graph("forward", joint.inputs[:len(joint.inputs) - n_heads],
                        joint.nodes[:n_forward], outputs)
        if variables is not None:
            wanted = [getattr(v, "_value", None) for v in variables]
        else:
            wanted = [v for v in forward.inputs if getattr(v, "grad_req", "null") != "null"]
        position = {v: i for i, v in enumerate(forward.inputs)}
        wrt = [position[v] for v in wanted if v in position]
        specs = []
        head_hints = {v.hint for v in joint.inputs[len(forward.inputs):]}
        ones = {(n.meta or {}).get("head_grad_of") for n in joint.nodes[n_forward:]}
        for i in range(len(outputs)):
            specs.append("ones" if i in ones else
                         "input" if "head_grad%d" % i in head_hints else "zero")
        values = list(joint.inputs) + [v for n in joint.nodes for v in n.outputs]
        names = graph_names(joint, caller_names(values))
        labels = ["grad " + names.get(forward.inputs[i], "input%d" % i) for i in wrt]
        known = [v for n in forward.nodes for v in n.outputs]
        self.exploration.add_program(forward, self.pipeline,
                                     {"wrt": wrt, "head_grads": specs}, known=known,
                                     names=names, labels=labels, create_graph=create_graph,
                                     joint=joint)


def from_script(script: str, args: Sequence[str] = (),
                pipeline: Optional[Sequence[Any]] = None) -> Exploration:
    """Run `script` (an MXNet script, `mxnet` resolved to tapegraph) and explore every
    distinct backward it runs. The script's own errors are reported on stderr."""
    from ..cli.commands import CliError
    from ..cli.trace import alias_mxnet
    if not os.path.isfile(script):
        raise CliError("no such script: %s" % script)
    exp = Exploration(os.path.basename(script))
    observer = _Observer(exp, default_pipeline() if pipeline is None else pipeline)
    alias_mxnet()
    remove = _engine.add_backward_observer(observer)
    saved_argv = sys.argv
    sys.argv = [script] + [a for a in args if a != "--"]
    try:
        with source_lines():  # nodes remember the script line that recorded them
            runpy.run_path(script, run_name="__main__")
    except SystemExit:
        pass
    except Exception:  # the script's own error: show it, keep what was explored
        import traceback
        traceback.print_exc()
    finally:
        sys.argv = saved_argv
        remove()
    for error in observer.errors:
        print("tapegraph explore: %s" % error, file=sys.stderr)
    if not exp.steps:
        raise CliError("%s ran no backward: nothing to explore" % script)
    return exp
