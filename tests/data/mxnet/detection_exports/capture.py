"""Run under MXNet 1.9.1 (the oracle): small detection heads built, hybridized and exported
by MXNet: "ssd" (feature map -> `_contrib_MultiBoxPrior` anchors, class and box predictions
-> `_contrib_MultiBoxDetection`), "decode_nms" (GluonCV's pattern: `_contrib_box_decode`,
best class per anchor, `_contrib_box_nms`) and "nms_rows" (a convolution's rows through
`_contrib_box_nms`, whose gradient reaches the convolution through the kept rows), with an
input, the output and the gradients of sum(output * weights) with respect to the input and
every parameter, for tests/gluon/test_mxnet_detection_exports.py.

    /tmp/mxnet-oracle/bin/python tests/data/mxnet/detection_exports/capture.py
"""
import os
import sys

import mxnet as mx
import numpy as np
from mxnet import gluon
from mxnet.gluon import nn

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
from oracle_capture import record_and_export  # noqa: E402


class Head(gluon.HybridBlock):
    """Anchors of two sizes and two ratios on one feature map, two object classes."""

    def __init__(self, kind, **kwargs):
        super(Head, self).__init__(**kwargs)
        self.kind = kind
        with self.name_scope():
            self.body = nn.Conv2D(4, 3, padding=1, strides=2, activation="relu")
            self.cls = nn.Conv2D(3 * 3, 3, padding=1)
            self.loc = nn.Conv2D(3 * 4, 3, padding=1)

    def hybrid_forward(self, F, x):
        feat = self.body(x)
        anchors = F.contrib.MultiBoxPrior(feat, sizes=(0.4, 0.7), ratios=(1, 2))
        cls = F.reshape(F.transpose(self.cls(feat), axes=(0, 2, 3, 1)), shape=(0, -1, 3))
        loc = F.flatten(F.transpose(self.loc(feat), axes=(0, 2, 3, 1)))
        if self.kind == "ssd":
            probs = F.transpose(F.softmax(cls, axis=-1), axes=(0, 2, 1))
            return F.contrib.MultiBoxDetection(probs, loc, anchors, threshold=0.1,
                                               nms_threshold=0.4)
        boxes = F.contrib.box_decode(F.reshape(loc, shape=(0, -1, 4)), anchors, std0=0.1,
                                     std1=0.1, std2=0.2, std3=0.2, format="corner")
        scores = F.slice_axis(F.softmax(cls, axis=-1), axis=-1, begin=1, end=None)
        dets = F.concat(F.argmax(scores, axis=-1, keepdims=True),
                        F.max(scores, axis=-1, keepdims=True), boxes, dim=-1)
        return F.contrib.box_nms(dets, overlap_thresh=0.4, valid_thresh=0.3, topk=8,
                                 id_index=0)


class Rows(gluon.HybridBlock):
    """Rows [score, x, y, w, h] computed by a convolution, suppressed by box_nms."""

    def __init__(self, **kwargs):
        super(Rows, self).__init__(**kwargs)
        with self.name_scope():
            self.conv = nn.Conv2D(5, 1)

    def hybrid_forward(self, F, x):
        rows = F.reshape(F.transpose(F.sigmoid(self.conv(x)), axes=(0, 2, 3, 1)),
                         shape=(0, -1, 5))
        rows = F.concat(F.slice_axis(rows, axis=-1, begin=0, end=3),
                        F.slice_axis(rows, axis=-1, begin=3, end=5) * 0.3, dim=-1)
        return F.contrib.box_nms(rows, overlap_thresh=0.3, coord_start=1, score_index=0,
                                 in_format="center", out_format="corner") * 2


if __name__ == "__main__":
    mx.random.seed(7)
    rng = np.random.RandomState(0)
    for name, net, shape in (("ssd", Head("ssd", prefix="ssd_"), (2, 3, 8, 8)),
                             ("decode_nms", Head("nms", prefix="nms_"), (2, 3, 8, 8)),
                             ("nms_rows", Rows(prefix="rows_"), (2, 3, 3, 4))):
        net.initialize(mx.init.Uniform(0.5))
        net.hybridize()
        x = mx.nd.array(rng.uniform(0, 1, shape).astype(np.float32))
        x.attach_grad()
        y, _ = record_and_export(net, [x], os.path.join(HERE, name), rng, x=x,
                                 saved={"x": x.asnumpy()})
        print(name, y.shape, sorted(n["op"] for n in __import__("json").load(
            open(os.path.join(HERE, name + "-symbol.json")))["nodes"] if "contrib" in n["op"]))
