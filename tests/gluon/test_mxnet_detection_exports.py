"""Detection heads exported by MXNet 1.9.1 (tests/data/mxnet/detection_exports, made by its
capture.py under the oracle): `_contrib_MultiBoxPrior`, `_contrib_MultiBoxDetection`,
`_contrib_box_decode` and `_contrib_box_nms` (MXNet writes two outputs for it, one
visible) load as registered operators, with MXNet's outputs and gradients (box_nms passes
each kept row's cotangent back to its input row; the others give zeros), eagerly and
hybridized. The same heads hybridized here trace to a fixed graph (not value-dependent):
later calls follow their own inputs, and the export loads back."""
import json
import os
import sys

import numpy as np
import pytest

import tapegraph as mx
from tapegraph import autograd
from tapegraph.gluon import nn

sys.path.insert(0, os.path.dirname(__file__))
from mxnet_captures import check_like_mxnet  # noqa: E402

DATA = os.path.join(os.path.dirname(__file__), "..", "data", "mxnet", "detection_exports")


def _imported(name):
    path = os.path.join(DATA, name)
    net = mx.gluon.SymbolBlock.imports(path + "-symbol.json", ["data"], path + "-0000.params")
    return net, dict(np.load(path + "-values.npz"))


@pytest.mark.parametrize("name", ["ssd", "decode_nms", "nms_rows"])
@pytest.mark.parametrize("hybridize", [False, True])
def test_mxnets_detection_heads_load_and_differentiate_as_in_mxnet(name, hybridize):
    net, values = _imported(name)
    if hybridize:
        net.hybridize()
    x = mx.nd.array(values["x"])
    x.attach_grad()
    check_like_mxnet(net, [x], values, x=x)


def test_mxnets_box_nms_node_has_a_hidden_second_output():
    with open(os.path.join(DATA, "nms_rows-symbol.json")) as f:
        doc = json.load(f)
    sym = mx.sym.load_json(json.dumps(doc))
    k = next(i for i, n in enumerate(doc["nodes"]) if n["op"] == "_contrib_box_nms")
    assert doc["node_row_ptr"][k + 1] - doc["node_row_ptr"][k] == 2  # as MXNet writes it
    internals = sym.get_internals().list_outputs()
    assert [o for o in internals if "box_nms" in o] == ["rows_box_nms0_output0"]
    # the alias MXNet registers loads as the same operator
    doc["nodes"][k]["op"] = "_contrib_box_non_maximum_suppression"
    alias = mx.sym.load_json(json.dumps(doc))
    x = mx.nd.array(np.load(os.path.join(DATA, "nms_rows-values.npz"))["x"])
    args = {k: v for k, v in mx.nd.load(os.path.join(DATA, "nms_rows-0000.params")).items()}
    args = {k.split(":", 1)[1]: v for k, v in args.items()}
    np.testing.assert_array_equal(alias.eval(data=x, **args)[0].asnumpy(),
                                  sym.eval(data=x, **args)[0].asnumpy())


class Head(nn.HybridBlock):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        with self.name_scope():
            self.body = nn.Conv2D(4, 3, padding=1, strides=2, activation="relu")
            self.cls = nn.Conv2D(9, 3, padding=1)
            self.loc = nn.Conv2D(12, 3, padding=1)

    def hybrid_forward(self, F, x):
        feat = self.body(x)
        anchors = F.contrib.MultiBoxPrior(feat, sizes=(0.4, 0.7), ratios=(1, 2))
        cls = F.reshape(F.transpose(self.cls(feat), axes=(0, 2, 3, 1)), shape=(0, -1, 3))
        loc = F.flatten(F.transpose(self.loc(feat), axes=(0, 2, 3, 1)))
        probs = F.transpose(F.softmax(cls, axis=-1), axes=(0, 2, 1))
        dets = F.contrib.MultiBoxDetection(probs, loc, anchors, threshold=0.1)
        boxes = F.contrib.box_decode(F.reshape(loc, shape=(0, -1, 4)), anchors,
                                     format="corner")
        rows = F.concat(F.slice_axis(cls, axis=-1, begin=0, end=2), boxes, dim=-1)
        return dets, F.contrib.box_nms(rows, overlap_thresh=0.4, id_index=0)


def test_a_hybridized_detection_head_is_a_fixed_graph_that_exports(tmp_path):
    rng = np.random.RandomState(5)
    net = Head(prefix="head_")
    net.initialize(mx.init.Uniform(0.5))
    xs = [mx.nd.array(rng.uniform(0, 1, (2, 3, 8, 8))) for _ in range(3)]
    eager = [[o.asnumpy() for o in net(x)] for x in xs]
    net.hybridize()
    for x, want in zip(xs, eager):
        for got, w in zip(net(x), want):
            np.testing.assert_allclose(got.asnumpy(), w, rtol=1e-5, atol=1e-6)
    assert not net._last.value_dependent
    ops = sorted({n.op for n in net.forward_graph.nodes if n.op.startswith("_contrib")})
    assert ops == ["_contrib_MultiBoxDetection", "_contrib_MultiBoxPrior",
                   "_contrib_box_decode", "_contrib_box_nms"]
    net.export(str(tmp_path / "head"))
    loaded = mx.gluon.SymbolBlock.imports(str(tmp_path / "head-symbol.json"), ["data"],
                                          str(tmp_path / "head-0000.params"))
    for got, w in zip(loaded(xs[2]), eager[2]):
        np.testing.assert_allclose(got.asnumpy(), w, rtol=1e-5, atol=1e-6)
    # box_nms's gradient reaches the class convolution through the kept rows
    with autograd.record():
        _, kept = net(xs[0])
    kept.backward(mx.nd.ones_like(kept))
    assert np.abs(net.cls.weight.grad().asnumpy()).sum() > 0
    assert not np.abs(net.loc.weight.grad().asnumpy()).any()  # box_decode: zero (MXNet)
