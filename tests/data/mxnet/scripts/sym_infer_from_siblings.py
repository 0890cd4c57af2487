"""Shape inference from a sibling input, as MXNet's same-shape operators infer it: a state
variable added to a computed value takes its shape (Module's `state_names` rely on it);
broadcasting operators cannot infer it."""
import mxnet as mx

x, s = mx.sym.var("x"), mx.sym.var("s")
for name, e in (("x + s", x + s), ("s + x", s + x), ("x * s", x * s),
                ("elemwise_add", mx.sym.elemwise_add(x, s)), ("add_n", mx.sym.add_n(x, s)),
                ("maximum", mx.sym.maximum(x, s)), ("broadcast_add", mx.sym.broadcast_add(x, s)),
                ("sum(x) + s", mx.sym.sum(x, axis=1) + s)):
    print(name, e.infer_shape(x=(2, 3)))
print((x + mx.sym.var("h", dtype="float64")).infer_type(x="float64"))
data = mx.sym.var("data")
state = mx.sym.var("state")
net = mx.sym.FullyConnected(data, num_hidden=4, name="fc") + state
mod = mx.mod.Module(net, data_names=["data"], label_names=None, state_names=["state"])
mod.bind(data_shapes=[("data", (2, 3))], for_training=False)
mod.init_params(mx.init.One())
mod.set_states(value=0.5)
mod.forward(mx.io.DataBatch([mx.nd.ones((2, 3))]), is_train=False)
print(mod.get_outputs()[0].asnumpy())
