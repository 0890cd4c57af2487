"""Run under MXNet 1.9.1 (the oracle): small blocks of segmentation-style resampling built,
hybridized and exported by MXNet (their JSON holds `_contrib_BilinearResize2D`,
`_contrib_AdaptiveAvgPooling2D`, UpSampling and Pad) and a contrib SyncBatchNorm (one
device; `_contrib_SyncBatchNorm`), with an input, the output and the
gradients of sum(output * weights) with respect to the input and every parameter, for
tests/gluon/test_mxnet_vision_exports.py.

    /tmp/mxnet-oracle/bin/python tests/data/mxnet/vision_exports/capture.py
"""
import os
import sys

import mxnet as mx
import numpy as np
from mxnet.gluon import nn
from mxnet.gluon.contrib import nn as contrib_nn

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
from oracle_capture import record_and_export  # noqa: E402


def blocks():
    resize = nn.HybridSequential(prefix="resize_")
    with resize.name_scope():
        resize.add(nn.Conv2D(3, 3, padding=1),
                   nn.HybridLambda(lambda F, x: F.contrib.BilinearResize2D(x, height=7,
                                                                           width=9)),
                   nn.HybridLambda(lambda F, x: F.contrib.BilinearResize2D(
                       x, scale_height=0.5, scale_width=0.7, align_corners=False)),
                   nn.HybridLambda(lambda F, x: F.UpSampling(x, scale=2,
                                                             sample_type="nearest")))
    pool = nn.HybridSequential(prefix="pool_")
    with pool.name_scope():
        pool.add(nn.Conv2D(4, 1),
                 nn.HybridLambda(lambda F, x: F.contrib.AdaptiveAvgPooling2D(
                     x, output_size=(3, 2))),
                 nn.HybridLambda(lambda F, x: F.Pad(x, mode="edge",
                                                    pad_width=(0, 0, 0, 0, 1, 1, 2, 2))),
                 nn.HybridLambda(lambda F, x: F.contrib.AdaptiveAvgPooling2D(x)))
    syncbn = nn.HybridSequential(prefix="syncbn_")
    with syncbn.name_scope():
        syncbn.add(nn.Conv2D(3, 1), contrib_nn.SyncBatchNorm(in_channels=3, num_devices=1),
                   nn.Activation("relu"))
    return {"resize": (resize, (1, 2, 4, 5)), "pool": (pool, (2, 2, 7, 5)),
            "syncbn": (syncbn, (2, 2, 3, 3))}


if __name__ == "__main__":
    mx.random.seed(7)
    rng = np.random.RandomState(0)
    for name, (net, shape) in blocks().items():
        net.initialize(mx.init.Uniform(0.5))
        net.hybridize()
        x = mx.nd.array(rng.randn(*shape).astype(np.float32))
        x.attach_grad()
        y, _ = record_and_export(net, [x], os.path.join(HERE, name), rng, x=x,
                                 saved={"x": x.asnumpy()})
        print(name, y.shape)
