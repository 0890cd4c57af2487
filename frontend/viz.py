"""`mx.viz`: pictures of graphs with graphviz.

- `plot_network(symbol, title, save_format, shape, dtype, node_attrs, hide_weights)` has
  MXNet 1.9.1's signature, defaults, palette and edge convention (arrows point from an
  input up to its consumer) and returns a `graphviz.Digraph`; generic operators show
  their operator as well as their name, and backward nodes are told apart. A symbol
  holding backward or fused nodes is drawn with `plot_graph` (MXNet crashes there).
  Only the IR's nodes are drawn (not the helper nodes an export adds, nor inputs no
  output depends on), and a box is widened where its label would not fit.
- `plot_graph(symbol_or_graph, ...)` is the forward/backward view of the IR: forward and
  backward operators in two colour families, inputs and gradients marked, dotted links
  from each backward node to its forward node, shapes on every edge, fused groups as
  clusters (see `tapegraph.ir.dot`).
- `render(dot, path, format)` writes svg/png/pdf with the graphviz `dot` program; when it
  is missing, the DOT source is still written and the error says how to install it.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence

from .ir import Graph, MXNetError
from .ir.dot import BACKWARD_FILL, to_dot, is_backward
from .symbol import Symbol, load_json
from .symbol.graph.naming import op_base_name
from .symbol.graph.dag import topo_order

__all__ = ["GraphvizMissing", "plot_graph", "plot_network", "print_summary", "render",
           "render_svg"]

INSTALL_HINT = ("install graphviz's `dot` program: `apt-get install graphviz` (Debian/Ubuntu), "
                "`brew install graphviz` (macOS) or `conda install graphviz`")
_PALETTE = ("#8dd3c7", "#fb8072", "#ffffb3", "#bebada", "#80b1d3", "#fdb462", "#b3de69",
            "#fccde5")
_WEIGHT_SUFFIXES = ("_weight", "_bias", "_beta", "_gamma", "_moving_var", "_moving_mean",
                    "_running_var", "_running_mean")


class GraphvizMissing(MXNetError):
    """The graphviz `dot` program is not installed (the DOT source was still produced)."""


def _graphviz():
    try:
        import graphviz
    except ImportError:  # pragma: no cover - a declared dependency
        raise MXNetError("the `graphviz` Python package is needed: pip install graphviz") \
            from None
    return graphviz


def _symbol(obj: Any):
    if isinstance(obj, Symbol):
        return obj
    if isinstance(obj, Graph):
        return Symbol.from_graph(obj)
    raise MXNetError("plot: expected a Symbol or an ir.Graph, got %s" % type(obj).__name__)


def _has_backward_or_regions(sym) -> bool:
    if sym._graph is None:
        return False
    return any(is_backward(n) or n.region is not None for n in sym._graph.nodes)


def plot_graph(symbol: Any, title: Optional[str] = None, save_format: str = "svg",
               node_attrs: Optional[Dict[str, str]] = None, show_shapes: bool = True,
               legend: bool = True, output_labels: Optional[Sequence[str]] = None):
    """The forward/backward view of a Symbol or Graph, as a `graphviz.Source`."""
    sym = _symbol(symbol)
    graph = sym.graph
    names: Dict[Any, str] = {}
    nn = sym._node_names()
    names.update(nn.inputs)
    names.update(nn.nodes)
    labels = list(output_labels) if output_labels is not None else sym.output_labels()
    text = to_dot(graph, title=title or graph.name, names=names, output_labels=labels,
                  node_attrs=node_attrs, show_shapes=show_shapes, legend=legend)
    return _graphviz().Source(text, format=save_format)


def plot_network(symbol: Any, title: str = "plot", save_format: str = "pdf",
                 shape: Optional[Dict[str, Any]] = None, dtype: Optional[Dict[str, Any]] = None,
                 node_attrs: Optional[Dict[str, str]] = None, hide_weights: bool = True):
    """MXNet's `plot_network`: a `graphviz.Digraph` of the symbol (call `.render()` or
    `.view()` on it; nothing is written by this call). Backward and fused graphs are drawn
    with `plot_graph` instead, which returns a `graphviz.Source` with the same methods."""
    import json
    sym = _symbol(symbol)
    if _has_backward_or_regions(sym):
        return plot_graph(sym, title=title, save_format=save_format, node_attrs=node_attrs)
    graphviz = _graphviz()
    doc = json.loads(sym.tojson())
    nodes = doc["nodes"]
    shape_dict = _shapes(sym, shape, dtype)
    attrs_default = {"shape": "box", "fixedsize": "true", "width": "1.3", "height": "0.8034",
                     "style": "filled"}
    attrs_default.update(node_attrs or {})
    dot = graphviz.Digraph(name=title, format=save_format)
    hidden = set()
    names = [n["name"] for n in nodes]
    if len(set(names)) != len(names):
        import warnings
        warnings.warn("plot_network: repeated node names; the picture may show cycles")
    ir_inputs = [_ir_inputs(node) for node in nodes]
    shown = _reachable(ir_inputs, [h[0] for h in doc.get("heads", [])])
    for k, node in enumerate(nodes):
        op, name = node["op"], node["name"]
        if k not in shown:  # a lowering's helper, or an input nothing uses
            continue
        attr = dict(attrs_default)
        if op == "null":
            if name.endswith(_WEIGHT_SUFFIXES):
                if hide_weights:
                    hidden.add(name)
                continue
            attr.update(shape="oval", fillcolor=_PALETTE[0])
            label = name
        else:
            label, attr["fillcolor"] = _op_look(node)
        dot.node(name=name, label=label, **_fitted(label, attr))
    for k, node in enumerate(nodes):
        if node["op"] == "null" or k not in shown:
            continue
        for item in ir_inputs[k]:
            src = nodes[item[0]]
            if src["name"] in hidden:
                continue
            attr = {"dir": "back", "arrowtail": "open", "label": ""}
            key = src["name"] if src["op"] == "null" else _output_key(src, item[1], nodes)
            if key in shape_dict:
                attr["label"] = shape_dict[key]
            dot.edge(tail_name=node["name"], head_name=src["name"], **attr)
    return dot


def _ir_inputs(node: Dict[str, Any]) -> List[List[int]]:
    """The inputs of the IR node `node` was exported from: `__tg_args__` when a lowering
    fed it helper nodes that are not in the IR, else its MXNet inputs."""
    import json
    args = node.get("attrs", {}).get("__tg_args__")
    if args:
        try:
            return [list(e[:2]) for e in json.loads(args)]
        except (ValueError, TypeError):
            pass
    return [list(e[:2]) for e in node.get("inputs", [])]


def _reachable(inputs: List[List[List[int]]], heads: List[int]) -> set:
    """Indices of the nodes the heads depend on (iteratively, through IR inputs)."""
    seen, stack = set(), list(heads)
    while stack:
        k = stack.pop()
        if k in seen or not 0 <= k < len(inputs):
            continue
        seen.add(k)
        stack.extend(e[0] for e in inputs[k])
    return seen


def _fitted(label: str, attr: Dict[str, str]) -> Dict[str, str]:
    """`attr` with a fixed-size box widened (or heightened) so `label` fits inside it:
    MXNet's 1.3 x 0.8 inch boxes stay for labels that fit, which most do."""
    if str(attr.get("fixedsize", "")).lower() != "true":
        return attr
    lines = label.split("\n")
    size = float(attr.get("fontsize", 14))
    # Times (graphviz's default font) averages ~0.5 em per character; 0.55 keeps a margin,
    # and an oval needs more room than a box around the same text.
    need_w = max(len(line) for line in lines) * size * 0.55 / 72 + 0.3
    if attr.get("shape") == "oval":
        need_w *= 1.15
    need_h = len(lines) * size * 1.25 / 72 + 0.25
    out = dict(attr)
    if need_w > float(attr.get("width", 0.75)):
        out["width"] = "%.2f" % need_w
    if need_h > float(attr.get("height", 0.5)):
        out["height"] = "%.2f" % need_h
    return out


