"""Region operators in hybridized blocks and symbols: a small Faster R-CNN head (a
convolution body, an RPN -> Proposal -> ROIAlign -> a dense classifier) and a block of
gluon.contrib.cnn's DeformableConvolution, run eagerly and hybridized with fixed weights,
exported, their JSON's operators read back and imported with SymbolBlock.imports; the
mx.sym.contrib operators built symbolically (infer_shape, eval); gradients through
autograd (ROIAlign, ROIPooling, PSROIPooling and DeformablePSROIPooling in data and trans,
DeformableConvolution in data, offsets and weights); MultiProposal; a few errors."""
import json
import os
import tempfile

import numpy as np
import mxnet as mx
from mxnet import autograd, gluon, nd
from mxnet.gluon import nn
from mxnet.gluon.contrib import cnn

mx.random.seed(5)
np.random.seed(5)
rs = np.random.RandomState(5)
MXNetError = mx.base.MXNetError


class FasterRCNNHead(gluon.HybridBlock):
    """Three anchors per cell (one ratio, three scales), five proposals, 2x2 ROIAlign."""

    def __init__(self, num_classes=3, **kwargs):
        super(FasterRCNNHead, self).__init__(**kwargs)
        with self.name_scope():
            self.body = nn.Conv2D(4, 3, padding=1, activation='relu')
            self.rpn_cls = nn.Conv2D(2 * 3, 1)
            self.rpn_box = nn.Conv2D(4 * 3, 1)
            self.cls = nn.Dense(num_classes)

    def hybrid_forward(self, F, x, im_info):
        feat = self.body(x)
        scores = F.reshape(self.rpn_cls(feat), shape=(0, 2, -1, 0))
        probs = F.reshape(F.softmax(scores, axis=1), shape=(0, 6, -1, 0))
        rois = F.contrib.Proposal(probs, self.rpn_box(feat) * 0.1, im_info,
                                  rpn_pre_nms_top_n=30, rpn_post_nms_top_n=5, threshold=0.7,
                                  rpn_min_size=2, scales=(1, 2, 4), ratios=(1,),
                                  feature_stride=2)
        pooled = F.contrib.ROIAlign(feat, rois, pooled_size=(2, 2), spatial_scale=0.5,
                                    sample_ratio=2)
        return F.softmax(self.cls(pooled)), rois


class DeformBlock(gluon.HybridBlock):
    def __init__(self, **kwargs):
        super(DeformBlock, self).__init__(**kwargs)
        with self.name_scope():
            self.conv = cnn.DeformableConvolution(4, kernel_size=3, padding=1,
                                                  offset_use_bias=True)
            self.pool = nn.GlobalAvgPool2D()

    def hybrid_forward(self, F, x):
        return self.pool(F.relu(self.conv(x)))


def fixed(net, *shapes):
    net.initialize()
    net(*[nd.zeros(s) for s in shapes])  # shapes the parameters
    for name, p in sorted(net.collect_params().items()):
        p.set_data(nd.array(rs.uniform(-0.5, 0.5, p.shape)))


tmp = tempfile.mkdtemp()
x = nd.array(rs.uniform(0, 1, (1, 3, 8, 8)))
info = nd.array([[12, 12, 1]])
head = FasterRCNNHead(prefix='rcnn_')
fixed(head, (1, 3, 8, 8), (1, 3))
eager = head(x, info)
head.hybridize()
hybrid = head(x, info)
again = head(x * 0.5, info)  # another input: the hybridized graph follows its values
for e, h in zip(eager, hybrid):
    print(e.shape, np.abs(e.asnumpy() - h.asnumpy()).max() < 1e-5)
print(eager[0].asnumpy().round(4))
print(eager[1].asnumpy().round(3))
print(again[1].asnumpy().round(3))
prefix = os.path.join(tmp, 'rcnn')
head.export(prefix)
with open(prefix + '-symbol.json') as f:
    nodes = json.load(f)['nodes']
print(sorted(n['op'] for n in nodes if n['op'] != 'null'))
print([n['name'] for n in nodes if n['op'].startswith('_contrib')])
imported = gluon.SymbolBlock.imports(prefix + '-symbol.json', ['data0', 'data1'],
                                     prefix + '-0000.params')
