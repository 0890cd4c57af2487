"""mx.io.CSVIter and mx.io.MNISTIter on files written here: batches, padding and the
wrap-around of round_batch, stale rows without it, labels, dtypes, MNIST's scaling, flat
images, shuffle with seeds, parts, and the errors for a wrong row length or dtype."""
import struct

import numpy as np
import mxnet as mx

np.savetxt("d.csv", np.arange(35, dtype=np.float32).reshape(7, 5) / 4, delimiter=",")
np.savetxt("l.csv", np.arange(7, dtype=np.float32), delimiter=",")
np.savetxt("l2.csv", np.arange(14, dtype=np.float32).reshape(7, 2), delimiter=",")


def show(it, epochs=2):
    print(it.provide_data, it.provide_label, it.batch_size)
    for ep in range(epochs):
        for b in it:
            print(ep, b.data[0].shape, b.data[0].dtype, b.data[0].asnumpy().reshape(
                b.data[0].shape[0], -1)[:, :2].tolist(), b.label[0].asnumpy().tolist(),
                b.pad, b.index.tolist(), b.index.dtype)
        it.reset()


for kw in (dict(batch_size=3), dict(batch_size=3, round_batch=False),
           dict(batch_size=3, label_csv="l.csv"), dict(batch_size=7), dict(batch_size=10),
           dict(batch_size=4, label_csv="l2.csv", label_shape=(2,), data_name="x",
                label_name="y")):
    print("CSVIter", kw)
    show(mx.io.CSVIter(data_csv="d.csv", data_shape=(5,), **kw))
print("int32")
show(mx.io.CSVIter(data_csv="d.csv", data_shape=(5, 1), batch_size=2, dtype="int32"), 1)
print("int64")
show(mx.io.CSVIter(data_csv="d.csv", data_shape=(1, 5), batch_size=4, dtype="int64",
                   label_csv="l.csv"), 1)
it = mx.io.CSVIter(data_csv="d.csv", data_shape=(5,), batch_size=3)
print(it.iter_next(), it.getpad(), [b.index.tolist() for b in it])
try:
    it.next()
except StopIteration:
    print("StopIteration until reset")
for bad in (dict(data_shape=(4,)), dict(data_shape=(5,), dtype="float64")):
    try:
        mx.io.CSVIter(data_csv="d.csv", batch_size=2, **bad)
    except mx.base.MXNetError as e:
        print("MXNetError", "row-length=5" in str(e), "float64 is not supported" in str(e))

n = 50
rng = np.random.RandomState(0)
images = rng.randint(0, 256, (n, 28, 28)).astype(np.uint8)
labels = (np.arange(n) % 256).astype(np.uint8)
with open("images", "wb") as f:
    f.write(struct.pack(">IIII", 2051, n, 28, 28))
    f.write(images.tobytes())
with open("labels", "wb") as f:
    f.write(struct.pack(">II", 2049, n))
    f.write(labels.tobytes())
for kw in (dict(batch_size=16, shuffle=False), dict(batch_size=16, shuffle=False, flat=True),
           dict(batch_size=16, shuffle=True), dict(batch_size=50, shuffle=True, seed=5),
           dict(batch_size=25, shuffle=True, seed=123456),
           dict(batch_size=4, shuffle=False, num_parts=4, part_index=1),
           dict(batch_size=3, shuffle=True, seed=1, num_parts=3, part_index=2)):
    it = mx.io.MNISTIter(image="images", label="labels", silent=True, **kw)
    print("MNISTIter", kw, it.provide_data, it.provide_label)
    for ep in range(2):
        for b in it:
            d = b.data[0].asnumpy()
            print(ep, d.shape, d.dtype, d.reshape(d.shape[0], -1)[:3, 100].tolist(),
                  [int(v) for v in b.label[0].asnumpy()], b.pad, b.index.tolist())
        it.reset()
