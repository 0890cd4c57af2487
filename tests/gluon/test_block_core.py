"""Blocks: names, prefixes, reprs, collect_params and Dense values, against MXNet 1.9.1
(tests/data/mxnet/gluon_core/core.json, captured by tools/capture_gluon_core.py)."""
import json
import pathlib

import numpy as np
import pytest

import tapegraph as mx
from tapegraph import autograd, gluon, nd

DATA = pathlib.Path(__file__).resolve().parent.parent / "data/mxnet/gluon_core"
GOLD = json.loads((DATA / "core.json").read_text())


def _blocks():
    with mx.name.NameManager():
        d0 = gluon.nn.Dense(3)
        d1 = gluon.nn.Dense(4, activation="relu", in_units=2)
        net = gluon.nn.HybridSequential()
        with net.name_scope():
            net.add(gluon.nn.Dense(5, activation="tanh"), gluon.nn.Dropout(0.5),
                    gluon.nn.Dense(2, use_bias=False), gluon.nn.Flatten())
        seq = gluon.nn.Sequential(prefix="model_")
        with seq.name_scope():
            seq.add(gluon.nn.Embedding(10, 4), gluon.nn.Lambda("tanh"),
                    gluon.nn.HybridLambda(lambda F, x: F.relu(x)),
                    gluon.nn.Activation("sigmoid"))
        outer = gluon.nn.HybridSequential()
        with outer.name_scope():
            inner = gluon.nn.HybridSequential()
            with inner.name_scope():
                inner.add(gluon.nn.Dense(2))
            outer.add(inner, gluon.nn.Dense(1))
    return {"d0": d0, "d1": d1, "net": net, "seq": seq, "outer": outer}


@pytest.mark.parametrize("key", ["d0", "d1", "net", "seq", "outer"])
def test_names_prefixes_reprs_match_mxnet(key):
    blk = _blocks()[key]
    gold = GOLD["names"][key]
    assert blk.name == gold["name"]
    assert blk.prefix == gold["prefix"]
    assert repr(blk) == gold["repr"]
    assert list(blk.collect_params().keys()) == gold["params"]
    assert repr(blk.collect_params()) == gold["params_repr"]
    assert list(blk.collect_params(".*weight").keys()) == gold["select_weight"]
    assert list(blk.collect_params("^.*(bias|dense0_weight)$").keys()) == gold["select_alt"]


def test_deferred_shapes_after_first_forward_match_mxnet():
    net = _blocks()["net"]
    net.initialize(mx.init.One())
    net(nd.ones((2, 3)))
    assert repr(net) == GOLD["names"]["net_after"]["repr"]
    assert repr(net.collect_params()) == GOLD["names"]["net_after"]["params_repr"]


def test_global_counter_and_explicit_prefix():
    with mx.name.NameManager():
        a, b = gluon.nn.Dense(1), gluon.nn.Dense(1)
        c = gluon.nn.Dense(1, prefix="mine_")
        act = gluon.nn.Activation("relu")
    assert (a.name, b.name, c.name, act.name) == ("dense0", "dense1", "mine", "relu0")
    assert list(c.params.keys()) == ["mine_weight", "mine_bias"]


def test_params_sharing_between_blocks():
    with mx.name.NameManager():
        a = gluon.nn.Dense(2, in_units=3)
        b = gluon.nn.Dense(2, in_units=3, params=a.params)
    assert b.weight is a.weight and b.prefix == "dense1_"
    a.initialize()
    x = nd.ones((1, 3))
    np.testing.assert_array_equal(a(x).asnumpy(), b(x).asnumpy())


