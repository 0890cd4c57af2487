"""mx.sym functions and operators MXNet 1.9.1 has beyond one operator's function: the node
each writes (captured from the oracle: op, name in a fresh process, attrs) and values."""
import json

import numpy as np
import pytest

import tapegraph as mx

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
    ("mx.sym.gather_nd(d, e)", "gather_nd", "gather_nd0", None),
    ("mx.sym.scatter_nd(d, e, shape=(3,4))", "scatter_nd", "scatter_nd0", {"shape": "(3, 4)"}),
    ("mx.sym.diag(d, k=-1, axis1=1, axis2=2)", "diag", "diag0",
     {"axis1": "1", "axis2": "2", "k": "-1"}),
    ("d.diag(k=1)", "diag", "diag0", {"k": "1"}),
    ("mx.sym.moments(d, axes=(0,1), keepdims=True)", "moments", "moments0",
     {"axes": "(0, 1)", "keepdims": "True"}),
    ("mx.sym.shape_array(d)", "shape_array", "shape_array0", None),
    ("mx.sym.size_array(d)", "size_array", "size_array0", None),
    ("mx.sym.split_v2(d, 3)", "_split_v2", "_split_v20",
     {"axis": "0", "indices": "[]", "sections": "3", "squeeze_axis": "False"}),
    ("mx.sym.split_v2(d, (1,3), axis=1)", "_split_v2", "_split_v20",
     {"axis": "1", "indices": "[0, 1, 3]", "sections": "0", "squeeze_axis": "False"}),
    ("d.split_v2(4, axis=1, squeeze_axis=True)", "_split_v2", "_split_v20",
     {"axis": "1", "indices": "[]", "sections": "4", "squeeze_axis": "True"}),
    ("mx.sym.khatri_rao(d, e, d)", "khatri_rao", "khatri_rao0", {"num_args": "3"}),
]


@pytest.mark.parametrize("code,op,name,attrs", CAPTURED, ids=[c[0] for c in CAPTURED])
def test_writes_the_node_mxnet_writes(code, op, name, attrs, monkeypatch):
    with mx.name.NameManager():  # a fresh process's names
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


def test_multi_output_nodes_count_their_outputs():
    # MXNet 1.9.1's node_row_ptr: moments has 2 outputs, _split_v2 one per section
    d = mx.sym.var("d")
    assert json.loads(mx.sym.moments(d, axes=(1,)).tojson())["node_row_ptr"] == [0, 1, 3]
    assert json.loads(mx.sym.split_v2(d, 3).tojson())["node_row_ptr"] == [0, 1, 4]
    assert mx.sym.moments(d, axes=(1,), name="m").list_outputs() == ["m_output0", "m_output1"]