def _output_key(node: Dict[str, Any], index: int, nodes) -> str:
    return node["name"] + "_output"


def _shapes(sym, shape, dtype) -> Dict[str, str]:
    """Edge labels by output name: MXNet's (batch dim dropped) when `shape` is given,
    else the full shapes a typed graph knows."""
    try:
        mirror = load_json(sym.tojson())
        internals = mirror.get_internals()
        _, out_shapes, _ = internals.infer_shape(**(shape or {}))
        _, out_types, _ = internals.infer_type(**(dtype or {})) if dtype else (None, None, None)
    except MXNetError:
        return {}
    if out_shapes is None:
        return {}
    labels = {}
    for k, (name, s) in enumerate(zip(internals.list_outputs(), out_shapes)):
        dims = s[1:] if shape else s
        text = "x".join(str(d) for d in dims) or ("" if shape else "scalar")
        if out_types is not None:
            text += "(%s)" % out_types[k].__name__
        labels[name] = text
    return labels


def _dims(attrs: Dict[str, Any], key: str, absent: str) -> str:
    """An MXNet tuple attribute `(3, 3)` as plot_network writes it, `3x3`; `absent` if unset."""
    if key not in attrs:
        return absent
    return "x".join(attrs[key].strip("()[]").replace(" ", "").split(","))


