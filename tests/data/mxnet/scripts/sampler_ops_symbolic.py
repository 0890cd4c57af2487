"""Sampler operators and histogram in hybridized blocks and symbols: a spatial transformer
network (a localisation net -> SpatialTransformer -> a small classifier) and a warp block
(GridGenerator warp/affine grids read by BilinearSampler), run eagerly and hybridized with
fixed weights, exported, their JSON's operators read back and imported with
SymbolBlock.imports; mx.sym.BilinearSampler / SpatialTransformer / GridGenerator /
histogram built symbolically (list_outputs, infer_shape, infer_type, eval); gradients
through autograd (BilinearSampler in data and grid, SpatialTransformer in data and loc);
mx.nd.histogram's values and types; a few errors."""
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


class STN(gluon.HybridBlock):
    """Localisation: conv -> pool -> dense to the 6 affine parameters (near a zoom)."""

    def __init__(self, num_classes=3, **kwargs):
        super(STN, self).__init__(**kwargs)
        with self.name_scope():
            self.loc_conv = nn.Conv2D(4, 3, activation='relu')
            self.loc_pool = nn.MaxPool2D(2)
            self.loc_fc = nn.Dense(6)
            self.conv = nn.Conv2D(4, 3, padding=1, activation='relu')
            self.cls = nn.Dense(num_classes)

    def hybrid_forward(self, F, x):
        theta = self.loc_fc(self.loc_pool(self.loc_conv(x)))
        warped = F.SpatialTransformer(x, theta, target_shape=(6, 6), transform_type='affine',
                                      sampler_type='bilinear')
        return F.softmax(self.cls(self.conv(warped))), theta


class Warp(gluon.HybridBlock):
    def __init__(self, **kwargs):
        super(Warp, self).__init__(**kwargs)
        with self.name_scope():
            self.flow = nn.Conv2D(2, 3, padding=1)
            self.affine = nn.Dense(6)

    def hybrid_forward(self, F, x):
        grid = F.GridGenerator(self.flow(x), transform_type='warp')
        warped = F.BilinearSampler(x, grid, cudnn_off=True)
        affine = F.GridGenerator(self.affine(x), transform_type='affine', target_shape=(4, 5))
        return warped, F.BilinearSampler(x, affine)


def fixed(net, *shapes):
    net.initialize()
    net(*[nd.zeros(s) for s in shapes])  # shapes the parameters
    for name, p in sorted(net.collect_params().items()):
        p.set_data(nd.array(rs.uniform(-0.5, 0.5, p.shape)))


tmp = tempfile.mkdtemp()
x = nd.array(rs.uniform(0, 1, (2, 3, 8, 8)))
for name, net in (('stn', STN(prefix='stn_')), ('warp', Warp(prefix='warp_'))):
    fixed(net, (2, 3, 8, 8))
    if name == 'stn':  # a localisation near a zoom (as a trained one starts from)
        net.loc_fc.weight.set_data(net.loc_fc.weight.data() * 0.1)
        net.loc_fc.bias.set_data(nd.array([0.8, 0.05, 0.03, -0.04, 0.75, 0.02]))
    eager = net(x)
    net.hybridize()
    hybrid = net(x)
    again = net(x * 0.5)  # another input: the hybridized graph follows its values
    for e, h in zip(eager, hybrid):
        print(name, e.shape, np.abs(e.asnumpy() - h.asnumpy()).max() < 1e-5)
    print(eager[0].asnumpy().round(3).ravel()[:12])
    print(again[0].asnumpy().round(3).ravel()[:12])
    path = os.path.join(tmp, name)
    net.export(path)
    with open(path + '-symbol.json') as f:
        print(sorted(n['op'] for n in json.load(f)['nodes'] if n['op'] != 'null'))
    loaded = gluon.SymbolBlock.imports(path + '-symbol.json', ['data'], path + '-0000.params')
    for e, l in zip(eager, loaded(x)):
        print('imported', np.abs(e.asnumpy() - l.asnumpy()).max() < 1e-5)

# symbols
data, grid, loc = mx.sym.var('data'), mx.sym.var('grid'), mx.sym.var('loc')
bs = mx.sym.BilinearSampler(data, grid, name='bs')
print(bs.list_arguments(), bs.list_outputs())
print(bs.infer_shape(data=(2, 3, 5, 6), grid=(2, 2, 4, 4)))
print(bs.infer_type(data=np.float64, grid=np.float64)[1])
st = mx.sym.SpatialTransformer(data, loc, target_shape=(3, 4), transform_type='affine',
                               sampler_type='bilinear')
print(st.list_arguments(), st.list_outputs())
print(st.infer_shape(data=(2, 3, 5, 6), loc=(2, 6)))
composed = mx.sym.BilinearSampler(data, mx.sym.GridGenerator(loc, transform_type='affine',
                                                             target_shape=(3, 4)))
