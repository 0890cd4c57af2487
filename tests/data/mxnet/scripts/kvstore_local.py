"""Local key-value store (MXNet's kvstore tutorial): init, push, pull, aggregation, updater."""
import numpy as np
import mxnet as mx

mx.random.seed(22)
np.random.seed(22)

kv = mx.kv.create('local')
print(kv.type, kv.rank, kv.num_workers)
shape = (2, 3)
kv.init(3, mx.nd.ones(shape) * 2)
a = mx.nd.zeros(shape)
kv.pull(3, out=a)
print(a.asnumpy())
kv.push(3, mx.nd.ones(shape) * 8)
kv.pull(3, out=a)
print(a.asnumpy())
vals = [mx.nd.ones(shape), mx.nd.ones(shape) * 2]
kv.push(3, vals)
kv.pull(3, out=a)
print(a.asnumpy())


def update(key, input, stored):
    print('update on key: %d' % key)
    stored += input * 2


kv._set_updater(update)
kv.pull(3, out=a)
print(a.asnumpy())
kv.push(3, mx.nd.ones(shape))
kv.pull(3, out=a)
print(a.asnumpy())

b = [mx.nd.zeros(shape)] * 2
kv.pull(3, out=b)
print(b[1].asnumpy())
keys = [5, 7, 9]
kv.init(keys, [mx.nd.ones(shape)] * len(keys))
kv.push(keys, [mx.nd.ones(shape)] * len(keys))
b = [mx.nd.zeros(shape)] * len(keys)
kv.pull(keys, out=b)
print(b[1].asnumpy())

kv2 = mx.kv.create('local')
kv2.init('w', mx.nd.array([1., 2., 3.]))
kv2.set_optimizer(mx.optimizer.SGD(learning_rate=0.1))
kv2.push('w', mx.nd.array([1., 1., 1.]))
out = mx.nd.zeros((3,))
kv2.pull('w', out=out)
print(out.asnumpy().round(5))
out2 = mx.nd.zeros((3,))
kv2.pushpull('w', mx.nd.array([0.5, 0.5, 0.5]), out=out2)
print(out2.asnumpy().round(5))
