"""gluon.contrib.estimator: argument checks, the handlers' semantics (early stopping,
checkpoints and resuming, priorities, stopping from a handler) and what the captured
script tests/data/mxnet/scripts/gluon_estimator.py does not print."""
import logging
import os
import warnings

import numpy as np
import pytest

import tapegraph as mx
from tapegraph import gluon
from tapegraph.gluon import nn
from tapegraph.gluon.contrib import estimator as est_mod
from tapegraph.gluon.contrib.estimator import (BatchEnd, CheckpointHandler,
                                               EarlyStoppingHandler, EpochEnd, Estimator,
                                               GradientUpdateHandler, LoggingHandler,
                                               MetricHandler, TrainBegin)

X = (np.arange(32, dtype=np.float32).reshape(8, 4) % 5 - 2) / 2
Y = np.array([0, 1, 2, 0, 1, 2, 1, 0], dtype=np.float32)


def loader(n=8, batch_size=4):
    return gluon.data.DataLoader(gluon.data.ArrayDataset(X[:n], Y[:n]), batch_size=batch_size)


def make_net(hybridize=False):
    net = nn.HybridSequential()
    with net.name_scope():
        net.add(nn.Dense(5, in_units=4, activation="tanh"), nn.Dense(3, in_units=5))
    net.initialize()
    for k, p in enumerate(net.collect_params().values()):
        p.set_data(mx.nd.array(np.sin(np.arange(p.data().size) + k).reshape(p.shape) * 0.5))
    if hybridize:
        net.hybridize()
    return net


def make_estimator(net=None, lr=0.3, **kwargs):
    net = net or make_net()
    trainer = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": lr, "momentum": 0.9})
    est = Estimator(net, gluon.loss.SoftmaxCrossEntropyLoss(), trainer=trainer, **kwargs)
    est.logger.handlers = []  # (silence; tests that read the log add their own handler)
    return est


class Lines(logging.Handler):
    def __init__(self):
        super().__init__()
        self.lines = []

    def emit(self, record):
        self.lines.append(record.getMessage())


def params_of(net):
    return [p.data().asnumpy().copy() for p in net.collect_params().values()]


def test_package_names_are_mxnets():
    names = {n for n in dir(est_mod) if not n.startswith("_")}
    assert names >= {"BatchBegin", "BatchEnd", "BatchProcessor", "CheckpointHandler",
                     "EarlyStoppingHandler", "EpochBegin", "EpochEnd", "Estimator",
                     "GradientUpdateHandler", "LoggingHandler", "MetricHandler",
                     "StoppingHandler", "TrainBegin", "TrainEnd", "ValidationHandler",
                     "batch_processor", "estimator", "event_handler", "utils"}
    assert est_mod.event_handler.CheckpointHandler is CheckpointHandler
    assert mx.gluon.contrib.estimator is est_mod


@pytest.mark.parametrize("kwargs, match", [
    (dict(loss="l2"), "loss must be a Loss"),
    (dict(loss=mx.metric.Loss()), "loss must be a Loss"),
    (dict(val_loss=lambda a, b: a), "loss must be a Loss"),
    (dict(trainer="sgd"), "Trainer must be a Gluon Trainer instance"),
    (dict(train_metrics="acc"), "metrics must be a Metric or a list of Metric"),
    (dict(val_metrics=[mx.metric.Accuracy(), None]), "metrics must be a Metric"),
    (dict(context="cpu"), "context must be a Context or a list of Context"),
    (dict(context=[mx.cpu(), "gpu"]), "context must be a Context or a list of Context"),
    (dict(batch_processor=object()), "must contain fit_batch\\(\\) and evaluate_batch"),
])
def test_bad_arguments_raise_mxnets_errors(kwargs, match):
    args = dict(net=make_net(), loss=gluon.loss.L2Loss())
    args.update(kwargs)
    with pytest.raises(ValueError, match=match), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        Estimator(**args)


def test_a_net_that_is_not_a_block_fails_as_in_mxnet():
    # MXNet does not check `net`: the first use of it fails
    with pytest.raises(AttributeError, match="collect_params"):
        Estimator("net", gluon.loss.L2Loss())


def test_unavailable_gpu_is_an_assertion_error():
    with pytest.raises(AssertionError, match=r"gpu\(0\) is not available"):
        Estimator(make_net(), gluon.loss.L2Loss(), context=mx.gpu(0),
                  trainer=gluon.Trainer(make_net().collect_params(), "sgd"))


