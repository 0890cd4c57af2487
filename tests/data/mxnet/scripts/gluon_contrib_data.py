"""gluon.contrib.data: IntervalSampler with and without rollover, its length, feeding a
BatchSampler and a DataLoader; the module's names."""
import numpy as np
import mxnet as mx
from mxnet.gluon.contrib.data import IntervalSampler

for length, interval in ((13, 3), (10, 5), (7, 1), (6, 6), (9, 4), (1, 1)):
    for rollover in (True, False):
        s = IntervalSampler(length, interval, rollover=rollover)
        print(length, interval, rollover, len(s), list(s))
s = IntervalSampler(np.int64(8), 3)
print("numpy length", list(s), list(s))

batches = mx.gluon.data.BatchSampler(IntervalSampler(11, 4), 3, "keep")
print("batches", list(batches), len(batches))
batches = mx.gluon.data.BatchSampler(IntervalSampler(11, 4, rollover=False), 2, "discard")
print("discard", list(batches), len(batches))  # (len counts every index, as MXNet)

data = mx.gluon.data.ArrayDataset(mx.nd.arange(10).reshape((10, 1)) * 10)
loader = mx.gluon.data.DataLoader(data, batch_size=4, sampler=IntervalSampler(10, 3),
                                  last_batch="keep")
for batch in loader:
    print("loader", batch.asnumpy().ravel().tolist())

print(sorted(n for n in dir(mx.gluon.contrib.data) if not n.startswith("__")))
print(mx.gluon.contrib.data.sampler.__all__, mx.gluon.contrib.data.text.__all__)
print(mx.gluon.contrib.data._constants.EOS_TOKEN)
print(issubclass(IntervalSampler, mx.gluon.data.Sampler),
      issubclass(mx.gluon.contrib.data.text.WikiText2, mx.gluon.data.Dataset))
