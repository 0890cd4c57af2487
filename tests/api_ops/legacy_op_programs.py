"""MXNet's deprecated pre-1.0 Python operators (mx.operator.NumpyOp / NDArrayOp /
PythonOp) in Symbols, run by real MXNet 1.9.1 (tools/capture_legacy_ops.py ->
tests/data/mxnet/legacy_ops.json) and by tapegraph (tests/api_ops/test_legacy_ops.py).

`run(mx)` returns {program: {"arguments", "outputs", "out", "grad"} or {"error": type}}.
"""
import warnings

import numpy as np


def _classes(mx):
    class NumpySoftmax(mx.operator.NumpyOp):
        """MXNet's NumpyOp example: softmax with a loss gradient (no top gradient)."""

        def __init__(self):
            super().__init__(False)

        def list_arguments(self):
            return ["data", "label"]

        def list_outputs(self):
            return ["output"]

        def infer_shape(self, in_shape):
            return [in_shape[0], (in_shape[0][0],)], [in_shape[0]]

        def forward(self, in_data, out_data):
            x, y = in_data[0], out_data[0]
            y[:] = np.exp(x - x.max(axis=1).reshape((x.shape[0], 1)))
            y /= y.sum(axis=1).reshape((x.shape[0], 1))

        def backward(self, out_grad, in_data, out_data, in_grad):
            label = in_data[1].astype(int)
            dx = in_grad[0]
            dx[:] = out_data[0]
            dx[np.arange(label.shape[0]), label] -= 1.0

    class Scale(mx.operator.NDArrayOp):
        """An NDArrayOp: out = 3 * x, gradient 3 * dy (two outputs' worth of names)."""

        def list_outputs(self):
            return ["out"]

        def forward(self, in_data, out_data):
            out_data[0][:] = in_data[0] * 3

        def backward(self, out_grad, in_data, out_data, in_grad):
            in_grad[0][:] = out_grad[0] * 3

    class Copy(mx.operator.NDArrayOp):
        """An NDArrayOp with PythonOp's default forward (copy) and backward (ones)."""

    return NumpySoftmax, Scale, Copy


def run(mx):
    warnings.simplefilter("ignore")
    numpy_softmax, scale, copy = _classes(mx)
    x = np.array([[1.0, 2.0, 3.0], [1.0, 1.0, 1.0]])
    res = {}
    for name, make, extra in (("numpy_softmax", numpy_softmax, {"label": (2,)}),
                              ("ndarray_scale", scale, {}), ("ndarray_default", copy, {})):
        op = make()
        inputs = [mx.sym.Variable("data")] + [mx.sym.Variable(k) for k in extra]
        sym = op(*inputs)
        ex = sym.simple_bind(mx.cpu(), data=(2, 3), **extra)
        ex.arg_dict["data"][:] = x
        if extra:
            ex.arg_dict["label"][:] = np.array([2.0, 0.0])
        out = ex.forward(is_train=True)[0].asnumpy().tolist()
        if extra:
            ex.backward()
        else:
            ex.backward(mx.nd.ones((2, 3)) * 0.5)
        res[name] = {"arguments": sym.list_arguments(), "outputs": sym.list_outputs(),
                     "out": out, "grad": ex.grad_dict["data"].asnumpy().tolist()}
    try:
        mx.operator.PythonOp()(mx.sym.Variable("data"))
        res["python_op"] = {"error": None}
    except NotImplementedError as e:
        res["python_op"] = {"error": type(e).__name__, "message": str(e)}
    return res
