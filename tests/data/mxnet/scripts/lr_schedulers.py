"""Learning-rate schedulers (D2L 11.11) standalone and inside a Trainer."""
import numpy as np
import mxnet as mx
from mxnet import nd, gluon, autograd, lr_scheduler, init
from mxnet.gluon import nn

mx.random.seed(16)
np.random.seed(16)

sched = lr_scheduler.FactorScheduler(step=10, factor=0.5, stop_factor_lr=1e-2, base_lr=1.0)
print([round(sched(t), 5) for t in range(0, 60, 5)])
sched = lr_scheduler.MultiFactorScheduler(step=[15, 30], factor=0.5, base_lr=0.5)
print([round(sched(t), 5) for t in range(0, 50, 5)])
sched = lr_scheduler.PolyScheduler(max_update=50, base_lr=0.3, pwr=2, final_lr=0.01)
print([round(sched(t), 5) for t in range(0, 60, 5)])
sched = lr_scheduler.CosineScheduler(max_update=40, base_lr=0.3, final_lr=0.01,
                                     warmup_steps=5, warmup_begin_lr=0.0)
print([round(sched(t), 5) for t in range(0, 50, 3)])
sched = lr_scheduler.FactorScheduler(step=4, factor=0.9, warmup_steps=3, warmup_begin_lr=0.01,
                                     warmup_mode='linear', base_lr=0.1)
print([round(sched(t), 5) for t in range(0, 12)])

net = nn.Sequential()
net.add(nn.Dense(1, in_units=2))
net.initialize(init.Constant(0.2))
sched = lr_scheduler.FactorScheduler(step=2, factor=0.5, base_lr=0.1)
trainer = gluon.Trainer(net.collect_params(), 'sgd', {'lr_scheduler': sched})
X = nd.array([[1., 2.], [3., 4.]])
y = nd.array([[1.], [2.]])
for i in range(6):
    with autograd.record():
        l = ((net(X) - y) ** 2).mean()
    l.backward()
    trainer.step(1)
    print(i, round(trainer.learning_rate, 5), net[0].weight.data().asnumpy().round(5))
