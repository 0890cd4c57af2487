"""Data-parallel training on two CPU contexts, MXNet's multi-device pattern: the batch
split with split_and_load, one forward and backward per context (eagerly and
hybridized), Trainer.step summing the gradients; arrays keep their context through
operators, and each context's parameter copy gets its own gradient."""
import numpy as np
import mxnet as mx
from mxnet import gluon, autograd, nd

ctx = [mx.cpu(0), mx.cpu(1)]
X = nd.array(np.arange(24).reshape(8, 3) / 10.)
Y = nd.array([0, 1, 0, 1, 1, 0, 1, 0])
for hybrid in (False, True):
    net = gluon.nn.HybridSequential()
    net.add(gluon.nn.Dense(4, in_units=3, activation="tanh"), gluon.nn.Dense(2, in_units=4))
    net.initialize(mx.init.Constant(0.1), ctx=ctx)
    if hybrid:
        net.hybridize()
    tr = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": 0.5})
    loss_fn = gluon.loss.SoftmaxCrossEntropyLoss()
    for it in range(3):
        xs = gluon.utils.split_and_load(X, ctx)
        ys = gluon.utils.split_and_load(Y, ctx)
        print([x.context for x in xs], [x.shape for x in xs])
        with autograd.record():
            outs = [net(x) for x in xs]
            ls = [loss_fn(o, y) for o, y in zip(outs, ys)]
        print([o.context for o in outs], [l.context for l in ls])
        for l in ls:
            l.backward()
        print([g.asnumpy().round(5).tolist() for g in net[1].bias.list_grad()])
        tr.step(8)
    print([p.data(c).asnumpy().round(5).tolist() for p in net.collect_params().values()
           for c in ctx][-2:])
    print(net[0].weight.list_ctx(), net[0].weight.data(mx.cpu(1)).context)
a = nd.ones((2, 2), ctx=mx.cpu(1))
print(a.context, (a * 2 + 1).context, a.copyto(mx.cpu(0)).context, a.as_in_context(mx.cpu(0)).context)
print(nd.zeros((1,), ctx=mx.cpu(1)).context, nd.array([1], ctx=mx.cpu(1)).context)
