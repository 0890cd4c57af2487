"""Detection operators in hybridized blocks and symbols: a small SSD-like head (feature map
-> MultiBoxPrior anchors, class and box predictions -> MultiBoxDetection, and GluonCV's
box_decode + box_nms pattern) run eagerly and hybridized with fixed weights, exported,
its JSON's operators read back and imported with SymbolBlock.imports; the mx.sym.contrib
operators built symbolically (infer_shape, eval); box_nms's gradient through autograd;
bipartite_matching, box_iou and box_encode values; a few errors."""
import json
import os
import tempfile

import numpy as np
import mxnet as mx
from mxnet import autograd, gluon, nd
from mxnet.gluon import nn

mx.random.seed(3)
np.random.seed(3)
rs = np.random.RandomState(3)
MXNetError = mx.base.MXNetError


class SSDHead(gluon.HybridBlock):
    """One feature map, anchors of two sizes and three ratios, two object classes."""

    def __init__(self, num_classes=2, sizes=(0.3, 0.6), ratios=(1, 2, 0.5), decode=False,
                 **kwargs):
        super(SSDHead, self).__init__(**kwargs)
        self.sizes, self.ratios, self.num_classes = sizes, ratios, num_classes
        self.decode = decode
        per_cell = len(sizes) + len(ratios) - 1
        with self.name_scope():
            self.body = nn.Conv2D(6, 3, padding=1, strides=2, activation='relu')
            self.cls = nn.Conv2D(per_cell * (num_classes + 1), 3, padding=1)
            self.loc = nn.Conv2D(per_cell * 4, 3, padding=1)

    def hybrid_forward(self, F, x):
        feat = self.body(x)
        anchors = F.contrib.MultiBoxPrior(feat, sizes=self.sizes, ratios=self.ratios)
        cls = F.transpose(self.cls(feat), axes=(0, 2, 3, 1))
        cls = F.reshape(cls, shape=(0, -1, self.num_classes + 1))
        loc = F.flatten(F.transpose(self.loc(feat), axes=(0, 2, 3, 1)))
        if not self.decode:
            cls_prob = F.transpose(F.softmax(cls, axis=-1), axes=(0, 2, 1))
            dets = F.contrib.MultiBoxDetection(cls_prob, loc, anchors, threshold=0.05,
                                               nms_threshold=0.45)
            return dets, anchors
        # GluonCV's SSD: decode the boxes, best class per anchor, then box_nms
        boxes = F.contrib.box_decode(F.reshape(loc, shape=(0, -1, 4)), anchors, std0=0.1,
                                     std1=0.1, std2=0.2, std3=0.2, format='corner')
        scores = F.slice_axis(F.softmax(cls, axis=-1), axis=-1, begin=1, end=None)
        score = F.max(scores, axis=-1, keepdims=True)
        cid = F.argmax(scores, axis=-1, keepdims=True)
        dets = F.concat(cid, score, boxes, dim=-1)
        return F.contrib.box_nms(dets, overlap_thresh=0.45, valid_thresh=0.3, topk=12,
                                 coord_start=2, score_index=1, id_index=0)


def fixed(net):
    net.initialize()
    net(nd.zeros((1, 3, 8, 8)))  # shapes the parameters
    for name, p in sorted(net.collect_params().items()):
        p.set_data(nd.array(rs.uniform(-0.5, 0.5, p.shape)))


