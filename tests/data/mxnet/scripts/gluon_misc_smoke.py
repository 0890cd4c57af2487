"""Less common Gluon pieces side by side: contrib layers (HybridConcurrent, PixelShuffle2D,
Identity, SyncBatchNorm), utils, hooks, parameter selection, samplers and dataset
methods, bidirectional and zoneout cells, a 2-layer bidirectional LSTM, CTC/SDML/cosine
losses, Adam with lr_mult and the Trainer's learning rate."""
import numpy as np
import mxnet as mx
from mxnet import gluon, nd, autograd
from mxnet.gluon import nn
mx.random.seed(1)
np.random.seed(1)
x = nd.array(np.random.RandomState(0).randn(2, 3, 8, 8))
def run(name, f):
    try:
        out = f()
        if isinstance(out, nd.NDArray):
            out = out.asnumpy()
        if isinstance(out, np.ndarray):
            print(name, out.shape, out.dtype, np.round(out.ravel()[:4].astype(np.float64), 4).tolist())
        else:
            print(name, out)
    except Exception as e:
        print(name, "ERROR", type(e).__name__, str(e).splitlines()[0][:150])
# layers
net = gluon.contrib.nn.HybridConcurrent(axis=1)
net.add(nn.Conv2D(2, 1), nn.Conv2D(3, 1))
net.initialize(mx.init.One())
run("HybridConcurrent", lambda: net(x))
run("ReflectionPad2D", lambda: nn.ReflectionPad2D(1)(x))
ps = gluon.contrib.nn.PixelShuffle2D(2)
run("PixelShuffle2D", lambda: ps(nd.ones((1, 8, 2, 2))))
run("Identity", lambda: gluon.contrib.nn.Identity()(x))
sb = gluon.contrib.nn.SyncBatchNorm(in_channels=3)
sb.initialize()
run("SyncBatchNorm", lambda: sb(x))
run("split_and_load", lambda: [a.shape for a in gluon.utils.split_and_load(nd.ones((4, 2)), [mx.cpu(0), mx.cpu(1)])])
arrs = [nd.ones((2, 2)) * 3, nd.ones((3,)) * 4]
run("clip_global_norm", lambda: (float(gluon.utils.clip_global_norm(arrs, 1.0)), arrs[0].asnumpy().tolist()))
d = nn.Dense(3, in_units=4)
d.initialize(mx.init.Constant(0.5))
hooks = []
d.register_forward_hook(lambda b, i, o: hooks.append(o.shape))
d.register_forward_pre_hook(lambda b, i: hooks.append(i[0].shape))
d(nd.ones((2, 4)))
run("hooks", lambda: hooks)
run("collect_params regex", lambda: list(d.collect_params(".*weight").keys()))
run("apply", lambda: d.apply(lambda b: None) is d)
net2 = nn.HybridSequential()
net2.add(nn.Dense(4, activation="relu"), nn.Dense(2))
net2.initialize(mx.init.Constant(0.1))
net2(nd.ones((1, 3)))
run("summary-ish params", lambda: [(k, v.shape) for k, v in net2.collect_params().items()])



net2.hybridize(active=False)
run("hybridize inactive", lambda: net2(nd.ones((1, 3))))
# samplers
run("RandomSampler", lambda: len(list(gluon.data.RandomSampler(5))))
run("BatchSampler keep", lambda: list(gluon.data.BatchSampler(gluon.data.SequentialSampler(7), 3, "keep")))
run("BatchSampler rollover", lambda: list(gluon.data.BatchSampler(gluon.data.SequentialSampler(7), 3, "rollover")))
run("FilterSampler", lambda: list(gluon.data.FilterSampler(lambda x: x % 2, list(range(6)))))
ds = gluon.data.ArrayDataset(np.arange(10), np.arange(10) * 2)
run("transform_first", lambda: [int(v) for v in ds.transform_first(lambda a: a + 100)[3]])
run("take/filter/shard", lambda: (len(ds.take(4)), len(ds.filter(lambda s: s[0] > 5)), len(ds.shard(3, 1))))
dl = gluon.data.DataLoader(ds, batch_size=4, last_batch="discard")
run("DataLoader discard", lambda: [b[0].shape for b in dl])
# rnn
cell = gluon.rnn.BidirectionalCell(gluon.rnn.LSTMCell(3, input_size=2), gluon.rnn.LSTMCell(3, input_size=2))
cell.initialize(mx.init.One())
run("BidirectionalCell unroll", lambda: cell.unroll(4, nd.ones((2, 4, 2)), merge_outputs=True)[0])
zc = gluon.rnn.ZoneoutCell(gluon.rnn.GRUCell(3, input_size=2), zoneout_outputs=0.0, zoneout_states=0.0)
zc.initialize(mx.init.One())
run("ZoneoutCell", lambda: zc.unroll(3, nd.ones((2, 3, 2)), merge_outputs=True)[0])
lstm = gluon.rnn.LSTM(4, num_layers=2, bidirectional=True, input_size=3)
lstm.initialize(mx.init.One())
run("LSTM bi 2 layer", lambda: lstm(nd.ones((5, 2, 3))))
run("LSTM begin_state", lambda: [s.shape for s in lstm.begin_state(batch_size=2)])
# losses
run("CTCLoss", lambda: gluon.loss.CTCLoss()(nd.ones((2, 5, 4)), nd.array([[1, 2], [1, 1]])))
run("SDMLLoss", lambda: gluon.loss.SDMLLoss()(nd.ones((3, 4)), nd.ones((3, 4)) * 2))
run("CosineEmbeddingLoss", lambda: gluon.loss.CosineEmbeddingLoss()(nd.ones((2, 3)), nd.ones((2, 3)), nd.array([1, -1])))
# trainer misc
p = gluon.Parameter("w", shape=(2,), lr_mult=2.0)
p.initialize(mx.init.One())
tr = gluon.Trainer([p], "adam", {"learning_rate": 0.1})
with autograd.record():
    l = (p.data() * 3).sum()
l.backward()
tr.step(1)
run("adam lr_mult", lambda: p.data())
run("trainer lr", lambda: (tr.learning_rate, tr.optimizer.lr_mult if hasattr(tr.optimizer, "lr_mult") else None))
tr.set_learning_rate(0.05)
run("set lr", lambda: tr.learning_rate)
