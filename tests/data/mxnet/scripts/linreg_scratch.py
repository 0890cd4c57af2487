"""Linear regression from scratch (D2L 3.2): autograd + minibatch SGD by hand."""
import numpy as np
import mxnet as mx
from mxnet import nd, autograd

mx.random.seed(4)
np.random.seed(4)

num_inputs, num_examples = 2, 200
true_w = nd.array([2, -3.4])
true_b = 4.2
features = nd.array(np.random.normal(0, 1, (num_examples, num_inputs)))
labels = nd.dot(features, true_w) + true_b
labels += nd.array(np.random.normal(0, 0.01, labels.shape))
print(features.shape, labels.shape, features.dtype)


def data_iter(batch_size, features, labels):
    num_examples = len(features)
    indices = list(range(num_examples))
    for i in range(0, num_examples, batch_size):
        j = nd.array(indices[i: min(i + batch_size, num_examples)])
        yield features.take(j), labels.take(j)


w = nd.array(np.random.normal(0, 0.01, (num_inputs, 1)))
b = nd.zeros(shape=(1,))
w.attach_grad()
b.attach_grad()


def linreg(X, w, b):
    return nd.dot(X, w) + b


def squared_loss(y_hat, y):
    return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2


def sgd(params, lr, batch_size):
    for param in params:
        param[:] = param - lr * param.grad / batch_size


lr, num_epochs, batch_size = 0.03, 3, 10
net, loss = linreg, squared_loss
for epoch in range(num_epochs):
    for X, y in data_iter(batch_size, features, labels):
        with autograd.record():
            l = loss(net(X, w, b), y)
        l.backward()
        sgd([w, b], lr, batch_size)
    train_l = loss(net(features, w, b), labels)
    # D2L prints train_l.mean().asnumpy() with %f: NumPy 2 refuses a 1-element array there
    print('epoch %d, loss %f' % (epoch + 1, train_l.mean().asscalar()))
print(w.asnumpy().round(3), b.asnumpy().round(3))
print(len(features), features[0].shape)
