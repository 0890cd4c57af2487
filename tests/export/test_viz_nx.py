"""Pictures (DOT text, MXNet's plot_network look) and networkx export."""
import shutil

import pytest

import tapegraph as mx
from tapegraph import autograd, viz
from tapegraph.ir import Builder, Graph, TensorType, Value
from tapegraph.ir.dot import to_dot
from tapegraph.ir.nx import to_networkx

from .conftest import DATA

HAVE_DOT = shutil.which("dot") is not None


def step():
    x = mx.nd.array([[1.0, -2.0], [0.5, 3.0]])
    w = mx.nd.array([[0.2, 0.1], [-0.3, 0.4]])
    x.attach_grad()
    w.attach_grad()
    with autograd.record():
        hidden = mx.nd.tanh(mx.nd.dot(x, w))
        loss = (hidden * hidden).sum()
    return x, w, hidden, loss


def test_backward_view_tells_forward_from_backward_and_links_them():
    x, w, hidden, loss = step()
    sym = autograd.backward_graph(loss, [x, w], optimized=False)
    dot = viz.plot_graph(sym).source
    assert "#bde0f6" in dot and "#fccde5" in dot          # both colour families
    assert 'style="dotted"' in dot                         # vjp links
    assert '"grad x"' in dot and '"grad w"' in dot         # gradients marked
    assert 'label="2x2"' in dot                            # shapes on edges
    assert "legend" in dot


def test_optimized_view_draws_fused_groups_as_clusters_and_names_forward_values():
    x, w, hidden, loss = step()
    sym = autograd.backward_graph(loss, [x, w])  # default pipeline: fuses
    dot = viz.plot_graph(sym).source
    if any(n.region is not None for n in sym.graph.nodes):
        assert "subgraph cluster_0" in dot and "fused (" in dot
    assert "\u2202 " in dot                                # backward node names its forward
    assert "hidden" in dot


def test_plot_network_has_mxnets_signature_and_look():
    sym = mx.sym.load(DATA + "/mxnet/symbols/conv_pool_fc-symbol.json")
    dot = viz.plot_network(sym, title="net", save_format="png", shape={"data": (1, 1, 4, 4)},
                           node_attrs={"fixedsize": "false"}, hide_weights=True)
    src = dot.source
    assert dot.format == "png" and "digraph net" in src
    assert "Convolution\n3x3/1, 2" in src and "#fb8072" in src  # no stride: MXNet writes 1
    assert "Pooling\nmax, 2x2/2x2" in src
    assert "conv_weight" not in src                        # hidden weights
    assert "arrowtail=open" in src and "dir=back" in src
    assert 'label="2x4x4"' in src                          # batch dim dropped, as MXNet
    shown = viz.plot_network(sym, hide_weights=False).source
    assert "conv_weight" in shown


def test_plot_network_of_a_gradient_graph_does_not_crash():
    x, w, hidden, loss = step()
    with autograd.record():
        loss2 = (mx.nd.tanh(mx.nd.dot(x, w)) ** 2).sum()
        g = autograd.grad(loss2, [w], create_graph=True)[0]
    dot = viz.plot_network(autograd.get_symbol(g))
    assert "digraph" in dot.source
    dot = viz.plot_network(autograd.backward_graph(loss, [w]))
    assert "#bde0f6" in dot.source


def test_missing_dot_program_still_writes_dot_source(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # no `dot` on PATH
    sym = mx.sym.load(DATA + "/mxnet/symbols/poly-symbol.json")
    with pytest.raises(viz.GraphvizMissing, match="apt-get install graphviz"):
        viz.render(viz.plot_network(sym), str(tmp_path / "poly"), "svg")
    assert (tmp_path / "poly.dot").read_text().startswith("digraph")
    assert viz.render_svg(viz.plot_network(sym)) is None


@pytest.mark.skipif(not HAVE_DOT, reason="graphviz `dot` is not installed")
def test_render_and_jupyter_display(tmp_path):
    x, w, hidden, loss = step()
    sym = autograd.backward_graph(loss, [x, w])
    path = viz.render(viz.plot_graph(sym), str(tmp_path / "bwd"), "svg")
    assert open(path).read().lstrip().startswith("<?xml")
    assert "<svg" in sym._repr_svg_()
    bundle = sym._repr_mimebundle_()
    assert "image/svg+xml" in bundle and bundle["text/plain"].startswith("<Symbol")


def test_networkx_carries_ops_attrs_shapes_and_provenance():
    x, w, hidden, loss = step()
    sym = autograd.backward_graph(loss, [x, w], optimized=False)
    g = to_networkx(sym.graph)
    ops = [d["op"] for _, d in g.nodes(data=True) if d["kind"] == "op"]
    assert ops[0] == "dot" and "tanh" in ops
    backward = [n for n, d in g.nodes(data=True) if d.get("backward")]
    assert backward and all(g.nodes[n]["kind"] == "op" for n in backward)
    linked = [g.nodes[n]["vjp_of"] for n in backward if g.nodes[n]["vjp_of"]]
    assert all(g.nodes[f]["op"] is not None and not g.nodes[f]["backward"] for f in linked)
    u, v, data = next(iter(g.edges(data=True)))
    assert data["shape"] == (2, 2) and data["dtype"] == "float32"
    import networkx as nx
    assert nx.is_directed_acyclic_graph(g)
    assert g.nodes["in:0"]["label"] == "x"
    assert sym.to_networkx().number_of_nodes() == g.number_of_nodes()
    assert sym.to_dot().startswith("digraph")


def test_multigraph_keeps_parallel_uses():
    t = TensorType.get((3,), "float32")
    x = Value(t, "x")
    b = Builder()
    y = b.op("elemwise_mul", x, x)
    g = to_networkx(b.graph("sq", [x], [y]), multigraph=True)
    assert g.number_of_edges("in:0", "n:0") == 2


def test_dot_of_a_region_graph_is_a_cluster():
    t = TensorType.get((2,), "float32")
    x = Value(t, "x")
    b = Builder()
    y = b.op("exp", b.op("negative", x))
    region = b.graph("region", [x], [y])
    from tapegraph.ir import Node
    outer_x = Value(t, "x")
    out = Value(t)
    fused = Node("fused", [outer_x], [out], {}, region)
    text = to_dot(Graph("g", [outer_x], [fused], [out]))
    assert "subgraph cluster_0" in text and "fused (2 ops)" in text
    cluster = text[text.index("subgraph cluster_0"):]
    cluster = cluster[:cluster.index("\n  }")]
    assert "->" not in cluster  # an edge inside a cluster would pull its endpoints in


def test_print_summary_counts_parameters_like_mxnet(capsys):
    sym = mx.sym.load(DATA + "/mxnet/symbols/conv_pool_fc-symbol.json")
    viz.print_summary(sym, shape={"data": (1, 1, 4, 4)})
    out = capsys.readouterr().out
    assert "conv(Convolution)" in out and "1x2x4x4" in out
    assert "Total params: 47" in out  # 2*1*3*3+2 + 3*8+3
