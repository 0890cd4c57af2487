"""Loading MXNet symbol JSON never executes anything, and every malformed document —
hand-made or randomly mutated — fails with `ParseError` naming where (node index and
name, or JSON line/column). A document that loads can be inspected and re-exported."""
import builtins
import copy
import glob
import json
import os
import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st
from hardening_support import budget

import tapegraph as mx
from tapegraph.base import MXNetError, ParseError

pytestmark = pytest.mark.skipif(not hasattr(mx.sym, "load_json"),
                                reason="tapegraph.sym.load_json has not landed yet")

HERE = os.path.dirname(__file__)
FILES = sorted(glob.glob(os.path.join(HERE, "..", "data", "mxnet", "symbols", "*.json")))
CORPUS = [open(f).read() for f in FILES]

MLP = json.dumps({
    "nodes": [
        {"op": "null", "name": "data", "inputs": []},
        {"op": "null", "name": "w", "inputs": []},
        {"op": "null", "name": "b", "inputs": []},
        {"op": "FullyConnected", "name": "fc", "attrs": {"num_hidden": "4"},
         "inputs": [[0, 0, 0], [1, 0, 0], [2, 0, 0]]},
        {"op": "Activation", "name": "act", "attrs": {"act_type": "relu"},
         "inputs": [[3, 0, 0]]},
    ],
    "arg_nodes": [0, 1, 2], "node_row_ptr": [0, 1, 2, 3, 4, 5], "heads": [[4, 0, 0]],
    "attrs": {"mxnet_version": ["int", 10901]}})


@pytest.fixture(autouse=True)
def no_code_execution(monkeypatch):
    def forbidden(*args, **kwargs):
        raise AssertionError("a loader called eval or pickle")
    monkeypatch.setattr(builtins, "eval", forbidden)
    monkeypatch.setattr(pickle, "loads", forbidden)
    monkeypatch.setattr(pickle, "load", forbidden)


def _doc_edit(edit):
    doc = json.loads(MLP)
    edit(doc)
    return json.dumps(doc)


def _set(path, value):
    def edit(doc):
        target = doc
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
    return edit


BAD_DOCUMENTS = [
    ("not_json", "{nodes: [", ["line 1 column 2"]),
    ("not_an_object", "[1, 2]", ["\"nodes\""]),
    ("no_nodes", "{}", ["\"nodes\""]),
    ("unknown_op", _doc_edit(_set(["nodes", 4, "op"], "NoSuchOp")), ["node 4", "'act'",
                                                                     "NoSuchOp"]),
    ("bad_attr_value", _doc_edit(_set(["nodes", 3, "attrs", "num_hidden"], "four")),
     ["node 3", "'fc'", "num_hidden"]),
    ("attr_not_string", _doc_edit(_set(["nodes", 3, "attrs", "num_hidden"], 4)),
     ["node 3", "num_hidden", "string"]),
    ("input_out_of_range", _doc_edit(_set(["nodes", 4, "inputs"], [[9, 0, 0]])),
     ["node 4", "node 9"]),
    ("negative_input", _doc_edit(_set(["nodes", 4, "inputs"], [[-1, 0, 0]])), ["node 4"]),
    ("input_not_a_list", _doc_edit(_set(["nodes", 4, "inputs"], "3")), ["node 4", "inputs"]),
    ("cycle", _doc_edit(_set(["nodes", 3, "inputs"], [[4, 0, 0], [1, 0, 0], [2, 0, 0]])),
     ["cycle"]),
    ("self_loop", _doc_edit(_set(["nodes", 4, "inputs"], [[4, 0, 0]])), ["cycle"]),
    ("duplicate_name", _doc_edit(_set(["nodes", 2, "name"], "w")), ["node 2", "'w'",
                                                                    "duplicate"]),
    ("heads_missing", _doc_edit(lambda d: d.pop("heads")), ["heads"]),
    ("head_out_of_range", _doc_edit(_set(["heads"], [[7, 0, 0]])), ["heads", "node 7"]),
    ("output_out_of_range", _doc_edit(_set(["heads"], [[4, 3, 0]])), ["output"]),
    ("arg_nodes_bad", _doc_edit(_set(["arg_nodes"], [3])), ["arg_nodes"]),
    ("variable_with_inputs", _doc_edit(_set(["nodes", 0, "inputs"], [[1, 0, 0]])),
     ["node 0", "variable"]),
    ("not_text", b"{}", ["text"]),
]


@pytest.mark.parametrize("case_id, text, patterns", BAD_DOCUMENTS,
                         ids=[c[0] for c in BAD_DOCUMENTS])
