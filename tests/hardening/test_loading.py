"""Loading never executes anything and fails only with documented errors: IR text gives
`ParseError` (with a line number) from `ir.parse` and `VerifyError` from `ir.verify`,
whatever the mutation of valid text."""
import builtins
import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st
from hardening_support import budget

import tapegraph as mx
from tapegraph.ir import ParseError, VerifyError, parse, print_graph, verify

nd = mx.nd


def _corpus():
    """Printed graphs: a forward, a first- and a second-order backward (fused regions
    included when the pipeline fuses)."""
    x = nd.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    w = nd.array([[0.5, -1.0, 2.0], [1.5, 0.25, -0.5]])
    x.attach_grad()
    w.attach_grad()
    with mx.autograd.record():
        h = nd.tanh(nd.dot(x, w, transpose_b=True))
        y = (h * h + nd.exp(h) / 2).sum(axis=1)
        parts = nd.split(y.reshape((2, 1)), num_outputs=2, axis=0)
        z = nd.concat(parts[1], parts[0], dim=0) - 1.5
    texts = [print_graph(mx.autograd.get_symbol(z)._graph)] if hasattr(
        mx.autograd.get_symbol(z), "_graph") else []
    joint = mx.autograd.backward_graph(z, [x, w], optimized=False)
    final = mx.autograd.backward_graph(z, [x, w], optimized=True)
    for sym in (joint, final):
        graph = getattr(sym, "_graph", None)
        if graph is not None:
            texts.append(print_graph(graph))
    return texts


CORPUS = _corpus()
TOKENS = ["%", "%0", "%x", ":", "=", "(", ")", "{", "}", "[", "]", ",", "f32", "i64", "bool",
          "f32[2,3]", "f32[]", "return", "graph", "region", "# c", "\n", " ", "'", '"', "\\",
          "-1", "1e999", "9" * 40, "None", "__import__('os')", "lambda: 0", "{scalar=1.0}",
          "((((((((((", "exp", "fused", "unknown_op", "axis=(0,)", "->", "\t", "\u00e9"]


def _mutate(text, data):
    """One random edit: delete/insert/replace a slice, duplicate/drop/swap lines."""
    kind = data.draw(st.sampled_from(["delete", "insert", "replace", "dup_line",
                                      "drop_line", "swap_lines", "truncate"]))
    lines = text.split("\n")
    if kind in ("dup_line", "drop_line", "swap_lines"):
        i = data.draw(st.integers(0, len(lines) - 1))
        j = data.draw(st.integers(0, len(lines) - 1))
        if kind == "dup_line":
            lines.insert(j, lines[i])
        elif kind == "drop_line":
            del lines[i]
        else:
            lines[i], lines[j] = lines[j], lines[i]
        return "\n".join(lines)
    i = data.draw(st.integers(0, len(text)))
    j = min(len(text), i + data.draw(st.integers(0, 12)))
    if kind == "truncate":
        return text[:i]
    if kind == "delete":
        return text[:i] + text[j:]
    piece = data.draw(st.sampled_from(TOKENS) | st.text(max_size=6))
    if kind == "insert":
        return text[:i] + piece + text[i:]
    return text[:i] + piece + text[j:]


@pytest.fixture(autouse=True)
def no_code_execution(monkeypatch):
    """Loading must not evaluate code or unpickle: make any attempt fail loudly."""
    def forbidden(*args, **kwargs):
        raise AssertionError("a loader called eval/exec/pickle")
    monkeypatch.setattr(builtins, "eval", forbidden)
    monkeypatch.setattr(pickle, "loads", forbidden)
    monkeypatch.setattr(pickle, "load", forbidden)


def test_corpus_round_trips():
    assert len(CORPUS) >= 2
    for text in CORPUS:
        assert print_graph(parse(text)) == text


@budget(300)
@given(st.data())
def test_mutated_ir_text_raises_only_parse_or_verify_errors(data):
    text = data.draw(st.sampled_from(CORPUS))
    for _ in range(data.draw(st.integers(1, 3))):
        text = _mutate(text, data)
    try:
        graph = parse(text)
    except ParseError as e:
        assert "line" in str(e)
        return
    try:
        verify(graph)
    except VerifyError:
        pass


NESTED = "\n".join("graph g%d(%%x: f32[2]) -> (f32[2]) {\n  %%0: f32[2] = fused(%%x) region" % i
                   for i in range(3000))