X34 = np.arange(12.0).reshape(3, 4) / 4.0
# code, inputs, MXNet 1.9.1's outputs of sym.eval (dtype float32 unless given)
VALUES = [
    ("mx.sym.gather_nd(d, e)", {"d": X34, "e": [[0, 2, -1], [1, 3, 0]]}, [[0.25, 2.75, 2.0]]),
    ("mx.sym.gather_nd(d, e)", {"d": X34, "e": [[0, 2]]},
     [[[0.0, 0.25, 0.5, 0.75], [2.0, 2.25, 2.5, 2.75]]]),
    ("mx.sym.scatter_nd(d, e, shape=(3,4))", {"d": [1.0, 2.0, 3.0], "e": [[0, 2, 1], [1, 3, 0]]},
     [[[0.0, 1.0, 0.0, 0.0], [3.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 2.0]]]),
    ("mx.sym.scatter_nd(d, e, shape=(3,2))", {"d": [[1.0, 2.0], [3.0, 4.0]], "e": [[2, 0]]},
     [[[3.0, 4.0], [0.0, 0.0], [1.0, 2.0]]]),
    ("mx.sym.diag(d, k=1)", {"d": X34}, [[0.25, 1.5, 2.75]]),
    ("mx.sym.diag(d, k=-2)", {"d": X34}, [[2.0]]),
    ("mx.sym.diag(d, k=1, axis1=1, axis2=0)", {"d": X34}, [[1.0, 2.25]]),
    ("mx.sym.diag(d, k=-1)", {"d": [1.0, 2.0, 3.0]},
     [np.diag([1.0, 2.0, 3.0], k=-1)]),
    ("mx.sym.diag(d, k=1, axis1=0, axis2=2)", {"d": np.arange(24.0).reshape(2, 3, 4)},
     [[[1.0, 14.0], [5.0, 18.0], [9.0, 22.0]]]),
    ("mx.sym.moments(d, axes=(1,))", {"d": X34}, [[0.375, 1.375, 2.375], [0.078125] * 3]),
    ("mx.sym.moments(d, axes=(0,1))", {"d": X34}, [[1.375], [0.7447916865348816]]),
    ("mx.sym.moments(d, axes=(0,1), keepdims=True)", {"d": X34},
     [[[1.375]], [[0.7447916865348816]]]),
    ("mx.sym.shape_array(d)", {"d": np.zeros((2, 3, 4))}, [np.array([2, 3, 4], np.int64)]),
    ("mx.sym.size_array(d)", {"d": np.zeros((2, 3, 4))}, [np.array([24], np.int64)]),
    ("mx.sym.split_v2(d, (1,3), axis=1)", {"d": X34},
     [X34[:, :1], X34[:, 1:3], X34[:, 3:]]),
    ("mx.sym.split_v2(d, 4, axis=1, squeeze_axis=True)", {"d": X34}, list(X34.T)),
    ("mx.sym.khatri_rao(d, e)", {"d": [[1.0, 2.0], [3.0, 4.0]],
                                 "e": [[1.0, -1.0], [0.5, 2.0], [3.0, 1.0]]},
     [[[1.0, -2.0], [0.5, 4.0], [3.0, 2.0], [3.0, -4.0], [1.5, 8.0], [9.0, 4.0]]]),
    ("mx.sym.khatri_rao(d)", {"d": [[1.0, 2.0], [3.0, 4.0]]}, [[[1.0, 2.0], [3.0, 4.0]]]),
]


@pytest.mark.parametrize("code,inputs,want", VALUES, ids=[c[0] for c in VALUES])
def test_index_and_statistics_values_are_mxnets(code, inputs, want):
    sym = eval(code, {"mx": mx, "d": mx.sym.var("d"), "e": mx.sym.var("e")})
    got = sym.eval(**{k: mx.nd.array(v) for k, v in inputs.items()})
    assert len(got) == len(want)
    for g, w in zip(got, want):
        w = np.asarray(w)
        assert g.dtype == (np.int64 if w.dtype == np.int64 else np.float32)
        np.testing.assert_allclose(g.asnumpy(), w, rtol=1e-6)


@pytest.mark.parametrize("code,message", [
    ("mx.sym.moments(d)", "Empty axes is not supported"),
    ("mx.sym.diag(d, k=5)", "Diagonal does not exist"),
    ("mx.sym.gather_nd(d, mx.sym.var('i'))", "at least 2 dimensions"),
])
def test_mxnets_errors(code, message):
    sym = eval(code, {"mx": mx, "d": mx.sym.var("d")})
    feed = {"d": mx.nd.array(X34), "i": mx.nd.array([1, 2])}
    with pytest.raises(mx.base.MXNetError, match=message):
        sym.eval(**{k: v for k, v in feed.items() if k in sym.list_arguments()})


@pytest.mark.parametrize("make,op,attrs", [
    # MXNet 1.9.1's tojson() of each (captured with the oracle): op and attrs of its node
    (lambda: mx.sym.zeros((2, 3)), "_zeros", {"dtype": "float32", "shape": "(2, 3)"}),
    (lambda: mx.sym.zeros((2, 3), dtype="int32"), "_zeros",
     {"dtype": "int32", "shape": "(2, 3)"}),
    (lambda: mx.sym.ones((2,)), "_ones", {"dtype": "float32", "shape": "(2,)"}),
    (lambda: mx.sym.full((2, 3), 5), "_full",
     {"dtype": "float32", "shape": "(2, 3)", "value": "5.0"}),
])
def test_filled_constants_are_written_as_mxnet_writes_them(make, op, attrs):
    sym = make()
    node = json.loads(sym.tojson())["nodes"][0]
    assert (node["op"], node["attrs"]) == (op, attrs)
    assert mx.sym.load_json(sym.tojson()).graph == sym.graph
