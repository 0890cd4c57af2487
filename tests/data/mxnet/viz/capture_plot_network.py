"""Capture MXNet 1.9.1's plot_network looks (node label and fill colour, edge labels) for
a network of MXNet's standard layers. Run with the oracle:

    /tmp/mxnet-oracle/bin/python tests/data/mxnet/viz/capture_plot_network.py

Writes net-symbol.json (the symbol) and plot_network.dot (the DOT source MXNet drew)."""
import os

import mxnet as mx

HERE = os.path.dirname(os.path.abspath(__file__))

data = mx.sym.var("data")
x = mx.sym.Convolution(data, kernel=(3, 3), num_filter=4, name="conv_default_stride")
x = mx.sym.LeakyReLU(x, name="leaky_default")
x = mx.sym.Convolution(x, kernel=(3, 3), stride=(2, 2), pad=(1, 1), num_filter=4,
                       name="conv_stride2")
x = mx.sym.LeakyReLU(x, act_type="elu", name="leaky_elu")
x = mx.sym.BatchNorm(x, name="bn")
x = mx.sym.Activation(x, act_type="relu", name="relu1")
x = mx.sym.Pooling(x, kernel=(2, 2), pool_type="avg", name="pool_default_stride")
y = mx.sym.Pooling(x, global_pool=True, pool_type="max", name="pool_global")
x = mx.sym.Concat(x, x, dim=1, name="concat")
x = mx.sym.Flatten(x, name="flatten")
x = mx.sym.FullyConnected(x, num_hidden=10, name="fc")
x = mx.sym.Reshape(x, shape=(0, 10), name="reshape")
x = mx.sym.broadcast_add(x, mx.sym.Flatten(y, name="flatten_global").sum() * 2)
s = mx.sym.softmax(x, name="softmax_fn")
out = mx.sym.SoftmaxOutput(s, name="softmax_out")
out.save(os.path.join(HERE, "net-symbol.json"))

dot = mx.viz.plot_network(out, shape={"data": (1, 3, 8, 8)}, hide_weights=True)
with open(os.path.join(HERE, "plot_network.dot"), "w") as f:
    f.write(dot.source)
print(dot.source)
