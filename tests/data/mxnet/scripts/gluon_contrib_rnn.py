"""gluon.contrib.rnn: the convolutional RNN/LSTM/GRU cells in 1, 2 and 3 dimensions (several
activations; channel-first: MXNet's CPU convolution fails on these cells' channel-last
layouts), LSTMPCell, VariationalDropoutCell (predict mode: no masks)
and dynamic_unroll; parameter names and shapes, states, unrolled outputs, gradients, and a
hybridized cell's export."""
import json

import numpy as np
import mxnet as mx
from mxnet.gluon.contrib import rnn as crnn

rng = np.random.RandomState(7)


def show(tag, a):
    a = a.asnumpy().astype(np.float64)
    print(tag, a.shape, round(float(a.sum()), 4), np.round(a.ravel()[:5], 4).tolist())


def set_weights(block):
    for name, p in block.collect_params().items():
        p.set_data(mx.nd.array(rng.uniform(-0.4, 0.4, p.shape)))


def run(cell, x, length=3, step=False):
    """Unroll (or step) with gradients; print outputs, states and gradients."""
    x = mx.nd.array(x)
    x.attach_grad()
    with mx.autograd.record():
        if step:  # (MXNet's unroll calls reset() on an activation block: it has none)
            states = cell.begin_state(x.shape[0])
            outs = []
            for t in range(length):
                o, states = cell(x.slice_axis(axis=1, begin=t, end=t + 1).squeeze(axis=1), states)
                outs.append(o)
            out = mx.nd.stack(*outs, axis=1)
        else:
            out, states = cell.unroll(length, x, layout="NTC", merge_outputs=True)
        loss = out.sum() + sum(s.sum() * (i + 2) for i, s in enumerate(states))
    loss.backward()
    show("  out", out)
    for i, s in enumerate(states):
        show("  state%d" % i, s)
    show("  dx", x.grad)
    for name, p in cell.collect_params().items():
        print("  grad", name, round(float(p.grad().sum().asscalar()), 4))
    return out


cases = [
    (crnn.Conv1DRNNCell, (2, 6), {}),
    (crnn.Conv1DLSTMCell, (2, 6), {"i2h_pad": 1}),
    (crnn.Conv1DGRUCell, (2, 6), {"i2h_dilate": 2, "h2h_dilate": 1}),
    (crnn.Conv2DRNNCell, (2, 5, 4), {"activation": "relu"}),
    (crnn.Conv2DLSTMCell, (2, 5, 4), {"i2h_pad": (1, 0)}),
    (crnn.Conv2DGRUCell, (2, 5, 4), {"h2h_dilate": (2, 1)}),
    (crnn.Conv3DRNNCell, (1, 4, 3, 3), {"activation": mx.gluon.nn.LeakyReLU(0.1)}),
    (crnn.Conv3DLSTMCell, (1, 4, 3, 3), {"activation": "softrelu"}),
    (crnn.Conv3DGRUCell, (1, 4, 3, 3), {"i2h_pad": 1}),
    (crnn.Conv2DRNNCell, (2, 5, 4), {"activation": "sigmoid", "i2h_dilate": (2, 1)}),
]
for cls, shape, kwargs in cases:
    cell = cls(shape, 2, 3, 3, **kwargs)
    print(cls.__name__, cell.prefix, cell)
    print(" ", [(k, v.shape) for k, v in cell.collect_params().items()])
    print(" ", cell.state_info(2))
    cell.initialize()
    set_weights(cell)
    run(cell, rng.uniform(-1, 1, (2, 3) + shape),
        step=isinstance(kwargs.get("activation"), mx.gluon.Block))

# deferred input channels, integer specs, the gate count in the parameter shapes
cell = crnn.Conv2DGRUCell((0, 5, 5), 3, i2h_kernel=1, h2h_kernel=(3, 1), prefix="g_")
print(cell, [(k, v.shape) for k, v in cell.collect_params().items()])
cell.initialize(mx.init.Constant(0.1))
out, st = cell(mx.nd.ones((2, 4, 5, 5)), cell.begin_state(2))
print(cell, [(k, v.shape) for k, v in cell.collect_params().items()])
show("deferred out", out)

