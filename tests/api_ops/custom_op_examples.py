"""Custom operators from MXNet's documentation and unit tests, written once for both MXNet
(tools/capture_custom_op.py runs them on the oracle) and tapegraph (test_custom_op.py):
`define(mx)` registers them with `mx.operator` and returns the programs to run.

- "softmax": the softmax-with-loss CustomOp of MXNet's docs (example/numpy-ops), whose
  backward ignores the head gradient (need_top_grad=False);
- "sqr": MXNet's test_custom_op operator, with an auxiliary state written in forward;
- "scale_mul": two inputs, two outputs and a keyword argument (passed as a string).
"""
import numpy as np


def define(mx):
    class Softmax(mx.operator.CustomOp):
        def forward(self, is_train, req, in_data, out_data, aux):
            x = in_data[0].asnumpy()
            y = np.exp(x - x.max(axis=1).reshape((x.shape[0], 1)))
            y /= y.sum(axis=1).reshape((x.shape[0], 1))
            self.assign(out_data[0], req[0], mx.nd.array(y))

        def backward(self, req, out_grad, in_data, out_data, in_grad, aux):
            lab = in_data[1].asnumpy().ravel().astype(np.int64)
            y = out_data[0].asnumpy()
            y[np.arange(lab.shape[0]), lab] -= 1.0
            self.assign(in_grad[0], req[0], mx.nd.array(y))

    @mx.operator.register("softmax")
    class SoftmaxProp(mx.operator.CustomOpProp):
        def __init__(self):
            super(SoftmaxProp, self).__init__(need_top_grad=False)

        def list_arguments(self):
            return ["data", "label"]

        def list_outputs(self):
            return ["output"]

        def infer_shape(self, in_shape):
            data_shape = in_shape[0]
            label_shape = (in_shape[0][0],)
            output_shape = in_shape[0]
            return [data_shape, label_shape], [output_shape], []

        def infer_type(self, in_type):
            return in_type, [in_type[0]], []

        def create_operator(self, ctx, shapes, dtypes):
            return Softmax()

    class Sqr(mx.operator.CustomOp):
        def forward(self, is_train, req, in_data, out_data, aux):
            aux[0][:] = 1
            self.assign(out_data[0], req[0], in_data[0] * in_data[0])

        def backward(self, req, out_grad, in_data, out_data, in_grad, aux):
            self.assign(in_grad[0], req[0], 2 * in_data[0] * out_grad[0])
            assert (aux[0].asnumpy() == 1).all()

    @mx.operator.register("sqr")
    class SqrProp(mx.operator.CustomOpProp):
        def __init__(self):
            super(SqrProp, self).__init__(need_top_grad=True)

        def list_arguments(self):
            return ["data"]

        def list_outputs(self):
            return ["output"]

        def list_auxiliary_states(self):
            return ["aux"]

        def infer_shape(self, in_shape):
            return in_shape, [in_shape[0]], [in_shape[0]]

        def infer_type(self, in_type):
            return in_type, [in_type[0]], [in_type[0]]

        def create_operator(self, ctx, shapes, dtypes):
            return Sqr()

    class ScaleMul(mx.operator.CustomOp):
        def __init__(self, scale):
            self.scale = scale

        def forward(self, is_train, req, in_data, out_data, aux):
            a, b = in_data
            self.assign(out_data[0], req[0], a * self.scale + b)
            self.assign(out_data[1], req[1], a * b)

        def backward(self, req, out_grad, in_data, out_data, in_grad, aux):
            a, b = in_data
            g0, g1 = out_grad
            self.assign(in_grad[0], req[0], g0 * self.scale)
            self.assign(in_grad[0], "add", g1 * b)
            self.assign(in_grad[1], req[1], g0 + g1 * a)

    @mx.operator.register("scale_mul")
    class ScaleMulProp(mx.operator.CustomOpProp):
        def __init__(self, scale="1.0"):
            super(ScaleMulProp, self).__init__(need_top_grad=True)
            assert isinstance(scale, str)  # MXNet passes keyword arguments as strings
            self.scale = float(scale)

        def list_arguments(self):
            return ["a", "b"]

        def list_outputs(self):
            return ["sum", "product"]

        def create_operator(self, ctx, shapes, dtypes):
            return ScaleMul(self.scale)

    return PROGRAMS


def _softmax(mx, x, label):
    out = mx.nd.Custom(x, label, op_type="softmax")
    return out, out


def _sqr(mx, x, aux):
    y = mx.nd.Custom(x, aux, op_type="sqr")
    return y, (y * mx.nd.array([[1.0, -2.0, 0.5]])).sum()


def _scale_mul(mx, a, b):
    s, p = mx.nd.Custom(a, b, op_type="scale_mul", scale=3)
    return s, (s * 2 + p * p).sum()


# name -> (function of mx and the arrays returning (output, head to backward from),
#          {input: (values, differentiable)})
PROGRAMS = {
    "softmax": (_softmax, {"x": ([[0.5, 1.0, -1.0, 2.0], [0.1, 0.2, 0.3, -0.4],
                                  [3.0, 1.0, 0.0, 1.0]], True),
                           "label": ([1, 3, 0], False)}),
    "sqr": (_sqr, {"x": ([[1.0, -2.0, 3.0], [0.5, 0.25, -1.5]], True),
                   "aux": ([[0.0, 0.0, 0.0], [0.0, 0.0, 0.0]], False)}),
    "scale_mul": (_scale_mul, {"a": ([1.0, -2.0, 0.5], True), "b": ([0.5, 4.0, -1.0], True)}),
}


def run(mx, name):
    """Run program `name`: its output, head, and the input arrays (gradients filled)."""
    fn, spec = PROGRAMS[name]
    arrays = {}
    for k, (values, diff) in spec.items():
        arrays[k] = mx.nd.array(values)
        if diff:
            arrays[k].attach_grad()
    with mx.autograd.record():
        out, head = fn(mx, **arrays)
    head.backward()
    return out, arrays
