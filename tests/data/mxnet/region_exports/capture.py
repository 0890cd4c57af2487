"""Run under MXNet 1.9.1 (the oracle): small region heads built, hybridized and exported by
MXNet, with their inputs, output and the gradients of sum(output * weights) with respect
to the first input and every parameter, for tests/gluon/test_mxnet_region_exports.py:

- "rcnn": a Faster R-CNN head: a convolution body, an RPN (class scores softmaxed per
  anchor pair, box deltas) -> `_contrib_Proposal` -> `_contrib_ROIAlign` on the features
  -> a dense classifier (inputs data, im_info);
- "deform": gluon.contrib.cnn's DeformableConvolution (its offsets from a convolution,
  `_contrib_DeformableConvolution`) and a ReLU;
- "rfcn": a deformable R-FCN head: `ROIPooling` of the features at the given regions ->
  dense -> the offsets `trans` of `_contrib_DeformablePSROIPooling`, plus
  `_contrib_PSROIPooling` (inputs data, rois);
- "forward_only" (MXNet 1.9.1 has no CPU backward for ModulatedDeformableConvolution):
  gluon.contrib.cnn's ModulatedDeformableConvolution -> an RPN -> the rows and scores of
  `_contrib_MultiProposal` (inputs data, im_info); its values hold the output only.
  (MXNet cannot hybridize `_contrib_RROIAlign`, which registers no gradient: its symbol
  form is checked by the captured script region_ops_symbolic.)

    /tmp/mxnet-oracle/bin/python tests/data/mxnet/region_exports/capture.py
"""
import json
import os
import sys

import mxnet as mx
import numpy as np
from mxnet import gluon
from mxnet.gluon import nn
from mxnet.gluon.contrib import cnn

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
from oracle_capture import record_and_export  # noqa: E402


class RCNN(gluon.HybridBlock):
    def __init__(self, **kwargs):
        super(RCNN, self).__init__(**kwargs)
        with self.name_scope():
            self.body = nn.Conv2D(4, 3, padding=1, activation="relu")
            self.rpn_cls = nn.Conv2D(2 * 3, 1)
            self.rpn_box = nn.Conv2D(4 * 3, 1)
            self.head = nn.Dense(3)

    def hybrid_forward(self, F, x, im_info):
        feat = self.body(x)
        scores = F.reshape(self.rpn_cls(feat), shape=(0, 2, -1, 0))
        probs = F.reshape(F.softmax(scores, axis=1), shape=(0, 6, -1, 0))
        deltas = self.rpn_box(feat) * 0.1
        rois = F.contrib.Proposal(probs, deltas, im_info, rpn_pre_nms_top_n=30,
                                  rpn_post_nms_top_n=5, threshold=0.7, rpn_min_size=2,
                                  scales=(1, 2, 4), ratios=(1,), feature_stride=2)
        pooled = F.contrib.ROIAlign(feat, rois, pooled_size=(2, 2), spatial_scale=0.5,
                                    sample_ratio=2)
        return self.head(pooled)


class Deform(gluon.HybridBlock):
    def __init__(self, **kwargs):
        super(Deform, self).__init__(**kwargs)
        with self.name_scope():
            self.conv = cnn.DeformableConvolution(4, kernel_size=3, padding=1,
                                                  offset_weight_initializer=mx.init.Uniform(0.3),
                                                  offset_use_bias=True)

    def hybrid_forward(self, F, x):
        return F.relu(self.conv(x))


class RFCN(gluon.HybridBlock):
    def __init__(self, **kwargs):
        super(RFCN, self).__init__(**kwargs)
        with self.name_scope():
            self.body = nn.Conv2D(8, 3, padding=1)
            self.offsets = nn.Dense(2 * 2 * 2)

    def hybrid_forward(self, F, x, rois):
        feat = self.body(x)
        pooled = F.ROIPooling(feat, rois, pooled_size=(2, 2), spatial_scale=1.0)
        trans = F.reshape(F.tanh(self.offsets(pooled)), shape=(-1, 2, 2, 2))
        deformed = F.contrib.DeformablePSROIPooling(
            feat, rois, trans, spatial_scale=1.0, output_dim=2, group_size=2, pooled_size=2,
            part_size=2, sample_per_part=2, trans_std=0.2)
        plain = F.contrib.PSROIPooling(feat, rois, spatial_scale=1.0, output_dim=2,
                                       pooled_size=2)
        return F.concat(deformed, plain, dim=1)


class ForwardOnly(gluon.HybridBlock):
    def __init__(self, **kwargs):
        super(ForwardOnly, self).__init__(**kwargs)
        with self.name_scope():
            self.conv = cnn.ModulatedDeformableConvolution(
                4, kernel_size=3, padding=1, offset_weight_initializer=mx.init.Uniform(0.3),
                offset_use_bias=True)
            self.rpn = nn.Conv2D(6, 1)

    def hybrid_forward(self, F, x, im_info):
        rpn = self.rpn(self.conv(x))
        probs = F.sigmoid(F.slice_axis(rpn, axis=1, begin=0, end=2))
        deltas = F.slice_axis(rpn, axis=1, begin=2, end=6) * 0.1
        rois, scores = F.contrib.MultiProposal(probs, deltas, im_info, rpn_pre_nms_top_n=20,
                                               rpn_post_nms_top_n=4, rpn_min_size=1,
                                               scales=(2,), ratios=(1,), feature_stride=2,
                                               output_score=True)
        return F.concat(rois, scores, dim=1)


ROIS = np.array([[0, 0.5, 0.8, 5.2, 4.6], [1, 1.5, 0.2, 6.8, 5.9], [0, 3.1, 2.2, 7.4, 7.6]],
                np.float32)
INFO = np.array([[16, 14, 1.0], [12, 16, 2.0]], np.float32)

if __name__ == "__main__":
    mx.random.seed(7)
    rng = np.random.RandomState(0)
    for name, net, extra in (
            ("rcnn", RCNN(prefix="rcnn_"), np.array([[12, 12, 1.0]], np.float32)),
            ("deform", Deform(prefix="deform_"), None),
            ("rfcn", RFCN(prefix="rfcn_"), ROIS),
            ("forward_only", ForwardOnly(prefix="fwd_"), INFO)):
        net.initialize(mx.init.Uniform(0.5))
        net.hybridize()
        n = 1 if name == "rcnn" else 2
        x = mx.nd.array(rng.uniform(0, 1, (n, 3, 8, 8)).astype(np.float32))
        inputs = [x] + ([] if extra is None else [mx.nd.array(extra)])
        saved = {"x": x.asnumpy()}
        if extra is not None:
            saved["extra"] = extra
        path = os.path.join(HERE, name)
        if name == "forward_only":
            y = net(*inputs)
            net.export(path)
            np.savez(path + "-values.npz", y=y.asnumpy(), **saved)
        else:
            x.attach_grad()
            y, _ = record_and_export(net, inputs, path, rng, x=x, saved=saved)
        with open(path + "-symbol.json") as f:
            ops = sorted(n["op"] for n in json.load(f)["nodes"] if n["op"] != "null")
        print(name, y.shape, ops)
