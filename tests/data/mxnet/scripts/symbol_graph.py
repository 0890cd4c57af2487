"""Symbolic API (MXNet's symbol tutorial): compose, infer shapes, bind, forward, backward."""
import numpy as np
import mxnet as mx

mx.random.seed(20)
np.random.seed(20)

a = mx.sym.Variable('a')
b = mx.sym.Variable('b')
c = a + b
# print(sym) shows the IR text in tapegraph (by design); repr is MXNet's <Symbol name>
print(repr(a), repr(c))
print(c.list_arguments(), c.list_outputs())
d = a * b
e = mx.sym.dot(a, b)
f = mx.sym.reshape(d + e, shape=(1, 4))
g = mx.sym.broadcast_to(f, shape=(2, 4))
print(g.list_arguments())

net = mx.sym.Variable('data')
net = mx.sym.FullyConnected(data=net, name='fc1', num_hidden=8)
net = mx.sym.Activation(data=net, name='relu1', act_type='relu')
net = mx.sym.FullyConnected(data=net, name='fc2', num_hidden=3)
net = mx.sym.SoftmaxOutput(data=net, name='out')
print(net.list_arguments())
print(net.list_outputs())
arg_shapes, out_shapes, aux_shapes = net.infer_shape(data=(4, 5))
print(arg_shapes, out_shapes, aux_shapes)
print(net.infer_type(data='float32')[1])
print(net.get_internals().list_outputs())

ex = c.bind(ctx=mx.cpu(), args={'a': mx.nd.ones((2, 3)), 'b': mx.nd.array(np.arange(6).reshape(2, 3))})
ex.forward()
print(ex.outputs[0])

x = mx.sym.Variable('x')
y = mx.sym.Variable('y')
z = mx.sym.MakeLoss(mx.sym.sum(mx.sym.exp(x) * y))
xv = mx.nd.array([[0., 1.], [2., -1.]])
yv = mx.nd.array([[1., 2.], [3., 4.]])
gx = mx.nd.zeros((2, 2))
gy = mx.nd.zeros((2, 2))
ex = z.bind(mx.cpu(), args={'x': xv, 'y': yv}, args_grad={'x': gx, 'y': gy})
ex.forward(is_train=True)
print(ex.outputs[0].asnumpy().round(4))
ex.backward()
print(gx.asnumpy().round(4), gy.asnumpy().round(4))

rs = np.random.RandomState(20)
exe = net.simple_bind(ctx=mx.cpu(), data=(4, 5))
for name, arr in exe.arg_dict.items():
    if name == 'out_label':
        arr[:] = np.array([0, 1, 2, 1])
    else:
        arr[:] = rs.normal(0, 0.5, arr.shape)
exe.forward(is_train=True)
print(exe.outputs[0].asnumpy().round(4))
exe.backward()
print(exe.grad_dict['fc2_bias'].asnumpy().round(4))
print(sorted(exe.grad_dict.keys()))
js = net.tojson()
net2 = mx.sym.load_json(js)
print(net2.list_arguments() == net.list_arguments())
print(mx.sym.Group([c, d]).list_outputs())
print(c.eval(ctx=mx.cpu(), a=mx.nd.ones(2), b=mx.nd.ones(2))[0])
print((2 * a + 1).name, mx.sym.Variable('w', shape=(3,)).attr('__shape__'))
