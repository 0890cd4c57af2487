# Automatic mixed precision (mx.contrib.amp) on the CPU: operator casting, dynamic loss
# scaling with a Gluon Trainer, overflow skipping, unscale, and the operator lists.
# (MXNet's CPU build refuses float16 FullyConnected/Convolution, so those are only built
# symbolically here.)
import logging
import mxnet as mx
from mxnet import nd, autograd, gluon
from mxnet.contrib import amp

print(len(amp.list_lp16_ops('float16')), amp.list_lp16_ops('float16'))
print(len(amp.list_fp32_ops('float16')), amp.list_fp32_ops('float16')[:6])
print(len(amp.list_lp16_fp32_ops('float16')), len(amp.list_widest_type_cast('float16')))
print(amp.list_conditional_fp32_ops('float16'))
print(amp.list_loss_output_functions('float16'), amp.list_lp16_use_fp32_params('float16'))
print(amp.list_lp16_ops(amp.amp.bfloat16), amp.list_lp16_use_fp32_params(amp.amp.bfloat16))
try:
    amp.list_lp16_ops('bfloat16')
except AssertionError as e:
    print('AssertionError', e)
try:
    amp.list_fp32_ops('float64')
except AssertionError as e:
    print('AssertionError', e)

# before init: nothing to scale with
p0 = gluon.Parameter('p0', shape=(1,))
p0.initialize()
tr0 = gluon.Trainer([p0], 'sgd')
try:
    amp.init_trainer(tr0)
except AssertionError as e:
    print('AssertionError', e)
try:
    with amp.scale_loss(nd.ones((1,)), tr0):
        pass
except (AssertionError, AttributeError) as e:
    print(type(e).__name__)

amp.init()
amp.init()  # a second call does nothing

# eager casting rules
h = nd.array([[0.5, -1.0], [2.0, 3.0]], dtype='float16')
f = nd.array([[1.0, 2.0], [3.0, 4.0]])
print(nd.exp(h).dtype, nd.softmax(h).dtype, nd.relu(h).dtype)
print(nd.Activation(h, act_type='softrelu').dtype, nd.Activation(h, act_type='relu').dtype)
print(nd.elemwise_add(h, f).dtype, nd.broadcast_add(h, f), nd.elemwise_add(h, h).dtype)
print(nd.LeakyReLU(h, act_type='elu').dtype, nd.LeakyReLU(h, act_type='leaky').dtype)
print(nd.sum(h).dtype, nd.norm(h).dtype, nd.mean(h))

# symbols: casts inserted around the low-precision operators
data = mx.sym.var('data')
w, b = mx.sym.var('fc_weight'), mx.sym.var('fc_bias')
fc = mx.sym.FullyConnected(data, w, b, num_hidden=3, name='fc')
out = mx.sym.softmax(fc, name='sm')
print(out.list_arguments())
print([n for n in out.get_internals().list_outputs()])
print(out.infer_type(data='float32', fc_weight='float32', fc_bias='float32'))
print(fc.infer_type(data='float32', fc_weight='float32', fc_bias='float32')[1])
# parameters the operator creates itself are cast too; auxiliary states are not
fc1 = mx.sym.FullyConnected(data, num_hidden=4, name='fc1')
net = mx.sym.BatchNorm(mx.sym.Activation(fc1, act_type='softrelu'), name='bn')
print(net.list_arguments(), net.list_auxiliary_states())
print(net.get_internals().list_outputs())
print(fc1.infer_type(data='float32', fc1_weight='float32', fc1_bias='float32')[1])

# dynamic loss scaling with a Gluon Trainer (float32 parameters and computation)
w = gluon.Parameter('w', shape=(3,), init=mx.init.Constant(1.0))
w.initialize()
trainer = gluon.Trainer([w], 'sgd', {'learning_rate': 0.5})
amp.init_trainer(trainer)
scaler = trainer._amp_loss_scaler
print(type(scaler).__name__, scaler.loss_scale, trainer._amp_original_scale)
x = nd.array([1.0, 2.0, 3.0])
for step in range(3):
    with autograd.record():
        loss = (w.data() * x).sum()
        with amp.scale_loss(loss, trainer) as scaled:
            print('scaled', scaled.asscalar())
            scaled.backward()
    print('grad', w.grad(), 'scale', trainer._scale)
    trainer.step(1)
    print('w', w.data(), scaler.loss_scale)

# an overflow: the step is skipped and the scale halves
with autograd.record():
    loss = (w.data() * x).sum()
    with amp.scale_loss(loss, trainer) as scaled:
        scaled.backward()
w.grad()[:] = float('inf')
trainer.step(1)
print('after overflow', w.data(), scaler.loss_scale, scaler._next_loss_scale)
with autograd.record():
    loss = (w.data() * x).sum()
    with amp.scale_loss([loss, 2 * loss], trainer) as scaled:
        print([float(s.asscalar()) for s in scaled])
        autograd.backward(scaled)
print('grad', w.grad())
amp.unscale(trainer)
print('unscaled', w.grad(), trainer._scale)
trainer.step(1)
print('w', w.data(), scaler.loss_scale)

# a second trainer gets a scaler of its own
q = gluon.Parameter('q', shape=(1,))
q.initialize()
t2 = gluon.Trainer([q], 'sgd')
amp.init_trainer(t2)
print(t2._amp_loss_scaler is scaler, t2._amp_loss_scaler.loss_scale)
for bad in (mx.optimizer.SGD(), 'sgd'):
    try:
        amp.init_trainer(bad)
    except TypeError as e:
        print('TypeError', e)
    try:
        amp.unscale(bad)
    except TypeError as e:
        print('TypeError', e)

# the scaler's growth: 2000 steps without overflow double the scale
s = amp.loss_scaler.LossScaler()
p = gluon.Parameter('g', shape=(2,))
p.initialize()
p.grad()[:] = 1
for _ in range(2000):
    s.has_overflow([p])
print(s.loss_scale, s._next_loss_scale)
s.has_overflow([p])
print(s.loss_scale)
logging.info("done")
