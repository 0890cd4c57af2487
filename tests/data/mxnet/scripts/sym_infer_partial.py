"""Symbol.infer_shape_partial / infer_type_partial: what follows from the given shapes
and dtypes, the rest left unknown (() and None) instead of giving up."""
from mxnet import sym
net = sym.FullyConnected(sym.var('data'), num_hidden=4, name='fc')
net = sym.SoftmaxOutput(net, name='sm')
print(net.infer_shape_partial())
print(net.infer_shape_partial(data=(2, 3)))
c = sym.var('a') + sym.var('b')
print(c.infer_shape_partial(a=(2, 3)))
print(c.infer_shape_partial())
print(c.infer_type_partial(a='float32'))
print(sym.var('x').infer_type_partial())
d = sym.dot(sym.var('p'), sym.var('q'))
print(d.infer_shape_partial(p=(2,3)))
bn = sym.BatchNorm(sym.Convolution(sym.var('x'), kernel=(3, 3), num_filter=4, name='conv'), name='bn')
print(bn.infer_shape_partial(x=(1, 2, 5, 5)))
print(bn.infer_shape_partial())
g = sym.Group([sym.relu(sym.var('u')), sym.var('v') * 2])
print(g.infer_shape_partial(u=(3,)))
