"""Symbols whose label or packed parameters MXNet creates and infers: the regression outputs
(label variable made, its shape inferred: (N,) for data (N, 1)), forward/backward of each,
and the fused RNN cell's packed parameter vector."""
import mxnet as mx
import numpy as np
x = mx.sym.Variable("data")
y = mx.sym.FullyConnected(x, num_hidden=1, name="fc")
for op in (mx.sym.LinearRegressionOutput, mx.sym.LogisticRegressionOutput, mx.sym.MAERegressionOutput):
    try:
        out = op(y, name="lro")
        print(out.list_arguments(), out.infer_shape(data=(4, 3)))
    except Exception as e:
        print("ERR", type(e).__name__, str(e)[:200])
out = mx.sym.LinearRegressionOutput(y, mx.sym.Variable("lab"), name="lro2")
print(out.list_arguments(), out.infer_shape(data=(4, 3)))

x = mx.sym.Variable("data")
y = mx.sym.FullyConnected(x, num_hidden=1, name="fc")
for op in (mx.sym.LinearRegressionOutput, mx.sym.LogisticRegressionOutput, mx.sym.MAERegressionOutput):
    out = op(y, name="lro")
    ex = out.simple_bind(mx.cpu(), data=(4, 3))
    ex.arg_dict["data"][:] = np.arange(12).reshape(4, 3) / 10.
    ex.arg_dict["fc_weight"][:] = np.array([[0.1, -0.2, 0.3]])
    ex.arg_dict["fc_bias"][:] = 0.05
    ex.arg_dict["lro_label"][:] = np.array([0.5, 1.0, 0.0, 0.2])
    o = ex.forward(is_train=True)[0]
    ex.backward()
    print(op.__name__, o.asnumpy().ravel().round(5), ex.grad_dict["fc_weight"].asnumpy().round(5), ex.grad_dict["lro_label"].asnumpy().round(5) if ex.grad_dict.get("lro_label") is not None else None)

for mode, layers, bidir in (("lstm", 1, False), ("gru", 2, True), ("rnn_tanh", 1, False)):
    cell = mx.rnn.FusedRNNCell(3, num_layers=layers, mode=mode, bidirectional=bidir, prefix="f_")
    outs, states = cell.unroll(2, inputs=mx.sym.Variable("data"), merge_outputs=True,
                               layout="TNC")
    print(mode, layers, bidir, outs.list_arguments(), outs.infer_shape(data=(2, 2, 4)))
