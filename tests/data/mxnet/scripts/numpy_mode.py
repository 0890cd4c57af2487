"""NumPy-compatible mode (mx.np / mx.npx, D2L's MXNet edition): arrays, dtypes, autograd,
Gluon on np arrays."""
import numpy as onp
import mxnet as mx
from mxnet import np, npx, autograd, gluon, init
from mxnet.gluon import nn

npx.set_np()
mx.random.seed(18)
onp.random.seed(18)

x = np.arange(12)
print(x)
print(x.shape, x.size, x.dtype, type(x).__name__)
X = x.reshape(3, 4)
print(X)
print(np.zeros((2, 3)).dtype, np.ones((2,), dtype=np.int32), np.array([1, 2, 3]).dtype)
print(np.array([[1, 2], [3, 4]]) * 2.5)
print(np.exp(np.array([0., 1.])), np.linalg.norm(np.array([3., 4.])))
Y = np.array([[2, 1, 4, 3], [1, 2, 3, 4], [4, 3, 2, 1]])
print(np.concatenate([X, Y], axis=0).shape, X == Y, X.sum(), X.sum(axis=0))
print(X[-1], X[1:3], X[1, 2], X[X > 5])
print(np.dot(X, Y.T), np.matmul(X, Y.T).shape)
print(X.mean(axis=1), X.max(), X.argmax(axis=1), X.std().round(4) if hasattr(X, 'std') else None)
print(npx.relu(np.array([-1., 2.])), npx.sigmoid(np.array([0.])), npx.softmax(np.array([[1., 2.]])))
print(np.where(X > 4, X, -X)[0], np.clip(X, 2, 5)[0], np.stack([X, X]).shape)
print(X.asnumpy().dtype, X.astype('float32').dtype, (X / 2).dtype)
print(np.array([1, 2]).dtype, np.array([1., 2.]).dtype, (np.array([1, 2]) + 1.5).dtype)
a = np.arange(6).reshape(2, 3).astype('float32')
print(a.T, np.expand_dims(a, 0).shape, np.split(a, 3, axis=1)[0], np.tile(a, (1, 2)).shape)
print(X.item(5) if hasattr(X, 'item') else None, X.tolist() if hasattr(X, 'tolist') else None)

x = np.arange(4.0)
x.attach_grad()
with autograd.record():
    y = 2 * np.dot(x, x)
y.backward()
print(y, x.grad)
with autograd.record():
    y = x.sum()
y.backward()
print(x.grad)
with autograd.record():
    y = x * x
    u = y.detach()
    z = u * x
z.backward()
print(x.grad == u)

net = nn.Sequential()
net.add(nn.Dense(3, activation='relu'), nn.Dense(1))
net.initialize(init.Constant(0.1))
inp = np.ones((2, 4))
out = net(inp)
print(out, type(out).__name__)
loss = gluon.loss.L2Loss()
trainer = gluon.Trainer(net.collect_params(), 'sgd', {'learning_rate': 0.1})
target = np.array([[1.], [2.]])
for _ in range(3):
    with autograd.record():
        l = loss(net(inp), target)
    l.backward()
    trainer.step(2)
    print(l)
print(net[0].weight.data())
print(npx.is_np_array(), mx.util.is_np_array())
print(np.random.uniform(size=(2, 3)).shape, np.random.normal(0, 1, (4,)).dtype)
print(npx.one_hot(np.array([0, 2]), 3), npx.pick(np.array([[1., 2.], [3., 4.]]), np.array([1, 0])))
print(repr(np.array([1.5, 2.0])), repr(np.array(3)), np.array([True, False]).dtype)
npx.reset_np()
print(mx.util.is_np_array())
