"""Resampling blocks exported by MXNet 1.9.1 (tests/data/mxnet/vision_exports, made by its
capture.py under the oracle): `_contrib_BilinearResize2D` (corners aligned or not, by size
and by scale), `_contrib_AdaptiveAvgPooling2D`, UpSampling and Pad, and a contrib SyncBatchNorm
(`_contrib_SyncBatchNorm`: BatchNorm on one device). They load through the
composites of `ir/composites.py` (matrices built from `_arange`), with MXNet's output and
gradients (input and every parameter), eagerly and hybridized."""
import os
import sys

import numpy as np
import pytest

import tapegraph as mx
from tapegraph import autograd

sys.path.insert(0, os.path.dirname(__file__))
from mxnet_captures import check_like_mxnet  # noqa: E402

DATA = os.path.join(os.path.dirname(__file__), "..", "data", "mxnet", "vision_exports")


@pytest.mark.parametrize("name", ["resize", "pool", "syncbn"])
@pytest.mark.parametrize("hybridize", [False, True])
def test_mxnets_resampling_blocks_load_and_differentiate_as_in_mxnet(name, hybridize):
    path = os.path.join(DATA, name)
    net = mx.gluon.SymbolBlock.imports(path + "-symbol.json", ["data"], path + "-0000.params")
    v = dict(np.load(path + "-values.npz"))
    if hybridize:
        net.hybridize()
    x = mx.nd.array(v["x"])
    x.attach_grad()
    check_like_mxnet(net, [x], v, x=x)


def test_mx_sym_contrib_resampling_names_shapes_and_errors_as_mxnet():
    x = mx.sym.var("x")
    s = mx.sym.contrib.BilinearResize2D(x, height=5, width=6)
    assert s.name == "bilinearresize2d0"  # MXNet 1.9.1: bilinearresize2d0, (1, 2, 5, 6)
    assert s.infer_shape(x=(1, 2, 3, 4))[1] == [(1, 2, 5, 6)]
    p = mx.sym.contrib.AdaptiveAvgPooling2D(x, output_size=2)
    assert p.infer_shape(x=(1, 2, 3, 4))[1] == [(1, 2, 2, 2)]  # MXNet 1.9.1: the same
    data = mx.nd.array(np.arange(24, dtype=np.float32).reshape(1, 2, 3, 4))
    np.testing.assert_allclose(
        s.eval(x=data)[0].asnumpy(),
        mx.nd.contrib.BilinearResize2D(data, height=5, width=6).asnumpy(), rtol=1e-6)
    with pytest.raises(mx.base.MXNetError, match="mode must be one of"):
        mx.sym.contrib.BilinearResize2D(x, mode="cubic").eval(x=data)
    with pytest.raises(mx.base.MXNetError, match="expected a 4-D input"):
        p.eval(x=mx.nd.ones((2, 3)))


def test_contrib_sync_batchnorm_is_batchnorm_on_one_device_as_mxnet_prints_it():
    from tapegraph.gluon import nn
    from tapegraph.gluon.contrib import nn as contrib_nn
    sync = contrib_nn.SyncBatchNorm(in_channels=3, num_devices=1)
    assert repr(sync).startswith(  # MXNet 1.9.1's repr, up to the block counter in the key
        "SyncBatchNorm(eps=1e-05, momentum=0.9, fix_gamma=False, use_global_stats=False, "
        "ndev=1, key='syncbatchnorm") and repr(sync).endswith("in_channels=3)")
    plain = nn.BatchNorm(in_channels=3)
    for block in (sync, plain):
        block.initialize(mx.init.Uniform(0.5))
    for p, q in zip(sync.collect_params().values(), plain.collect_params().values()):
        q.set_data(p.data())
    x = mx.nd.array(np.random.RandomState(3).randn(4, 3, 2, 2).astype(np.float32))
    outs = []
    for block in (sync, plain):
        with autograd.record():
            y = block(x)
        y.backward(mx.nd.ones_like(y) * 0.5)
        outs.append((y.asnumpy(), block.gamma.grad().asnumpy(),
                     block.running_mean.data().asnumpy()))
    for a, b in zip(*outs):
        np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError, match="num_devices=2"):
        contrib_nn.SyncBatchNorm(num_devices=2)


def test_mx_sym_contrib_sync_batchnorm_infers_as_mxnet():
    v = [mx.sym.var(n) for n in ("x", "g", "b", "m", "s")]
    with mx.name.NameManager():  # (Gluon's SyncBatchNorm blocks count the same hint)
        s = mx.sym.contrib.SyncBatchNorm(*v, ndev=1, key="k")
    # MXNet 1.9.1: syncbatchnorm0, arguments x, g, b, auxiliary m, s, output (2, 3, 4, 4)
    assert (s.name, s.list_arguments(), s.list_auxiliary_states()) == (
        "syncbatchnorm0", ["x", "g", "b"], ["m", "s"])
    assert s.infer_shape(x=(2, 3, 4, 4)) == (
        [(2, 3, 4, 4), (3,), (3,)], [(2, 3, 4, 4)], [(3,), (3,)])
