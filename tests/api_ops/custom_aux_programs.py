"""Programs writing a CustomOp's auxiliary states, run by real MXNet 1.9.1
(tools/capture_custom_op_aux.py -> tests/data/mxnet/custom_op_aux.json) and by tapegraph
(tests/api_ops/test_custom_op_aux.py): the aux values after each step must agree.

`run(mx)` returns {program name: [values of the aux arrays (and outputs) after each step]}.
"""
def _define(mx):
    class AuxOp(mx.operator.CustomOp):
        """forward: out = 2 * x; aux_a += sum(x) through assign (req 'write');
        aux_b[:] += 1 written directly. backward: dx = 2 * dy; aux_a = aux_a * 10 via
        assign, aux_b[:] -= 0.5 directly."""

        def forward(self, is_train, req, in_data, out_data, aux):
            self.assign(out_data[0], req[0], in_data[0] * 2)
            self.assign(aux[0], "write", aux[0] + in_data[0].sum())
            aux[1][:] += 1

        def backward(self, req, out_grad, in_data, out_data, in_grad, aux):
            self.assign(in_grad[0], req[0], out_grad[0] * 2)
            self.assign(aux[0], "write", aux[0] * 10)
            aux[1][:] -= 0.5

    @mx.operator.register("tg_aux_op")
    class AuxProp(mx.operator.CustomOpProp):
        def __init__(self):
            super().__init__(need_top_grad=True)

        def list_arguments(self):
            return ["data"]

        def list_outputs(self):
            return ["output"]

        def list_auxiliary_states(self):
            return ["aux_a", "aux_b"]

        def infer_shape(self, in_shape):
            return in_shape, [in_shape[0]], [(1,), (1,)]

        def create_operator(self, ctx, shapes, dtypes):
            return AuxOp()


def _vals(*arrays):
    return [a.asnumpy().tolist() for a in arrays]


def run(mx):
    _define(mx)
    res = {}
    x = mx.nd.array([[1.0, 2.0], [3.0, -1.0]])

    a, b = mx.nd.zeros((1,)), mx.nd.zeros((1,))
    steps = []
    for _ in range(2):
        out = mx.nd.Custom(x, a, b, op_type="tg_aux_op")
        steps.append(_vals(a, b, out))
    res["nd_forward"] = steps

    a, b = mx.nd.zeros((1,)), mx.nd.zeros((1,))
    xg = x.copy()
    xg.attach_grad()
    steps = []
    for _ in range(2):
        with mx.autograd.record():
            out = mx.nd.Custom(xg, a, b, op_type="tg_aux_op")
        steps.append(_vals(a, b))
        out.backward()
        steps.append(_vals(a, b, xg.grad))
    res["nd_record_backward"] = steps

    sym = mx.sym.Custom(mx.sym.Variable("data"), op_type="tg_aux_op", name="c")
    ex = sym.simple_bind(mx.cpu(), data=(2, 2))
    ex.arg_dict["data"][:] = x
    steps = []
    for train in (False, True):
        ex.forward(is_train=train)
        steps.append(_vals(*[ex.aux_dict[k] for k in sorted(ex.aux_dict)]) + [sorted(ex.aux_dict)])
    ex.backward(mx.nd.ones((2, 2)))
    steps.append(_vals(*[ex.aux_dict[k] for k in sorted(ex.aux_dict)]
                       + [ex.grad_dict["data"]]))
    res["symbol_executor"] = steps
    return res