x = nd.array(rs.uniform(0, 1, (2, 3, 8, 8)))
tmp = tempfile.mkdtemp()
for decode in (False, True):
    net = SSDHead(decode=decode, prefix='ssd%d_' % decode)
    fixed(net)
    eager = net(x)
    eager = eager if isinstance(eager, (list, tuple)) else [eager]
    net.hybridize()
    hybrid = net(x)
    hybrid = hybrid if isinstance(hybrid, (list, tuple)) else [hybrid]
    again = net(x * 0.5)  # another input: the hybridized graph follows its values
    again = again if isinstance(again, (list, tuple)) else [again]
    for e, h in zip(eager, hybrid):
        print(e.shape, np.abs(e.asnumpy() - h.asnumpy()).max() < 1e-5)
    print(eager[0][:, :6].asnumpy().round(4))
    print(again[0][:, :4].asnumpy().round(4))
    if not decode:
        print(eager[1][0, :5].asnumpy().round(4))
    prefix = os.path.join(tmp, 'ssd%d' % decode)
    net.export(prefix)
    with open(prefix + '-symbol.json') as f:
        nodes = json.load(f)['nodes']
    print(sorted(n['op'] for n in nodes if n['op'] != 'null'))
    print([n['name'] for n in nodes if n['op'].startswith('_contrib')])
    imported = gluon.SymbolBlock.imports(prefix + '-symbol.json', ['data'],
                                         prefix + '-0000.params')
    out = imported(x * 0.5)
    out = out if isinstance(out, (list, tuple)) else [out]
    print([o.shape for o in out], np.abs(out[0].asnumpy() - again[0].asnumpy()).max() < 1e-5)

# box_nms's gradient: each kept row's cotangent goes back to the row it came from
rows = nd.array([[[0, 0.5, 0.1, 0.1, 0.2, 0.2], [1, 0.4, 0.1, 0.1, 0.2, 0.2],
                  [0, 0.3, 0.1, 0.1, 0.2, 0.2], [0, 0.9, 0.5, 0.5, 0.6, 0.6],
                  [-1, 0.95, 0, 0, 0.01, 0.01]]])
head = nd.arange(30).reshape((1, 5, 6))
rows.attach_grad()
with autograd.record():
    kept = nd.contrib.box_nms(rows, overlap_thresh=0.5, id_index=0, out_format='center')
kept.backward(head)
print(kept.asnumpy().round(4))
print(rows.grad.asnumpy())


class NMS(gluon.HybridBlock):
    def hybrid_forward(self, F, x):
        return F.contrib.box_nms(x * 2, overlap_thresh=0.5, id_index=0) * 3


nms = NMS()
nms.hybridize()
for _ in range(2):
    with autograd.record():
        kept = nms(rows)
    kept.backward(head)
    print(rows.grad.asnumpy())

# the symbols
data, anchors = mx.sym.var('data'), mx.sym.var('anchors')
s = mx.sym.contrib.box_nms(data, overlap_thresh=0.5, topk=2, id_index=0, name='nms')
print(s.list_outputs(), s.list_arguments())
print(s.infer_shape(data=(1, 5, 6)))
print(s.eval(data=rows)[0].asnumpy())
print(json.loads(s.tojson())['node_row_ptr'])
alias = mx.sym.contrib.box_non_maximum_suppression(data)
print(alias.list_outputs(), [n['op'] for n in json.loads(alias.tojson())['nodes']])
prior = mx.sym.contrib.MultiBoxPrior(data, sizes=(0.5, 0.25), ratios=(1, 2), clip=True)
print(prior.list_outputs(), prior.infer_shape(data=(1, 3, 2, 3))[1])
print(prior.eval(data=nd.zeros((1, 3, 2, 3)))[0].asnumpy().round(4))
cls_prob, loc_pred = mx.sym.var('cls_prob'), mx.sym.var('loc_pred')
det = mx.sym.contrib.MultiBoxDetection(cls_prob, loc_pred, anchors, nms_threshold=0.3)
print(det.list_outputs(), det.list_arguments())
print(det.infer_shape(cls_prob=(1, 3, 4), loc_pred=(1, 16), anchors=(1, 4, 4)))
probs = nd.array([[[0.1, 0.2, 0.6, 0.3], [0.8, 0.1, 0.3, 0.3], [0.1, 0.7, 0.1, 0.4]]])
boxes = nd.array([[[0.1, 0.1, 0.5, 0.5], [0.6, 0.6, 0.9, 0.9], [0.12, 0.1, 0.52, 0.48],
                   [0.55, 0.6, 0.9, 0.95]]])
