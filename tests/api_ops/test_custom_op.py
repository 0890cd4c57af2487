"""`mx.operator` custom operators: MXNet's documented CustomOp examples give MXNet's values
and gradients (captured by tools/capture_custom_op.py), run through the IR as one opaque
node like `autograd.Function`, and differentiate to higher order through the operators
their backward uses."""
import json
import os

import numpy as np
import pytest

import tapegraph as mx
from tapegraph.ir.errors import MXNetError

import custom_op_examples

PATH = os.path.join(os.path.dirname(__file__), "..", "data", "mxnet", "custom_op.json")
with open(PATH) as f:
    CAPTURED = json.load(f)["programs"]

custom_op_examples.define(mx)


@pytest.mark.parametrize("name", sorted(CAPTURED))
def test_documented_custom_ops_match_mxnet(name):
    want = CAPTURED[name]
    out, arrays = custom_op_examples.run(mx, name)
    np.testing.assert_allclose(out.asnumpy(), want["out"], rtol=1e-6, atol=1e-7)
    for k, g in want["grads"].items():
        np.testing.assert_allclose(arrays[k].grad.asnumpy(), g, rtol=1e-6, atol=1e-7,
                                   err_msg="gradient of " + k)
    for k, v in want["after"].items():  # aux states written by forward, inputs untouched
        np.testing.assert_allclose(arrays[k].asnumpy(), v, rtol=1e-6)


def test_a_call_is_one_opaque_node_named_after_the_op_type():
    x = mx.nd.array([[1.0, 2.0, 3.0]])
    x.attach_grad()
    with mx.autograd.record():
        y = mx.nd.Custom(x, mx.nd.zeros((1, 3)), op_type="sqr")
        z = (y * 3).sum()
    graph = mx.autograd.backward_graph(z, [x], optimized=False).graph
    ops = [n.op for n in graph.nodes]
    assert ops.count("_CustomFunction") == 1 and ops.count("_CustomFunctionBackward") == 1
    assert "_CustomFunction(%x) {function=<Custom[sqr] #0>}" in str(graph)
    z.backward()
    np.testing.assert_allclose(x.grad.asnumpy(), [[6.0, 12.0, 18.0]])


def test_second_order_flows_through_the_backward_operators():
    x = mx.nd.array([1.0, -2.0, 0.5])
    x.attach_grad()
    with mx.autograd.record():
        y = mx.nd.Custom(x, mx.nd.zeros((3,)), op_type="sqr")
        (gx,) = mx.autograd.grad(y.sum(), [x], create_graph=True)  # 2x
        h = (gx * gx).sum()  # 4x^2
    np.testing.assert_allclose(gx.asnumpy(), [2.0, -4.0, 1.0])
    h.backward()
    np.testing.assert_allclose(x.grad.asnumpy(), [8.0, -16.0, 4.0])


class _Cube(mx.operator.CustomOp):
    def forward(self, is_train, req, in_data, out_data, aux):
        self.seen_train = is_train
        self.assign(out_data[0], req[0], in_data[0] ** 3)

    def backward(self, req, out_grad, in_data, out_data, in_grad, aux):
        self.assign(in_grad[0], req[0], 3 * in_data[0] * in_data[0] * out_grad[0])


OPS = []


@mx.operator.register("cube")
class _CubeProp(mx.operator.CustomOpProp):
    def list_arguments(self):
        return ["data"]

    def create_operator(self, ctx, shapes, dtypes):
        OPS.append(_Cube())
        return OPS[-1]


def test_training_loop_reuses_plans_and_binds_each_calls_operator():
    x = mx.nd.array([1.0, 2.0])
    x.attach_grad()
    for step in range(3):
        scale = step + 1.0
        with mx.autograd.record(train_mode=step % 2 == 0):
            z = (mx.nd.Custom(x, op_type="cube") * scale).sum()
        z.backward()
        np.testing.assert_allclose(x.grad.asnumpy(), 3 * scale * x.asnumpy() ** 2)
        assert OPS[-1].seen_train == (step % 2 == 0)
    # same types, another operator: the cached plan must call this call's operator
    with mx.autograd.record():
        z = mx.nd.Custom(x, mx.nd.zeros((2,)), op_type="sqr").sum()
    z.backward()
    np.testing.assert_allclose(x.grad.asnumpy(), 2 * x.asnumpy())


def test_bad_calls_raise_clear_errors():
    with pytest.raises(MXNetError, match="not registered"):
        mx.nd.Custom(mx.nd.ones(2), op_type="no_such_op")
    with pytest.raises(MXNetError, match="expected 2 arrays"):
        mx.nd.Custom(mx.nd.ones(2), op_type="sqr")
    with pytest.raises(MXNetError, match="CustomOpProp subclass"):
        mx.operator.register("bad")(object)
    assert "sqr" in mx.operator.get_all_registered_operators()
    with pytest.raises(MXNetError, match="Operator sqr is not registered"):
        mx.operator.get_operator_arguments("sqr")   # as in MXNet: custom ops are not operators
    with pytest.raises(NotImplementedError, match="Must override this"):
        with pytest.warns(UserWarning, match="PythonOp has been deprecated"):
            mx.operator.PythonOp()(mx.sym.Variable("x"))
