"""gluon.model_zoo.vision against MXNet 1.9.1 (tools/capture_gluon_zoo.py,
tools/capture_gluon_models.py): every architecture has MXNet's parameter names and
shapes; with MXNet's weights loaded, mobilenet0_25, a narrow ResNetV1 and a narrow
ResNetV2 give MXNet's outputs, eagerly and hybridized, and input gradients: MXNet's own
for mobilenet; for the ResNets MXNet 1.9.1's predict-mode input gradient disagrees with
its own function's central difference (and varies between runs), so the gradient is
checked against that difference, computed by MXNet (zoo_fd.json)."""
import json
import os
import time

import numpy as np
import pytest

import tapegraph as mx
from tapegraph import autograd
from tapegraph.gluon.model_zoo import vision
from tapegraph.gluon.model_zoo.vision.resnet import (BasicBlockV1, BasicBlockV2, ResNetV1,
                                                     ResNetV2)

MODELS = os.path.join(os.path.dirname(__file__), "..", "data", "mxnet", "gluon_models")
SHAPES = json.load(open(os.path.join(MODELS, "zoo_shapes.json")))
FD = json.load(open(os.path.join(MODELS, "zoo_fd.json")))
# ceil_mode pooling has no symbolic shape inference here: these infer by a forward
BY_FORWARD = {"squeezenet1.0", "squeezenet1.1"}


@pytest.mark.parametrize("name", sorted(SHAPES))
def test_architecture_has_mxnet_parameter_names_and_shapes(name):
    want = SHAPES[name]
    net = vision.get_model(name, prefix=name.replace(".", "_") + "_")
    net.initialize()
    size = want["size"]
    x = mx.nd.zeros((1, 3, size, size))
    if name in BY_FORWARD:
        net(x)
    else:
        net.infer_shape(x)
    got = [[k, list(p.shape)] for k, p in net.collect_params().items()]
    assert got == want["params"]


def _load(name, fn):
    io = json.load(open(os.path.join(MODELS, name + "-io.json")))
    x = mx.nd.array(np.array(io["x"], dtype="float32"))
    return io, x


def _check(net, io, x, hybridize, fd=None):
    if hybridize:
        net.hybridize()
    for _ in range(2 if hybridize else 1):  # the trace, then the compiled plan
        xx = x.copy()
        xx.attach_grad()
        with autograd.record(train_mode=False):
            y = net(xx)
            loss = (y * y).sum()
        loss.backward()
        np.testing.assert_allclose(y.asnumpy(), np.array(io["y"]), rtol=1e-4, atol=1e-5)
        if fd is None:
            np.testing.assert_allclose(xx.grad.asnumpy(), np.array(io["grad_predict"]),
                                       rtol=1e-3, atol=1e-5)
        else:
            d = np.random.RandomState(0).standard_normal(x.shape).astype("float32")
            assert float((xx.grad.asnumpy() * d).sum()) == pytest.approx(fd, rel=2e-2)


def _exported_params(net, name):
    loaded = mx.nd.load(os.path.join(MODELS, name + "-0000.params"))
    params = net.collect_params()
    assert sorted(k.split(":", 1)[1] for k in loaded) == sorted(params.keys())
    for k, v in loaded.items():
        params[k.split(":", 1)[1]]._load_init(v, None)


@pytest.mark.parametrize("hybridize", [False, True])
def test_mobilenet0_25_with_mxnet_weights_gives_mxnet_values(hybridize):
    io, x = _load("mobilenet0_25", None)
    net = vision.mobilenet0_25(classes=10, prefix=io["prefix"])
    _exported_params(net, "mobilenet0_25")
    _check(net, io, x, hybridize)


@pytest.mark.parametrize("hybridize", [False, True])
def test_narrow_resnet_v1_with_mxnet_weights_gives_mxnet_values(hybridize):
    io, x = _load("resnet18_narrow", None)
    net = ResNetV1(BasicBlockV1, [2, 2, 2, 2], [8, 8, 16, 32, 64], classes=10,
                   prefix=io["prefix"])
    _exported_params(net, "resnet18_narrow")
    _check(net, io, x, hybridize, FD["resnet18_narrow"])


@pytest.mark.parametrize("hybridize", [False, True])
def test_narrow_resnet_v2_loads_mxnet_save_parameters(hybridize):
    io, x = _load("resnet18_v2_narrow", None)
    net = ResNetV2(BasicBlockV2, [2, 2, 2, 2], [8, 8, 16, 32, 64], classes=10)
    net.load_parameters(os.path.join(MODELS, "resnet18_v2_narrow.params"))
    _check(net, io, x, hybridize, FD["resnet18_v2_narrow"])


def test_pretrained_is_a_clear_error_without_downloading(tmp_path):
    start = time.time()
    with pytest.raises(NotImplementedError, match="does not download models"):
        vision.resnet18_v1(pretrained=True, root=str(tmp_path))
    assert time.time() - start < 5
    with pytest.raises(ValueError, match="Model nosuch is not supported"):
        vision.get_model("nosuch")
