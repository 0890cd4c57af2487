"""DataLoader options side by side with MXNet: last_batch keep/rollover/discard over two
epochs, worker processes and a thread pool, a batch sampler, and a transformed
SimpleDataset."""
import numpy as np
from mxnet import gluon
ds = gluon.data.ArrayDataset(np.arange(10).reshape(5, 2).astype("float32"), np.arange(5))
for kw in (dict(batch_size=2), dict(batch_size=2, last_batch="rollover"), dict(batch_size=2, num_workers=2),

           dict(batch_sampler=gluon.data.BatchSampler(gluon.data.SequentialSampler(5), 3, "keep")),
           dict(batch_size=3, last_batch="discard", thread_pool=True, num_workers=2)):
    try:
        dl = gluon.data.DataLoader(ds, **kw)
        for ep in range(2):
            print(sorted(kw), ep, [(b[0].asnumpy().tolist() if isinstance(b, (list, tuple)) else b.asnumpy().tolist()) for b in dl], len(dl))
    except Exception as e:
        print(sorted(kw), "ERROR", type(e).__name__, str(e)[:100])
sds = gluon.data.SimpleDataset([1, 2, 3]).transform(lambda x: x * 10)
print(list(sds), len(sds))
