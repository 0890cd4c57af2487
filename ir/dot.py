"""Graphviz DOT text for a graph, telling forward from backward.

- forward operators are warm boxes, backward operators (`meta["vjp_of"]`, head and zero
  gradients) cool boxes; inputs are ovals, outputs double-bordered;
- a dotted edge links the forward node to the first backward node derived from it when
  that node is in the graph; otherwise the backward node's label names it (`∂ tanh0`);
- edges carry the shape of the value (`3x4`, `f64 3x4` for non-float32);
- a node holding a region (a `fused` group) is a dashed cluster of its region's nodes;
- inputs no node reads and no output returns are not drawn as loose ovals: the title
  names them (`unused: w`);
- `decorate(node_or_input_value)` may add DOT attributes (an `id`, a highlight) to the
  box of a node, a region's cluster or an input.

Produces text only; rendering needs the graphviz `dot` program (see tapegraph.viz).
Iterative, ordered, deterministic.
"""
from __future__ import annotations

from typing import Callable, Dict, List, Optional, Sequence, Tuple

from .graph import Graph, Node, Value
from .printer import format_attr, printed_attrs

FORWARD_FILL = "#fccde5"
BACKWARD_FILL = "#bde0f6"
INPUT_FILL = "#8dd3c7"
OUTPUT_FILL = "#ffffb3"
GRAD_OUTPUT_FILL = "#b3de69"
# MXNet's plot_network palette for the operators it colours specially.
OP_FILLS = {"FullyConnected": "#fb8072", "Convolution": "#fb8072", "BatchNorm": "#bebada",
            "Activation": "#ffffb3", "LeakyReLU": "#ffffb3", "Pooling": "#80b1d3",
            "Concat": "#fdb462", "Flatten": "#fdb462", "Reshape": "#fdb462",
            "softmax": "#b3de69", "SoftmaxOutput": "#b3de69"}


Decorate = Callable[[object], Optional[Dict[str, str]]]


def is_backward(node: Node) -> bool:
    """Whether the gradient pass created `node` (a vjp, a head or a zero gradient)."""
    meta = node.meta
    if not meta:
        return False
    if any(k in meta for k in ("vjp_of", "head_grad_of", "zero_grad_of")):
        return True
    return str(meta.get("origin", "")).startswith("vjp of")  # parsed from IR text


def shape_label(v: Value) -> str:
    """`3x4` (MXNet's edge label), prefixed by the dtype when it is not float32."""
    text = "x".join(str(s) for s in v.type.shape) or "scalar"
    return text if v.type.dtype == "float32" else "%s %s" % (v.type.dtype, text)


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _attrs(d: Dict[str, str]) -> str:
    return "[" + " ".join("%s=%s" % (k, _quote(v)) for k, v in d.items()) + "]"


def _node_label(node: Node, name: Optional[str], forward_name: Optional[str]) -> str:
    lines = [node.op]
    attrs = printed_attrs(node)
    shown = ", ".join("%s=%s" % (k, format_attr(v)) for k, v in list(attrs.items())[:3])
    if shown:
        lines.append(shown if len(shown) <= 40 else shown[:37] + "...")
    if name and not _says_op(name, node.op):
        lines.append(name)
    if forward_name:
        lines.append("\u2202 " + forward_name)
    return "\n".join(lines)


def _says_op(name: str, op: str) -> bool:
    """Whether a generated name (`div0`, `bwd_mul1`) only repeats the operator."""
    stem = name.rstrip("0123456789")
    if stem.startswith("bwd_"):
        stem = stem[4:]
    return bool(stem) and op.lower().endswith(stem.lower())