def test_fit_and_evaluate_check_their_arguments():
    est = make_estimator()
    with pytest.raises(ValueError, match="only support input as Gluon DataLoader"):
        est.fit([(mx.nd.array(X), mx.nd.array(Y))], epochs=1)
    with pytest.raises(ValueError, match="only support input as Gluon DataLoader"):
        est.evaluate(mx.nd.array(X))
    for kwargs in (dict(), dict(epochs=1, batches=2), dict(epochs=0)):
        with pytest.raises(ValueError, match="exactly one type of iteration"):
            est.fit(loader(), **kwargs)
    with pytest.raises(ValueError, match="handlers must be an EventHandler"):
        est.fit(loader(), epochs=1, event_handlers=[print])


def test_metrics_names_and_composites():
    comp = mx.metric.CompositeEvalMetric([mx.metric.Accuracy(), mx.metric.MAE()])
    est = make_estimator(train_metrics=comp, val_metrics=mx.metric.MAE(name="training err"))
    assert [m.name for m in est.train_metrics] == ["training accuracy", "training mae"]
    assert [m.name for m in est.val_metrics] == ["validation err"]
    plain = Estimator(make_net(), gluon.loss.L1Loss(), trainer=make_estimator().trainer)
    assert [type(m).__name__ for m in plain.train_metrics] == ["Loss"]
    assert plain.train_metrics[0].name == "training l1loss"
    assert plain.val_metrics[0] is not plain.train_metrics[0]


