"""gluon.contrib.estimator: fit with training and validation data, default and explicit
handlers, logging (timings masked), the order of events, batches=, evaluate, a
custom batch processor, checkpoints (saved, pruned, resumed), early stopping,
warnings and the errors of bad arguments. Fixed data, constant initializers."""
import json
import logging
import os
import re
import warnings
import numpy as np
import mxnet as mx
from mxnet import gluon, nd
from mxnet.gluon import nn
from mxnet.gluon.contrib.estimator import (Estimator, BatchProcessor, CheckpointHandler,
                                           EarlyStoppingHandler, LoggingHandler, MetricHandler,
                                           StoppingHandler, ValidationHandler, GradientUpdateHandler,
                                           TrainBegin, TrainEnd, EpochBegin, EpochEnd, BatchBegin, BatchEnd)

mx.random.seed(0)
np.random.seed(0)
TIMES = re.compile(r"(\d+\.\d+s|total \d+s)")


class Echo(logging.Handler):
    """Prints each log record with its timings masked."""
    def emit(self, record):
        print("LOG", record.levelname, TIMES.sub("<t>", record.getMessage()))


def quiet(est):
    est.logger.handlers = [Echo()]
    return est


def show_warnings(caught):
    for w in caught:
        print("WARN", w.category.__name__, str(w.message))


def err(name, f):
    try:
        f()
        print(name, "no error")
    except Exception as e:
        print(name, type(e).__name__, str(e).splitlines()[0][:200])


X = np.array([[(i * 7 + j * 3) % 5 - 2.0 for j in range(4)] for i in range(8)], dtype=np.float32) / 2
Y = np.array([0, 1, 2, 0, 1, 2, 1, 0], dtype=np.float32)
train = gluon.data.DataLoader(gluon.data.ArrayDataset(X, Y), batch_size=4)
val = gluon.data.DataLoader(gluon.data.ArrayDataset(X[:6], Y[:6]), batch_size=3)


def make_net(prefix):
    net = nn.HybridSequential(prefix=prefix)
    with net.name_scope():
        net.add(nn.Dense(5, in_units=4, activation="tanh", weight_initializer=mx.init.Constant(0.1)))
        net.add(nn.Dense(3, in_units=5))
    return net


def fill(net):
    """Distinct fixed values in every parameter (a learnable, non-symmetric start)."""
    for k, p in enumerate(net.collect_params().values()):
        p.set_data(nd.array(np.sin(np.arange(p.data().size) * 0.7 + k).reshape(p.shape) * 0.5))


def weights(net):
    return [np.round(p.data().asnumpy().ravel()[:4], 4).tolist() for p in net.collect_params().values()]


# 1. fit with validation data and the default handlers and metrics
net = make_net("a_")
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    est = quiet(Estimator(net, gluon.loss.SoftmaxCrossEntropyLoss(), initializer=mx.init.One()))
show_warnings(caught)
print("initialized", weights(net))
fill(net)
trainer = est.trainer
trainer.set_learning_rate(0.5)
print("train metrics", [m.name for m in est.train_metrics], [type(m).__name__ for m in est.train_metrics])
print("val metrics", [m.name for m in est.val_metrics])
print("context", est.context, est.val_net is net, est.val_loss is est.loss)
est.fit(train, val_data=val, epochs=3)
print("after fit", [(n, round(v, 4)) for n, v in (m.get() for m in est.train_metrics + est.val_metrics)])
print("max_epoch", est.max_epoch, "max_batch", est.max_batch, "batch_axis", est.batch_axis)
print("weights", weights(net))

# 2. evaluate alone, with an explicit LoggingHandler
est.evaluate(val, event_handlers=[LoggingHandler(metrics=est.val_metrics)])
print("evaluate", [(n, round(v, 4)) for n, v in (m.get() for m in est.val_metrics)])


# 3. the order of events, batches=3 over 2 batches per epoch, log_interval=1
class Recorder(TrainBegin, TrainEnd, EpochBegin, EpochEnd, BatchBegin, BatchEnd):
    def __init__(self):
        self.events = []

    def train_begin(self, estimator, *args, **kwargs):
        self.events.append("train_begin")

    def train_end(self, estimator, *args, **kwargs):
        self.events.append("train_end")

    def epoch_begin(self, estimator, *args, **kwargs):
        self.events.append("epoch_begin")

    def epoch_end(self, estimator, *args, **kwargs):
        self.events.append("epoch_end")
        return False

    def batch_begin(self, estimator, *args, **kwargs):
        self.events.append("batch_begin %d" % kwargs["batch"][0].shape[0])

    def batch_end(self, estimator, *args, **kwargs):
        self.events.append("batch_end %s" % [l.shape for l in kwargs["loss"]])
        return False


