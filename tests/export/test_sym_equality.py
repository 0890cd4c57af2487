"""Symbol == and != build comparison nodes as MXNet 1.9.1's do (op, name in a fresh
process and attrs captured from the oracle), while Symbols stay usable as dict keys."""
import json

import pytest

import tapegraph as mx

CAPTURED = [
    ("d == 2", "_equal_scalar", "_equal_scalar0", {"scalar": "2"}),
    ("d != 2", "_not_equal_scalar", "_not_equal_scalar0", {"scalar": "2"}),
    ("d == e", "_equal", "_equal0", None),
]


@pytest.mark.parametrize("code,op,name,attrs", CAPTURED, ids=[c[0] for c in CAPTURED])
def test_equality_writes_mxnets_node(code, op, name, attrs, monkeypatch):
    with mx.name.NameManager():  # a fresh process's names
        sym = eval(code, {"d": mx.sym.var("d"), "e": mx.sym.var("e")})
    node = json.loads(sym.tojson())["nodes"][-1]
    assert (node["op"], node["name"], node.get("attrs")) == (op, name, attrs)


def test_symbols_remain_dictionary_keys_and_list_members():
    d, e = mx.sym.var("d"), mx.sym.var("e")
    table = {d: 1, e: 2}
    assert table[d] == 1 and table[e] == 2
    assert d in [d] and (d == None) is False  # noqa: E711  (no node for None)
    (got,) = (d == e).eval(d=mx.nd.array([1.0, 2.0]), e=mx.nd.array([1.0, 3.0]))
    assert got.asnumpy().tolist() == [1.0, 0.0]


@pytest.mark.parametrize("code,name", [("mx.sym.shuffle(d)", "shuffle0"),
                                       ("mx.sym.random.shuffle(d)", "_shuffle0")])
def test_shuffle_writes_mxnets_node(code, name, monkeypatch):
    with mx.name.NameManager():  # MXNet 1.9.1: op _shuffle, these names
        node = json.loads(eval(code, {"mx": mx, "d": mx.sym.var("d")}).tojson())["nodes"][-1]
    assert (node["op"], node["name"], node.get("attrs")) == ("_shuffle", name, None)
