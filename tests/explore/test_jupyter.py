"""What a notebook shows: `ir.Graph` and `Symbol` as pictures (SVG), the IR text without
graphviz, and a `PassManager`'s history as HTML."""
import shutil
import textwrap

import pytest

import tapegraph as mx
from tapegraph.ir import parse
from tapegraph.passes import PassManager

HAVE_DOT = shutil.which("dot") is not None
SRC = textwrap.dedent("""\
    graph f(%x: f32[4], %unused: f32[2]) -> (f32[4]) {
      %0: f32[4] = tanh(%x)
      %1: f32[4] = tanh(%x)
      %2: f32[4] = elemwise_mul(%0, %1)
      %3: f32[4] = exp(%x)
      return (%2)
    }
    """)


@pytest.mark.skipif(not HAVE_DOT, reason="graphviz's dot program is not installed")
def test_graph_and_symbol_display_as_svg():
    g = parse(SRC)
    svg = g._repr_svg_()
    assert svg.startswith("<svg") and "tanh" in svg and "elemwise_mul" in svg
    assert g._repr_html_() is None                 # the picture is what Jupyter shows
    sym = mx.sym.Symbol.from_graph(g)
    assert sym._repr_svg_().lstrip().startswith(("<?xml", "<svg", "<!DOCTYPE"))
    assert "image/svg+xml" in sym._repr_mimebundle_()


def test_graph_without_graphviz_shows_its_ir_text(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    g = parse(SRC)
    assert g._repr_svg_() is None
    html = g._repr_html_()
    assert html.startswith("<pre>") and "elemwise_mul(%0, %1)" in html


def test_pass_manager_history_as_html():
    manager = PassManager(["cse", "dce", "fuse"])
    assert "not run yet" in manager._repr_html_()
    manager.run(parse(SRC))
    html = manager._repr_html_()
    assert "<table" in html and "<script" not in html
    for name in ("1. cse", "2. dce", "3. fuse"):
        assert name in html
    assert "+0 -1 ~1" in html                      # cse: one tanh dropped, the mul rewired
    assert "+0 -1 ~0" in html                      # dce: exp dropped
    assert "text-decoration:line-through" in html  # removed lines are shown struck out
    if HAVE_DOT:
        assert html.count("<svg") == 3
