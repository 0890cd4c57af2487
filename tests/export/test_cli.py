"""The `tapegraph` command line: results on stdout or -o, messages on stderr, one-line
errors with exit status 1."""
import json
import os
import shutil
import textwrap

import pytest

from tapegraph.cli import main
from tapegraph.ir import parse

from .conftest import DATA

MLP = os.path.join(DATA, "mxnet", "symbols", "mlp_softmax-symbol.json")
HAVE_DOT = shutil.which("dot") is not None
IR = textwrap.dedent("""\
    graph f(%x: f32[3], %w: f32[3]) -> (f32[3]) {
      %0: f32[3] = elemwise_mul(%x, %w)
      %1: f32[3] = tanh(%0)
      %2: f32[3] = elemwise_add(%1, %1)
      return (%2)
    }
    """)


@pytest.fixture
def ir_file(tmp_path):
    path = tmp_path / "f.ir"
    path.write_text(IR)
    return str(path)


def test_show_text_json_and_dot(ir_file, capsys):
    assert main(["show", ir_file]) == 0
    out = capsys.readouterr().out
    assert parse(out) == parse(IR)
    assert main(["show", ir_file, "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["attrs"]["mxnet_version"] == ["int", 10901]
    assert main(["show", ir_file, "--format", "dot"]) == 0
    assert capsys.readouterr().out.startswith("digraph")


def test_show_backward_and_passes_of_mxnet_json(capsys):
    assert main(["show", MLP, "--shape", "data=2,5", "--backward", "--passes", "dce"]) == 0
    captured = capsys.readouterr()
    graph = parse(captured.out)
    assert [v.type.shape for v in graph.outputs][:2] == [(2, 5), (8, 5)]
    assert captured.err == ""


def test_opt_prints_ir_after_each_pass_to_stderr(ir_file, capsys):
    assert main(["opt", ir_file, "--passes", "cse,dce", "--print-ir-after-all",
                 "--verify"]) == 0
    captured = capsys.readouterr()
    assert "IR after cse" in captured.err and "IR after dce" in captured.err
    assert parse(captured.out).outputs[0].type.shape == (3,)


def test_bad_inputs_give_one_line_errors(tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text('{"nodes": [{"op": "NoSuchOp", "name": "a", "inputs": []}], "heads": '
                   '[[0, 0, 0]]}')
    assert main(["show", str(bad)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "node 0 ('a')" in err and "NoSuchOp" in err
    assert main(["show", str(tmp_path / "missing.ir")]) == 1
    assert "cannot read" in capsys.readouterr().err
    assert main(["opt", MLP, "--passes", "nosuchpass"]) == 1
    assert "unknown pass" in capsys.readouterr().err
    assert main(["show", MLP, "--backward"]) == 1  # differentiating needs types
    assert "give the shape of 'data'" in capsys.readouterr().err
    assert main(["show", MLP, "--format", "dot"]) == 0  # MXNet's look needs no shapes
    assert "FullyConnected\n8" in capsys.readouterr().out
    assert main(["show", MLP]) == 0  # without shapes the text is MXNet's debug_str
    assert "Op:FullyConnected, Name=fc1" in capsys.readouterr().out


def test_demo_prints_forward_backward_and_gradients(tmp_path, capsys):
    assert main(["demo", "--out", str(tmp_path)]) == 0
    captured = capsys.readouterr()
    out = captured.out
    assert "# forward IR" in out and "# backward IR derived by passes.grad" in out
    assert "# backward IR after the default pipeline" in out and "w1.grad =" in out
    assert "graph recorded(%data: f32[4,3], %w1: f32[5,3]" in out
    names = os.listdir(tmp_path)
    assert "forward-symbol.json" in names and "backward-symbol.json" in names
    assert ("backward.svg" in names) == HAVE_DOT and ("backward.dot" in names) != HAVE_DOT
    assert "wrote" in captured.err


SCRIPT = textwrap.dedent("""\
    import mxnet as mx
    from mxnet import autograd, nd
    w = nd.array([[0.5, -0.2], [0.1, 0.3]])
    w.attach_grad()
    x = nd.array([[1.0, 2.0], [3.0, 4.0]])
    for step in range(2):
        with autograd.record():
            loss = (nd.tanh(nd.dot(x, w)) ** 2).sum()
        loss.backward()
    print("ok", loss.shape)
    """)


def test_trace_runs_an_mxnet_script_and_writes_each_distinct_graph(tmp_path, capsys):
    script = tmp_path / "train.py"
    script.write_text(SCRIPT)
    out = tmp_path / "graphs"
    assert main(["trace", str(script), "--out", str(out)]) == 0
    captured = capsys.readouterr()
    assert "ok (1,)" in captured.out
    assert "backward #2 has the graph of #1" in captured.err
    files = sorted(os.listdir(out))
    assert "001_forward.ir" in files and "001_backward_optimized-symbol.json" in files
    assert not any(f.startswith("002_") for f in files)
    text = (out / "001_backward.ir").read_text()
    assert "%x" in text and "%w" in text
    assert main(["trace", str(tmp_path / "nope.py")]) == 1
