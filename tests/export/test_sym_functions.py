"""mx.sym functions and operators MXNet 1.9.1 has beyond one operator's function: the node
each writes (captured from the oracle: op, name in a fresh process, attrs) and values."""
import json

import numpy as np
import pytest

import tapegraph as mx
from tapegraph.symbol.api import symbol as _symbol

CAPTURED = [  # code, MXNet 1.9.1's last node: op, name, attrs
    ("d > 1", "_greater_scalar", "_greater_scalar0", {"scalar": "1"}),
    ("d >= 1", "_greater_equal_scalar", "_greater_equal_scalar0", {"scalar": "1"}),
    ("d < 1", "_lesser_scalar", "_lesser_scalar0", {"scalar": "1"}),
    ("d <= 1", "_lesser_equal_scalar", "_lesser_equal_scalar0", {"scalar": "1"}),
    ("d > e", "_greater", "_greater0", None),
    ("mx.sym.maximum(d, .5)", "_maximum_scalar", "_maximumscalar0", {"scalar": "0.5"}),
    ("mx.sym.hypot(d, 2.0)", "_hypot_scalar", "_hypotscalar0", {"scalar": "2.0"}),
    ("mx.sym.minimum(3.0, d)", "_minimum_scalar", "_minimumscalar0", {"scalar": "3.0"}),
    ("mx.sym.power(2.0, d)", "_rpower_scalar", "_rpowerscalar0", {"scalar": "2.0"}),
    ("mx.sym.pow(d, e)", "_power", "_power0", None),
    ("mx.sym.identity(d)", "_copy", "identity0", None),
    ("mx.sym.broadcast_plus(d, e)", "broadcast_add", "broadcast_plus0", None),
    ("mx.sym.max_axis(d, axis=1)", "max", "max_axis0", {"axis": "1"}),
    ("mx.sym.crop(d, begin=(0,), end=(1,))", "slice", "crop0",
     {"begin": "(0,)", "end": "(1,)"}),
    ("mx.sym.Softmax(d)", "SoftmaxOutput", "softmax0", None),
    ("mx.sym.logical_not(d)", "logical_not", "logical_not0", None),
    ("mx.sym.broadcast_like(d, e)", "broadcast_like", "broadcast_like0", None),
    ("mx.sym.broadcast_axis(d, axis=0, size=3)", "broadcast_axis", "broadcast_axis0",
     {"axis": "0", "size": "3"}),
    ("mx.sym.uniform(low=0, high=1, shape=(2,))", "_random_uniform", "uniform0",
     {"high": "1", "low": "0", "shape": "(2,)"}),
    ("mx.sym.normal(loc=0, scale=1, shape=(2,))", "_random_normal", "normal0",
     {"loc": "0", "scale": "1", "shape": "(2,)"}),
    ("mx.sym.SoftmaxActivation(d, mode='channel')", "SoftmaxActivation",
     "softmaxactivation0", {"mode": "channel"}),
    ("mx.sym.contrib.quadratic(d, a=2, b=3, c=1)", "_contrib_quadratic", "quadratic0",
     {"a": "2", "b": "3", "c": "1"}),
    ("mx.sym.contrib.div_sqrt_dim(d)", "_contrib_div_sqrt_dim", "div_sqrt_dim0", None),
    ("mx.sym.contrib.gradientmultiplier(d, scalar=0.5)", "_contrib_gradientmultiplier",
     "gradientmultiplier0", {"scalar": "0.5"}),
    ("mx.sym.contrib.round_ste(d)", "_contrib_round_ste", "round_ste0", None),
]


@pytest.mark.parametrize("code,op,name,attrs", CAPTURED, ids=[c[0] for c in CAPTURED])
def test_writes_the_node_mxnet_writes(code, op, name, attrs, monkeypatch):
    monkeypatch.setattr(_symbol, "_COUNTERS", {})  # a fresh process's names
    sym = eval(code, {"mx": mx, "d": mx.sym.var("d"), "e": mx.sym.var("e")})
    node = json.loads(sym.tojson())["nodes"][-1]
    assert (node["op"], node["name"], node.get("attrs")) == (op, name, attrs)


