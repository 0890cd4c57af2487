"""An attention block exported by MXNet 1.9.1 (tests/data/mxnet/attention, made by its
capture.py under the oracle): its JSON holds `softmax` with use_length=True (MXNet's masked
softmax, lengths as a second input), batch_dot, LayerNorm, GELU, SequenceMask and Dropout.
`SymbolBlock.imports` must give MXNet's output and parameter gradients, and the masked
softmax must follow each call's lengths (no constant of the first call)."""
import os
import sys

import numpy as np
import pytest

import tapegraph as mx

sys.path.insert(0, os.path.dirname(__file__))
from mxnet_captures import check_like_mxnet  # noqa: E402

DATA = os.path.join(os.path.dirname(__file__), "..", "data", "mxnet", "attention")


def _load():
    path = os.path.join(DATA, "attention")
    net = mx.gluon.SymbolBlock.imports(path + "-symbol.json", ["data0", "data1"],
                                       path + "-0000.params")
    return net, dict(np.load(path + "-values.npz"))


@pytest.mark.parametrize("hybridize", [False, True])
def test_mxnets_attention_block_loads_and_differentiates_as_in_mxnet(hybridize):
    net, v = _load()
    if hybridize:
        net.hybridize()
    check_like_mxnet(net, [mx.nd.array(v["tokens"]), mx.nd.array(v["valid"])], v,
                     train_mode=False)


def test_the_loaded_masked_softmax_reads_each_calls_lengths():
    net, v = _load()
    net.hybridize()
    tokens = mx.nd.array(v["tokens"])
    first = net(tokens, mx.nd.array([3, 5])).asnumpy()
    other = net(tokens, mx.nd.array([5, 2])).asnumpy()
    again = net(tokens, mx.nd.array([3, 5])).asnumpy()
    np.testing.assert_allclose(first, v["y"], rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(first, again)
    assert np.abs(first - other).max() > 1e-3


def test_mx_sym_softmax_with_lengths_matches_mx_nd():
    rng = np.random.RandomState(2)
    x = mx.nd.array(rng.randn(2, 3, 4).astype(np.float32))
    lengths = mx.nd.array([[1, 4, 0], [2, 3, 4]], dtype="int32")
    want = mx.nd.softmax(x, length=lengths, use_length=True, axis=-1)
    sym = mx.sym.softmax(mx.sym.var("x"), mx.sym.var("n"), use_length=True, axis=-1)
    got = sym.eval(x=x, n=lengths)[0]
    np.testing.assert_allclose(got.asnumpy(), want.asnumpy(), rtol=1e-6)
    assert (got.asnumpy()[0, 2] == 0).all()  # a length of 0: a row of zeros, as MXNet
    with pytest.raises(mx.base.MXNetError, match="length must be of an integer type"):
        sym.eval(x=x, n=mx.nd.array([[1, 4, 0], [2, 3, 4]]))
    plain = mx.sym.softmax(mx.sym.var("x"), mx.sym.var("n"), axis=-1)
    with pytest.raises(mx.base.MXNetError, match="needs use_length=True"):
        plain.eval(x=x, n=lengths)


@pytest.mark.parametrize("hybridize", [False, True])
def test_mxnets_interleaved_attention_loads_and_differentiates_as_in_mxnet(hybridize):
    """`_contrib_interleaved_matmul_{selfatt,encdec}_{qk,valatt}` and `_contrib_arange_like`
    (ir/composites.py) in a block MXNet exported: its output and parameter gradients."""
    path = os.path.join(DATA, "interleaved")
    net = mx.gluon.SymbolBlock.imports(path + "-symbol.json", ["data"], path + "-0000.params")
    v = dict(np.load(path + "-values.npz"))
    if hybridize:
        net.hybridize()
    check_like_mxnet(net, [mx.nd.array(v["x"])], v)


def test_mx_sym_contrib_attention_names_and_errors():
    qkv = mx.sym.var("qkv")
    s = mx.sym.contrib.interleaved_matmul_selfatt_qk(qkv, heads=2)
    assert s.name == "interleaved_matmul_selfatt_qk0"  # MXNet 1.9.1's name
    assert s.infer_shape(qkv=(5, 2, 24))[1] == [(4, 5, 5)]  # MXNet 1.9.1: [(4, 5, 5)]
    with pytest.raises(mx.base.MXNetError, match="not divisible by 5 heads"):
        mx.sym.contrib.interleaved_matmul_selfatt_qk(qkv, heads=5).eval(
            qkv=mx.nd.ones((5, 2, 24)))
    a = mx.sym.contrib.arange_like(mx.sym.var("x"), axis=1)
    assert a.eval(x=mx.nd.ones((2, 3)))[0].asnumpy().tolist() == [0.0, 1.0, 2.0]
