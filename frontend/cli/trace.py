"""`tapegraph trace SCRIPT.py`: run an unmodified MXNet script with `mxnet` resolved to
tapegraph and write every graph it differentiates.

An observer on the engine (`engine.add_backward_observer`) sees each backward before it
runs. For each distinct structure it writes `NNN_forward`, `NNN_backward` (from the
gradient pass) and `NNN_backward_optimized` (after the pipeline) as IR text (`.ir`),
MXNet JSON (`-symbol.json`) and SVG (DOT source when graphviz is missing). A training
loop differentiating the same structure again is reported, not written again.
"""
from __future__ import annotations

import os
import runpy
import sys
import types
from typing import List

from ..trace.source import source_lines


def alias_mxnet() -> None:
    """Make `import mxnet` (and its submodules) resolve to tapegraph."""
    import tapegraph
    sys.modules["mxnet"] = tapegraph
    for name, module in list(sys.modules.items()):
        if name.startswith("tapegraph.") and module is not None:
            sys.modules.setdefault("mxnet." + name[len("tapegraph."):], module)
    for attr in dir(tapegraph):
        value = getattr(tapegraph, attr, None)
        if isinstance(value, types.ModuleType) and not attr.startswith("__"):
            sys.modules.setdefault("mxnet." + attr, value)


class GraphWriter:
    """The observer: names the graphs after the script's variables and writes them."""

    def __init__(self, out_dir: str):
        self.out_dir = out_dir
        self.seen = {}
        self.count = 0
        self.files: List[str] = []
        self.graphviz_missing = False

    def __call__(self, heads, variables, joint, final, create_graph) -> None:
        from tapegraph.symbol import Symbol
        from tapegraph.symbol.graph.naming import caller_names, graph_names
        self.count += 1
        key = joint.structure()
        if key in self.seen:
            print("tapegraph trace: backward #%d has the graph of #%d"
                  % (self.count, self.seen[key]), file=sys.stderr)
            return
        self.seen[key] = self.count
        values = list(joint.inputs) + [v for n in joint.nodes for v in n.outputs]
        names = graph_names(joint, caller_names(values))
        n_forward = joint.meta.get("forward_nodes", 0)
        forward_outputs = [h._value for h in heads]
        from tapegraph.ir import Graph
        forward = Graph("forward", joint.inputs[:len(joint.inputs) - joint.meta.get(
            "num_head_inputs", 0)], joint.nodes[:n_forward], forward_outputs)
        np_mode = bool(getattr(type(heads[0]), "_bool_comparisons", False))
        wrt = variables if variables is not None else []
        labels = ["grad " + names.get(getattr(v, "_value", None), "input%d" % i)
                  for i, v in enumerate(wrt)] or None
        prefix = os.path.join(self.out_dir, "%03d_" % self.count)
        from tapegraph.passes import inline
        for kind, graph, out_labels in (("forward", forward, None),
                                        ("backward", joint, labels),
                                        ("backward_optimized", final, labels)):
            graph = inline(graph)  # users see recorded gradients as their operators
            sym = Symbol.from_graph(graph, names, np_mode, out_labels
                                    if out_labels and len(out_labels) == len(graph.outputs)
                                    else None)
            self.write(sym, prefix + kind)

    def write(self, sym, base: str) -> None:
        from tapegraph import viz
        from tapegraph.symbol import ExportError
        with open(base + ".ir", "w") as f:
            f.write(str(sym) + "\n")
        self.files.append(base + ".ir")
        try:
            sym.save(base + "-symbol.json")
            self.files.append(base + "-symbol.json")
        except ExportError as e:
            print("tapegraph trace: %s: no JSON: %s" % (base, e), file=sys.stderr)
        try:
            self.files.append(viz.render(viz.plot_graph(sym, title=os.path.basename(base)),
                                         base, "svg"))
        except viz.GraphvizMissing:
            self.graphviz_missing = True
            self.files.append(base + ".dot")


def trace(script: str, out_dir: str, args: List[str]) -> int:
    """Run `script` with `args`; returns its exit status (0 when it ends normally)."""
    from tapegraph.autodiff import engine
    from .commands import CliError
    if not os.path.isfile(script):
        raise CliError("no such script: %s" % script)
    os.makedirs(out_dir, exist_ok=True)
    alias_mxnet()
    writer = GraphWriter(out_dir)
    remove = engine.add_backward_observer(writer)
    saved_argv = sys.argv
    sys.argv = [script] + [a for a in args if a != "--"]
    status = 0
    try:
        with source_lines():  # nodes remember the script line that recorded them
            runpy.run_path(script, run_name="__main__")
    except SystemExit as e:
        status = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
    except Exception:  # the script's own error: show it, keep the graphs written so far
        import traceback
        traceback.print_exc()
        status = 1
    finally:
        sys.argv = saved_argv
        remove()
    if writer.graphviz_missing:
        from tapegraph import viz
        print("tapegraph trace: graphviz `dot` not found, wrote DOT source instead of SVG; "
              + viz.INSTALL_HINT, file=sys.stderr)
    print("tapegraph trace: %d backward(s), %d distinct graph(s), wrote %d files to %s"
          % (writer.count, len(writer.seen), len(writer.files), out_dir), file=sys.stderr)
    return status