def test_default_logger_writes_to_stdout(capsys):
    net = make_net()
    est = Estimator(net, gluon.loss.SoftmaxCrossEntropyLoss(),
                    trainer=gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": 0.1}))
    est.fit(loader(), epochs=1)
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "Training begin: using optimizer SGD with current learning rate 0.1000 "
    assert out[1:3] == ["Train for 1 epochs.", "[Epoch 0] Begin, current learning rate: 0.1000"]
    assert out[3].startswith("[Epoch 0] Finished in ") and "training accuracy: " in out[3]
    assert out[4].startswith("Train finished using total 0s with 1 epochs. training accuracy")
    assert Estimator.logger is None and est.logger.name == "Estimator"


def test_initialization_and_default_trainer():
    net = nn.Dense(2)  # deferred shapes: initialized by the estimator, with its initializer
    with pytest.warns(UserWarning, match="No trainer specified, default SGD"):
        est = Estimator(net, gluon.loss.L2Loss(), initializer=mx.init.Constant(0.25))
    est.logger.handlers = []
    est.fit(gluon.data.DataLoader(gluon.data.ArrayDataset(X, X[:, :2]), batch_size=8), epochs=1)
    assert net.weight.shape == (2, 4)
    assert est.trainer.learning_rate == 0.001
    with pytest.warns(UserWarning, match="Network already fully initialized"):
        Estimator(net, gluon.loss.L2Loss(), initializer=mx.init.One(), trainer=est.trainer)
    np.testing.assert_allclose(net.bias.data().asnumpy(), est.net.bias.data().asnumpy())


def test_fit_trains_as_a_hand_written_loop():
    est = make_estimator()
    est.fit(loader(), epochs=2)
    net = make_net()
    trainer = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": 0.3, "momentum": 0.9})
    loss = gluon.loss.SoftmaxCrossEntropyLoss()
    for _ in range(2):
        for data, label in loader():
            with mx.autograd.record():
                l = loss(net(data), label)
            l.backward()
            trainer.step(data.shape[0])
    for a, b in zip(params_of(est.net), params_of(net)):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_val_net_and_val_loss_are_used_for_evaluation():
    net = make_net()
    other = make_net()
    other[1].bias.set_data(mx.nd.array([5.0, -5.0, -5.0]))
    est = make_estimator(net, val_net=other, val_loss=gluon.loss.SoftmaxCrossEntropyLoss())
    est.evaluate(loader())
    acc = dict(m.get() for m in est.val_metrics)["validation accuracy"]
    assert acc == pytest.approx(np.mean(Y == 0))


def test_handlers_run_by_priority_and_can_stop_the_epoch():
    calls = []

    class Tagged(BatchEnd):
        def __init__(self, tag, priority, stop=False):
            self.tag, self.priority, self.stop = tag, priority, stop

        def batch_end(self, estimator, *args, **kwargs):
            calls.append(self.tag)
            return self.stop

    est = make_estimator()
    est.fit(loader(), epochs=2, event_handlers=[Tagged("late", 5, stop=True), Tagged("early", -5)])
    # every handler runs, then the epoch ends after its first batch
    assert calls == ["early", "late", "early", "late"]


def test_a_custom_gradient_update_handler_replaces_the_default():
    class NoUpdate(GradientUpdateHandler):
        def batch_end(self, estimator, *args, **kwargs):
            pass

    est = make_estimator()
    before = params_of(est.net)
    est.fit(loader(), epochs=1, event_handlers=[NoUpdate()])
    for a, b in zip(before, params_of(est.net)):
        np.testing.assert_array_equal(a, b)


def test_empty_validation_loader_adds_no_validation_handler():
    est = make_estimator()
    est.fit(loader(), val_data=gluon.data.DataLoader(gluon.data.ArrayDataset([], []),
                                                     batch_size=2), epochs=1)
    assert np.isnan(est.val_metrics[0].get()[1])


def test_metric_references_are_checked_when_mixing_handlers():
    est = make_estimator()
    with pytest.raises(ValueError, match="refers to a metric instance"):
        est.fit(loader(), epochs=1,
                event_handlers=[LoggingHandler(metrics=[mx.metric.Accuracy()])])
    # only user handlers, no default one added but the StoppingHandler: still checked
    est.fit(loader(), epochs=1, event_handlers=[LoggingHandler(metrics=est.train_metrics)])
    with pytest.raises(ValueError, match="refers to a metric instance"):
        est.evaluate(loader(), event_handlers=[MetricHandler(est.train_metrics)])


def test_early_stopping_patience_and_min_delta():
    est = make_estimator()
    loss_metric = est.train_metrics[1]
    # an improvement must exceed min_delta: never, with a huge one
    es = EarlyStoppingHandler(loss_metric, mode="min", min_delta=100.0, patience=3)
    assert es.min_delta == -100.0
    lines = Lines()
    est.logger.addHandler(lines)
    est.fit(loader(), epochs=20, event_handlers=[es])
    # the first epoch improves on +inf; then 3 epochs without improvement
    assert (es.stopped_epoch, es.current_epoch, es.wait) == (3, 4, 3)
    assert lines.lines[-2] == ("[Epoch 3] EarlyStoppingHanlder: early stopping due to "
                               "training softmaxcrossentropyloss not improving")
    # a decreasing loss with min_delta 0 runs every epoch
    es2 = EarlyStoppingHandler(loss_metric, mode="min", patience=0)
    est.fit(loader(), epochs=3, event_handlers=[es2])
    assert (es2.stopped_epoch, es2.current_epoch, es2.stop_training) == (0, 3, False)
    assert es2.best == pytest.approx(loss_metric.get()[1])


def test_early_stopping_warns_on_a_metric_never_updated():
    est = make_estimator()
    es = EarlyStoppingHandler(est.val_metrics[0], mode="max")
    with pytest.warns(RuntimeWarning, match="is not updated"):
        est.fit(loader(), epochs=2, event_handlers=[es])
    assert es.current_epoch == 2 and not es.stop_training


def test_checkpoints_are_pruned_and_best_kept(tmp_path):
    est = make_estimator()
    monitor = est.train_metrics[0]
    ck = CheckpointHandler(str(tmp_path / "new" / "dir"), monitor=monitor, save_best=True,
                           mode="max", max_checkpoints=1)
    est.fit(loader(), epochs=3, event_handlers=[ck])
    files = sorted(os.listdir(tmp_path / "new" / "dir"))
    assert files == ["model-best.params", "model-best.states", "model-epoch2batch6.params",
                     "model-epoch2batch6.states"]
    assert ck.best == pytest.approx(1.0) or ck.best >= monitor.get()[1]


def test_save_best_warns_when_the_monitor_is_not_updated(tmp_path):
    est = make_estimator()
    ck = CheckpointHandler(str(tmp_path), monitor=est.val_metrics[0], save_best=True, mode="min")
    with pytest.warns(RuntimeWarning, match="Skipping save best"):
        est.fit(loader(), epochs=1, event_handlers=[ck])
    assert not any("best" in f for f in os.listdir(tmp_path))


def test_symbol_file_of_a_hybridized_network(tmp_path):
    est = make_estimator(make_net(hybridize=True))
    est.fit(loader(), batches=1, event_handlers=[CheckpointHandler(str(tmp_path), "net")])
    sym = mx.sym.load(str(tmp_path / "net-symbol.json"))
    assert sym.list_arguments()[0] == "data"
    out = sym.eval(ctx=mx.cpu(), data=mx.nd.array(X),
                   **{k: v.data() for k, v in est.net.collect_params().items()})[0]
    np.testing.assert_allclose(out.asnumpy(), est.net(mx.nd.array(X)).asnumpy(), rtol=1e-5,
                               atol=1e-6)


def test_resume_restores_parameters_and_trainer_states(tmp_path):
    # 4 epochs straight
    ref = make_estimator()
    ref.fit(loader(), epochs=4)
    # 2 epochs, then a new estimator resumes from the checkpoint of epoch 1 for 2 more
    first = make_estimator()
    first.fit(loader(), epochs=2, event_handlers=[CheckpointHandler(str(tmp_path))])
    resumed = make_estimator()
    lines = Lines()
    resumed.logger.addHandler(lines)
    ck = CheckpointHandler(str(tmp_path), resume_from_checkpoint=True)
    resumed.fit(loader(), epochs=4, event_handlers=[ck])
    assert (ck.trained_epoch, ck.trained_batch, resumed.max_epoch) == (1, 4, 2)
    assert lines.lines[0] == ("CheckpointHandler: Checkpoint resumed from epoch 1 batch 4, "
                              "continue to train for 2 epochs ")
    for a, b in zip(params_of(ref.net), params_of(resumed.net)):  # momentum restored too
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    assert "model-epoch3batch8.params" in os.listdir(tmp_path)


def test_resume_without_checkpoints_and_bad_files(tmp_path):
    est = make_estimator()
    lines = Lines()
    est.logger.addHandler(lines)
    est.fit(loader(), epochs=1,
            event_handlers=[CheckpointHandler(str(tmp_path / "a"), resume_from_checkpoint=True)])
    assert lines.lines[0] == ("CheckpointHandler: No checkpoint found, training from scratch "
                              "for 1 epochs")
    bad = tmp_path / "b"
    bad.mkdir()
    (bad / "model-epochXbatch1.params").write_bytes(b"")
    with pytest.raises(ValueError, match="Error parsing checkpoint file"):
        est.fit(loader(), epochs=2,
                event_handlers=[CheckpointHandler(str(bad), resume_from_checkpoint=True)])
    (bad / "model-epochXbatch1.params").unlink()
    (bad / "model-epoch0batch1.params").write_bytes(b"")
    with pytest.raises(AssertionError, match="model-epoch0batch1.states does not exist"):
        est.fit(loader(), epochs=2,
                event_handlers=[CheckpointHandler(str(bad), resume_from_checkpoint=True)])


def test_resume_at_the_last_epoch_is_refused(tmp_path):
    est = make_estimator()
    est.fit(loader(), epochs=2, event_handlers=[CheckpointHandler(str(tmp_path))])
    with pytest.raises(ValueError, match="maximum number of epoch 2 reached"):
        est.fit(loader(), epochs=2,
                event_handlers=[CheckpointHandler(str(tmp_path), resume_from_checkpoint=True)])


def test_mode_warnings_and_auto_mode():
    acc = mx.metric.Accuracy()
    with pytest.warns(UserWarning, match="`greater` operator will be used"):
        ck = CheckpointHandler(".", monitor=mx.metric.MSE(), save_best=True)
    assert ck.monitor_op is np.greater  # MXNet 1.9.1's 'auto' is always 'max'
    with pytest.warns(RuntimeWarning, match="ModelCheckpoint mode best is unknown"):
        CheckpointHandler(".", monitor=acc, save_best=True, mode="best")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert EarlyStoppingHandler(acc, mode="min").monitor_op is np.less
        assert CheckpointHandler(".", monitor=acc, save_best=True, mode="min").best == np.inf


def test_logging_handler_batch_interval():
    est = make_estimator()
    lines = Lines()
    est.logger.addHandler(lines)
    est.fit(loader(n=8, batch_size=2), epochs=1,
            event_handlers=[LoggingHandler(log_interval=2, metrics=est.train_metrics)])
    batch_lines = [l for l in lines.lines if l.startswith("[Epoch 0][Batch")]
    assert [l.split(" time")[0] for l in batch_lines] == [
        "[Epoch 0][Batch 0][Samples 2]", "[Epoch 0][Batch 2][Samples 6]"]


def test_stopping_from_a_train_begin_handler_state():
    class Once(TrainBegin, EpochEnd):
        def train_begin(self, estimator, *args, **kwargs):
            self.epochs = 0

        def epoch_end(self, estimator, *args, **kwargs):
            self.epochs += 1
            return True

    once = Once()
    make_estimator().fit(loader(), epochs=5, event_handlers=[once])
    assert once.epochs == 1