# hybridized: the same values as eager, and MXNet's names in the export
cell = crnn.Conv2DLSTMCell((2, 4, 4), 3, 3, 3, i2h_pad=1)
cell.initialize()
set_weights(cell)
x = mx.nd.array(rng.uniform(-1, 1, (2, 3, 2, 4, 4)))
eager, _ = cell.unroll(3, x, merge_outputs=True)
cell.hybridize()
hybrid, states = cell.unroll(3, x, merge_outputs=True)
print("hybrid == eager", np.allclose(eager.asnumpy(), hybrid.asnumpy(), atol=1e-5))
show("hybrid", hybrid)
cell.export("convlstm")
sym = json.load(open("convlstm-symbol.json"))
print("heads", [sym["nodes"][h[0]]["name"] for h in sym["heads"]])
print("params", sorted(mx.nd.load("convlstm-0000.params").keys()))
loaded = mx.gluon.SymbolBlock.imports("convlstm-symbol.json", ["data0", "data1", "data2"],
                                      "convlstm-0000.params")
h, c = cell.begin_state(2)
outs = loaded(x[:, 0], h, c)
show("imported", outs[0])

# LSTMPCell
cell = crnn.LSTMPCell(5, 3, input_size=4)
print(cell, cell.prefix, [(k, v.shape) for k, v in cell.collect_params().items()])
print(cell.state_info(2))
cell.initialize()
set_weights(cell)
run(cell, rng.uniform(-1, 1, (2, 3, 4)))
cell = crnn.LSTMPCell(4, 2, prefix="p_")
print(cell)
cell.initialize(mx.init.Constant(0.2))
cell.hybridize()
out, st = cell(mx.nd.ones((2, 3)), cell.begin_state(2))
print(cell, [s.shape for s in st])
show("lstmp hybrid", out)
cell.export("lstmp")
sym = json.load(open("lstmp-symbol.json"))
print("heads", [sym["nodes"][h[0]]["name"] for h in sym["heads"]])

# VariationalDropoutCell in predict mode (its masks are all ones): the base cell's values
for drops in ((0.5, 0., 0.3), (0.2, 0.4, 0.)):
    base = mx.gluon.rnn.LSTMCell(3, input_size=2, prefix="vl_")
    cell = crnn.VariationalDropoutCell(base, *drops)
    print(cell, cell.prefix, cell.state_info(2), len(cell.begin_state(batch_size=2)))
    cell.initialize()
    set_weights(cell)
    x = mx.nd.array(rng.uniform(-1, 1, (2, 4, 2)))
    out, states = cell.unroll(4, x, merge_outputs=False)
    print(" ", type(out).__name__, len(out))
    show("  vardrop", mx.nd.stack(*out, axis=1))
    base_out, _ = base.unroll(4, x, cell.begin_state(batch_size=2, func=mx.nd.zeros),
                              merge_outputs=True)
    print("  same as base", np.allclose(base_out.asnumpy(), mx.nd.stack(*out, axis=1).asnumpy()))
    out, states = cell.unroll(4, x, merge_outputs=True,
                              valid_length=mx.nd.array([2, 4]))
    show("  valid_length", out)
    show("  last h", states[0])

# dynamic_unroll over TNC inputs, with and without valid_length
cell = mx.gluon.rnn.GRUCell(3, input_size=2, prefix="dyn_")
cell.initialize()
set_weights(cell)
x = mx.nd.array(rng.uniform(-1, 1, (4, 2, 2)))
begin = [mx.nd.array(rng.uniform(-1, 1, (2, 3)))]
out, states = crnn.rnn_cell.dynamic_unroll(cell, x, begin, layout="TNC")
show("dynamic", out)
show("dynamic h", states[0])
out, states = crnn.rnn_cell.dynamic_unroll(cell, x, begin, layout="TNC",
                                           valid_length=mx.nd.array([3, 1]))
show("dynamic valid", out)
show("dynamic valid h", states[0])
out, states = crnn.rnn_cell.dynamic_unroll(cell, x.swapaxes(0, 1), begin, layout="NTC")
show("dynamic NTC", out)

# called with Symbols: MXNet's node names and shapes
for cell in (crnn.Conv2DLSTMCell((2, 4, 4), 3, 3, 3, prefix="sl_"),
             crnn.Conv1DGRUCell((2, 5), 2, 3, 3, prefix="sg_"),
             crnn.LSTMPCell(4, 2, input_size=3, prefix="sp_")):
    st = [mx.sym.var("s%d" % i) for i in range(len(cell.state_info()))]
    out, states = cell(mx.sym.var("x"), st)
    print(out.name, [s.name for s in states], out.list_arguments())
    shapes = {"s%d" % i: info["shape"] for i, info in enumerate(cell.state_info(2))}
    shapes["x"] = (2,) + getattr(cell, "_input_shape", (3,))
    print(out.infer_shape(**shapes)[1])