locs = nd.array(rs.uniform(-0.3, 0.3, (1, 16)))
print(det.eval(cls_prob=probs, loc_pred=locs, anchors=boxes)[0].asnumpy().round(4))
label = mx.sym.var('label')
target = mx.sym.contrib.MultiBoxTarget(anchors, label, cls_prob, negative_mining_ratio=1)
print(target.list_outputs())
print(target.infer_shape(anchors=(1, 4, 4), label=(1, 2, 5), cls_prob=(1, 3, 4))[1])
labels = nd.array([[[1, 0.1, 0.12, 0.48, 0.5], [-1, -1, -1, -1, -1]]])
for o in target.eval(anchors=boxes, label=labels, cls_prob=probs):
    print(o.asnumpy().round(4))
decoded = mx.sym.contrib.box_decode(data, anchors, format='corner', clip=0.5)
print(decoded.infer_shape(data=(1, 4, 4), anchors=(1, 4, 4))[1])
print(decoded.eval(data=locs.reshape((1, 4, 4)), anchors=boxes)[0].asnumpy().round(4))
iou = mx.sym.contrib.box_iou(data, anchors, format='corner')
print(iou.infer_shape(data=(2, 4), anchors=(1, 4, 4))[1])
print(iou.eval(data=boxes[0, :2], anchors=boxes)[0].asnumpy().round(4))
match = mx.sym.contrib.bipartite_matching(data, threshold=0.1)
print(match.list_outputs(), match.infer_shape(data=(2, 3, 4))[1])
for o in match.eval(data=nd.array(rs.uniform(0, 1, (2, 3, 4)))):
    print(o.asnumpy())
samples, matches, refs = mx.sym.var('samples'), mx.sym.var('matches'), mx.sym.var('refs')
means, stds = mx.sym.var('means'), mx.sym.var('stds')
enc = mx.sym.contrib.box_encode(samples, matches, anchors, refs, means, stds)
print(enc.list_outputs(), enc.list_arguments())
print(enc.infer_shape(samples=(1, 4), matches=(1, 4), anchors=(1, 4, 4), refs=(1, 2, 4),
                      means=(4,), stds=(4,))[1])

# the same operators imperatively
scores = nd.array([[0.5, 0.6, 0.1], [0.1, 0.2, 0.9], [0.3, 0.4, 0.7]])
for topk in (-1, 1):
    print([o.asnumpy() for o in nd.contrib.bipartite_matching(scores, threshold=0.15,
                                                                topk=topk)])
print(nd.contrib.box_iou(boxes[0], boxes[0, 1:3]).asnumpy().round(4))
print(nd.contrib.box_iou(nd.array([[0.3, 0.3, 0.2, 0.2]]), nd.array([[0.35, 0.3, 0.2, 0.1]]),
                         format='center').asnumpy().round(4))
t, m = nd.contrib.box_encode(nd.array([[1, 0, 1, 1]]), nd.array([[0, 1, 1, 0]]), boxes,
                             nd.array([[[0.1, 0.12, 0.48, 0.5], [0.6, 0.62, 0.88, 0.9]]]),
                             nd.array([0, 0, 0, 0]), nd.array([0.1, 0.1, 0.2, 0.2]))
print(t.asnumpy().round(4))
print(m.asnumpy())

# errors
for label_, fn in [
        ('bipartite_matching without threshold',
         lambda: nd.contrib.bipartite_matching(scores)),
        ('box_iou of 3 coordinates', lambda: nd.contrib.box_iou(scores, boxes[0]).asnumpy()),
        ('MultiBoxPrior of a 3-D input',
         lambda: nd.contrib.MultiBoxPrior(nd.zeros((3, 2, 2))).asnumpy()),
        ('box_nms of a 1-D input', lambda: nd.contrib.box_nms(nd.zeros((6,))).asnumpy()),
        ('symbolic box_decode of 2-D anchors',
         lambda: decoded.eval(data=locs.reshape((1, 4, 4)), anchors=boxes[0])[0].asnumpy()),
        ('MultiBoxDetection anchors that do not match',
         lambda: det.eval(cls_prob=probs, loc_pred=locs, anchors=boxes[:, :3])[0].asnumpy())]:
    try:
        fn()
        print(label_, 'no error')
    except MXNetError as e:
        first = str(e).splitlines()[0].replace('MXNetError: ', '')
        print(label_, 'caught as MXNetError',  # (MXNet's C++ messages start with a trace)
              first if first.startswith('Required parameter') else '')
