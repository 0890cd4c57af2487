"""Executors of symbolic graphs (MXNet's symbol / executor tutorials): simple_bind with
grad_req, aux states of BatchNorm, get_internals, Group outputs, reshape of an executor."""
import numpy as np
import mxnet as mx

mx.random.seed(39)
np.random.seed(39)
rs = np.random.RandomState(39)

data = mx.sym.var('data')
bn = mx.sym.BatchNorm(data, fix_gamma=False, momentum=0.5, name='bn')
out = mx.sym.sum(mx.sym.square(bn))
print(bn.list_arguments(), bn.list_auxiliary_states())
ex = bn.simple_bind(mx.cpu(), data=(4, 2))
ex.arg_dict['data'][:] = rs.normal(1, 2, (4, 2))
ex.arg_dict['bn_gamma'][:] = 1
ex.arg_dict['bn_beta'][:] = 0
ex.aux_dict['bn_moving_mean'][:] = 0
ex.aux_dict['bn_moving_var'][:] = 1
ex.forward(is_train=False)
print(ex.outputs[0].asnumpy().round(4))
ex.forward(is_train=True)
print(ex.outputs[0].asnumpy().round(4))
print(ex.aux_dict['bn_moving_mean'].asnumpy().round(4), ex.aux_dict['bn_moving_var'].asnumpy().round(4))

x = mx.sym.var('x')
h = mx.sym.FullyConnected(x, num_hidden=3, name='h')
a = mx.sym.Activation(h, act_type='sigmoid', name='a')
o = mx.sym.FullyConnected(a, num_hidden=1, name='o')
internals = o.get_internals()
print(internals.list_outputs())
feat = internals['a_output']
print(feat.list_arguments())
group = mx.sym.Group([h, o])
print(group.list_outputs())
exe = group.simple_bind(mx.cpu(), x=(2, 4), grad_req='null')
for k, v in exe.arg_dict.items():
    v[:] = rs.uniform(-1, 1, v.shape)
outs = exe.forward()
print(len(outs), outs[0].shape, outs[1].shape)
exe2 = o.simple_bind(mx.cpu(), x=(2, 4), grad_req={'x': 'null', 'h_weight': 'write', 'h_bias': 'write', 'o_weight': 'write', 'o_bias': 'null'})
for k, v in exe2.arg_dict.items():
    v[:] = np.linspace(-1, 1, v.size).reshape(v.shape)
exe2.forward(is_train=True)
exe2.backward(mx.nd.ones((2, 1)))
print(exe2.outputs[0].asnumpy().round(5))
print(exe2.grad_dict['h_weight'].asnumpy().round(5))
print(exe2.grad_dict['o_bias'] is None, sorted(k for k, v in exe2.grad_dict.items() if v is not None))