rec = Recorder()
log = LoggingHandler(log_interval=1, metrics=est.train_metrics)
est.fit(train, batches=3, event_handlers=[rec, log])
print("events", rec.events)
print("batches", est.max_batch, est.max_epoch, log.batch_index, log.current_epoch, log.processed_samples)

# 4. an L2 regression: own metrics, an initialized net (a warning), default trainer (a warning)
reg = nn.Dense(1, in_units=4)
reg.initialize(mx.init.One())
Yr = nd.array(X.sum(axis=1, keepdims=True) * 0.3)
reg_data = gluon.data.DataLoader(gluon.data.ArrayDataset(nd.array(X), Yr), batch_size=4)
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    est2 = quiet(Estimator(reg, gluon.loss.L2Loss(), train_metrics=[mx.metric.MAE(), mx.metric.RMSE()],
                           initializer=mx.init.Zero(), context=mx.cpu()))
show_warnings(caught)
print("reg metrics", [m.name for m in est2.train_metrics], [m.name for m in est2.val_metrics], est2.context)
print("lr", est2.trainer.learning_rate, type(est2.trainer.optimizer).__name__)
est2.trainer.set_learning_rate(0.05)
est2.fit(reg_data, epochs=4)
print("reg", [(n, round(v, 4)) for n, v in (m.get() for m in est2.train_metrics)])
print("reg weight", np.round(reg.weight.data().asnumpy(), 4).tolist(), np.round(reg.bias.data().asnumpy(), 4).tolist())


# 5. a custom batch processor and a validation handler every 2 batches, no epoch validation
class Counting(BatchProcessor):
    def __init__(self):
        self.fits, self.evals = 0, 0

    def fit_batch(self, estimator, train_batch, batch_axis=0):
        self.fits += 1
        return super().fit_batch(estimator, train_batch, batch_axis)

    def evaluate_batch(self, estimator, val_batch, batch_axis=0):
        self.evals += 1
        return super().evaluate_batch(estimator, val_batch, batch_axis)


proc = Counting()
net3 = make_net("c_")
net3.initialize(mx.init.One())
fill(net3)
est3 = quiet(Estimator(net3, gluon.loss.SoftmaxCrossEntropyLoss(), train_metrics=mx.metric.Accuracy(),
                       trainer=gluon.Trainer(net3.collect_params(), "sgd", {"learning_rate": 0.2}),
                       batch_processor=proc))
vh = ValidationHandler(val, est3.evaluate, epoch_period=None, batch_period=2)
est3.fit(train, epochs=2, event_handlers=[vh])
print("processor", proc.fits, proc.evals, vh.current_batch, vh.current_epoch)
print("est3", [(n, round(v, 4)) for n, v in (m.get() for m in est3.train_metrics + est3.val_metrics)])

# 6. checkpoints: every epoch, two kept, the best by validation accuracy, symbol of a hybridized net
net4 = make_net("d_")
net4.initialize(mx.init.One())
fill(net4)
net4.hybridize()
trainer4 = gluon.Trainer(net4.collect_params(), "sgd", {"learning_rate": 0.3, "momentum": 0.5})
est4 = quiet(Estimator(net4, gluon.loss.SoftmaxCrossEntropyLoss(), trainer=trainer4))
ck = CheckpointHandler("ckpt", model_prefix="m", monitor=est4.val_metrics[0], verbose=1, save_best=True,
                       mode="max", max_checkpoints=2)
est4.fit(train, val_data=val, epochs=3, event_handlers=[ck])
print("files", sorted(os.listdir("ckpt")))
with open(os.path.join("ckpt", "m-symbol.json")) as f:
    print("symbol", [(n["op"], n["name"]) for n in json.load(f)["nodes"]])
print("saved", ck.saved_checkpoints, ck.current_epoch, ck.current_batch, round(ck.best, 4))
# resume: the latest checkpoint is epoch 2, so 5 epochs mean 2 more
net5 = make_net("d_")
net5.initialize(mx.init.Zero())
est5 = quiet(Estimator(net5, gluon.loss.SoftmaxCrossEntropyLoss(),
                       trainer=gluon.Trainer(net5.collect_params(), "sgd", {"learning_rate": 0.3, "momentum": 0.5})))