def _op_look(node: Dict[str, Any]):
    """(label, fill colour) as MXNet draws the operator; generic ops show the op too."""
    op, name, a = node["op"], node["name"], node.get("attrs", {})
    if op == "Convolution":
        return ("Convolution\n%s/%s, %s" % (_dims(a, "kernel", "[]"), _dims(a, "stride", "1"),
                                             a.get("num_filter")), _PALETTE[1])
    if op == "FullyConnected":
        return "FullyConnected\n%s" % a.get("num_hidden"), _PALETTE[1]
    if op == "BatchNorm":
        return name, _PALETTE[3]
    if op in ("Activation", "LeakyReLU"):
        return "%s\n%s" % (op, a.get("act_type", "Leaky")), _PALETTE[2]
    if op == "Pooling":
        return ("Pooling\n%s, %s/%s" % (a.get("pool_type", "max"), _dims(a, "kernel", "[]"),
                                         _dims(a, "stride", "1")), _PALETTE[4])
    if op in ("Concat", "Flatten", "Reshape"):
        return name, _PALETTE[5]
    if op == "Softmax":  # MXNet colours only its legacy `Softmax` operator green
        return name, _PALETTE[6]
    if op == "Custom":
        return a.get("op_type", name), _PALETTE[7]
    short = op_base_name(a.get("__tg_op__", op))
    label = short + (" %s" % a["scalar"] if "scalar" in a else "")
    if not name.startswith(short):  # a user's name (`hidden`) or a lowering's helper
        label += "\n" + name
    fill = BACKWARD_FILL if "__tg_vjp_of__" in a else _PALETTE[7]
    return label, fill


# Layers whose non-data variable operands are weights, and additions whose variable operand
# added to such a layer's output is a bias: how networks written with `dot` are counted.
_LINEAR = {"dot", "batch_dot", "linalg_gemm2", "_linalg_gemm2", "_np_dot", "_npi_matmul",
           "_npi_dot", "FullyConnected", "Convolution", "Deconvolution", "Embedding"}
_ADD = {"elemwise_add", "broadcast_add", "broadcast_plus", "_plus", "_Plus", "_npi_add"}
_SHAPE_ONLY = {"broadcast_to", "Reshape", "expand_dims", "reshape", "_npx_reshape"}


def _op_name(node) -> str:
    return str(node.tg.get("__tg_op__") or node.op) if node.tg else str(node.op)


def _through_shape(src):
    """The variable `src` is, or is reshaped/broadcast from (a recorded bias), else None."""
    for _ in range(8):
        if src.is_variable:
            return src
        if _op_name(src) not in _SHAPE_ONLY or not src.inputs:
            return None
        src = src.inputs[0][0]
    return None