out = imported(x * 0.5, info)
print([o.shape for o in out], np.abs(out[0].asnumpy() - again[0].asnumpy()).max() < 1e-5)
# the classifier's gradient reaches the body through ROIAlign's data (the proposals: none)
with autograd.record():
    probs, _ = head(x, info)
    loss = (probs * nd.array([[1, -1, 0.5]])).sum()
loss.backward()
print(head.body.weight.grad()[0, 0].asnumpy().round(5))
print(np.abs(head.rpn_box.weight.grad().asnumpy()).max())

deform = DeformBlock(prefix='dcn_')
xd = nd.array(rs.uniform(-1, 1, (2, 3, 6, 6)))
fixed(deform, (2, 3, 6, 6))
eager = deform(xd)
deform.hybridize()
print(np.abs(deform(xd).asnumpy() - eager.asnumpy()).max() < 1e-5)
print(eager.asnumpy().round(4))
prefix = os.path.join(tmp, 'dcn')
deform.export(prefix)
with open(prefix + '-symbol.json') as f:
    nodes = json.load(f)['nodes']
print(sorted(n['op'] for n in nodes if n['op'] != 'null'))
imported = gluon.SymbolBlock.imports(prefix + '-symbol.json', ['data'], prefix + '-0000.params')
print(np.abs(imported(xd * 2).asnumpy() - deform(xd * 2).asnumpy()).max() < 1e-5)
xd.attach_grad()
with autograd.record():
    y = deform(xd)
y.backward(nd.array(rs.uniform(-1, 1, y.shape)))
print(xd.grad[0, 0].asnumpy().round(4))
print(deform.conv.offset_weight.grad()[:2, 0].asnumpy().round(4))
print(deform.conv.deformable_conv_weight.grad()[0, 0].asnumpy().round(4))

# the symbols
data, rois, trans = mx.sym.var('data'), mx.sym.var('rois'), mx.sym.var('trans')
align = mx.sym.contrib.ROIAlign(data, rois, pooled_size=(2, 2), spatial_scale=0.5,
                                name='align')
print(align.list_outputs(), align.list_arguments())
print(align.infer_shape(data=(2, 4, 6, 6), rois=(3, 5)))
feat = nd.array(rs.uniform(0, 1, (2, 4, 6, 6)))
boxes = nd.array([[0, 1, 1, 8, 6], [1, 0, 2, 5, 9], [0, 4.5, 3, 10, 10]])
print(align.eval(data=feat, rois=boxes)[0].asnumpy().round(4)[:, :2])
pool = mx.sym.ROIPooling(data, rois, pooled_size=(2, 2), spatial_scale=0.5)
print(pool.list_outputs(), pool.infer_shape(data=(2, 4, 6, 6), rois=(3, 5))[1])
print(pool.eval(data=feat, rois=boxes)[0].asnumpy().round(4)[:, 0])
ps = mx.sym.contrib.PSROIPooling(data, rois, spatial_scale=0.5, output_dim=1, pooled_size=2)
print(ps.list_outputs(), ps.infer_shape(data=(2, 4, 6, 6), rois=(3, 5))[1])
print(ps.eval(data=feat, rois=boxes)[0].asnumpy().round(4))
dps = mx.sym.contrib.DeformablePSROIPooling(data, rois, trans, spatial_scale=0.5, output_dim=1,
                                            group_size=2, pooled_size=2, sample_per_part=2,
                                            trans_std=0.1)
print(dps.list_arguments(), dps.infer_shape(data=(2, 4, 6, 6), rois=(3, 5),
                                            trans=(3, 2, 2, 2))[1])
offsets = nd.array(rs.uniform(-1, 1, (3, 2, 2, 2)))
print(dps.eval(data=feat, rois=boxes, trans=offsets)[0].asnumpy().round(4))
rotated = mx.sym.contrib.RROIAlign(data, rois, pooled_size=(2, 2), spatial_scale=0.5)
print(rotated.infer_shape(data=(2, 4, 6, 6), rois=(2, 6))[1])
print(rotated.eval(data=feat, rois=nd.array([[0, 5, 5, 6, 3, 30], [1, 6, 4, 4, 8, -45]]))[0]
      .asnumpy().round(4)[:, :2])
offset = mx.sym.var('offset')
dcn = mx.sym.contrib.DeformableConvolution(data, offset, kernel=(3, 3), num_filter=2,
                                           pad=(1, 1), name='dcn')