ck5 = CheckpointHandler("ckpt", model_prefix="m", resume_from_checkpoint=True, max_checkpoints=10)
est5.fit(train, epochs=5, event_handlers=[ck5])
print("resumed weights", weights(net5))
print("resumed", ck5.trained_epoch, ck5.trained_batch, est5.max_epoch, sorted(os.listdir("ckpt")))
# batch-period checkpoints of a net that is not hybridized (no symbol file), resumed by batches
net6 = make_net("e_")
net6.initialize(mx.init.One())
fill(net6)
est6 = quiet(Estimator(net6, gluon.loss.SoftmaxCrossEntropyLoss(),
                       trainer=gluon.Trainer(net6.collect_params(), "sgd", {"learning_rate": 0.1})))
ck6 = CheckpointHandler("ck6", epoch_period=None, batch_period=2)
est6.fit(train, batches=5, event_handlers=[ck6])
print("batch files", sorted(os.listdir("ck6")))
ck7 = CheckpointHandler("ck6", epoch_period=None, batch_period=2, resume_from_checkpoint=True)
est6.fit(train, batches=7, event_handlers=[ck7])
print("batch resumed", ck7.trained_epoch, ck7.trained_batch, est6.max_batch, sorted(os.listdir("ck6")))
err("resume done", lambda: est6.fit(train, batches=4, event_handlers=[
    CheckpointHandler("ck6", epoch_period=None, batch_period=2, resume_from_checkpoint=True)]))
err("resume period", lambda: est6.fit(train, epochs=4, event_handlers=[
    CheckpointHandler("ck6", epoch_period=None, batch_period=2, resume_from_checkpoint=True)]))

# 7. early stopping: a baseline never beaten, then a plateau of the training accuracy
net7 = make_net("f_")
net7.initialize(mx.init.One())
fill(net7)
est7 = quiet(Estimator(net7, gluon.loss.SoftmaxCrossEntropyLoss(),
                       trainer=gluon.Trainer(net7.collect_params(), "sgd", {"learning_rate": 0.5})))
es = EarlyStoppingHandler(monitor=est7.train_metrics[1], mode="min", baseline=0.0, patience=2)
est7.fit(train, epochs=10, event_handlers=[es])
print("early", es.stopped_epoch, es.current_epoch, es.wait, es.best, es.stop_training)
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    es2 = EarlyStoppingHandler(monitor=est7.train_metrics[0], patience=1)
    es3 = EarlyStoppingHandler(monitor=est7.train_metrics[1], mode="lowest", min_delta=0.5)
show_warnings(caught)
print("modes", es2.monitor_op.__name__, es3.monitor_op.__name__, es3.min_delta)
est7.fit(train, epochs=20, event_handlers=[es2])
print("plateau", es2.stopped_epoch, es2.current_epoch, es2.wait, round(es2.best, 4))

# 8. handler settings and bad arguments
sh = StoppingHandler(max_epoch=2)
print("defaults", sh.max_epoch, sh.max_batch, MetricHandler([]).priority, GradientUpdateHandler().priority,
      LoggingHandler().priority, LoggingHandler().log_interval, ValidationHandler(val, None).priority)
loss = gluon.loss.L2Loss()
err("loss", lambda: Estimator(net, "l2"))
err("trainer", lambda: Estimator(net, loss, trainer="sgd"))
err("metrics", lambda: Estimator(net, loss, train_metrics=["acc"]))
err("context", lambda: Estimator(net, loss, context="cpu"))
err("gpu", lambda: Estimator(net, loss, context=mx.gpu(3)))
err("processor", lambda: Estimator(net, loss, batch_processor=object()))
err("fit data", lambda: est.fit(nd.array(X), epochs=1))
err("fit both", lambda: est.fit(train, epochs=1, batches=1))
err("fit none", lambda: est.fit(train))
err("evaluate data", lambda: est.evaluate([(nd.array(X), nd.array(Y))]))
err("handlers", lambda: est.fit(train, epochs=1, event_handlers=["log"]))
err("foreign metric", lambda: est.fit(train, epochs=1, event_handlers=[MetricHandler([mx.metric.Accuracy()])]))
err("log interval", lambda: LoggingHandler(log_interval="batch"))
err("composite", lambda: EarlyStoppingHandler(mx.metric.CompositeEvalMetric([mx.metric.Accuracy()])))
err("no monitor", lambda: EarlyStoppingHandler(None))
err("best without monitor", lambda: CheckpointHandler("ck8", save_best=True))
print("ck8 made", os.path.isdir("ck8"))
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    Estimator(net, loss, initializer=mx.init.One(), trainer=trainer)
show_warnings(caught)
