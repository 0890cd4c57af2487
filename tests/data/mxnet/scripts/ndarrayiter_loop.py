"""mx.io.NDArrayIter training loop (MXNet's Module/IO tutorials) with a manual SGD update."""
import numpy as np
import mxnet as mx
from mxnet import nd, autograd

mx.random.seed(21)
np.random.seed(21)

data = np.arange(40, dtype='float32').reshape(10, 4) / 40
label = np.arange(10, dtype='float32') % 2
it = mx.io.NDArrayIter(data, label, batch_size=4, shuffle=False)
print(it.provide_data, it.provide_label)
for batch in it:
    print(batch.data[0].shape, batch.label[0].asnumpy(), batch.pad, batch.index)
it.reset()
print(next(it).data[0][0])
it = mx.io.NDArrayIter(data, label, batch_size=4, last_batch_handle='discard')
print(sum(1 for _ in it))
it = mx.io.NDArrayIter(data, label, batch_size=4, last_batch_handle='roll_over')
print([b.data[0].shape[0] for b in it])
it.reset()
print([b.pad for b in it])
it = mx.io.NDArrayIter({'x': data, 'y': data * 2}, {'lab': label}, batch_size=5)
print(sorted(d.name for d in it.provide_data), it.provide_label[0].name, it.batch_size)
b = next(it)
print(len(b.data), b.data[1].asnumpy()[0])

w = nd.zeros((4, 1))
w.attach_grad()
it = mx.io.NDArrayIter(data, label.reshape(-1, 1), batch_size=5)
for epoch in range(3):
    it.reset()
    for batch in it:
        x, y = batch.data[0], batch.label[0]
        with autograd.record():
            loss = ((nd.dot(x, w) - y) ** 2).mean()
        loss.backward()
        w[:] = w - 0.5 * w.grad
    print(epoch, round(loss.asscalar(), 5))
print(w.asnumpy().ravel().round(5))
db = mx.io.DataBatch(data=[nd.ones((2, 3))], label=[nd.zeros((2,))], pad=0)
print(db.data[0].shape, db.pad)
print(mx.io.DataDesc('data', (2, 3)))
