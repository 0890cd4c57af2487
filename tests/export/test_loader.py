"""The loader's tolerance for older files and its refusals (more malformed cases are in
tests/hardening/test_loading_json.py)."""
import json

import numpy as np
import pytest

import tapegraph as mx
from tapegraph.ir import MXNetError, ParseError


def doc(nodes, heads, **extra):
    d = {"nodes": nodes, "arg_nodes": [i for i, n in enumerate(nodes) if n["op"] == "null"],
         "heads": heads}
    d.update(extra)
    return json.dumps(d)


def test_legacy_files_load_attr_and_param_keys_and_two_element_entries():
    text = doc([{"op": "null", "name": "x", "inputs": []},
                {"op": "_mul_scalar", "name": "m", "param": {"scalar": "3"}, "inputs": [[0, 0]]},
                {"op": "Activation", "name": "a", "attr": {"act_type": "relu"},
                 "inputs": [[1, 0]], "backward_source_id": -1}],
               [[2, 0]])  # no mxnet_version: a pre-1.0 file
    sym = mx.sym.load_json(text)
    assert sym.list_arguments() == ["x"]
    out = sym.eval(x=np.array([-1.0, 2.0], "float32"))[0].asnumpy()
    np.testing.assert_allclose(out, [0.0, 6.0])


def test_broadcast_and_np_binaries_become_explicit_broadcasts():
    text = doc([{"op": "null", "name": "a", "inputs": []},
                {"op": "null", "name": "b", "inputs": []},
                {"op": "broadcast_add", "name": "s", "inputs": [[0, 0, 0], [1, 0, 0]]}],
               [[2, 0, 0]])
    sym = mx.sym.load_json(text)
    graph = sym._typed({"a": (2, 3), "b": (1, 3)})
    assert [n.op for n in graph.nodes] == ["broadcast_to", "elemwise_add"]


def test_dropout_from_mxnet_is_identity_when_evaluated():
    text = doc([{"op": "null", "name": "x", "inputs": []},
                {"op": "Dropout", "name": "d", "attrs": {"p": "0.5"}, "inputs": [[0, 0, 0]]}],
               [[1, 0, 0]])
    x = np.arange(4, dtype="float32")
    np.testing.assert_array_equal(mx.sym.load_json(text).eval(x=x)[0].asnumpy(), x)


def test_refusals_name_the_node():
    with pytest.raises(ParseError, match=r"node 1 \('f'\).*takes 1 to any input"):
        mx.sym.load_json(doc([{"op": "null", "name": "x", "inputs": []},
                              {"op": "add_n", "name": "f", "inputs": []}], [[1, 0, 0]]))
    with pytest.raises(ParseError, match=r"node 1 \('c'\).*Python code|node 1 \('c'\).*not"):
        mx.sym.load_json(doc([{"op": "null", "name": "x", "inputs": []},
                              {"op": "_CustomFunction", "name": "c", "inputs": [[0, 0, 0]]}],
                             [[1, 0, 0]]))
    with pytest.raises(MXNetError, match="node 's' .*broadcast"):
        sym = mx.sym.load_json(doc([{"op": "null", "name": "a", "inputs": []},
                                    {"op": "null", "name": "b", "inputs": []},
                                    {"op": "broadcast_mul", "name": "s",
                                     "inputs": [[0, 0, 0], [1, 0, 0]]}], [[2, 0, 0]]))
        sym.infer_shape(a=(2, 3), b=(4,))


def test_export_refuses_python_functions_with_the_node_name():
    class Square(mx.autograd.Function):
        def forward(self, x):
            self.save_for_backward(x)
            return x * x

        def backward(self, dy):
            x, = self.saved_tensors
            return 2 * x * dy

    x = mx.nd.array([1.0, 2.0])
    x.attach_grad()
    with mx.autograd.record():
        y = Square()(x)
    sym = mx.autograd.get_symbol(y)
    assert "_CustomFunction" in str(sym)
    with pytest.raises(mx.sym.ExportError, match="autograd.Function"):
        sym.tojson()


def test_np_matmul_loads_as_dot_or_batch_dot():
    text = doc([{"op": "null", "name": "a", "inputs": []},
                {"op": "null", "name": "b", "inputs": []},
                {"op": "_npi_matmul", "name": "m", "inputs": [[0, 0, 0], [1, 0, 0]]}],
               [[2, 0, 0]], attrs={"mxnet_version": ["int", 10901], "is_np_shape": ["int", 1]})
    sym = mx.sym.load_json(text)
    rs = np.random.RandomState(0)
    for sa, sb in (((3, 4), (4, 5)), ((2, 3, 4), (2, 4, 5))):
        a, b = rs.rand(*sa).astype("float32"), rs.rand(*sb).astype("float32")
        np.testing.assert_allclose(sym.eval(a=a, b=b)[0].asnumpy(), a @ b, rtol=1e-5)
