"""Region heads exported by MXNet 1.9.1 (tests/data/mxnet/region_exports, made by its
capture.py under the oracle): `_contrib_Proposal` + `_contrib_ROIAlign` (a Faster R-CNN
head), gluon.contrib.cnn's `_contrib_DeformableConvolution`, `ROIPooling` +
`_contrib_DeformablePSROIPooling` (offsets learned from the pooled regions) +
`_contrib_PSROIPooling`, and (forward only: MXNet 1.9.1 has no CPU backward for it)
`_contrib_ModulatedDeformableConvolution` + `_contrib_MultiProposal` load as registered
operators, with MXNet's outputs and gradients (data, offsets, trans and every parameter),
eagerly and hybridized. The same kind of head hybridized here is a fixed graph (not
value-dependent): later calls follow their own inputs, and its export loads back."""
import json
import os
import sys

import numpy as np
import pytest

import tapegraph as mx
from tapegraph import autograd
from tapegraph.gluon import nn
from tapegraph.gluon.contrib import cnn

sys.path.insert(0, os.path.dirname(__file__))
from mxnet_captures import check_like_mxnet  # noqa: E402

DATA = os.path.join(os.path.dirname(__file__), "..", "data", "mxnet", "region_exports")
NAMES = {"rcnn": ["data0", "data1"], "deform": ["data"], "rfcn": ["data0", "data1"],
         "forward_only": ["data0", "data1"]}


def _imported(name):
    path = os.path.join(DATA, name)
    net = mx.gluon.SymbolBlock.imports(path + "-symbol.json", NAMES[name],
                                       path + "-0000.params")
    values = dict(np.load(path + "-values.npz"))
    inputs = [mx.nd.array(values["x"])] + (
        [mx.nd.array(values["extra"])] if "extra" in values else [])
    return net, values, inputs


@pytest.mark.parametrize("name", ["rcnn", "deform", "rfcn"])
@pytest.mark.parametrize("hybridize", [False, True])
def test_mxnets_region_heads_load_and_differentiate_as_in_mxnet(name, hybridize):
    net, values, inputs = _imported(name)
    if hybridize:
        net.hybridize()
    inputs[0].attach_grad()
    check_like_mxnet(net, inputs, values, x=inputs[0], grad_atol=1e-5)


@pytest.mark.parametrize("hybridize", [False, True])
def test_mxnets_modulated_deformable_and_multiproposal_head_loads(hybridize):
    net, values, inputs = _imported("forward_only")
    if hybridize:
        net.hybridize()
    for _ in range(2):
        np.testing.assert_allclose(net(*inputs).asnumpy(), values["y"], rtol=1e-5, atol=1e-5)
    inputs[0].attach_grad()
    with autograd.record():  # differentiable here (MXNet's CPU backward is missing)
        y = net(*inputs)
    y.backward()
    assert np.isfinite(inputs[0].grad.asnumpy()).all()


def test_mxnets_roi_pooling_node_has_a_hidden_second_output():
    with open(os.path.join(DATA, "rfcn-symbol.json")) as f:
        doc = json.load(f)
    sym = mx.sym.load_json(json.dumps(doc))
    internals = sym.get_internals().list_outputs()
    assert [o for o in internals if "pooling" in o] == [  # (MXNet's names)
        "rfcn_roipooling0_output", "rfcn_deformablepsroipooling0_output",
        "rfcn_psroipooling0_output"]


class Head(nn.HybridBlock):
    """A Faster R-CNN head with a deformable body, as the captured script's."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        with self.name_scope():
            self.body = cnn.DeformableConvolution(4, kernel_size=3, padding=1)
            self.rpn_cls = nn.Conv2D(2 * 3, 1)
            self.rpn_box = nn.Conv2D(4 * 3, 1)
            self.head = nn.Dense(3)

    def hybrid_forward(self, F, x, im_info):
        feat = F.relu(self.body(x))
        probs = F.reshape(F.softmax(F.reshape(self.rpn_cls(feat), shape=(0, 2, -1, 0)),
                                    axis=1), shape=(0, 6, -1, 0))
        rois = F.contrib.Proposal(probs, self.rpn_box(feat) * 0.1, im_info,
                                  rpn_pre_nms_top_n=30, rpn_post_nms_top_n=5, rpn_min_size=2,
                                  scales=(1, 2, 4), ratios=(1,), feature_stride=2)
        pooled = F.contrib.ROIAlign(feat, rois, pooled_size=(2, 2), spatial_scale=0.5)
        return self.head(pooled), rois


def test_a_hybridized_region_head_is_a_fixed_graph_that_exports(tmp_path):
    rng = np.random.RandomState(5)
    net = Head(prefix="head_")
    net.initialize(mx.init.Uniform(0.5))
    info = mx.nd.array([[12, 12, 1.0]])
    xs = [mx.nd.array(rng.uniform(0, 1, (1, 3, 8, 8))) for _ in range(3)]
    eager = [[o.asnumpy() for o in net(x, info)] for x in xs]
    net.hybridize()
    for x, want in zip(xs, eager):
        for got, w in zip(net(x, info), want):
            np.testing.assert_allclose(got.asnumpy(), w, rtol=1e-5, atol=1e-6)
    assert not net._last.value_dependent
    ops = sorted({n.op for n in net.forward_graph.nodes if n.op.startswith("_contrib")})
    assert ops == ["_contrib_DeformableConvolution", "_contrib_Proposal", "_contrib_ROIAlign"]
    net.export(str(tmp_path / "head"))
    loaded = mx.gluon.SymbolBlock.imports(str(tmp_path / "head-symbol.json"),
                                          ["data0", "data1"], str(tmp_path / "head-0000.params"))
    for got, w in zip(loaded(xs[2], info), eager[2]):
        np.testing.assert_allclose(got.asnumpy(), w, rtol=1e-5, atol=1e-6)
    # the classifier's gradient reaches the deformable body (and its offsets) through
    # ROIAlign's data; the proposals give none (MXNet's zero gradient)
    with autograd.record():
        scores, _ = net(xs[0], info)
    scores.backward()
    assert np.abs(net.body.deformable_conv_weight.grad().asnumpy()).sum() > 0
    assert np.abs(net.body.offset_weight.grad().asnumpy()).sum() > 0
    assert not np.abs(net.rpn_box.weight.grad().asnumpy()).any()


def test_negative_batch_index_gives_zeros():
    # (MXNet 1.9.1's CPU ROIAlign writes these zeros at the wrong offset, over element
    # [0, 0, 1, 0] here, and leaves the region's own output unwritten)
    x = mx.nd.array(np.arange(2 * 3 * 5 * 6.0).reshape(2, 3, 5, 6))
    rois = mx.nd.array([[0, 0.6, 0.4, 4.3, 3.7], [-1, 0, 0, 1, 1]])
    out = mx.nd.contrib.ROIAlign(x, rois, pooled_size=(2, 3), spatial_scale=0.9).asnumpy()
    assert not out[1].any() and out[0].all()
    alone = mx.nd.contrib.ROIAlign(x, rois[:1], pooled_size=(2, 3), spatial_scale=0.9)
    np.testing.assert_array_equal(out[:1], alone.asnumpy())
