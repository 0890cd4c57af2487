"""NumPy-mode Gluon (D2L's MXNet edition after npx.set_np()): HybridBlock with F.np / F.npx,
hybridize, np arrays through Dense/Conv2D, npx helpers."""
import numpy as onp
import mxnet as mx
from mxnet import np, npx, autograd, gluon, init
from mxnet.gluon import nn

npx.set_np()
mx.random.seed(34)
onp.random.seed(34)


class MLP(nn.HybridBlock):
    def __init__(self, **kwargs):
        super(MLP, self).__init__(**kwargs)
        self.hidden = nn.Dense(8, activation='relu')
        self.out = nn.Dense(2)

    def hybrid_forward(self, F, x):
        return self.out(F.npx.relu(self.hidden(x)) + 0.5)


net = MLP()
net.initialize(init.Constant(0.1))
x = np.array(onp.linspace(-1, 1, 12).reshape(3, 4), dtype='float32')
y1 = net(x)
net.hybridize()
y2 = net(x)
print(y1, type(y1).__name__, y1.dtype)
print(float(np.abs(y1 - y2).max()) < 1e-6)
x.attach_grad()
with autograd.record():
    l = (net(x) ** 2).sum()
l.backward()
print(x.grad)

conv = nn.Conv2D(2, kernel_size=3, padding=1)
conv.initialize(init.Constant(0.05))
img = np.arange(2 * 1 * 4 * 4, dtype='float32').reshape(2, 1, 4, 4) / 10
print(conv(img).shape, conv(img)[0, 0, 1])
print(npx.batch_flatten(img).shape, npx.sequence_mask(np.ones((3, 2)), np.array([1, 2]), use_sequence_length=True, value=-1))
print(np.linspace(0, 1, 5), np.meshgrid(np.arange(2), np.arange(3))[0].shape)
print(np.einsum('ij,jk->ik', np.ones((2, 3)), np.ones((3, 2))))
print(np.argmax(np.array([[1, 5, 2], [7, 0, 1]]), axis=1), np.cumsum(np.arange(4)))
print(npx.softmax(np.array([[1., 2.], [3., 5.]]), axis=0))
print(np.random.normal(0, 1, size=(2, 3)).shape, np.random.randint(0, 5, size=(4,)).dtype)
print(np.ones((2, 3)).asnumpy().dtype, np.array([1, 2, 3], dtype='int32').astype('float32').dtype)
print(np.concatenate([np.zeros((1, 2)), np.ones((2, 2))]).shape, np.stack([np.arange(2)] * 3, axis=1))
loss = gluon.loss.SoftmaxCrossEntropyLoss()
print(loss(np.array([[1., 2., 3.], [2., 0., 1.]]), np.array([2, 0])))
trainer = gluon.Trainer(net.collect_params(), 'adam', {'learning_rate': 0.01})
for _ in range(2):
    with autograd.record():
        l = loss(net(x), np.array([0, 1, 1]))
    l.backward()
    trainer.step(3)
print(l)
