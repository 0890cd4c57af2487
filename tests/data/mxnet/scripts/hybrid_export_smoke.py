"""A hybridized block with two inputs and two outputs: export, SymbolBlock.imports, the
loaded symbol's arguments and shapes, save/load_parameters (with cast_dtype), and autograd
basics (detach, get_symbol, modes, grad_req add, Function, second order)."""
import numpy as np
import mxnet as mx
from mxnet import gluon, nd, autograd, sym
from mxnet.gluon import nn
def run(name, f):
    try:
        out = f()
        if isinstance(out, nd.NDArray):
            out = out.asnumpy()
        if isinstance(out, np.ndarray):
            print(name, out.shape, out.dtype, np.round(out.ravel()[:4].astype(np.float64), 4).tolist())
        else:
            print(name, out)
    except Exception as e:
        print(name, "ERROR", type(e).__name__, [l for l in str(e).splitlines() if l.strip()][-1][:160])
class Net(gluon.HybridBlock):
    def __init__(self, **kw):
        super().__init__(**kw)
        with self.name_scope():
            self.a = nn.Dense(3)
            self.b = nn.Dense(2)
    def hybrid_forward(self, F, x, y):
        h = self.a(x)
        return F.broadcast_add(self.b(h), F.sum(y, axis=1, keepdims=True)), F.relu(h)
net = Net(prefix="net_")
net.initialize(mx.init.Constant(0.1))
x, y = nd.ones((2, 4)), nd.ones((2, 5))
net.hybridize(static_alloc=True, static_shape=True)
run("two outputs", lambda: [o.shape for o in net(x, y)])
net.export("m", epoch=3)
run("files", lambda: sorted(f for f in __import__("os").listdir(".") if f.startswith("m-")))
sb = gluon.SymbolBlock.imports("m-symbol.json", ["data0", "data1"], "m-0003.params")
run("imports two outputs", lambda: [o.asnumpy().tolist() for o in sb(x, y)])
s = sym.load("m-symbol.json")
run("list_arguments", lambda: s.list_arguments())
run("list_outputs", lambda: len(s.list_outputs()))
run("infer_shape", lambda: s.infer_shape(data0=(2, 4), data1=(2, 5))[1])
net.save_parameters("p.params")
net2 = Net(prefix="net_")
net2.load_parameters("p.params")
run("load_parameters", lambda: net2(x, y)[0])
try:
    net2.load_parameters("p.params", ignore_extra=False, allow_missing=False, cast_dtype=True, dtype_source="saved")
    print("cast_dtype ok")
except Exception as e:
    print("cast_dtype ERROR", type(e).__name__)
run("nd.load keys", lambda: sorted(nd.load("p.params").keys()))
# autograd extras
a = nd.array([1., 2., 3.]); a.attach_grad()
with autograd.record():
    b = a * a
    c = b.detach() * a
c.backward()
run("detach grad", lambda: a.grad)
with autograd.record():
    z = nd.sigmoid(a)
run("get_symbol", lambda: (len(autograd.get_symbol(z).list_outputs()), len(autograd.get_symbol(z).list_arguments())))
run("is_recording/training", lambda: (autograd.is_recording(), autograd.is_training()))
with autograd.predict_mode():
    run("predict_mode training", lambda: autograd.is_training())
x2 = nd.array([[1., 2.], [3., 4.]]); x2.attach_grad(grad_req="add")
for _ in range(2):
    with autograd.record():
        (x2 * 2).sum().backward()
run("grad_req add", lambda: x2.grad)
class Sq(autograd.Function):
    def forward(self, x):
        self.save_for_backward(x)
        return x * x
    def backward(self, dy):
        x, = self.saved_tensors
        return dy * 2 * x
v = nd.array([1., 2.]); v.attach_grad()
with autograd.record():
    w = Sq()(v)
w.backward()
run("Function", lambda: v.grad)
u = nd.array([0.5, 1.5]); u.attach_grad()
with autograd.record():
    f = nd.sin(u)
    g = autograd.grad(f, [u], create_graph=True)[0]
g.backward()
run("second order sin", lambda: u.grad)
