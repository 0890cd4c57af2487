"""The IR text format: printing, parsing back, and the verifier."""
import pytest

from tapegraph.ir import (Builder, Graph, ParseError, TensorType, Value, VerifyError, parse,
                          print_graph, verify)

SQUARE_PLUS_ONE = """\
graph f(%x: f32[4]) -> (f32[4]) {
  %0: f32[4] = elemwise_mul(%x, %x)
  %1: f32[4] = _plus_scalar(%0) {scalar=1.0}
  return (%1)
}"""


def build_square_plus_one() -> Graph:
    x = Value(TensorType.get((4,), "float32"), "x")
    b = Builder()
    y = b.op("_plus_scalar", b.op("elemwise_mul", x, x), scalar=1.0)
    return b.graph("f", [x], [y])


def test_printer_matches_golden_text():
    assert print_graph(build_square_plus_one()) == SQUARE_PLUS_ONE


def test_parse_of_print_is_equal_and_prints_identically():
    g = build_square_plus_one()
    p = parse(print_graph(g))
    assert p == g
    assert print_graph(p) == SQUARE_PLUS_ONE


def test_types_shapes_and_attribute_literals_round_trip():
    text = """\
graph g(%a: f64[2,3], %b: i32[]) -> (f64[3,2], f64[2,1]) {
  %0: f64[3,2] = transpose(%a) {axes=(1, 0)}
  %1: f64[2,1] = sum(%a) {axis=(1,), keepdims=True}
  return (%0, %1)
}"""
    g = parse(text)
    assert g.inputs[0].type == TensorType.get((2, 3), "float64")
    assert g.nodes[1].attrs == {"axis": (1,), "keepdims": True, "exclude": False}
    assert print_graph(g) == text
    verify(g)


def test_multi_output_nodes_round_trip():
    text = """\
graph s(%x: f32[4,2]) -> (f32[2,2], f32[2,2]) {
  %0: f32[2,2], %1: f32[2,2] = SliceChannel(%x) {num_outputs=2, axis=0}
  return (%0, %1)
}"""
    g = parse(text)
    assert len(g.nodes[0].outputs) == 2
    assert print_graph(g) == text
    verify(g)


def test_equality_is_structural_not_by_names():
    a = parse(SQUARE_PLUS_ONE)
    b = parse(SQUARE_PLUS_ONE.replace("%x", "%input").replace("%0", "%t"))
    assert a == b and hash(a) == hash(b)
    c = parse(SQUARE_PLUS_ONE.replace("scalar=1.0", "scalar=2.0"))
    assert a != c


def test_provenance_comments_are_kept_as_text():
    text = SQUARE_PLUS_ONE.replace("{scalar=1.0}", "{scalar=1.0}   # vjp of %0 = exp(%x)")
    g = parse(text)
    assert g.nodes[1].meta == {"origin": "vjp of %0 = exp(%x)"}
    assert print_graph(g) == text


@pytest.mark.parametrize("text, where", [
    ("graph f(%x: f32[4]) -> (f32[4]) {\n  %0: f32[4] = nosuchop(%x)\n  return (%0)\n}",
     "line 2: unknown operator 'nosuchop'"),
    ("graph f(%x: f32[4]) -> (f32[4]) {\n  %0: f32[4] = exp(%y)\n  return (%0)\n}",
     "line 2: %y is used before it is defined"),
    ("graph f(%x: f32[4]) -> (f32[4]) {\n  %0: q7[4] = exp(%x)\n  return (%0)\n}",
     "line 2: bad type"),
    ("graph f(%x: f32[4]) -> (f32[4]) {\n  %0: f32[4] = exp(%x)\n",
     "has no 'return'"),
    ("graph f(%x: f32[4]) -> (f32[4]) {\n  %0: f32[4] = _plus_scalar(%x) {scalar=__import__('os')}"
     "\n  return (%0)\n}", "not a literal"),
    ("graph f(%x: f32[4]) -> (f32[4]) {\n  %x: f32[4] = exp(%x)\n  return (%x)\n}",
     "defined twice"),
    ("nonsense", "line 1: expected 'graph NAME"),
])
def test_parse_errors_name_the_line_and_problem(text, where):
    with pytest.raises(ParseError) as info:
        parse(text)
    assert where in str(info.value)


def test_verifier_checks_types_against_shape_rules():
    bad = SQUARE_PLUS_ONE.replace("%1: f32[4] = _plus", "%1: f32[5] = _plus").replace(
        "-> (f32[4])", "-> (f32[5])")
    with pytest.raises(VerifyError) as info:
        verify(parse(bad))
    assert "shape rule gives" in str(info.value)


def test_verifier_rejects_use_before_definition():
    g = build_square_plus_one()
    broken = Graph("f", g.inputs, list(reversed(g.nodes)), g.outputs)
    with pytest.raises(VerifyError) as info:
        verify(broken)
    assert "not defined before use" in str(info.value)


def test_printing_a_long_chain_is_iterative():
    x = Value(TensorType.get((2,), "float32"), "x")
    b = Builder()
    v = x
    for _ in range(20000):
        v = b.op("sin", v)
    g = b.graph("chain", [x], [v])
    text = print_graph(g)
    assert parse(text) == g
