"""Module used by hand, in the style of MXNet's tests/python/unittest/test_module.py:
bind / init_params / forward / backward / update, input gradients, fixed parameters,
head gradients for a non-loss output, BatchNorm auxiliary states, reshaping to other batch
sizes, a shared module, and the errors of calls made in the wrong order."""
import warnings

import numpy as np
import mxnet as mx

mx.random.seed(3)
np.random.seed(3)
rs = np.random.RandomState(3)
warnings.simplefilter('ignore')


def show(name, arr, digits=4):
    print(name, arr.shape, np.round(arr.asnumpy(), digits).ravel()[:6])


def attempt(what, fn):
    try:
        fn()
        print(what, 'ok')
    except Exception as e:  # noqa: BLE001
        print(what, 'raised', isinstance(e, AssertionError), isinstance(e, ValueError),
              isinstance(e, RuntimeError))


x = mx.sym.var('x')
fc = mx.sym.FullyConnected(x, num_hidden=4, name='fc')
bn = mx.sym.BatchNorm(fc, fix_gamma=False, momentum=0.8, name='bn')
act = mx.sym.Activation(bn, act_type='tanh', name='tanh')
out = mx.sym.FullyConnected(act, num_hidden=2, name='out')
loss = mx.sym.LinearRegressionOutput(out, mx.sym.var('lro_label'), name='lro')
print(loss.list_arguments(), loss.list_auxiliary_states())

params = {'fc_weight': mx.nd.array(rs.normal(0, 0.5, (4, 3))), 'fc_bias': mx.nd.zeros((4,)),
          'bn_gamma': mx.nd.ones((4,)), 'bn_beta': mx.nd.zeros((4,)),
          'out_weight': mx.nd.array(rs.normal(0, 0.5, (2, 4))), 'out_bias': mx.nd.zeros((2,))}
aux = {'bn_moving_mean': mx.nd.zeros((4,)), 'bn_moving_var': mx.nd.ones((4,))}
data = mx.nd.array(rs.uniform(-1, 1, (5, 3)))
label = mx.nd.array(rs.uniform(-1, 1, (5, 2)))
batch = mx.io.DataBatch([data], [label])

mod = mx.mod.Module(loss, data_names=['x'], label_names=['lro_label'])
attempt('forward before bind', lambda: mod.forward(batch))
attempt('init_params before bind', lambda: mod.init_params())
attempt('bind with wrong data name', lambda: mod.bind(data_shapes=[('data', (5, 3))]))
print(mod.binded)
mod.bind(data_shapes=[('x', (5, 3))], label_shapes=[('lro_label', (5, 2))],
         inputs_need_grad=True)
attempt('forward before init_params', lambda: mod.forward(batch))
mod.init_params(arg_params=params, aux_params=aux)
attempt('update before init_optimizer', lambda: mod.update())
mod.bind(data_shapes=[('x', (5, 3))])  # already bound: ignored with a warning
print(mod.data_shapes[0].shape, mod.label_shapes[0].shape)

mod.forward(batch, is_train=True)
show('output', mod.get_outputs()[0])
mod.backward()
show('d x', mod.get_input_grads()[0])
mod.init_optimizer(optimizer='sgd', optimizer_params=(('learning_rate', 0.1), ('wd', 0.01)))
mod.update()
arg, auxs = mod.get_params()
for name in sorted(arg):
    show(name, arg[name])
for name in sorted(auxs):
    show(name, auxs[name])
mod.forward(batch, is_train=False)
show('eval output', mod.get_outputs()[0])

# evaluation mode uses the moving statistics; the module keeps training them
mod.forward_backward(batch)
mod.update()
show('moving mean after 2 steps', mod.get_params()[1]['bn_moving_mean'])

