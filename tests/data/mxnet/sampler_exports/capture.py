"""Run under MXNet 1.9.1 (the oracle): small sampler blocks built, hybridized and exported
by MXNet, with their inputs, output and the gradients of sum(output * weights) with
respect to the first input and every parameter, for
tests/gluon/test_mxnet_sampler_exports.py:

- "stn": a spatial transformer network: a localisation net (convolution, pooling, dense
  to the 6 affine parameters, biased towards a zoom) -> `SpatialTransformer` of the image
  to 5 x 6 -> a convolution;
- "warp": a flow from a convolution -> `GridGenerator` (warp) -> `BilinearSampler` of the
  image (cudnn_off=True), and a second `BilinearSampler` at an affine grid
  (`GridGenerator` affine of a dense layer), concatenated;
- "hist" (forward only: `_histogram` registers no gradient, so MXNet cannot run it in a
  hybridized block; a symbol saved with its parameters): the counts of a dense layer's
  outputs in 5 bins over (-1, 1) and in the bins of given edges (as float32) and the edges.

    /tmp/mxnet-oracle/bin/python tests/data/mxnet/sampler_exports/capture.py
"""
import json
import os
import sys

import mxnet as mx
import numpy as np
from mxnet import gluon
from mxnet.gluon import nn

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
from oracle_capture import record_and_export  # noqa: E402

ZOOM = np.array([0.8, 0.05, 0.03, -0.04, 0.75, 0.02], np.float32)


class STN(gluon.HybridBlock):
    def __init__(self, **kwargs):
        super(STN, self).__init__(**kwargs)
        with self.name_scope():
            self.loc_conv = nn.Conv2D(4, 3, activation="relu")
            self.loc_pool = nn.MaxPool2D(2)
            self.loc_dense = nn.Dense(6, weight_initializer=mx.init.Uniform(0.05),
                                      bias_initializer=mx.init.Constant(mx.nd.array(ZOOM)))
            self.head = nn.Conv2D(2, 3, padding=1)

    def hybrid_forward(self, F, x):
        theta = self.loc_dense(self.loc_pool(self.loc_conv(x)))
        warped = F.SpatialTransformer(x, theta, target_shape=(5, 6), transform_type="affine",
                                      sampler_type="bilinear")
        return self.head(warped)


class Warp(gluon.HybridBlock):
    def __init__(self, **kwargs):
        super(Warp, self).__init__(**kwargs)
        with self.name_scope():
            self.flow = nn.Conv2D(2, 3, padding=1, weight_initializer=mx.init.Uniform(0.3))
            self.affine = nn.Dense(6, weight_initializer=mx.init.Uniform(0.05),
                                   bias_initializer=mx.init.Constant(mx.nd.array(ZOOM)))

    def hybrid_forward(self, F, x):
        grid = F.GridGenerator(self.flow(x), transform_type="warp")
        warped = F.BilinearSampler(x, grid, cudnn_off=True)
        affine = F.GridGenerator(self.affine(x), transform_type="affine", target_shape=(8, 8))
        return F.concat(warped, F.BilinearSampler(x, affine), dim=1)


def hist_symbol():
    """The counts of a dense layer's tanh outputs in 5 bins over (-1, 1) and in the bins of
    given edges, as float32, and the edges (a symbol: MXNet's cached op, so a hybridized block, builds the
    gradient graph and refuses _histogram, which has none)."""
    x, edges = mx.sym.var("data0"), mx.sym.var("data1")
    y = mx.sym.tanh(mx.sym.FullyConnected(x, num_hidden=12, name="hist_dense0"))
    counts, bounds = mx.sym.histogram(y, bins=5, range=(-1, 1))
    given, same = mx.sym.histogram(y, bins=edges)
    # (every output used: MXNet's kernel refuses to skip writing the edges)
    return mx.sym.concat(mx.sym.cast(counts, "float32"), bounds, mx.sym.cast(given, "float32"),
                         same, dim=0)


if __name__ == "__main__":
    mx.random.seed(7)
    rng = np.random.RandomState(0)
    for name, net in (("stn", STN(prefix="stn_")), ("warp", Warp(prefix="warp_"))):
        net.initialize(mx.init.Uniform(0.3))
        net.hybridize()
        path = os.path.join(HERE, name)
        x = mx.nd.array(rng.uniform(0, 1, (2, 3, 8, 8)).astype(np.float32))
        x.attach_grad()
        y, _ = record_and_export(net, [x], path, rng, x=x, saved={"x": x.asnumpy()})
        with open(path + "-symbol.json") as f:
            ops = sorted(n["op"] for n in json.load(f)["nodes"] if n["op"] != "null")
        print(name, y.shape, ops)
    sym = hist_symbol()
    path = os.path.join(HERE, "hist")
    x = rng.uniform(-1, 1, (3, 4)).astype(np.float32)
    edges = np.array([-1.0, -0.3, 0.0, 0.2, 0.9], np.float32)
    params = {"hist_dense0_weight": mx.nd.array(rng.uniform(-0.8, 0.8, (12, 4))),
              "hist_dense0_bias": mx.nd.array(rng.uniform(-0.3, 0.3, (12,)))}
    exe = sym.bind(mx.cpu(), dict(params, data0=mx.nd.array(x), data1=mx.nd.array(edges)),
                   grad_req="null")
    y = exe.forward(is_train=False)[0]
    sym.save(path + "-symbol.json")
    mx.nd.save(path + "-0000.params", {"arg:" + k: v for k, v in params.items()})
    np.savez(path + "-values.npz", y=y.asnumpy(), x=x, extra=edges)
    print("hist", y.shape, y.asnumpy())