def test_malformed_json_names_the_problem_and_position(case_id, text, patterns):
    with pytest.raises(ParseError) as info:
        mx.sym.load_json(text)
    for p in patterns:
        assert p in str(info.value), "%r not in %r" % (p, str(info.value))


def test_reference_documents_load():
    assert CORPUS, "tests/data/mxnet/symbols is empty"
    mx.sym.load_json(MLP).list_arguments()
    for text in CORPUS:
        sym = mx.sym.load_json(text)
        assert sym.list_arguments()
        json.loads(sym.tojson())


def _mutate_document(doc, data):
    """One structural edit of a parsed JSON document."""
    nodes = doc["nodes"]
    k = data.draw(st.integers(0, len(nodes) - 1))
    node = nodes[k]
    kind = data.draw(st.sampled_from(["op", "name", "input", "drop_input", "attr", "drop_key",
                                      "heads", "swap_nodes", "dup_node", "drop_node"]))
    junk = st.one_of(st.integers(-3, 12), st.text(max_size=5), st.none(), st.booleans(),
                     st.lists(st.integers(-2, 12), max_size=3),
                     st.sampled_from(["(1, 2)", "[[", "-1", "1e999", "relu", "float33",
                                      "__import__('os')", "True", "(0,)", "9" * 30]))
    if kind == "op":
        node["op"] = data.draw(st.sampled_from(["null", "elemwise_add", "dot", "NoSuchOp",
                                                "_CustomFunction", "Reshape", "SliceChannel",
                                                "fused", ""]))
    elif kind == "name":
        node["name"] = data.draw(st.sampled_from([n.get("name", "") for n in nodes] + ["x"]))
    elif kind == "input" and node.get("inputs"):
        i = data.draw(st.integers(0, len(node["inputs"]) - 1))
        j = data.draw(st.integers(0, 2))
        entry = list(node["inputs"][i])
        if j < len(entry):
            entry[j] = data.draw(junk)
        node["inputs"][i] = entry
    elif kind == "drop_input" and node.get("inputs"):
        node["inputs"].pop()
    elif kind == "attr":
        attrs = node.setdefault("attrs", {})
        key = data.draw(st.sampled_from(sorted(attrs) + ["num_hidden", "shape", "axis",
                                                          "bogus"]))
        attrs[key] = data.draw(junk)
    elif kind == "drop_key":
        key = data.draw(st.sampled_from(["op", "name", "inputs", "attrs"]))
        node.pop(key, None)
    elif kind == "heads":
        doc["heads"] = data.draw(st.lists(st.lists(st.integers(-1, len(nodes) + 1),
                                                   min_size=1, max_size=3), max_size=2))
    elif kind == "swap_nodes":
        j = data.draw(st.integers(0, len(nodes) - 1))
        nodes[k], nodes[j] = nodes[j], nodes[k]
    elif kind == "dup_node":
        nodes.append(copy.deepcopy(node))
    elif kind == "drop_node" and len(nodes) > 1:
        del nodes[k]


def _load_and_use(text):
    """Load; if that works, the symbol can be listed and exported again."""
    try:
        sym = mx.sym.load_json(text)
    except ParseError as e:
        assert str(e).strip()
        return
    sym.list_arguments()
    sym.list_outputs()
    try:
        json.loads(sym.tojson())
    except MXNetError:
        pass  # a loadable graph may still be one MXNet cannot express


@budget(150)
@given(st.data())
def test_structurally_mutated_json_raises_only_parse_errors(data):
    doc = json.loads(data.draw(st.sampled_from(CORPUS + [MLP])))
    for _ in range(data.draw(st.integers(1, 3))):
        _mutate_document(doc, data)
    _load_and_use(json.dumps(doc))


@budget(150)
@given(st.data())
def test_textually_mutated_json_raises_only_parse_errors(data):
    text = data.draw(st.sampled_from(CORPUS + [MLP]))
    i = data.draw(st.integers(0, len(text)))
    j = min(len(text), i + data.draw(st.integers(0, 8)))
    piece = data.draw(st.sampled_from(["", "]", "[", "{", "}", ",", "\"", "0", "-1", "99",
                                       "null", "\\u0000", "\"op\": \"x\""]) | st.text(max_size=4))
    _load_and_use(text[:i] + piece + text[j:])


def test_deeply_nested_json_is_a_parse_error():
    with pytest.raises(ParseError):
        mx.sym.load_json("[" * 100000 + "]" * 100000)
