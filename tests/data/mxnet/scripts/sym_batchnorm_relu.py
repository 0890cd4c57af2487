"""mx.sym.contrib.BatchNormWithReLU (MXNet 1.9.1, MKL-DNN builds): its parameters and
auxiliary states made as BatchNorm's, its JSON (four rows of outputs), and relu(BatchNorm) values
in inference and training."""
import json

import mxnet as mx
import numpy as np
x = mx.sym.var('x')
s = mx.sym.contrib.BatchNormWithReLU(x, name='bnr')
d = json.loads(s.tojson()); print(d['node_row_ptr'], d['nodes'][-1].get('attrs'), s.list_outputs(), s.list_arguments(), s.list_auxiliary_states())
print(s.infer_shape(x=(2, 3, 4, 4)))
d = json.loads(s.tojson()); print(d['node_row_ptr'], d['nodes'][-1].get('attrs'))
s = mx.sym.contrib.BatchNormWithReLU(x, name='bnr2', eps=0.01, fix_gamma=False)
d = json.loads(s.tojson()); print(d['nodes'][-1].get('attrs'))

s = mx.sym.contrib.BatchNormWithReLU(x, name='bnr3', fix_gamma=False)
ex = s.simple_bind(mx.cpu(), x=(2, 3, 2, 2))
ex.arg_dict['x'][:] = np.arange(24).reshape(2, 3, 2, 2) / 4.0 - 3
ex.arg_dict['bnr3_gamma'][:] = np.array([1.0, -0.5, 2.0])
ex.arg_dict['bnr3_beta'][:] = np.array([0.1, 0.2, -0.3])
ex.aux_dict['bnr3_moving_var'][:] = 1
print(np.round(ex.forward(is_train=False)[0].asnumpy().ravel(), 4))
print(np.round(ex.forward(is_train=True)[0].asnumpy().ravel(), 4))