class _DotWriter:
    def __init__(self, names: Dict[object, str], node_attrs: Dict[str, str],
                 show_shapes: bool, decorate: Optional[Decorate] = None):
        self.names = names
        self.decorate = decorate
        self.node_attrs = node_attrs
        self.show_shapes = show_shapes
        self.lines: List[str] = []
        self.edges: List[str] = []
        self.ids: Dict[object, str] = {}
        self.producer: Dict[Value, str] = {}
        self.linked: set = set()
        self.clusters = 0

    def new_id(self, obj: object, prefix: str) -> str:
        ident = "%s%d" % (prefix, len(self.ids))
        self.ids[obj] = ident
        return ident

    def box(self, ident: str, label: str, fill: str, indent: str, shape: str = "box",
            extra: Optional[Dict[str, str]] = None, obj: object = None) -> None:
        attrs = {"label": label, "shape": shape, "style": "filled", "fillcolor": fill}
        attrs.update(self.node_attrs)
        attrs.update(extra or {})
        if obj is not None and self.decorate is not None:
            attrs.update(self.decorate(obj) or {})
        self.lines.append("%s%s %s" % (indent, ident, _attrs(attrs)))

    def edge(self, src: str, dst: str, v: Optional[Value], indent: str,
             extra: Optional[Dict[str, str]] = None) -> None:
        attrs = {}
        if v is not None and self.show_shapes:
            attrs["label"] = shape_label(v)
        attrs.update(extra or {})
        # Edges go at the top level: an edge written inside a cluster would pull its
        # endpoints into that cluster.
        self.edges.append("  %s -> %s%s" % (src, dst, " " + _attrs(attrs) if attrs else ""))

    def body(self, graph: Graph, indent: str, env: Dict[Value, str]) -> None:
        """Nodes and data edges of `graph`; `env` maps values to the DOT ids producing them."""
        in_graph = set(graph.nodes)
        for node in graph.nodes:
            if node.region is not None:
                self.cluster(node, indent, env)
                continue
            ident = self.new_id(node, "n")
            src = (node.meta or {}).get("vjp_of")
            backward = is_backward(node)
            forward_name = None
            if src is not None and src not in in_graph:
                hint = src.outputs[0].hint if src.outputs else None
                forward_name = self.names.get(src) or hint or src.op
            origin = str((node.meta or {}).get("origin", ""))
            if src is None and origin.startswith("vjp of %"):  # reloaded from a file
                forward_name = origin[len("vjp of %"):].split(" ")[0]
            fill = BACKWARD_FILL if backward else OP_FILLS.get(node.op, FORWARD_FILL)
            self.box(ident, _node_label(node, self.names.get(node), forward_name), fill, indent,
                     extra={"penwidth": "2"} if backward else None, obj=node)
            for v in node.inputs:
                if v in env:
                    self.edge(env[v], ident, v, indent)
            for v in node.outputs:
                env[v] = ident
            if src is not None and src in in_graph and src in self.ids \
                    and src not in self.linked:
                self.linked.add(src)  # one link per forward node keeps the picture legible
                self.edge(self.ids[src], ident, None, indent,
                          {"style": "dotted", "color": "#4a90d9", "constraint": "false",
                           "arrowhead": "none", "tooltip": "vjp of"})

    def cluster(self, node: Node, indent: str, env: Dict[Value, str]) -> None:
        k = self.clusters
        self.clusters += 1
        self.ids[node] = "cluster_%d" % k
        region = node.region
        assert region is not None
        label = "%s (%d ops)" % (node.op, len(region.nodes))
        self.lines.append("%ssubgraph cluster_%d {" % (indent, k))
        inner = indent + "  "
        self.lines.append('%slabel=%s style="dashed,rounded" color="#888888"'
                          % (inner, _quote(label)))
        for key, value in ((self.decorate(node) or {}) if self.decorate else {}).items():
            self.lines.append("%s%s=%s" % (inner, key, _quote(value)))
        inner_env: Dict[Value, str] = {}
        for outer, v in zip(node.inputs, region.inputs):
            if outer in env:
                inner_env[v] = env[outer]
        self.body(region, inner, inner_env)
        self.lines.append(indent + "}")
        for outer, v in zip(node.outputs, region.outputs):
            if v in inner_env:
                env[outer] = inner_env[v]