BAD_TEXT = [
    ("deep_regions", NESTED, "nested more than"),
    ("dims_with_space", "graph f(%x: f32[1 2]) -> (f32[2]) {\n  return (%x)\n}",
     "line 1: bad dimensions"),
    ("huge_dim", "graph f(%x: f32[" + "9" * 5000 + "]) -> (f32[2]) {\n  return (%x)\n}",
     "line 1: bad dimensions"),
    ("deep_attr", "graph f(%x: f32[2]) -> (f32[2]) {\n  %0: f32[2] = exp(%x) {scalar="
     + "(" * 5000 + "}\n  return (%0)\n}", "line 2"),
    ("code_in_attr", "graph f(%x: f32[2]) -> (f32[2]) {\n  %0: f32[2] = _plus_scalar(%x) "
     "{scalar=__import__('os').getpid()}\n  return (%0)\n}", "not a literal"),
    ("unknown_op", "graph f(%x: f32[2]) -> (f32[2]) {\n  %0: f32[2] = os.system(%x)\n"
     "  return (%0)\n}", "line 2: unknown operator 'os.system'"),
    ("use_before_def", "graph f(%x: f32[2]) -> (f32[2]) {\n  %0: f32[2] = exp(%1)\n"
     "  %1: f32[2] = exp(%x)\n  return (%0)\n}", "line 2: %1 is used before"),
    ("duplicate_name", "graph f(%x: f32[2]) -> (f32[2]) {\n  %x: f32[2] = exp(%x)\n"
     "  return (%x)\n}", "line 2: %x is defined twice"),
    ("no_return", "graph f(%x: f32[2]) -> (f32[2]) {\n  %0: f32[2] = exp(%x)\n",
     "has no 'return'"),
    ("bad_dtype", "graph f(%x: c64[2]) -> (f32[2]) {\n  return (%x)\n}", "line 1: bad type"),
    ("not_text", b"graph", "expected IR text"),
]


@pytest.mark.parametrize("case_id, text, needle", BAD_TEXT, ids=[c[0] for c in BAD_TEXT])
def test_malformed_ir_text_gives_parse_error_with_position(case_id, text, needle):
    with pytest.raises(ParseError) as info:
        parse(text)
    assert needle in str(info.value)


def test_running_a_loaded_graph_cannot_inject_code_into_fused_kernels(tmp_path):
    """Fused kernels are generated Python: a string attribute from untrusted text (here a
    Cast dtype) must never reach the generated source, even when the graph is run without
    `verify`."""
    import numpy as np
    from tapegraph.base import MXNetError
    from tapegraph.runtime import execute
    marker = tmp_path / "pwned"
    payload = ("float32') + 0*len(str(__import__('os').system('touch %s'))) + ('" % marker)
    text = ("graph f(%%x: f32[2], %%y: f32[2]) -> (f32[2]) {\n"
            "  %%0: f32[2] = fused(%%x, %%y) region\n"
            "      graph region(%%in0: f32[2], %%in1: f32[2]) -> (f32[2]) {\n"
            "        %%0: f32[2] = Cast(%%in0) {dtype=%r}\n"
            "        %%1: f32[2] = elemwise_add(%%0, %%in1)\n"
            "        return (%%1)\n"
            "      }\n"
            "  return (%%0)\n"
            "}" % payload)
    graph = parse(text)  # parsing accepts it: the attribute is a string literal
    with pytest.raises(VerifyError):
        verify(graph)
    with pytest.raises(MXNetError):
        execute(graph, [np.ones(2, np.float32), np.ones(2, np.float32)])
    assert not marker.exists(), "code from a loaded graph was executed"


def test_no_eval_exec_or_pickle_anywhere_in_the_package():
    """Static check over every module of tapegraph: no eval/exec/compile/__import__ calls
    and no pickle-like modules, except the fused-kernel code generator, whose source is
    built from operator templates and plain-word attributes only (see the test above),
    and the plan code generator, whose source holds only numbers and plain-word operator
    names (tests/runtime/test_plan_codegen.py)."""
    import ast
    import os
    allowed = {("runtime/fusion.py", "exec"), ("runtime/fusion.py", "compile"),
               ("runtime/plan.py", "exec"), ("runtime/plan.py", "compile")}
    root = os.path.join(os.path.dirname(__file__), "..", "..")
    calls, modules = {"eval", "exec", "compile", "__import__"}, {"pickle", "marshal",
                                                                  "shelve", "dill", "yaml"}
    found = []
    for package in ("ir", "passes", "runtime", "frontend"):
        for folder, _, files in os.walk(os.path.join(root, package)):
            for name in files:
                if not name.endswith(".py"):
                    continue
                path = os.path.join(folder, name)
                rel = os.path.relpath(path, root).replace(os.sep, "/")
                with open(path, encoding="utf-8") as f:
                    tree = ast.parse(f.read())
                for node in ast.walk(tree):
                    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                            and node.func.id in calls and (rel, node.func.id) not in allowed):
                        found.append("%s:%d %s()" % (rel, node.lineno, node.func.id))
                    if isinstance(node, (ast.Import, ast.ImportFrom)):
                        names = [a.name for a in node.names]
                        if isinstance(node, ast.ImportFrom) and node.module:
                            names.append(node.module)
                        if any(n.split(".")[0] in modules for n in names):
                            found.append("%s:%d import %s" % (rel, node.lineno, names))
    assert not found, found
