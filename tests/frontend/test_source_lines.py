"""Source-line provenance: off on the eager tape (nothing on the hot path) unless asked
for, always on in traces made once per signature (hybridize, transforms); every traced
node names the user line that recorded it, and its gradient nodes say so too."""
import os
import textwrap

import tapegraph as mx
from tapegraph import autograd
from tapegraph.cli import main
from tapegraph.trace.source import set_source_lines, source_lines

HERE = os.path.basename(__file__)


def _record():
    x = mx.nd.array([1.0, 2.0])
    x.attach_grad()
    with autograd.record():
        y = mx.nd.exp(x)  # line A
        z = (y * x).sum()  # line B
    return x, z


def test_off_by_default_no_meta():
    assert set_source_lines(False) is False
    _, z = _record()
    assert all(n.meta is None for n in autograd.get_symbol(z).graph.nodes)


def test_nodes_and_their_gradients_name_the_user_line():
    with source_lines():
        x, z = _record()
    lines = open(__file__).read().splitlines()
    line_a = next(i for i, t in enumerate(lines, 1) if t.endswith("# line A"))
    line_b = next(i for i, t in enumerate(lines, 1) if t.endswith("# line B"))
    graph = autograd.get_symbol(z).graph
    sources = {n.op: n.meta["source"] for n in graph.nodes}
    assert sources["exp"] == "%s:%d" % (HERE, line_a)
    assert sources["elemwise_mul"] == "%s:%d" % (HERE, line_b)
    assert "# at %s:%d" % (HERE, line_a) in str(graph)
    backward = str(autograd.backward_graph(z, [x], optimized=False).graph)
    assert "(at %s:%d)" % (HERE, line_a) in backward  # vjp of exp(...) (at ...)
    assert set_source_lines(False) is False  # the block restored the setting


def test_trace_cli_records_script_lines(tmp_path):
    script = tmp_path / "prog.py"
    script.write_text(textwrap.dedent("""\
        import mxnet as mx
        x = mx.nd.array([1.0, 2.0])
        x.attach_grad()
        with mx.autograd.record():
            y = mx.nd.tanh(x).sum()
        y.backward()
        """))
    out = tmp_path / "out"
    assert main(["trace", str(script), "--out", str(out)]) == 0
    text = (out / "001_forward.ir").read_text()
    assert "# at prog.py:5" in text


def test_environment_variable_turns_it_on():
    import subprocess
    import sys
    code = ("import tapegraph as mx\n"
            "from tapegraph.trace.source import ON\n"
            "x = mx.nd.array([1.0]); x.attach_grad()\n"
            "with mx.autograd.record():\n"
            "    y = mx.nd.exp(x)\n"
            "print(ON[0], y._value.node.meta['source'])\n")
    for value, want in (("1", "True <string>:5"), ("0", None), ("", None)):
        env = dict(os.environ, TAPEGRAPH_SOURCE_LINES=value)
        done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                              text=True)
        if want is None:
            assert "'NoneType' object is not subscriptable" in done.stderr
        else:
            assert done.stdout.strip() == want, done.stderr


def test_a_source_line_keeps_the_code_not_the_frame_and_formats_when_printed():
    from tapegraph.trace.source import SourceLine
    with source_lines():
        _, z = _record()
    graph = autograd.get_symbol(z).graph
    src = next(n.meta["source"] for n in graph.nodes if n.op == "exp")
    assert isinstance(src, SourceLine) and src.code is _record.__code__
    assert str(src) == "%s:%d" % (HERE, src.line) and src.filename == __file__
    # nodes recorded on the same line share one meta: a loop allocates nothing per node
    with source_lines():
        x = mx.nd.array([1.0, 2.0])
        x.attach_grad()
        with autograd.record():
            ys = [mx.nd.sin(x) for _ in range(3)]
    metas = {id(y._value.node.meta) for y in ys}
    assert len(metas) == 1


def _line(marker):
    return next(i for i, t in enumerate(open(__file__).read().splitlines(), 1)
                if t.endswith(marker))


class _Scaled(mx.gluon.HybridBlock):
    def hybrid_forward(self, F, x):
        y = F.sin(x)  # hybrid line 1
        return y * 2  # hybrid line 2


def test_traces_made_once_per_signature_always_keep_user_lines():
    """hybridize() and tapegraph.transforms trace once per signature (as jax.jit and
    make_jaxpr do), so their graphs keep the user's lines with the switch off."""
    from tapegraph import transforms
    assert set_source_lines(False) is False
    net = _Scaled()
    net.hybridize()
    net(mx.nd.array([1.0, 2.0]))
    sources = {n.op: str(n.meta["source"]) for n in net.forward_graph.nodes}
    assert sources == {"sin": "%s:%d" % (HERE, _line("# hybrid line 1")),
                       "_mul_scalar": "%s:%d" % (HERE, _line("# hybrid line 2"))}

    def f(x):
        return mx.nd.exp(x) * x  # traced by make_graph
    g = transforms.make_graph(f, mx.nd.array([1.0, 2.0]))
    at = "# at %s:%d" % (HERE, _line("# traced by make_graph"))
    assert str(g).count(at) == 2
    assert set_source_lines(False) is False  # the traces did not leave the switch on
    _, z = _record()  # and eager recording stays without lines
    assert all(n.meta is None for n in autograd.get_symbol(z).graph.nodes)


def test_region_nodes_keep_their_line_through_print_and_parse():
    from tapegraph import ir, transforms

    def f(x):
        return transforms.checkpoint(lambda a: mx.nd.tanh(a) * a)(x)  # region line
    g = transforms.make_graph(f, mx.nd.array([1.0, 2.0]))
    text = ir.print_graph(g)
    assert "}   # at %s:%d" % (HERE, _line("# region line")) in text
    assert ir.print_graph(ir.parse(text)) == text