def to_dot(graph: Graph, title: Optional[str] = None,
           names: Optional[Dict[object, str]] = None,
           output_labels: Optional[Sequence[str]] = None,
           node_attrs: Optional[Dict[str, str]] = None, show_shapes: bool = True,
           rankdir: str = "BT", legend: bool = True,
           decorate: Optional[Decorate] = None) -> str:
    """DOT source for `graph`. `names` maps Values (inputs) and Nodes to display names;
    `output_labels` labels the outputs (e.g. `grad x`); `decorate` adds DOT attributes
    per node, region cluster or input value."""
    names = dict(names or {})
    for v in graph.inputs:
        if v not in names and v.hint:
            names[v] = v.hint
    w = _DotWriter(names, dict(node_attrs or {}), show_shapes, decorate)
    used = set(graph.outputs)
    for n in graph.nodes:
        used.update(n.inputs)
    unused = [names.get(v, "in%d" % i) for i, v in enumerate(graph.inputs) if v not in used]
    heading = title or graph.name
    if unused:
        shown = ", ".join(unused[:6]) + (", ..." if len(unused) > 6 else "")
        heading += "\n(unused: %s)" % shown
    w.lines.append("digraph %s {" % _quote(title or graph.name))
    w.lines.append('  graph [rankdir=%s fontname="Helvetica" label=%s labelloc=t]'
                   % (rankdir, _quote(heading)))
    w.lines.append('  node [fontname="Helvetica" fontsize=11]')
    w.lines.append('  edge [fontname="Helvetica" fontsize=9 color="#555555"]')
    env: Dict[Value, str] = {}
    for i, v in enumerate(graph.inputs):
        if v not in used:
            continue
        ident = w.new_id(v, "in")
        w.box(ident, "%s\n%s" % (names.get(v, "in%d" % i), shape_label(v)), INPUT_FILL, "  ",
              shape="oval", obj=v)
        env[v] = ident
    if env:
        w.lines.append("  {rank=min; %s}" % " ".join(env.values()))
    w.body(graph, "  ", env)
    has_backward = any(is_backward(n) for n in _all_nodes(graph))
    labels = list(output_labels or [])
    for i, v in enumerate(graph.outputs):
        ident = "out%d" % i
        label = labels[i] if i < len(labels) else "output %d" % i
        fill = GRAD_OUTPUT_FILL if label.startswith("grad") else OUTPUT_FILL
        w.box(ident, label, fill, "  ", shape="box", extra={"peripheries": "2",
                                                            "style": "filled,rounded"})
        if v in env:
            w.edge(env[v], ident, v, "  ")
    if graph.outputs:
        w.lines.append("  {rank=max; %s}" % " ".join("out%d" % i
                                                    for i in range(len(graph.outputs))))
    w.lines.extend(w.edges)
    if legend:
        w.lines.extend(_legend(has_backward))
    w.lines.append("}")
    return "\n".join(w.lines) + "\n"


def _all_nodes(graph: Graph):
    stack = [graph]
    while stack:
        g = stack.pop()
        for n in g.nodes:
            yield n
            if n.region is not None:
                stack.append(n.region)


def _legend(has_backward: bool) -> List[str]:
    items: List[Tuple[str, str, str]] = [("input", INPUT_FILL, "oval"),
                                         ("forward op", FORWARD_FILL, "box")]
    if has_backward:
        items.append(("backward op", BACKWARD_FILL, "box"))
        items.append(("gradient", GRAD_OUTPUT_FILL, "box"))
    lines = ["  subgraph cluster_legend {", '    label="legend" style=dotted fontsize=9']
    for k, (label, fill, shape) in enumerate(items):
        lines.append("    legend%d %s" % (k, _attrs({"label": label, "fillcolor": fill,
                                                     "style": "filled", "shape": shape,
                                                     "fontsize": "9"})))
    for k in range(len(items) - 1):
        lines.append("    legend%d -> legend%d [style=invis]" % (k, k + 1))
    lines.append("  }")
    return lines


def render_svg(dot: str, timeout: float = 60.0) -> Optional[str]:
    """SVG text of DOT source `dot` (without the XML prolog), or None when graphviz's
    `dot` program is not installed. Runs `dot -Tsvg` in a subprocess."""
    import shutil
    import subprocess
    exe = shutil.which("dot")
    if exe is None:
        return None
    done = subprocess.run([exe, "-Tsvg"], input=dot.encode("utf-8"), capture_output=True,
                          timeout=timeout, check=False)
    if done.returncode != 0:
        raise RuntimeError("graphviz dot failed: %s" % done.stderr.decode("utf-8", "replace")
                           .strip())
    svg = done.stdout.decode("utf-8")
    start = svg.find("<svg")
    return svg[start:] if start >= 0 else svg