# other batch sizes reshape the module, keeping the parameters
small = mx.io.DataBatch([data[:2]], [label[:2]])
mod.forward(small, is_train=False)
print(mod.data_shapes[0].shape, mod.label_shapes[0].shape, mod.output_shapes)
show('small output', mod.get_outputs()[0])
mod.reshape(data_shapes=[('x', (7, 3))], label_shapes=[('lro_label', (7, 2))])
print(mod.data_shapes[0].shape, mod.output_shapes)
mod.forward(mx.io.DataBatch([mx.nd.ones((7, 3))], [mx.nd.zeros((7, 2))]))
show('reshaped output', mod.get_outputs()[0])

# a non-loss output needs head gradients
mod2 = mx.mod.Module(out, data_names=['x'], label_names=None,
                     fixed_param_names=['fc_weight', 'fc_bias'])
mod2.bind(data_shapes=[('x', (5, 3))])
mod2.init_params(arg_params=params, aux_params=aux)
mod2.init_optimizer(optimizer_params={'learning_rate': 1.0})
mod2.forward(mx.io.DataBatch([data]), is_train=True)
mod2.backward(out_grads=[mx.nd.ones((5, 2)) * 0.5])
attempt('get_input_grads without inputs_need_grad', lambda: mod2.get_input_grads())
mod2.update()
new = mod2.get_params()[0]
print('fixed', np.allclose(new['fc_weight'].asnumpy(), params['fc_weight'].asnumpy()))
show('out_weight', new['out_weight'])
show('out_bias', new['out_bias'])

# grad_req 'add' accumulates over two backward passes
mod3 = mx.mod.Module(loss, data_names=['x'], label_names=['lro_label'])
mod3.bind(data_shapes=[('x', (5, 3))], label_shapes=[('lro_label', (5, 2))], grad_req='add')
mod3.init_params(arg_params=params, aux_params=aux)
for _ in range(2):
    mod3.forward(batch, is_train=True)
    mod3.backward()
show('accumulated d out_bias', mod3._exec_group.grad_arrays[-1][0])

# predict-only binding, set_params, and a module sharing another's parameters
pred = mx.mod.Module(loss, data_names=['x'], label_names=['lro_label'])
pred.bind(data_shapes=[('x', (5, 3))], label_shapes=[('lro_label', (5, 2))],
          for_training=False)
pred.set_params(*mod.get_params())
pred.forward(mx.io.DataBatch([data]))
show('predict module', pred.get_outputs()[0])
attempt('backward of a predict module', lambda: pred.backward())
fresh = mx.mod.Module(loss, data_names=['x'], label_names=['lro_label'])
fresh.bind(data_shapes=[('x', (5, 3))], label_shapes=[('lro_label', (5, 2))],
           for_training=False)
attempt('set_params with a missing name',
        lambda: fresh.set_params({'fc_weight': params['fc_weight']}, aux))
print(fresh.params_initialized)
attempt('set_params with an extra name',
        lambda: fresh.set_params(dict(params, extra=mx.nd.ones((1,))), aux))
fresh.set_params(dict(params, extra=mx.nd.ones((1,))), aux, allow_extra=True)
fresh.forward(mx.io.DataBatch([data]))
show('predict with the initial params', fresh.get_outputs()[0])
shared = mx.mod.Module(loss, data_names=['x'], label_names=['lro_label'])
shared.bind(data_shapes=[('x', (2, 3))], label_shapes=[('lro_label', (2, 2))],
            for_training=False, shared_module=pred)
shared.forward(mx.io.DataBatch([data[:2]]))
show('shared module', shared.get_outputs()[0])
print(shared.params_initialized)
show('predict on NDArray', pred.predict(data))
attempt('predict on a list', lambda: pred.predict([1, 2]))
attempt('Module with an unknown data name', lambda: mx.mod.Module(loss, data_names=['y']))
attempt('fit without num_epoch',
        lambda: mx.mod.Module(loss, data_names=['x'], label_names=['lro_label']).fit(
            mx.io.NDArrayIter(data, label, batch_size=5, label_name='lro_label')))