print(composed.infer_shape(data=(2, 3, 5, 6), loc=(2, 6))[1])
img = nd.array(rs.uniform(-1, 1, (2, 3, 5, 6)))
theta = nd.array([[0.9, 0.1, 0.05, -0.1, 0.8, 0.02], [1.1, -0.2, -0.1, 0.15, 0.7, 0.1]])
g = nd.array(rs.uniform(-1.2, 1.2, (2, 2, 4, 4)))
print(bs.eval(data=img, grid=g)[0].asnumpy().round(4)[1, 2])
a = st.eval(data=img, loc=theta)[0].asnumpy()
b = composed.eval(data=img, loc=theta)[0].asnumpy()
print(a.round(4)[0, 1], np.abs(a - b).max() < 1e-5)
x1 = mx.sym.var('x')
h = mx.sym.histogram(x1, bins=4, range=(-1, 1))
print(h.list_outputs(), h.infer_shape(x=(3, 5)), h.infer_type(x=np.float32)[1])
edges = mx.sym.var('edges')
h2 = mx.sym.histogram(x1, bins=edges)
print(h2.list_arguments(), h2.infer_shape(x=(3, 5), edges=(6,))[1])
vals = nd.array(rs.uniform(-1.2, 1.2, (3, 5)))
for o in h.eval(x=vals):
    print(o.asnumpy(), o.dtype)
for o in h2.eval(x=vals, edges=nd.array([-1, -0.5, 0, 0.1, 0.5, 1])):
    print(o.asnumpy(), o.dtype)

# mx.nd.histogram
for kwargs in (dict(bins=3, range=(0, 3)), dict(bins=nd.array([0, 1, 1, 3])),
               dict(bins=4, range=(1, 1)), dict(bins=0, range=(0, 1))):
    counts, bounds = nd.histogram(nd.array([3.0, 0, 1, 2, 0.5, -5, 7]), **kwargs)
    print(counts.asnumpy(), counts.dtype, bounds.asnumpy(), bounds.dtype)
counts, bounds = nd.histogram(nd.array([1, 2, 3, 4, 5], dtype='int32'), bins=3,
                              range=(0.5, 5.2))
print(counts.asnumpy(), bounds.asnumpy(), bounds.dtype)
counts, bounds = nd.histogram(nd.array([1.0, 2, 2, 4]), bins=3)  # NumPy's (no range)
print(counts.asnumpy(), counts.dtype, bounds.asnumpy(), bounds.dtype)

# gradients through autograd
img.attach_grad()
g.attach_grad()
theta.attach_grad()
head = nd.array(rs.uniform(-1, 1, (2, 3, 4, 4)))
with autograd.record():
    y = nd.BilinearSampler(img, g)
y.backward(head)
print(img.grad[1, 0].asnumpy().round(4))
print(g.grad.asnumpy().round(4)[0])
with autograd.record():
    y = nd.SpatialTransformer(img, theta, target_shape=(4, 4), transform_type='affine',
                              sampler_type='bilinear')
y.backward(head)
print(img.grad[0, 2].asnumpy().round(4))
print(theta.grad.asnumpy().round(3))
with autograd.record():
    y = nd.BilinearSampler(img, nd.GridGenerator(theta, transform_type='affine',
                                                 target_shape=(4, 4)))
y.backward(head)
print(theta.grad.asnumpy().round(3))
vals.attach_grad()
with autograd.record():
    counts, bounds = nd.histogram(vals, bins=3, range=(-1, 1))
    total = bounds.sum()
try:
    total.backward()
    print('histogram backward: no error')
except MXNetError:
    print('histogram backward caught as MXNetError')

# errors
for label, fn in [
        ('BilinearSampler with a 3-channel grid',
         lambda: bs.infer_shape(data=(2, 3, 5, 6), grid=(2, 3, 4, 4))),
        ('BilinearSampler of 3-D data',
         lambda: nd.BilinearSampler(nd.ones((3, 5, 6)), nd.ones((3, 2, 4, 4))).asnumpy()),
        ('SpatialTransformer with 5 parameters',
         lambda: st.infer_shape(data=(2, 3, 5, 6), loc=(2, 5))),
        ('histogram with a reversed range',
         lambda: nd.histogram(vals, bins=3, range=(1, 0))[0].asnumpy()),
        ('histogram with float64 edges for float32 data',
         lambda: nd.histogram(vals, bins=nd.array([0, 1], dtype='float64'))[0].asnumpy())]:
    try:
        fn()
        print(label, 'no error')
    except MXNetError:
        print(label, 'caught as MXNetError')
for label, fn in [('symbolic histogram without a range', lambda: mx.sym.histogram(x1, bins=3)),
                  ('histogram with float bins', lambda: mx.sym.histogram(x1, bins=2.5))]:
    try:
        fn()
        print(label, 'no error')
    except ValueError as e:
        print(label, 'ValueError:', e)
