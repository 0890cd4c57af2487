"""MXNet's legacy reductions over every axis give shape (1,) (legacy arrays have no 0-d
form): in files MXNet writes and in `mx.sym.sum(x)`, as MXNet 1.9.1 infers them (the
shapes below were captured from it). tapegraph's own 0-d reductions survive a round
trip through JSON exactly (their nodes carry the `__tg_*__` keys)."""
import numpy as np

import tapegraph as mx

# mx.sym.sum(mx.sym.var("x")) * 2, written by MXNet 1.9.1's tojson()
MXNET_SUM_JSON = (
    '{"nodes": [{"op": "null", "name": "x", "inputs": []}, {"op": "sum", "name": "sum0", '
    '"inputs": [[0, 0, 0]]}, {"op": "_mul_scalar", "name": "_mulscalar0", "attrs": '
    '{"scalar": "2"}, "inputs": [[1, 0, 0]]}], "arg_nodes": [0], "node_row_ptr": '
    '[0, 1, 2, 3], "heads": [[2, 0, 0]], "attrs": {"mxnet_version": ["int", 10901]}}')


def test_a_file_written_by_mxnet_keeps_the_legacy_shape():
    sym = mx.sym.load_json(MXNET_SUM_JSON)
    assert sym.infer_shape(x=(3, 4))[1] == [(1,)]  # MXNet 1.9.1: [(1,)]
    out = sym.eval(x=mx.nd.ones((3, 4)))[0]
    assert out.shape == (1,) and out.asnumpy().tolist() == [24.0]


def test_symbol_reductions_infer_what_mxnet_infers():
    x = mx.sym.var("x")
    assert mx.sym.sum(x).infer_shape(x=(3, 4))[1] == [(1,)]        # MXNet: [(1,)]
    assert mx.sym.sum(x, axis=1).infer_shape(x=(3, 4))[1] == [(3,)]  # MXNet: [(3,)]
    assert mx.sym.mean(x).infer_shape(x=(3,))[1] == [(1,)]          # MXNet: [(1,)]


def test_tapegraph_zero_d_reductions_round_trip_exactly():
    x = mx.nd.array(np.arange(4, dtype=np.float32))
    x.attach_grad()
    with mx.autograd.record():
        loss = (x * x).sum()  # records a 0-d sum, then MXNet's reshape to (1,)
    sym = mx.autograd.get_symbol(loss)
    assert "f32[] = sum" in str(sym.graph)
    again = mx.sym.load_json(sym.tojson())
    assert again.graph == sym.graph


def _ops(sym):
    import json
    return [n["op"] for n in json.loads(sym.tojson())["nodes"]]


def test_a_recorded_total_is_written_as_mxnets_one_node():
    """`x.mean()` records tapegraph's 0-d mean and MXNet's reshape to (1,); MXNet 1.9.1's
    get_symbol writes one `mean` node (captured: ops ["null", "mean"], no attributes), and
    so does the export now, which loads back as the same two IR nodes."""
    x = mx.nd.array([[1., 2.], [3., 4.]])
    x.attach_grad()
    with mx.autograd.record():
        y = x.mean()
    sym = mx.autograd.get_symbol(y)
    assert _ops(sym) == ["null", "mean"]
    again = mx.sym.load_json(sym.tojson())
    assert again.graph == sym.graph
    assert again.eval(x=x)[0].asnumpy().tolist() == [2.5]


def test_a_total_read_elsewhere_keeps_its_own_node():
    """The pair is merged only when the Reshape is the total's one reader; a 0-d total read
    by another operator too is written with its `__tg_*__` keys, and the graph survives
    the round trip exactly either way."""
    from tapegraph.ir import Builder, Graph, TensorType, Value
    from tapegraph.symbol.formats.json_export import to_json
    x = Value(TensorType.get((2, 2), "float32"))
    for shared in (False, True):
        b = Builder()
        total = b.op("sum", x)
        outs = [b.op("Reshape", total, shape=(1,))]
        if shared:
            outs.append(b.op("_mul_scalar", total, scalar=2.0))
        graph = Graph("g", [x], b.nodes, outs)
        text = to_json(graph)
        assert ('"Reshape"' in text) == shared and ('"__tg_op__": "sum"' in text) == shared
        again = mx.sym.load_json(text)
        name = again.list_arguments()[0]
        value = again.eval(**{name: mx.nd.array([[1., 2.], [3., 4.]])})[0]
        assert value.asnumpy().tolist() == [10.0]
        assert again.graph == graph
