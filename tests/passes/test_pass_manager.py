"""The pass manager: registration from outside the package, pipelines as strings or lists,
verification between passes, timing, printing, history and errors naming the pass."""
import io

import pytest

from tapegraph.ir import Graph, Node, Value, parse
from tapegraph.passes import (PASSES, PassError, PassManager, parse_pipeline, register_pass,
                              run_passes)

SOURCE = """graph f(%x: f32[3]) -> (f32[3]) {
  %0: f32[3] = sin(%x)
  %1: f32[3] = sin(%x)
  %2: f32[3] = elemwise_add(%0, %1)
  %3: f32[3] = exp(%x)
  return (%2)
}"""


@pytest.fixture
def user_pass():
    """A pass written outside tapegraph: it swaps every sin for cos."""
    @register_pass("test-sin-to-cos")
    def sin_to_cos(graph: Graph) -> Graph:
        nodes = [Node("cos", n.inputs, n.outputs, n.attrs) if n.op == "sin" else n
                 for n in graph.nodes]
        return Graph(graph.name, graph.inputs, nodes, graph.outputs)
    yield sin_to_cos
    PASSES.pop("test-sin-to-cos")


def test_string_and_list_pipelines_agree(user_pass):
    g = parse(SOURCE)
    a = run_passes(g, "test-sin-to-cos, cse ,dce")
    b = run_passes(g, ["test-sin-to-cos", "cse", ("dce", {})])
    assert a == b
    assert [n.op for n in a.nodes] == ["cos", "elemwise_add"]


def test_history_timing_and_changed_flags(user_pass):
    pm = PassManager("dce,cse,dce,fuse,fuse")
    out = pm.run(parse(SOURCE))
    assert [r.name for r in pm.history] == ["dce", "cse", "dce", "fuse", "fuse"]
    assert [r.changed for r in pm.history] == [True, True, False, True, False]
    assert all(r.seconds >= 0 for r in pm.history)
    assert pm.history[-1].graph is out
    assert len(pm.history[0].graph.nodes) == 3  # intermediate graphs are kept
    report = pm.report()
    assert "cse" in report and "unchanged" in report and "ms" in report


def test_print_after_changed_only():
    stream = io.StringIO()
    PassManager("dce,dce", print_after="changed", stream=stream).run(parse(SOURCE))
    text = stream.getvalue()
    assert text.count("IR after dce") == 1 and "exp" not in text.split("IR after dce")[1]
    stream = io.StringIO()
    PassManager("dce,dce", print_after="all", stream=stream).run(parse(SOURCE))
    assert stream.getvalue().count("IR after dce") == 2
    assert "(unchanged)" in stream.getvalue()


def test_a_pass_that_breaks_the_ir_is_named_with_the_passes_before_it():
    @register_pass("test-breaker")
    def breaker(graph):
        stray = Value(graph.inputs[0].type)
        n = graph.nodes[0]
        bad = Node(n.op, (stray,), n.outputs, n.attrs)
        return Graph(graph.name, graph.inputs, (bad,) + graph.nodes[1:], graph.outputs)
    try:
        with pytest.raises(PassError) as err:
            PassManager("dce,cse,test-breaker,fuse").run(parse(SOURCE))
        msg = str(err.value)
        assert "'test-breaker'" in msg and "after: dce, cse" in msg
        assert "not defined before use" in msg
    finally:
        PASSES.pop("test-breaker")


def test_unknown_pass_and_duplicate_registration():
    with pytest.raises(Exception, match="unknown pass 'nope'.*registered: .*cse"):
        parse_pipeline("dce,nope")
    with pytest.raises(Exception, match="already registered"):
        register_pass("cse")(lambda g: g)


def test_options_per_pass():
    g = parse(SOURCE)
    out = PassManager("dce,cse,fuse").run(g, {"fuse": {"min_size": 3}})
    assert all(n.op != "fused" for n in out.nodes)  # a 2-node group is below min_size
    out = PassManager("dce,cse,fuse").run(g)
    assert [n.op for n in out.nodes] == ["fused"]
