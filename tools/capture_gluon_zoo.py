"""Capture MXNet 1.9.1's model-zoo architectures (no downloads): run with the oracle's
python. Writes into tests/data/mxnet/gluon_models/:

- zoo_shapes.json: for each vision model (built with prefix '<name>_'), its parameters'
  names and shapes after shape inference on a small input, in collect_params() order;
- resnet18_v2_narrow.params / -io.json: MXNet's ResNetV2 with BasicBlockV2, resnet18's
  layout ([2, 2, 2, 2]) and channels [8, 8, 16, 32, 64], 10 classes, saved with
  save_parameters, with an input, its output and the input's gradient of sum(out ** 2)
  (predict mode). (mobilenet0_25 and the narrow ResNetV1 come from capture_gluon_models.py.)
- zoo_fd.json: for the two narrow ResNets, the central difference of sum(out ** 2) in
  predict mode along a fixed direction (RandomState(0) normal, float64, eps 1e-5). MXNet 1.9.1's own
  predict-mode input gradient of these ResNets disagrees with this difference (and
  changes between runs), so the tests check gradients against MXNet's function through it.
"""
import json
import os

import numpy as np
import mxnet as mx
from mxnet.gluon.model_zoo import vision
from mxnet.gluon.model_zoo.vision.resnet import BasicBlockV2, ResNetV2

OUT = os.path.join(os.path.dirname(__file__), "..", "tests", "data", "mxnet", "gluon_models")
MODELS = [("resnet18_v1", 32), ("resnet34_v1", 32), ("resnet50_v1", 32), ("resnet18_v2", 32),
          ("resnet50_v2", 32), ("resnet101_v2", 32), ("mobilenet0.25", 32),
          ("mobilenet1.0", 32), ("mobilenetv2_0.25", 32), ("mobilenetv2_1.0", 32),
          ("alexnet", 224), ("vgg11", 32), ("vgg16_bn", 32), ("squeezenet1.0", 224),
          ("squeezenet1.1", 224), ("densenet121", 224), ("inceptionv3", 299)]


def shapes():
    out = {}
    for name, size in MODELS:
        net = vision.get_model(name, prefix=name.replace(".", "_") + "_")
        net.initialize()
        net.infer_shape(mx.nd.zeros((1, 3, size, size)))
        out[name] = {"size": size,
                     "params": [[k, list(p.shape)] for k, p in net.collect_params().items()]}
    return out


def narrow_v2():
    mx.random.seed(5)
    net = ResNetV2(BasicBlockV2, [2, 2, 2, 2], [8, 8, 16, 32, 64], classes=10,
                   prefix="resnetv20_")
    net.initialize(mx.init.Xavier(magnitude=2.0))
    x = mx.nd.array(np.random.RandomState(5).uniform(-1, 1, (2, 3, 32, 32)))
    net(x)
    for k, p in net.collect_params().items():
        if k.endswith("running_mean"):
            p.set_data(mx.nd.array(np.random.RandomState(1).uniform(-0.1, 0.1, p.shape)))
        if k.endswith("running_var"):
            p.set_data(mx.nd.array(np.random.RandomState(2).uniform(0.5, 1.5, p.shape)))
    net.save_parameters(os.path.join(OUT, "resnet18_v2_narrow.params"))
    xx = x.copy()
    xx.attach_grad()
    with mx.autograd.record(train_mode=False):
        y = net(xx)
        loss = (y * y).sum()
    loss.backward()
    with open(os.path.join(OUT, "resnet18_v2_narrow-io.json"), "w") as f:
        json.dump({"x": x.asnumpy().tolist(), "y": y.asnumpy().tolist(),
                   "grad_predict": xx.grad.asnumpy().tolist()}, f)


def central_difference(net, x):
    """In float64 (a float32 difference is swamped by rounding and ReLU kinks)."""
    net.cast("float64")
    d = np.random.RandomState(0).standard_normal(x.shape).astype("float32").astype("float64")

    def loss(a):
        y = net(mx.nd.array(a, dtype="float64")).asnumpy()
        return float((y * y).sum())
    x = x.asnumpy().astype("float64")
    return (loss(x + 1e-5 * d) - loss(x - 1e-5 * d)) / 2e-5


def fds():
    out = {}
    base = os.path.join(OUT, "resnet18_narrow")
    io = json.load(open(base + "-io.json"))
    net = mx.gluon.SymbolBlock.imports(base + "-symbol.json", ["data"], base + "-0000.params")
    out["resnet18_narrow"] = central_difference(net, mx.nd.array(io["x"]))
    io = json.load(open(os.path.join(OUT, "resnet18_v2_narrow-io.json")))
    net = ResNetV2(BasicBlockV2, [2, 2, 2, 2], [8, 8, 16, 32, 64], classes=10)
    net.load_parameters(os.path.join(OUT, "resnet18_v2_narrow.params"))
    out["resnet18_v2_narrow"] = central_difference(net, mx.nd.array(io["x"]))
    return out


def main():
    with open(os.path.join(OUT, "zoo_shapes.json"), "w") as f:
        json.dump(shapes(), f, indent=0)
    narrow_v2()
    with open(os.path.join(OUT, "zoo_fd.json"), "w") as f:
        json.dump(fds(), f, indent=1)


if __name__ == "__main__":
    main()
