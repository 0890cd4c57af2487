"""The `inline` pass: `_grad_region` nodes (recorded gradient computations) become the
operators of their regions; golden text, results unchanged, identity of defined values."""
import numpy as np

from tapegraph.ir import parse, print_graph, verify
from tapegraph.passes import inline, run_passes
from tapegraph.runtime import execute

SOURCE = """\
graph f(%x: f32[3], %y: f32[3]) -> (f32[3], f32[3], f32[3], f32[3]) {
  %0: f32[3] = sin(%x)
  %1: f32[3], %2: f32[3], %3: f32[3], %4: f32[3] = _grad_region(%x, %0, %y) region
      graph grad_f(%in0: f32[3], %in1: f32[3], %in2: f32[3]) -> (f32[3], f32[3], f32[3], f32[3]) {
        %0: f32[3] = cos(%in0)
        %1: f32[3] = elemwise_mul(%in1, %0)
        return (%1, %in2, %1, %0)
      }
  %5: f32[3] = elemwise_add(%1, %2)
  %6: f32[3] = fused(%5, %3) region
      graph region(%in0: f32[3], %in1: f32[3]) -> (f32[3]) {
        %0: f32[3] = elemwise_mul(%in0, %in1)
        return (%0)
      }
  return (%6, %3, %2, %4)
}"""

EXPECTED = """\
graph f(%x: f32[3], %y: f32[3]) -> (f32[3], f32[3], f32[3], f32[3]) {
  %0: f32[3] = sin(%x)
  %1: f32[3] = cos(%x)
  %2: f32[3] = elemwise_mul(%0, %1)
  %3: f32[3] = elemwise_add(%2, %y)
  %4: f32[3] = fused(%3, %2) region
      graph region(%in0: f32[3], %in1: f32[3]) -> (f32[3]) {
        %0: f32[3] = elemwise_mul(%in0, %in1)
        return (%0)
      }
  return (%4, %2, %y, %1)
}"""


def _args(graph, seed=0):
    rng = np.random.RandomState(seed)
    return [rng.uniform(-1, 1, v.type.shape).astype(v.type.dtype) for v in graph.inputs]


def test_inline_golden_text_and_same_results():
    graph = parse(SOURCE)
    result = verify(inline(graph))
    assert print_graph(result) == EXPECTED
    assert print_graph(graph) == SOURCE  # the input was not mutated
    args = _args(graph)
    for got, want in zip(execute(result, args), execute(graph, args)):
        np.testing.assert_allclose(got, want, rtol=1e-6)


def test_values_defined_by_the_region_node_keep_their_identity():
    graph = parse(SOURCE)
    region_node = graph.nodes[1]
    result = inline(graph)
    mul = next(n for n in result.nodes if n.op == "elemwise_mul")
    cos = next(n for n in result.nodes if n.op == "cos")
    assert mul.outputs[0] is region_node.outputs[0]  # first use of a returned value
    assert cos.outputs[0] is region_node.outputs[3]
    # returned twice, or passed through: its uses read the other value
    assert result.outputs[1] is region_node.outputs[0]
    assert result.outputs[2] is graph.inputs[1]


def test_nested_regions_are_inlined_and_other_ops_can_be_asked_for():
    source = """\
graph f(%x: f32[2]) -> (f32[2]) {
  %0: f32[2] = _grad_region(%x) region
      graph outer(%in0: f32[2]) -> (f32[2]) {
        %0: f32[2] = _grad_region(%in0) region
            graph inner(%in0: f32[2]) -> (f32[2]) {
              %0: f32[2] = exp(%in0)
              return (%0)
            }
        %1: f32[2] = fused(%0) region
            graph region(%in0: f32[2]) -> (f32[2]) {
              %0: f32[2] = negative(%in0)
              return (%0)
            }
        return (%1)
      }
  return (%0)
}"""
    graph = parse(source)
    assert [n.op for n in inline(graph).nodes] == ["exp", "fused"]
    flat = verify(inline(graph, ops=("_grad_region", "fused")))
    assert [n.op for n in flat.nodes] == ["exp", "negative"]
    assert flat.nodes[-1].outputs[0] is graph.outputs[0]
    args = _args(graph, 1)
    np.testing.assert_allclose(execute(flat, args)[0], -np.exp(args[0]), rtol=1e-6)


def test_nothing_to_inline_returns_the_same_graph_and_pipelines_can_name_it():
    graph = parse("""graph f(%x: f32[3]) -> (f32[3]) {
  %0: f32[3] = sin(%x)
  return (%0)
}""")
    assert inline(graph) is graph
    assert run_passes(parse(SOURCE), "inline,dce") == inline(parse(SOURCE))
