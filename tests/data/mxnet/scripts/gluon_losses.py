"""Gluon losses on fixed inputs (D2L and MXNet's loss tutorial)."""
import numpy as np
import mxnet as mx
from mxnet import nd, gluon, autograd

mx.random.seed(25)
np.random.seed(25)
L = gluon.loss
pred = nd.array([[0.3, -1.2, 2.0], [1.5, 0.2, -0.4]])
label = nd.array([[0.0, -1.0, 1.5], [1.0, 1.0, 0.0]])
for loss in (L.L1Loss(), L.L2Loss(), L.HuberLoss(rho=0.5), L.HingeLoss(), L.SquaredHingeLoss(),
             L.LogisticLoss(), L.SigmoidBinaryCrossEntropyLoss(), L.PoissonNLLLoss()):
    print(type(loss).__name__, loss(pred, label).asnumpy().round(5))
print(L.KLDivLoss(from_logits=False)(pred, nd.softmax(label)).asnumpy().round(5))
print(L.KLDivLoss()(nd.log_softmax(pred), nd.softmax(label)).asnumpy().round(5))
print(L.SigmoidBCELoss(from_sigmoid=True)(nd.sigmoid(pred), nd.array([[0, 1, 1], [1, 0, 0]])).asnumpy().round(5))
sce = L.SoftmaxCrossEntropyLoss()
print(sce(pred, nd.array([2, 0])).asnumpy().round(5))
print(L.SoftmaxCELoss(from_logits=True)(nd.log_softmax(pred), nd.array([1, 1])).asnumpy().round(5))
print(L.L2Loss(weight=2.0)(pred, label, nd.array([[1.], [0.]])).asnumpy().round(5))
print(L.CosineEmbeddingLoss()(pred, label, nd.array([1, -1])).asnumpy().round(5))
print(L.TripletLoss()(pred, label, label * 0.5).asnumpy().round(5))
print(L.L1Loss(batch_axis=1)(pred, label).asnumpy().round(5))
pred.attach_grad()
with autograd.record():
    l = sce(pred, nd.array([2, 0]))
l.backward()
print(pred.grad.asnumpy().round(5))
print(L.L2Loss())
