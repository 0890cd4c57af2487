"""Pictures: unused inputs are not drawn loose, plot_network draws only IR nodes and its
labels fit their boxes (measured in Chromium), print_summary counts the parameters of
networks written with `dot`."""
import re
import shutil
import textwrap

import pytest

import tapegraph as mx
from tapegraph import autograd, viz
from tapegraph.ir import parse
from tapegraph.ir.dot import to_dot

from .browser import CHROMIUM, Browser

HAVE_DOT = shutil.which("dot") is not None


def drawn_nodes(source):
    """Names of the nodes a DOT text declares (not edges, not graph attributes)."""
    out = []
    for line in source.splitlines():
        m = re.match(r'\s*("?[\w.]+"?)\s*\[', line)
        if m and m.group(1) not in ("graph", "node", "edge"):
            out.append(m.group(1).strip('"'))
    return out


def test_unused_graph_inputs_are_not_drawn_loose():
    g = parse(textwrap.dedent("""\
        graph f(%x: f32[3], %w: f32[3], %spare: f32[2]) -> (f32[3]) {
          %0: f32[3] = elemwise_mul(%x, %x)
          return (%0)
        }
        """))
    src = to_dot(g)
    assert "spare" not in "".join(drawn_nodes(src)) and '"w\\n3"' not in src
    assert "(unused: w, spare)" in src.replace("\\n", " ")
    ovals = [line for line in src.splitlines() if 'shape="oval"' in line and "legend" not in line]
    assert len(ovals) == 1 and "x\\n3" in ovals[0]


def test_plot_network_draws_only_ir_nodes_and_skips_unused_variables():
    x = mx.nd.array([1.0, 2.0])
    x.attach_grad()
    with autograd.record():
        y = mx.nd.broadcast_to(x, shape=(3, 2)) * 2   # exported with a helper Reshape
    sym = autograd.get_symbol(y)
    doc_ops = [n["op"] for n in __import__("json").loads(sym.tojson())["nodes"]]
    assert "Reshape" in doc_ops                          # the JSON holds the helper
    dot = viz.plot_network(sym)
    names = drawn_nodes(dot.source)
    ir_ops = [n.op for n in sym.graph.nodes]
    assert len([n for n in names if n != "x"]) == len(ir_ops)
    assert "Reshape" not in dot.source and "reshape" not in " ".join(names)
    data, spare = mx.sym.var("data"), mx.sym.var("spare")
    group = mx.sym.Group([mx.sym.relu(data, name="r"), spare])
    assert "spare" in drawn_nodes(viz.plot_network(group).source)  # an output is drawn
    loaded = mx.sym.load_json(mx.sym.relu(data, name="r").tojson())
    assert drawn_nodes(viz.plot_network(loaded).source) == ["data", "r"]


def test_print_summary_counts_parameters_of_networks_written_with_dot(capsys):
    data, w1, b1 = mx.sym.var("data"), mx.sym.var("w1"), mx.sym.var("b1")
    net = mx.sym.relu(mx.sym.broadcast_add(mx.sym.dot(data, w1), b1))
    viz.print_summary(net, shape={"data": (4, 3), "w1": (3, 5), "b1": (5,)})
    out = capsys.readouterr().out
    assert "Total params: 20" in out                     # 3*5 weights + 5 biases
    assert re.search(r"dot\d+\(dot\)\s+4x5\s+15\s+data\b", out)
    x = mx.nd.array([[1, 2, 3]])
    w, b = mx.nd.ones((3, 2)), mx.nd.zeros((2,))
    w.attach_grad()
    b.attach_grad()
    with autograd.record():
        y = mx.nd.relu(mx.nd.broadcast_add(mx.nd.dot(x, w), b))
    viz.print_summary(autograd.get_symbol(y))
    assert "Total params: 8" in capsys.readouterr().out  # recorded: w (6) and b (2)
    shared = mx.sym.dot(mx.sym.dot(data, w1), mx.sym.var("w2"))
    viz.print_summary(shared, shape={"data": (4, 3), "w1": (3, 5), "w2": (5, 2)})
    assert "Total params: 25" in capsys.readouterr().out


@pytest.mark.skipif(CHROMIUM is None or not HAVE_DOT,
                    reason="needs chromium and graphviz's dot (apt-get install -y chromium "
                           "graphviz)")
def test_plot_network_labels_fit_their_boxes(tmp_path):
    data = mx.sym.var("data")
    net = mx.sym.FullyConnected(data, num_hidden=128, name="fc1")
    net = mx.sym.Activation(net, act_type="relu", name="relu1")
    net = mx.sym.Pooling(mx.sym.Reshape(net, shape=(-1, 2, 8, 8), name="rs"), kernel=(2, 2),
                         stride=(2, 2), pool_type="max", name="pool")
    net = mx.sym.sqrt(mx.sym.Flatten(net, name="flat") * 2, name="a_rather_long_layer_name")
    net = mx.sym.SoftmaxOutput(net, name="softmax")
    svg = viz.render_svg(viz.plot_network(net, shape={"data": (1, 100)}))
    page = tmp_path / "net.html"
    page.write_text("<!DOCTYPE html><html><body>%s</body></html>"
                    % svg[svg.index("<svg"):])
    browser = Browser()
    try:
        browser.open(page.as_uri())
        overflow = browser.eval("""(function () {
          var bad = [], nodes = document.querySelectorAll('g.node');
          for (var i = 0; i < nodes.length; i++) {
            var shape = nodes[i].querySelector('polygon, ellipse').getBBox();
            var texts = nodes[i].querySelectorAll('text');
            for (var j = 0; j < texts.length; j++) {
              var t = texts[j].getBBox();
              if (t.x < shape.x + 1 || t.x + t.width > shape.x + shape.width - 1 ||
                  t.y < shape.y || t.y + t.height > shape.y + shape.height)
                bad.push(texts[j].textContent);
            }
          }
          return [nodes.length, bad];
        })()""")
    finally:
        browser.close()
    count, bad = overflow
    assert count >= 8 and bad == []