def _parameters(order) -> Dict[int, list]:
    """Per operator node (by id), the variables that are its parameters: names with a
    weight suffix (`fc1_weight`, MXNet's convention), the weight operands of a linear
    layer (`dot(data, w)`: every variable operand but the data one) and a variable added
    to a linear layer's output (`broadcast_add(dot(data, w), b)`: the bias)."""
    out: Dict[int, list] = {}
    for node in order:
        if node.is_variable:
            continue
        srcs = [src for src, _ in node.inputs]
        mine = [s for s in srcs if s.is_variable and s.name.endswith(_WEIGHT_SUFFIXES)]
        op = _op_name(node)
        if op in _LINEAR and srcs:
            data = 1 if (srcs[0].is_variable and len(srcs) > 1
                         and not srcs[1].is_variable) else 0
            mine += [s for k, s in enumerate(srcs) if k != data and s.is_variable]
        elif op in _ADD and len(srcs) == 2:
            for a, b in (srcs, srcs[::-1]):
                b = _through_shape(b)
                if b is not None and not a.is_variable and _op_name(a) in _LINEAR:
                    mine.append(b)
        seen = set()
        out[id(node)] = [s for s in mine if not (s.name in seen or seen.add(s.name))]
    return out


def render(dot, path: str, save_format: Optional[str] = None) -> str:
    """Write `dot` (a Digraph or Source) to `path` + extension; returns the file written.

    `save_format` "dot" writes the DOT source. Without the graphviz `dot` program the
    DOT source is written next to `path` and GraphvizMissing says how to install it.
    """
    graphviz = _graphviz()
    fmt = save_format or getattr(dot, "format", None) or "svg"
    base = path[:-len(fmt) - 1] if path.endswith("." + fmt) else path
    if fmt in ("dot", "gv"):
        with open(base + "." + fmt, "w") as f:
            f.write(dot.source)
        return base + "." + fmt
    try:
        data = dot.pipe(format=fmt, quiet=True)
    except graphviz.ExecutableNotFound:
        with open(base + ".dot", "w") as f:
            f.write(dot.source)
        raise GraphvizMissing("cannot render %s: %s. The DOT source was written to %s.dot"
                              % (fmt, INSTALL_HINT, base)) from None
    with open(base + "." + fmt, "wb") as f:
        f.write(data)
    return base + "." + fmt


def render_svg(dot) -> Optional[str]:
    """SVG text of `dot`, or None when the graphviz `dot` program is missing."""
    graphviz = _graphviz()
    try:
        return dot.pipe(format="svg", quiet=True).decode("utf-8")
    except graphviz.ExecutableNotFound:
        return None


def print_summary(symbol: Any, shape: Optional[Dict[str, Any]] = None,
                  line_length: int = 120, positions=(.44, .64, .74, 1.)) -> None:
    """A Keras-style table of the layers: name (type), output shape, parameters, inputs."""
    import numpy as np
    sym = _symbol(symbol)
    internals = sym.get_internals()
    _, out_shapes, _ = internals.infer_shape(**(shape or {}))
    shapes = dict(zip(internals.list_outputs(), out_shapes or []))
    cols = [int(line_length * p) for p in positions]
    header = ["Layer (type)", "Output Shape", "Param #", "Previous Layer"]

    def row(fields):
        line = ""
        for text, end in zip(fields, cols):
            line = (line + str(text))[:end].ljust(end)
        print(line)

    print("_" * line_length)
    row(header)
    print("=" * line_length)
    total = 0
    order = topo_order(sym._dag())
    params_of = _parameters(order)
    counted = set()
    for node in order:
        if node.is_variable:
            continue
        mine = params_of.get(id(node), [])
        params = sum(int(np.prod(shapes.get(src.name, ()))) for src in mine)
        total += sum(int(np.prod(shapes.get(src.name, ()))) for src in mine
                     if src.name not in counted)
        counted.update(src.name for src in mine)
        names = {src.name for src in mine}
        prev = ", ".join(src.name for src, _ in node.inputs if src.name not in names)
        out = shapes.get(node.name + "_output", shapes.get(node.name + "_output0", ""))
        row(["%s(%s)" % (node.name, node.op), "x".join(map(str, out)), params, prev])
        print("_" * line_length)
    print("Total params: %d" % total)
    print("_" * line_length)
