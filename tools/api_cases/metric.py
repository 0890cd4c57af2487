"""mx.metric: every metric's local/global values after a few updates, create/aliases,
composite, custom metrics, configs and errors."""
PRELUDE = '''
import numpy as np
np.random.seed(1)
probs = [nd.array(np.random.dirichlet([1, 1, 1], 6)), nd.array(np.random.dirichlet([1, 1, 1], 6))]
labels = [nd.array([0, 1, 2, 2, 1, 0]), nd.array([1, 1, 0, 2, 2, 0])]
bprobs = [nd.array(np.random.dirichlet([1, 1], 8)), nd.array(np.random.dirichlet([1, 1], 8))]
blabels = [nd.array([0, 1, 1, 0, 1, 1, 0, 0]), nd.array([1, 1, 1, 0, 0, 1, 0, 1])]
regp = [nd.array(np.random.randn(5, 2)), nd.array(np.random.randn(4))]
regl = [nd.array(np.random.randn(5, 2)), nd.array(np.random.randn(4))]
def run(metric, ls, ps, reset_local_after=None):
    out = []
    for i, (l, p) in enumerate(zip(ls, ps)):
        metric.update([l], [p])
        out.append(metric.get())
        if reset_local_after == i:
            metric.reset_local()
    out.append(metric.get_global())
    out.append(metric.get_name_value())
    out.append(metric.get_global_name_value())
    metric.reset()
    out.append(metric.get())
    return out
def flt(x):
    return [[n, float(v)] if not isinstance(v, list) else [n, [float(u) for u in v]]
            for n, v in x] if isinstance(x, list) else x
def cfg(metric):
    c = metric.get_config()
    return sorted((k, str(v)) for k, v in c.items())
def mse_np(label, pred):
    return ((label - pred) ** 2).mean()
def sum_count(label, pred):
    return float(np.abs(label - pred).sum()), label.size
'''
CASES = [
    "run(mx.metric.Accuracy(), labels, probs)",
    "run(mx.metric.Accuracy(), labels, probs, reset_local_after=0)",
    "run(mx.metric.create('acc'), [nd.array([1, 2])], [nd.array([1, 0])])",
    "run(mx.metric.Accuracy(axis=0), [nd.array([0, 1, 2])], [nd.array(np.eye(3))])",
    "run(mx.metric.TopKAccuracy(top_k=2), labels, probs)",
    "run(mx.metric.create('top_k_acc', top_k=3), labels, probs)",
    "mx.metric.TopKAccuracy(top_k=1)", "mx.metric.TopKAccuracy(top_k=2).name",
    "run(mx.metric.F1(), blabels, bprobs)", "run(mx.metric.F1(average='micro'), blabels, bprobs)",
    "run(mx.metric.F1(), blabels, bprobs, reset_local_after=0)",
    "run(mx.metric.MCC(), blabels, bprobs)", "run(mx.metric.MCC(average='micro'), blabels, bprobs)",
    "run(mx.metric.F1(), labels, probs)",
    "run(mx.metric.PCC(), labels, probs)", "run(mx.metric.PCC(), blabels, bprobs)",
    "run(mx.metric.Perplexity(ignore_label=None), labels, probs)",
    "run(mx.metric.Perplexity(ignore_label=0), labels, probs)",
    "run(mx.metric.Perplexity(None, axis=1), labels, probs)",
    "run(mx.metric.MAE(), regl, regp)", "run(mx.metric.MSE(), regl, regp)",
    "run(mx.metric.RMSE(), regl, regp)",
    "run(mx.metric.CrossEntropy(), labels, probs)", "run(mx.metric.create('ce'), labels, probs)",
    "run(mx.metric.NegativeLogLikelihood(), labels, probs)",
    "run(mx.metric.create('nll_loss', eps=0.1), labels, probs)",
    "run(mx.metric.PearsonCorrelation(), regl, regp)",
    "run(mx.metric.PearsonCorrelation(average='micro'), regl[:1], regp[:1])",
    "run(mx.metric.create('pearsonr'), regl[:1], regp[:1])",
    "run(mx.metric.Loss(), regl, regp)", "run(mx.metric.Torch(), regl, regp)",
    "run(mx.metric.Caffe(), regl, regp)",
    "run(mx.metric.CustomMetric(mse_np), regl, regp)",
    "run(mx.metric.CustomMetric(sum_count, name='sc'), regl, regp)",
    "run(mx.metric.np(mse_np), regl, regp)", "mx.metric.np(lambda l, p: 0).name",
    "mx.metric.CustomMetric(lambda l, p: 0).name",
    "run(mx.metric.create(mse_np), regl, regp)",
    "run(mx.metric.create(['acc', 'ce']), labels, probs)",
    "run(mx.metric.CompositeEvalMetric(['acc', mx.metric.TopKAccuracy(2)]), labels, probs)",
    "str(mx.metric.create('acc'))", "str(mx.metric.CompositeEvalMetric())",
    "mx.metric.CompositeEvalMetric().get()",
    "mx.metric.create('composite', metrics=['mse']).get_metric(0).name",
    "str(mx.metric.create('composite', metrics=['mse']).get_metric(3))",
    "cfg(mx.metric.Accuracy(axis=2, name='a2'))", "cfg(mx.metric.TopKAccuracy(5))",
    "cfg(mx.metric.create('ce'))", "cfg(mx.metric.Perplexity(ignore_label=3))",
    "cfg(mx.metric.create(['acc', 'mae']))", "mx.metric.CustomMetric(mse_np).get_config()",
    "mx.metric.create('nosuch')", "mx.metric.create(3)",
    "mx.metric.create(mx.metric.MAE()).name", "mx.metric.create('MSE').name",
    "mx.metric.create('Accuracy').name", "mx.metric.create('f1').name",
    "mx.metric.create('mcc').name", "mx.metric.create('pcc').name",
    "mx.metric.create('loss').name", "mx.metric.create('rmse').name",
    "mx.metric.create('perplexity', ignore_label=None).name",
    "mx.metric.Accuracy().update([nd.array([1, 2])], [nd.array([1]), nd.array([2])])",
    "mx.metric.Accuracy().update([nd.array([1, 2])], [nd.array([1, 2, 3])])",
    "mx.metric.F1().update([nd.array([0, 1, 2])], [nd.array(np.eye(3)[:, :2])])",
    "mx.metric.check_label_shapes([1, 2], [1])",
    "mx.metric.check_label_shapes(nd.ones((2,)), nd.ones((2,)), wrap=True)[0][0].shape",
    "mx.metric.check_label_shapes(nd.ones((2,)), nd.ones((3,)), shape=True)",
    "run(mx.metric.MAE(), [], [])", "mx.metric.MSE().get()",
    "update_dict_case()",
]
PRELUDE += '''
def update_dict_case():
    m = mx.metric.Accuracy(output_names=['out'], label_names=['lab'])
    m.update_dict({'lab': labels[0], 'x': labels[1]}, {'out': probs[0], 'y': probs[1]})
    c = mx.metric.CompositeEvalMetric(['acc'], output_names=['out'], label_names=['lab'])
    c.update_dict({'lab': labels[0], 'x': labels[1]}, {'out': probs[0], 'y': probs[1]})
    return m.get(), c.get()
'''
