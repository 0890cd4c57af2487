"""Evaluation metrics (MXNet's metric API tutorial)."""
import numpy as np
import mxnet as mx
from mxnet import nd

mx.random.seed(17)
np.random.seed(17)

predicts = [nd.array([[0.3, 0.7], [0, 1.], [0.4, 0.6]])]
labels = [nd.array([0, 1, 1])]
acc = mx.metric.Accuracy()
acc.update(preds=predicts, labels=labels)
print(acc.get())
print(acc.get_name_value())
acc.reset()
print(acc.get())

np.random.seed(999)
top_k = 3
predicts = [nd.array(np.random.rand(10, 10))]
labels = [nd.array(np.random.randint(0, 10, size=(10,)))]
acc = mx.metric.TopKAccuracy(top_k=top_k)
acc.update(labels, predicts)
name, value = acc.get()
print(name, round(value, 5))

predicts = [nd.array([[0.3, 0.7], [0, 1.], [0.4, 0.6]])]
labels = [nd.array([0., 1., 1.])]
f1 = mx.metric.F1()
f1.update(preds=predicts, labels=labels)
print(f1.get()[0], round(f1.get()[1], 5))
ce = mx.metric.CrossEntropy()
ce.update(labels, predicts)
print(ce.get()[0], round(ce.get()[1], 5))
ppl = mx.metric.Perplexity(ignore_label=None)
ppl.update(labels, predicts)
print(ppl.get()[0], round(ppl.get()[1], 5))

predicts = [nd.array([3, -0.5, 2, 7]).reshape((4, 1))]
labels = [nd.array([2.5, 0.0, 2, 8]).reshape((4, 1))]
for m in (mx.metric.MAE(), mx.metric.MSE(), mx.metric.RMSE()):
    m.update(labels, predicts)
    print(m.get()[0], round(m.get()[1], 5))
pr = mx.metric.PearsonCorrelation()
pr.update(labels, predicts)
print(pr.get()[0], round(pr.get()[1], 5))

composite = mx.metric.CompositeEvalMetric()
composite.add(mx.metric.Accuracy())
composite.add(mx.metric.create('ce'))
composite.update([nd.array([0, 1])], [nd.array([[0.9, 0.1], [0.2, 0.8]])])
names, values = composite.get()
print(names, [round(v, 5) for v in values])
m = mx.metric.create('acc')
print(type(m).__name__, m.name)
loss = mx.metric.Loss()
loss.update(None, [nd.array([1., 2., 3.])])
print(loss.get())


def custom_metric(label, pred):
    return np.abs(label - pred.argmax(axis=1)).mean()


cm = mx.metric.CustomMetric(custom_metric, name='absdiff')
cm.update([nd.array([0, 1, 1])], [nd.array([[0.3, 0.7], [0, 1.], [0.4, 0.6]])])
print(cm.get())
mn = mx.metric.np(custom_metric)
print(mn.name)
