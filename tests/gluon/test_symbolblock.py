"""SymbolBlock: models built and exported by MXNet 1.9.1 (tools/capture_gluon_models.py:
model-zoo mobilenet0_25 and a narrow resnet18-layout ResNetV1, random weights) load with
`SymbolBlock.imports` and give MXNet's outputs, gradients and BatchNorm statistics; files
exported here load back here, and in MXNet (tools/check_export_in_mxnet.py, report in
tests/data/mxnet/gluon_core/export_check.json)."""
import json
import pathlib

import numpy as np
import pytest

import tapegraph as mx
from tapegraph import autograd, gluon, nd

DATA = pathlib.Path(__file__).resolve().parent.parent / "data/mxnet"
MODELS = DATA / "gluon_models"


def _load(name):
    base = str(MODELS / name)
    io = json.loads((MODELS / (name + "-io.json")).read_text())
    return gluon.SymbolBlock.imports(base + "-symbol.json", ["data"], base + "-0000.params"), io


@pytest.mark.parametrize("name", ["mobilenet0_25", "resnet18_narrow"])
def test_mxnet_exported_models_give_mxnet_outputs(name):
    net, io = _load(name)
    y = net(nd.array(io["x"]))
    np.testing.assert_allclose(y.asnumpy(), io["y"], rtol=1e-4, atol=1e-6)
    assert all(k.startswith(io["prefix"]) for k in net.collect_params().keys())
    assert net.collect_params()[io["prefix"] + "batchnorm0_running_mean"].grad_req == "null"


@pytest.mark.parametrize("name", ["mobilenet0_25", "resnet18_narrow"])
def test_train_mode_gradients_and_moving_statistics_match_mxnet(name):
    net, io = _load(name)
    x = nd.array(io["x"])
    x.attach_grad()
    with autograd.record():
        y = net(x)
        loss = (y * y).sum()
    loss.backward()
    g, ref = x.grad.asnumpy(), np.array(io["grad_train"])
    if name == "resnet18_narrow":
        assert np.linalg.norm(g - ref) / np.linalg.norm(ref) < 1e-3
    else:
        # mobilenet's last BatchNorms normalise 2 numbers per channel (1x1 maps, batch
        # of 2): float32 rounding is amplified; the direction still agrees closely.
        assert np.corrcoef(g.ravel(), ref.ravel())[0, 1] > 0.9999
    for k, v in io["stats_after_train"].items():
        np.testing.assert_allclose(net.collect_params()[k].data().asnumpy(), v, rtol=1e-4,
                                   atol=1e-6)


def test_exported_here_imports_here_and_in_mxnet(tmp_path):
    with mx.name.NameManager():
        net = gluon.nn.HybridSequential()
        with net.name_scope():
            net.add(gluon.nn.Dense(6, activation="relu"), gluon.nn.Dropout(0.3),
                    gluon.nn.Dense(2))
    net.initialize(mx.init.Xavier())
    with pytest.raises(RuntimeError, match="first call block.hybridize"):
        net.export(str(tmp_path / "m"))
    net.hybridize()
    with autograd.record():
        net(nd.ones((4, 3)))
    net.export(str(tmp_path / "m"), epoch=1)
    assert sorted(nd.load(str(tmp_path / "m-0001.params"))) == [
        "arg:hybridsequential0_dense0_bias", "arg:hybridsequential0_dense0_weight",
        "arg:hybridsequential0_dense1_bias", "arg:hybridsequential0_dense1_weight"]
    back = gluon.SymbolBlock.imports(str(tmp_path / "m-symbol.json"), ["data"],
                                     str(tmp_path / "m-0001.params"))
    x = nd.array(np.random.RandomState(0).rand(5, 3))
    np.testing.assert_allclose(back(x).asnumpy(), net(x).asnumpy(), rtol=1e-6)
    report = json.loads((DATA / "gluon_core/export_check.json").read_text())
    assert report["mxnet"] == "1.9.1"
    for name in ("mlp", "cnn", "layers", "lstm"):
        assert report["results"][name]["max_abs_diff"] < 1e-5
    assert "BatchNorm" in report["results"]["cnn"]["ops"]
    assert "LeakyReLU" in report["results"]["layers"]["ops"]


def test_symbolblock_from_symbols_with_deferred_shapes():
    data = mx.sym.var("data")
    out = mx.sym.FullyConnected(data, mx.sym.var("fc_weight"), mx.sym.var("fc_bias"),
                                num_hidden=3)
    blk = gluon.SymbolBlock(out, data)
    assert list(blk.collect_params().keys()) == ["fc_weight", "fc_bias"]
    blk.initialize()
    assert blk(nd.ones((2, 4))).shape == (2, 3)
    assert blk.collect_params()["fc_weight"].shape == (3, 4)
    with pytest.raises(mx.MXNetError, match="expected 1 inputs"):
        blk(nd.ones((2, 4)), nd.ones((2, 4)))


def test_imports_errors_name_the_parameter(tmp_path):
    base = str(MODELS / "resnet18_narrow")
    sym = mx.sym.load(base + "-symbol.json")
    nd.save(str(tmp_path / "few.params"), {"arg:resnetv10_conv0_weight":
                                           nd.load(base + "-0000.params")[
                                               "arg:resnetv10_conv0_weight"]})
    with pytest.raises(AssertionError, match="Parameter 'resnetv10_conv0_bias|Parameter "
                                             "'resnetv10_batchnorm0_gamma' is missing"):
        gluon.SymbolBlock.imports(base + "-symbol.json", ["data"], str(tmp_path / "few.params"))
    blk = gluon.SymbolBlock.imports(base + "-symbol.json", ["data"],
                                    str(tmp_path / "few.params"), allow_missing=True)
    assert blk.collect_params()["resnetv10_conv0_weight"].shape == (8, 3, 7, 7)
    assert sym.list_arguments()[0] == "data"


def test_feature_extraction_shares_the_parameters_and_several_inputs():
    net = gluon.nn.HybridSequential(prefix="fx_")
    with net.name_scope():
        net.add(gluon.nn.Dense(4, activation="relu", in_units=5), gluon.nn.Dense(2, in_units=4))
    net.initialize()
    data = mx.sym.var("data")
    feat = net(data).get_internals()["fx_dense0_relu_fwd_output"]
    both = gluon.SymbolBlock([feat, net(data)], data, params=net.collect_params())
    x = nd.array(np.random.RandomState(0).rand(3, 5))
    a, b = both(x)
    assert a.shape == (3, 4)
    np.testing.assert_allclose(b.asnumpy(), net(x).asnumpy(), rtol=1e-6)
    assert both.collect_params()["fx_dense0_weight"] is net[0].weight
    u, v = mx.sym.var("u"), mx.sym.var("v")
    two = gluon.SymbolBlock(u * v + 1, [u, v])
    np.testing.assert_array_equal(two(nd.ones((2,)), nd.array([2, 3])).asnumpy(), [3, 4])