print(dcn.list_arguments())
print(dcn.infer_shape(data=(2, 4, 6, 6), offset=(2, 18, 6, 6)))
mask = mx.sym.var('mask')
mdcn = mx.sym.contrib.ModulatedDeformableConvolution(data, offset, mask, kernel=(3, 3),
                                                     num_filter=2, no_bias=True, name='mdcn')
print(mdcn.list_arguments())
args = dict(data=feat, offset=nd.array(rs.uniform(-1, 1, (2, 18, 6, 6))),
            mask=nd.array(rs.uniform(0, 1, (2, 9, 4, 4)))[:, :, :4, :4],
            mdcn_weight=nd.array(rs.uniform(-0.5, 0.5, (2, 4, 3, 3))))
args['offset'] = args['offset'][:, :, :4, :4]
print(mdcn.eval(**args)[0].asnumpy().round(4)[0])
cls_prob, bbox_pred, im_info = mx.sym.var('cls_prob'), mx.sym.var('bbox_pred'), mx.sym.var('im_info')
prop = mx.sym.contrib.MultiProposal(cls_prob, bbox_pred, im_info, rpn_pre_nms_top_n=12,
                                    rpn_post_nms_top_n=3, rpn_min_size=1, scales=(2, 4),
                                    ratios=(1,), feature_stride=4, output_score=True)
print(prop.list_outputs())
print(prop.infer_shape(cls_prob=(2, 4, 3, 3), bbox_pred=(2, 8, 3, 3), im_info=(2, 3))[1])
probs = nd.array(rs.uniform(0, 1, (2, 4, 3, 3)))
deltas = nd.array(rs.uniform(-0.2, 0.2, (2, 8, 3, 3)))
for o in prop.eval(cls_prob=probs, bbox_pred=deltas, im_info=nd.array([[12, 12, 1],
                                                                      [10, 12, 1]])):
    print(o.asnumpy().round(3))

# gradients through autograd
feat.attach_grad()
offsets.attach_grad()
head_grad = nd.array(rs.uniform(-1, 1, (3, 4, 2, 2)))
for fn in (lambda: nd.contrib.ROIAlign(feat, boxes, pooled_size=(2, 2), spatial_scale=0.5),
           lambda: nd.ROIPooling(feat, boxes, pooled_size=(2, 2), spatial_scale=0.5),
           lambda: nd.contrib.PSROIPooling(feat, boxes, spatial_scale=0.5, output_dim=1,
                                           pooled_size=2).tile((1, 4, 1, 1))):
    with autograd.record():
        y = fn()
    y.backward(head_grad)
    print(feat.grad[0, 0].asnumpy().round(4))
with autograd.record():
    y = nd.contrib.DeformablePSROIPooling(feat, boxes, offsets, spatial_scale=0.5, output_dim=1,
                                          group_size=2, pooled_size=2, sample_per_part=2,
                                          trans_std=0.1)
y.backward(head_grad[:, :1])
print(feat.grad[1, 2].asnumpy().round(4))
print(offsets.grad.asnumpy().round(4))

# errors
for label, fn in [
        ('ROIAlign without pooled_size',
         lambda: nd.contrib.ROIAlign(feat, boxes, spatial_scale=0.5)),
        ('ROIAlign spatial_scale above 1',
         lambda: nd.contrib.ROIAlign(feat, boxes, pooled_size=(2, 2), spatial_scale=2)),
        ('DeformablePSROIPooling without group_size',
         lambda: nd.contrib.DeformablePSROIPooling(feat, boxes, offsets, spatial_scale=0.5,
                                                   output_dim=1, pooled_size=2).asnumpy()),
        ('Proposal of two images',
         lambda: nd.contrib.Proposal(probs, deltas, nd.array([[12, 12, 1], [12, 12, 1]]),
                                     scales=(2, 4), ratios=(1,)).asnumpy()),
        ('symbolic DeformableConvolution with a wrong offset',
         lambda: dcn.infer_shape(data=(2, 4, 6, 6), offset=(2, 9, 6, 6)))]:
    try:
        fn()
        print(label, 'no error')
    except MXNetError as e:
        first = str(e).splitlines()[0].replace('MXNetError: ', '')
        print(label, 'caught as MXNetError',  # (MXNet's C++ messages start with a trace)
              first if first.startswith(('Required parameter', 'value')) else '')
