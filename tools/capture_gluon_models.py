"""Export small Gluon vision models with MXNet 1.9.1 (no downloads: random weights) as test
data for SymbolBlock.imports: run with the oracle's python.

- mobilenet0_25 from MXNet's model zoo, with 10 classes (1.9 MB of weights in total);
- resnet18_narrow: MXNet's model-zoo ResNetV1 with BasicBlockV1 and resnet18's layout
  ([2, 2, 2, 2] blocks) but channels [8, 8, 16, 32, 64] instead of [64, 64, 128, 256, 512],
  10 classes (resnet18_v1 itself has 45 MB of weights, too big to commit).

Each is hybridized, run on a fixed input (2x3x32x32) and exported; the input and the
output are written beside the files (<name>-io.json)."""
import json
import os

import numpy as np
import mxnet as mx
from mxnet.gluon.model_zoo import vision
from mxnet.gluon.model_zoo.vision.resnet import BasicBlockV1, ResNetV1

OUT = os.path.join(os.path.dirname(__file__), "..", "tests", "data", "mxnet", "gluon_models")


def capture(name, net, seed):
    mx.random.seed(seed)
    net.initialize(mx.init.Xavier(magnitude=2.0))
    net.hybridize()
    x = mx.nd.array(np.random.RandomState(seed).uniform(-1, 1, (2, 3, 32, 32)))
    net(x)  # shapes; then non-trivial BatchNorm statistics, so they matter
    for k, p in net.collect_params().items():
        if k.endswith("running_mean"):
            p.set_data(mx.nd.array(np.random.RandomState(1).uniform(-0.1, 0.1, p.shape)))
        if k.endswith("running_var"):
            p.set_data(mx.nd.array(np.random.RandomState(2).uniform(0.5, 1.5, p.shape)))
    y = net(x)
    net.export(os.path.join(OUT, name))
    # the exported model, loaded back: input gradients in predict and train mode, and the
    # moving statistics after one train-mode forward
    loaded = mx.gluon.SymbolBlock.imports(os.path.join(OUT, name + "-symbol.json"), ["data"],
                                          os.path.join(OUT, name + "-0000.params"))
    grads = {}
    for mode in (False, True):
        xx = x.copy()
        xx.attach_grad()
        with mx.autograd.record(train_mode=mode):
            out = loaded(xx)
            loss = (out * out).sum()
        loss.backward()
        grads["train" if mode else "predict"] = xx.grad.asnumpy()
    stats = {k: v.data().asnumpy().tolist() for k, v in loaded.collect_params().items()
             if k.endswith("batchnorm0_running_mean")}
    with open(os.path.join(OUT, name + "-io.json"), "w") as f:
        json.dump({"x": x.asnumpy().tolist(), "y": y.asnumpy().tolist(),
                   "prefix": net.prefix, "grad_predict": grads["predict"].tolist(),
                   "grad_train": grads["train"].tolist(), "stats_after_train": stats}, f)
    print(name, y.shape, sum(int(np.prod(p.shape)) for p in net.collect_params().values()))


def main():
    os.makedirs(OUT, exist_ok=True)
    capture("mobilenet0_25", vision.mobilenet0_25(pretrained=False, classes=10), 1)
    capture("resnet18_narrow", ResNetV1(BasicBlockV1, [2, 2, 2, 2], [8, 8, 16, 32, 64],
                                        classes=10), 2)


if __name__ == "__main__":
    main()
