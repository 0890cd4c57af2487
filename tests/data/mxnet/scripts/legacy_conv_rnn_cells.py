"""mx.rnn's convolutional cells (MXNet 1.9.1's legacy symbolic API): unrolled over two steps,
shapes inferred (including a batch of one), bound with fixed weights and evaluated."""
import numpy as np
import mxnet as mx

np.random.seed(3)
for cls, prefix in ((mx.rnn.ConvRNNCell, "crnn_"), (mx.rnn.ConvLSTMCell, "clstm_"),
                    (mx.rnn.ConvGRUCell, "cgru_")):
    for batch in (1, 2):
        cell = cls(input_shape=(batch, 3, 6, 6), num_hidden=2, prefix=prefix)
        outs, states = cell.unroll(2, inputs=mx.sym.Variable("data"), merge_outputs=True)
        arg_shapes, out_shapes, _ = outs.infer_shape(data=(batch, 2, 3, 6, 6))
        print(cls.__name__, batch, outs.list_arguments(), arg_shapes, out_shapes)
        print([s.name for s in states], [len(s.list_outputs()) for s in states])
        args = {name: mx.nd.array(np.random.uniform(-0.5, 0.5, shape))
                for name, shape in zip(outs.list_arguments(), arg_shapes)}
        exe = outs.bind(mx.cpu(), args)
        out = exe.forward()[0].asnumpy()
        print("out", out.shape, round(float(out.sum()), 4), round(float(np.abs(out).max()), 4))
        last = mx.sym.Group(states).bind(mx.cpu(), args).forward()
        print("states", [round(float(s.asnumpy().sum()), 4) for s in last])
