"""`tapegraph opt`: pass options in the pipeline text, user passes loaded from a file,
standard input, and malformed input reported as a parse error before any pass runs."""
import io
import textwrap

import numpy as np
import pytest

from tapegraph.cli import main
from tapegraph.ir import MXNetError, parse
from tapegraph.passes import parse_pipeline
from tapegraph.runtime import execute

IR = textwrap.dedent("""\
    graph f(%x: f32[3], %w: f32[3]) -> (f32[3]) {
      %0: f32[3] = elemwise_mul(%x, %w)
      %1: f32[3] = exp(%0)
      return (%1)
    }
    """)


def test_pipeline_options_are_literals_checked_against_the_pass():
    assert parse_pipeline("grad{wrt=[1], head_grads=['input']}, dce") == [
        ("grad", {"wrt": [1], "head_grads": ["input"]}), ("dce", {})]
    with pytest.raises(MXNetError, match="pass 'grad' has no option 'wrtt'"):
        parse_pipeline("grad{wrtt=[1]}")
    with pytest.raises(MXNetError, match="bad options for pass 'grad'"):
        parse_pipeline("grad{wrt=__import__('os')}")
    with pytest.raises(MXNetError, match="unknown pass 'nope'"):
        parse_pipeline("dce,nope{a=1}")


def test_opt_with_options_differentiates_toward_the_chosen_input(tmp_path, capsys):
    path = tmp_path / "f.ir"
    path.write_text(IR)
    assert main(["opt", str(path), "--passes", "grad{wrt=[1]},simplify,dce"]) == 0
    graph = parse(capsys.readouterr().out)
    x, w = np.array([0.5, 1.0, 2.0], "float32"), np.array([1.5, -1.0, 0.25], "float32")
    (dw,) = execute(graph, [x, w])
    np.testing.assert_allclose(dw, np.exp(x * w) * x, rtol=1e-6)


def test_opt_reads_standard_input(monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO(IR))
    assert main(["opt", "-", "--passes", "dce"]) == 0
    assert parse(capsys.readouterr().out) == parse(IR)


def test_load_pass_registers_a_user_pass(tmp_path, capsys):
    plugin = tmp_path / "my_passes.py"
    plugin.write_text(textwrap.dedent("""\
        from tapegraph.passes import Pat, RuleSet, register_pass, rewrite
        from tapegraph.passes.patterns import X

        RULES = RuleSet().add(Pat("exp", Pat("log", X)), lambda m: m.x)

        @register_pass("test-exp-log")
        def exp_log(graph):
            \"\"\"Guarantees: exp(log(x)) -> x (positive inputs only).\"\"\"
            return rewrite(graph, RULES)
        """))
    source = tmp_path / "g.ir"
    source.write_text(textwrap.dedent("""\
        graph g(%x: f32[3]) -> (f32[3]) {
          %0: f32[3] = log(%x)
          %1: f32[3] = exp(%0)
          %2: f32[3] = sin(%1)
          return (%2)
        }
        """))
    assert main(["opt", str(source), "--load-pass", str(plugin),
                 "--passes", "test-exp-log,dce"]) == 0
    assert [n.op for n in parse(capsys.readouterr().out).nodes] == ["sin"]
    assert main(["opt", str(source), "--load-pass", str(tmp_path / "missing.py"),
                 "--passes", "dce"]) == 1
    assert "--load-pass" in capsys.readouterr().err


@pytest.mark.parametrize("text, says", [
    ("graph f(%x: f32[3]) -> (f32[3]) {\n  %0: f32[3] = exp(%x\n  return (%0)\n}\n",
     "line 2"),
    ("hello", "line 1"),
    ("graph f(%x: f32[3]) -> (f32[3]) {\n  %0: f32[4] = exp(%x)\n  return (%0)\n}\n",
     "shape rule gives"),
    ('{"nodes": 5}', "symbol JSON"),
])
def test_malformed_input_is_a_parse_error_not_a_pass_failure(tmp_path, capsys, text, says):
    path = tmp_path / "bad.ir"
    path.write_text(text)
    assert main(["opt", str(path), "--passes", "grad,dce"]) == 1
    err = capsys.readouterr().err
    assert "parse error in %s" % path in err and says in err
    assert "pass 'grad' failed" not in err
