"""One training step of a two-layer MLP written against MXNet's NDArray API."""
from mxnet import autograd, nd

data = nd.array([[0.1, -0.4, 0.3], [0.9, 0.2, -0.5], [-0.3, 0.8, 0.1], [0.5, 0.5, 0.5]])
label = nd.array([0, 1, 1, 0])
w1, b1 = nd.random.normal(0, 0.5, shape=(5, 3)), nd.zeros((5,))
w2, b2 = nd.random.normal(0, 0.5, shape=(2, 5)), nd.zeros((2,))
params = [w1, b1, w2, b2]
for p in params:
    p.attach_grad()
with autograd.record():
    hidden = nd.Activation(nd.FullyConnected(data, w1, b1, num_hidden=5), act_type="relu")
    logits = nd.FullyConnected(hidden, w2, b2, num_hidden=2)
    loss = -nd.pick(nd.log_softmax(logits), label, axis=1).mean()
loss.backward()
for p in params:
    p -= 0.1 * p.grad
print("loss", loss.asscalar())
