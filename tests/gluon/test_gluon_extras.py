"""Smaller MXNet 1.9.1 Gluon API pieces: mx.init.FusedRNN (values captured from MXNet,
tools/capture_gluon_features.py), Parameter.row_sparse_data, DataLoader.refresh/clean,
register_op_hook, SymbolBlock.reset_ctx, the nn re-exports."""
import json
import os
import zlib

import numpy as np
import pytest

import tapegraph as mx
from tapegraph import gluon
from tapegraph.gluon import nn

DATA = os.path.join(os.path.dirname(__file__), "..", "data", "mxnet", "gluon_features")
FUSED = json.load(open(os.path.join(DATA, "features.json")))["fused_rnn"]


@mx.init.register
class NameInit(mx.init.Initializer):
    """As in the capture script: values from each piece's name."""

    def _init_weight(self, name, arr):
        base = (zlib.crc32(str(name).encode()) % 97) / 97.0
        arr[:] = base + 0.001 * mx.nd.arange(arr.size).reshape(arr.shape)

    def _init_bias(self, name, arr):
        arr[:] = -(zlib.crc32(str(name).encode()) % 89) / 89.0


@pytest.mark.parametrize("case", FUSED, ids=["%s-%d-%s-%s" % (c["mode"], c["layers"],
                                                              c["bidirectional"], c["inner"])
                                             for c in FUSED])
def test_fused_rnn_init_packs_pieces_as_mxnet(case):
    size = case["value"]["shape"][0]
    init = mx.init.FusedRNN(NameInit() if case["inner"] else None, case["hidden"],
                            case["layers"], case["mode"], case["bidirectional"],
                            forget_bias=0.75)
    p = gluon.Parameter("lstm_parameters", shape=(size,), init=init)
    p.initialize(default_init=NameInit())  # the global initializer, as captured
    np.testing.assert_array_equal(p.data().asnumpy(),
                                  np.array(case["value"]["data"], dtype="float32"))


def test_fused_rnn_init_rejects_a_size_that_does_not_fit():
    p = gluon.Parameter("p", shape=(7,), init=mx.init.FusedRNN(None, 4, 1, "lstm"))
    with pytest.raises(ValueError, match="7 values does not fit lstm"):
        p.initialize(default_init=NameInit())
    assert mx.init.FusedRNN("xavier", 4, 1, "gru")._init.__class__ is mx.init.Xavier


def test_row_sparse_data_keeps_the_given_rows():
    p = gluon.Parameter("emb", shape=(4, 2), stype="row_sparse")
    p.initialize(init=mx.init.One())
    got = p.row_sparse_data(mx.nd.array([0, 2]))
    assert got.asnumpy().tolist() == [[1, 1], [0, 0], [1, 1], [0, 0]]
    assert len(p.list_row_sparse_data(mx.nd.array([1]))) == 1
    dense = gluon.Parameter("w", shape=(2,))
    dense.initialize()
    with pytest.raises(RuntimeError, match="storage type is default. Please use data"):
        dense.row_sparse_data(mx.nd.array([0]))


def test_dataloader_refresh_clean_and_auto_reload():
    data = gluon.data.ArrayDataset(mx.nd.arange(6))
    loader = gluon.data.DataLoader(data, batch_size=2)
    it = iter(loader)
    assert next(it).asnumpy().tolist() == [0, 1]
    loader.refresh()
    started = loader._iter
    next(started)  # a refreshed pass is what the next iter() continues
    assert [b.asnumpy().tolist() for b in loader] == [[2, 3], [4, 5]]
    loader.refresh()
    loader.clean()
    assert len(list(loader)) == 3
    auto = gluon.data.DataLoader(data, batch_size=3, auto_reload=True)
    assert auto._iter is not None
    assert len(list(auto)) == 2 and auto._iter is not None


def test_register_op_hook_is_a_clear_error_on_hybrid_blocks():
    seq = nn.Sequential()  # plain blocks: MXNet's hook never fires outside a CachedOp
    seq.register_op_hook(print)
    with pytest.raises(NotImplementedError, match="no per-operator callbacks"):
        nn.Dense(2).register_op_hook(print)


def test_nn_reexports_block_classes():
    assert nn.Block is gluon.Block and nn.HybridBlock is gluon.HybridBlock
    assert nn.SymbolBlock is gluon.SymbolBlock
    assert mx.init.load is mx.nd.load
    with pytest.raises(NotImplementedError):
        gluon.rnn.SequentialRNNCell().hybrid_forward(None)


def test_symbolblock_reset_ctx_moves_parameters():
    x = mx.sym.var("data")
    blk = gluon.SymbolBlock(mx.sym.FullyConnected(x, num_hidden=2, name="fc"), x)
    blk.initialize()
    blk(mx.nd.ones((1, 3)))
    blk.reset_ctx(mx.cpu(1))
    assert all(p.list_ctx() == [mx.cpu(1)] for p in blk.collect_params().values())


@pytest.mark.parametrize("name", ["1d", "2d", "3d"])
def test_pixel_shuffle_matches_mxnet(name):
    want = json.load(open(os.path.join(DATA, "features.json")))["pixel_shuffle"][name]
    layer = {"1d": gluon.contrib.nn.PixelShuffle1D(2),
             "2d": gluon.contrib.nn.PixelShuffle2D((2, 3)),
             "3d": gluon.contrib.nn.PixelShuffle3D(2)}[name]
    shape = {"1d": (1, 4, 3), "2d": (1, 12, 2, 3), "3d": (1, 16, 2, 1, 3)}[name]
    x = mx.nd.arange(int(np.prod(shape))).reshape(shape)
    for hybrid in (False, True):
        layer.hybridize(hybrid)
        got = layer(x)
        assert list(got.shape) == want["shape"]
        np.testing.assert_array_equal(got.asnumpy().ravel(), want["data"])


def test_concurrent_and_identity():
    net = gluon.contrib.nn.HybridConcurrent(axis=1)
    net.add(nn.Dense(2), gluon.contrib.nn.Identity())
    net.initialize(mx.init.One())
    x = mx.nd.ones((1, 3))
    assert net(x).asnumpy().tolist() == [[3, 3, 1, 1, 1]]
    seq = gluon.contrib.nn.Concurrent()
    seq.add(gluon.contrib.nn.Identity(), gluon.contrib.nn.Identity())
    assert seq(x).shape == (1, 6)
    with pytest.raises(NotImplementedError, match="sparse storage"):
        gluon.contrib.nn.SparseEmbedding(10, 2)
