"""gluon.data pipelines (D2L 3.5, MXNet's data tutorial): SimpleDataset, transform_first,
vision.transforms ToTensor/Normalize, batchify, DataLoader options, Sampler."""
import numpy as np
import mxnet as mx
from mxnet import nd, gluon
from mxnet.gluon.data.vision import transforms

mx.random.seed(30)
np.random.seed(30)

imgs = nd.array(np.arange(2 * 4 * 4 * 3).reshape(2, 4, 4, 3) % 256, dtype='uint8')
labels = nd.array([3, 7])
ds = gluon.data.ArrayDataset(imgs, labels)
print(len(ds), ds[0][0].shape, ds[0][0].dtype, ds[1][1])
t = transforms.ToTensor()
out = t(imgs[0])
print(out.shape, out.dtype, out[0, 0].asnumpy().round(4))
norm = transforms.Normalize(mean=(0.5, 0.5, 0.5), std=(0.25, 0.25, 0.25))
print(norm(out)[:, 0, 0].asnumpy().round(4))
composed = transforms.Compose([transforms.ToTensor(), transforms.Normalize(0.1, 0.2)])
ds_t = ds.transform_first(composed)
x0, y0 = ds_t[0]
print(x0.shape, x0.dtype, y0, x0.asnumpy().mean().round(4))
loader = gluon.data.DataLoader(ds_t, batch_size=2)
for xb, yb in loader:
    print(xb.shape, yb.shape, yb.dtype)

simple = gluon.data.SimpleDataset(list(range(10)))
print(len(simple), simple[3], simple.transform(lambda v: v * 10)[3])
print([b.asnumpy().tolist() for b in gluon.data.DataLoader(simple, batch_size=4, last_batch='discard')])
print([b.asnumpy().tolist() for b in gluon.data.DataLoader(simple, batch_size=4, last_batch='rollover')])
print([len(b) for b in gluon.data.DataLoader(simple, batch_size=3)])
sampler = gluon.data.BatchSampler(gluon.data.SequentialSampler(7), 3, 'keep')
print(list(sampler))
print(list(gluon.data.BatchSampler(gluon.data.SequentialSampler(7), 3, 'discard')))
shuffled = sorted(sum([b.asnumpy().tolist() for b in gluon.data.DataLoader(simple, batch_size=5, shuffle=True)], []))
print(shuffled)
pairs = gluon.data.ArrayDataset(np.arange(6).reshape(3, 2).astype('float32'), [0, 1, 0])
print(pairs[2])
b = gluon.data.DataLoader(pairs, batch_size=3, batchify_fn=lambda items: [nd.array([i[1] for i in items])])
print(next(iter(b)))
filtered = simple.filter(lambda v: v % 3 == 0)
print(len(filtered), list(filtered))
print(list(simple.take(3)), list(simple.shard(3, 1)))
