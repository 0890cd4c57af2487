"""D2L-style code on the NumPy interface (npx.set_np): a Sequential MLP trained with
SoftmaxCrossEntropyLoss, mx.np/npx operators, a gradient, and a hybridized export."""
from mxnet import np, npx, autograd, gluon, init
from mxnet.gluon import nn
npx.set_np()
def run(name, f):
    try:
        out = f()
        print(name, out if not hasattr(out, "asnumpy") else (out.shape, out.dtype, out.asnumpy().ravel()[:4].round(4).tolist()))
    except Exception as e:
        print(name, "ERROR", type(e).__name__, [l for l in str(e).splitlines() if l.strip()][-1][:160])
net = nn.Sequential()
net.add(nn.Dense(8, activation="relu"), nn.Dense(3))
net.initialize(init.Constant(0.05))
X = np.arange(12).reshape(3, 4) / 10
run("forward", lambda: net(X))
loss = gluon.loss.SoftmaxCrossEntropyLoss()
y = np.array([0, 1, 2])
tr = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": 0.1})
for i in range(3):
    with autograd.record():
        l = loss(net(X), y)
    l.backward()
    tr.step(3)
run("loss after", lambda: loss(net(X), y).mean())
run("param shapes", lambda: [p.data().shape for p in net.collect_params().values()])
run("np ops", lambda: np.linalg.norm(np.ones((2, 3))))
run("npx softmax", lambda: npx.softmax(np.array([[1., 2., 3.]])))
run("one_hot", lambda: npx.one_hot(np.array([0, 2]), 3))
run("np.random", lambda: np.random.uniform(size=(2,)).shape)
run("type", lambda: type(net(X)).__name__)
def f(x): return (x ** 3).sum()
x = np.array([1., 2.])
x.attach_grad()
with autograd.record():
    z = f(x)
z.backward()
run("np grad", lambda: x.grad)
net2 = nn.HybridSequential()
net2.add(nn.Dense(4, activation="tanh"), nn.Dense(2))
net2.initialize(init.Constant(0.1))
net2.hybridize()
run("np hybrid", lambda: net2(X))
net2.export("npnet")
run("np export", lambda: open("npnet-symbol.json").read().count('"op"'))