def test_creation_functions_evaluate():
    total = mx.sym.zeros((2, 3)) + mx.sym.ones((2, 3)) * 2 + mx.sym.full((2, 3), 0.25)
    (got,) = total.eval()
    np.testing.assert_array_equal(got.asnumpy(), np.full((2, 3), 2.25, np.float32))
    assert mx.sym.zeros((2,), dtype="int32").eval()[0].dtype == np.int32


def test_files_holding_zeros_and_ones_load():
    text = json.dumps({"nodes": [
        {"op": "_zeros", "name": "z", "attrs": {"dtype": "float32", "shape": "(2,)"},
         "inputs": []},
        {"op": "_ones", "name": "o", "attrs": {"dtype": "float32", "shape": "(2,)"},
         "inputs": []},
        {"op": "elemwise_add", "name": "s", "inputs": [[0, 0, 0], [1, 0, 0]]}],
        "arg_nodes": [], "node_row_ptr": [0, 1, 2, 3], "heads": [[2, 0, 0]],
        "attrs": {"mxnet_version": ["int", 10901]}})
    (got,) = mx.sym.load_json(text).eval()
    assert got.asnumpy().tolist() == [1.0, 1.0]


def test_softmax_activation_is_mxnets():
    x = np.arange(12.0).reshape(2, 3, 2) / 5.0
    row = [0.450166, 0.549834]  # MXNet 1.9.1: mx.nd.SoftmaxActivation(x), every row
    got = mx.nd.SoftmaxActivation(mx.nd.array(x)).asnumpy()
    np.testing.assert_allclose(got, np.broadcast_to(row, x.shape), rtol=1e-5)
    (sym,) = mx.sym.SoftmaxActivation(mx.sym.var("x")).eval(x=mx.nd.array(x))
    np.testing.assert_allclose(sym.asnumpy(), got, rtol=1e-6)
    with pytest.raises(mx.base.MXNetError, match="a least 3 dimensions"):
        mx.nd.SoftmaxActivation(mx.nd.ones((2, 3)), mode="channel")


def test_contrib_values_are_mxnets():
    x = mx.nd.array(np.arange(6.0).reshape(2, 3) / 4.0)
    d = mx.sym.var("d")
    (q,) = mx.sym.contrib.quadratic(d, a=2, b=3, c=1).eval(d=x)
    (r,) = mx.sym.contrib.div_sqrt_dim(d).eval(d=x)
    # MXNet 1.9.1: mx.nd.contrib.quadratic / div_sqrt_dim of the same x
    np.testing.assert_allclose(q.asnumpy(), [[1.0, 1.875, 3.0], [4.375, 6.0, 7.875]])
    np.testing.assert_allclose(r.asnumpy(), [[0.0, 0.14433756, 0.28867513],
                                             [0.43301272, 0.57735026, 0.72168785]], rtol=1e-6)


# Nodes as MXNet 1.9.1 writes them (mx.sym.arange(0, 5), mx.sym.eye(3),
# mx.sym.linspace(0, 1, 5): op and attrs from the oracle's tojson()).
MXNET_CREATION = [
    ("_arange", {"dtype": "float32", "infer_range": "False", "repeat": "1", "start": "0",
                 "step": "1.0", "stop": "5"}, np.arange(5.0)),
    ("_eye", {"M": "0", "N": "3", "dtype": "float32", "k": "0"}, np.eye(3)),
    ("_linspace", {"dtype": "float32", "endpoint": "True", "num": "5", "start": "0",
                   "stop": "1"}, np.linspace(0, 1, 5)),
]


@pytest.mark.parametrize("op,attrs,want", MXNET_CREATION, ids=[c[0] for c in MXNET_CREATION])
def test_creation_nodes_written_by_mxnet_load_and_evaluate(op, attrs, want):
    text = json.dumps({"nodes": [{"op": op, "name": "c", "attrs": attrs, "inputs": []}],
                       "arg_nodes": [], "node_row_ptr": [0, 1], "heads": [[0, 0, 0]],
                       "attrs": {"mxnet_version": ["int", 10901]}})
    (got,) = mx.sym.load_json(text).eval()
    np.testing.assert_allclose(got.asnumpy(), want)
    assert got.dtype == np.float32
    fn = {"_arange": lambda: mx.sym.arange(0, 5), "_eye": lambda: mx.sym.eye(3),
          "_linspace": lambda: mx.sym.linspace(0, 1, 5)}[op]
    np.testing.assert_allclose(fn().eval()[0].asnumpy(), want)
