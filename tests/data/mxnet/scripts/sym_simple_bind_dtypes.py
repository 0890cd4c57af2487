"""simple_bind infers dtypes as MXNet does: type_dict, declared variable dtypes, and the
arguments given none taking the dtype their operators need; null grad_req keeps no buffer."""
import mxnet as mx
x = mx.sym.Variable('x'); y = mx.sym.Variable('y')
z = x + y
ex = z.simple_bind(mx.cpu(), type_dict={'x': 'float64'}, x=(2,), y=(2,))
print(ex.arg_dict['x'].dtype, ex.arg_dict['y'].dtype, ex.grad_dict['x'].dtype)
ex = mx.sym.FullyConnected(mx.sym.Variable('d'), num_hidden=2, name='fc').simple_bind(mx.cpu(), type_dict={'d': 'float16'}, d=(1, 3))
print(sorted((k, v.dtype.__name__) for k, v in ex.arg_dict.items()))
ex = mx.sym.Variable('v', dtype='float64').simple_bind(mx.cpu(), v=(2,))
print(ex.arg_dict['v'].dtype)
ex = mx.sym.BatchNorm(mx.sym.Variable('d'), name='bn').simple_bind(mx.cpu(), d=(2, 3), grad_req='null')
print(sorted((k, v.shape) for k, v in ex.aux_dict.items()), ex.grad_dict)