@pytest.mark.parametrize("act", ["None", "relu", "tanh", "sigmoid", "softrelu"])
def test_dense_forward_and_gradients_match_mxnet(act):
    g = GOLD["dense"]
    d = gluon.nn.Dense(5, activation=None if act == "None" else act, in_units=4)
    d.initialize()
    d.weight.set_data(nd.array(g["w"]))
    d.bias.set_data(nd.array(g["b"]))
    x = nd.array(g["x"])
    x.attach_grad()
    with autograd.record():
        y = d(x)
        loss = (y * y).sum()
    loss.backward()
    ref = g[act]
    np.testing.assert_allclose(y.asnumpy(), ref["y"], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(x.grad.asnumpy(), ref["dx"], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(d.weight.grad().asnumpy(), ref["dw"], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(d.bias.grad().asnumpy(), ref["db"], rtol=1e-5, atol=1e-6)


def test_dense_without_flatten_infers_last_axis():
    g = GOLD["dense"]["noflatten"]
    d = gluon.nn.Dense(5, flatten=False)
    d.initialize()
    x = nd.array(g["x"])
    d(x)
    assert list(d.weight.shape) == g["wshape"]
    d.weight.set_data(nd.array(GOLD["dense"]["w"]))
    d.bias.set_data(nd.array(GOLD["dense"]["b"]))
    np.testing.assert_allclose(d(x).asnumpy(), g["y"], rtol=1e-5, atol=1e-6)


def test_grad_req_add_accumulates_like_mxnet():
    g = GOLD["dense"]
    d = gluon.nn.Dense(5, in_units=4)
    d.initialize()
    d.weight.set_data(nd.array(g["w"]))
    d.collect_params().setattr("grad_req", "add")
    for _ in range(2):
        with autograd.record():
            y = d(nd.array(g["x"])).sum()
        y.backward()
    np.testing.assert_allclose(d.weight.grad().asnumpy(), g["add_twice_dw"], rtol=1e-5)
    d.zero_grad()
    assert not d.weight.grad().asnumpy().any()


def test_sequential_slicing_lambda_and_hooks():
    net = gluon.nn.Sequential()
    net.add(gluon.nn.Lambda(lambda x: x * 2), gluon.nn.Lambda("relu"),
            gluon.nn.HybridLambda("tanh"))
    assert len(net) == 3 and isinstance(net[1:], gluon.nn.Sequential) and len(net[1:]) == 2
    seen = []
    handle = net.register_forward_hook(lambda blk, inp, out: seen.append(out.shape))
    out = net(nd.array([[-1.0, 0.5]]))
    np.testing.assert_allclose(out.asnumpy(), np.tanh(np.maximum([[-2.0, 1.0]], 0)), rtol=1e-6)
    handle.detach()
    net(nd.array([[1.0, 1.0]]))
    assert seen == [(1, 2)]


def test_embedding_dropout_flatten():
    emb = gluon.nn.Embedding(5, 3)
    emb.initialize()
    emb.weight.set_data(nd.array(np.arange(15).reshape(5, 3)))
    out = emb(nd.array([[0, 4], [2, 2]]))
    assert out.shape == (2, 2, 3)
    np.testing.assert_array_equal(out.asnumpy()[0, 1], [12, 13, 14])
    drop = gluon.nn.Dropout(0.5)
    x = nd.ones((50, 40))
    np.testing.assert_array_equal(drop(x).asnumpy(), x.asnumpy())  # predict mode: identity
    with autograd.record():
        y = drop(x)
    vals = set(np.unique(y.asnumpy()).tolist())
    assert vals <= {0.0, 2.0} and len(vals) == 2
    assert gluon.nn.Flatten()(nd.ones((2, 3, 4))).shape == (2, 12)


def test_hybrid_block_called_with_symbols_builds_a_symbol():
    net = gluon.nn.HybridSequential(prefix="m_")
    with net.name_scope():
        net.add(gluon.nn.Dense(3, activation="relu", in_units=2), gluon.nn.Dense(1, in_units=3))
    out = net(mx.sym.var("data"))
    assert isinstance(out, mx.sym.Symbol)
    assert out.list_arguments() == ["data", "m_dense0_weight", "m_dense0_bias",
                                    "m_dense1_weight", "m_dense1_bias"]


def test_custom_hybrid_block_infers_shapes_symbolically():
    class Scale(gluon.HybridBlock):
        def __init__(self, **kw):
            super().__init__(**kw)
            with self.name_scope():
                self.w = self.params.get("w", shape=(4, 0), allow_deferred_init=True)

        def hybrid_forward(self, F, x, w):
            return F.FullyConnected(x, w, num_hidden=4, no_bias=True)

    blk = Scale(prefix="s_")
    blk.initialize()
    assert blk(nd.ones((2, 7))).shape == (2, 4)
    assert blk.w.shape == (4, 7)


def test_children_of_hybrid_blocks_must_be_hybrid():
    net = gluon.nn.HybridSequential()
    with pytest.raises(ValueError, match="Children of HybridBlock must also be HybridBlock"):
        net.add(gluon.nn.Lambda("tanh"))


def test_shape_mismatch_at_first_forward_names_block_and_parameter():
    d = gluon.nn.Dense(2, in_units=3, prefix="fc_")
    d.initialize()
    with pytest.raises(mx.MXNetError) as info:
        d(nd.ones((4, 5)))
    msg = str(info.value)
    assert "fc (Dense)" in msg and "fc_weight (2, 3)" in msg and "(4, 5)" in msg
    assert d(nd.ones((4, 3))).shape == (4, 2)  # nothing lost


def test_utils_split_and_load_and_clip_global_norm():
    parts = gluon.utils.split_and_load(nd.arange(12).reshape((6, 2)), [mx.cpu(0), mx.cpu(1)])
    assert [p.shape for p in parts] == [(3, 2), (3, 2)]
    with pytest.raises(ValueError, match="evenly split"):
        gluon.utils.split_data(nd.ones((5, 2)), 2)
    assert [p.shape[0] for p in gluon.utils.split_data(nd.ones((5, 2)), 2,
                                                        even_split=False)] == [3, 2]
    a, b = nd.array([3.0, 0.0]), nd.array([[4.0]])
    norm = gluon.utils.clip_global_norm([a, b], 1.0)
    assert norm == pytest.approx(5.0)
    np.testing.assert_allclose(a.asnumpy(), [0.6, 0.0], rtol=1e-5)
    np.testing.assert_allclose(b.asnumpy(), [[0.8]], rtol=1e-5)


def test_download_uses_a_file_already_there_and_never_the_network(tmp_path):
    f = tmp_path / "data.bin"
    f.write_bytes(b"abc")
    sha = "a9993e364706816aba3e25717850c26c9cd0d89d"
    assert gluon.utils.check_sha1(str(f), sha)
    assert gluon.utils.download("http://example.invalid/data.bin", path=str(tmp_path),
                                sha1_hash=sha) == str(f)
    with pytest.raises(mx.MXNetError, match="SHA-1"):
        gluon.utils.download("http://example.invalid/data.bin", path=str(f), sha1_hash="0")
    with pytest.raises(mx.MXNetError, match="does not fetch files from the network"):
        gluon.utils.download("http://example.invalid/other.bin", path=str(tmp_path))


def test_summary_prints_mxnets_table(capsys):
    with mx.name.NameManager():
        net = gluon.nn.HybridSequential()
        with net.name_scope():
            net.add(gluon.nn.Dense(4, activation="relu", in_units=5), gluon.nn.Dropout(0.5),
                    gluon.nn.Dense(2, in_units=4, use_bias=False))
    net.initialize()
    net[2].weight.grad_req = "null"
    net.summary(nd.ones((3, 5)))
    assert capsys.readouterr().out == GOLD["summary"]
    net.hybridize()
    with pytest.raises(mx.MXNetError, match="must not be hybridized to print summary"):
        net.summary(nd.ones((3, 5)))


def test_symbolic_forward_names_operators_under_the_block_prefix_as_mxnet():
    with mx.name.NameManager():
        net = gluon.nn.HybridSequential()
        with net.name_scope():
            net.add(gluon.nn.Dense(4, activation="relu", in_units=5),
                    gluon.nn.Dense(2, in_units=4))
    s = net(mx.sym.var("data"))
    assert s.list_outputs() == ["hybridsequential0_dense1_fwd_output"]
    # as MXNet 1.9.1 lists them
    assert s.get_internals().list_outputs() == [
        "data", "hybridsequential0_dense0_weight", "hybridsequential0_dense0_bias",
        "hybridsequential0_dense0_fwd_output", "hybridsequential0_dense0_relu_fwd_output",
        "hybridsequential0_dense1_weight", "hybridsequential0_dense1_bias",
        "hybridsequential0_dense1_fwd_output"]
    with mx.name.Prefix("outer_"):
        fc = mx.sym.FullyConnected(mx.sym.var("x"), num_hidden=2, name="fc")
    assert fc.list_outputs() == ["outer_fc_output"]
    assert mx.sym.FullyConnected(mx.sym.var("x"), num_hidden=2, name="fc").name == "fc"
