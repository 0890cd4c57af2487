"""A custom operator in Python (MXNet's "Creating custom operators" tutorial):
mx.operator.CustomOp + CustomOpProp, registered and called with nd.Custom, with autograd."""
import numpy as np
import mxnet as mx
from mxnet import nd, autograd

mx.random.seed(33)
np.random.seed(33)


class Softmax(mx.operator.CustomOp):
    def forward(self, is_train, req, in_data, out_data, aux):
        x = in_data[0].asnumpy()
        y = np.exp(x - x.max(axis=1).reshape((x.shape[0], 1)))
        y /= y.sum(axis=1).reshape((x.shape[0], 1))
        self.assign(out_data[0], req[0], mx.nd.array(y))

    def backward(self, req, out_grad, in_data, out_data, in_grad, aux):
        l = in_data[1].asnumpy().ravel().astype(np.int64)
        y = out_data[0].asnumpy()
        y[np.arange(l.shape[0]), l] -= 1.0
        self.assign(in_grad[0], req[0], mx.nd.array(y))


@mx.operator.register("mysoftmax")
class SoftmaxProp(mx.operator.CustomOpProp):
    def __init__(self):
        super(SoftmaxProp, self).__init__(need_top_grad=False)

    def list_arguments(self):
        return ['data', 'label']

    def list_outputs(self):
        return ['output']

    def infer_shape(self, in_shape):
        data_shape = in_shape[0]
        label_shape = (in_shape[0][0],)
        output_shape = in_shape[0]
        return [data_shape, label_shape], [output_shape], []

    def create_operator(self, ctx, shapes, dtypes):
        return Softmax()


class Scale(mx.operator.CustomOp):
    def __init__(self, factor):
        super(Scale, self).__init__()
        self.factor = factor

    def forward(self, is_train, req, in_data, out_data, aux):
        self.assign(out_data[0], req[0], in_data[0] * self.factor)

    def backward(self, req, out_grad, in_data, out_data, in_grad, aux):
        self.assign(in_grad[0], req[0], out_grad[0] * self.factor)


@mx.operator.register("scale")
class ScaleProp(mx.operator.CustomOpProp):
    def __init__(self, factor='2'):
        super(ScaleProp, self).__init__(need_top_grad=True)
        self.factor = float(factor)

    def list_arguments(self):
        return ['data']

    def list_outputs(self):
        return ['output']

    def infer_shape(self, in_shape):
        return in_shape, [in_shape[0]], []

    def create_operator(self, ctx, shapes, dtypes):
        return Scale(self.factor)


x = nd.array([[1., 2., 3.], [1., 1., 4.]])
label = nd.array([2, 0])
x.attach_grad()
with autograd.record():
    y = nd.Custom(x, label, op_type='mysoftmax')
y.backward()
print(y.asnumpy().round(5))
print(x.grad.asnumpy().round(5))

z = nd.array([1., -2., 3.])
z.attach_grad()
with autograd.record():
    out = nd.Custom(z, op_type='scale', factor=3)
    loss = (out * out).sum()
loss.backward()
print(out, z.grad)
