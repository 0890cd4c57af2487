"""`Estimator`: MXNet 1.9.1's high-level training loop for Gluon networks
(`gluon.contrib.estimator.estimator`).

`fit` iterates over a DataLoader for a number of epochs or batches; what happens around
each batch is decided by event handlers (event_handler.py), a default set of which is
added: a StoppingHandler, a GradientUpdateHandler, a MetricHandler, a ValidationHandler
(with validation data) and a LoggingHandler. The batch itself is trained or evaluated by
a BatchProcessor (batch_processor.py).
"""
import copy
import logging
import sys
import warnings

from ....context import Context, cpu
from ....metric import Loss as metric_loss
from ...data import DataLoader
from ...loss import Loss as gluon_loss
from ...trainer import Trainer
from .batch_processor import BatchProcessor, split_batch
from .event_handler import (BatchBegin, BatchEnd, EpochBegin, EpochEnd, GradientUpdateHandler,
                            LoggingHandler, MetricHandler, StoppingHandler, TrainBegin,
                            TrainEnd, ValidationHandler, _check_event_handlers)
from .utils import _check_handler_metric_ref, _check_metrics, _suggest_metric_for_loss

__all__ = ['Estimator']

_EVENTS = (TrainBegin, EpochBegin, BatchBegin, BatchEnd, EpochEnd, TrainEnd)


def _check_data_loader(data, refer):
    if not isinstance(data, DataLoader):
        raise ValueError("Estimator only support input as Gluon DataLoader. Alternatively, you "
                         "can transform your DataIter or any NDArray into Gluon DataLoader. "
                         "Refer to " + refer)


class Estimator(object):
    """Trains and evaluates a Gluon network.

    Parameters
    ----------
    net : gluon.Block
        The network to train.
    loss : gluon.loss.Loss
        The loss to minimise.
    train_metrics : EvalMetric or list of EvalMetric, default None
        Metrics of the training data. Without them, the estimator uses Accuracy for a
        SoftmaxCrossEntropyLoss and, in every case, a `metric.Loss` named after the loss.
        Their names are prefixed with 'training '.
    val_metrics : EvalMetric or list of EvalMetric, default None
        Metrics of the validation data (copies of the training metrics if None), named
        'validation ...'.
    initializer : Initializer, default None
        Initializes the parameters not yet initialized (a warning if all are).
    trainer : gluon.Trainer, default None
        The trainer (None: SGD with learning rate 0.001, with a warning).
    context : Context or list of Context, default None
        The devices to train on (default: cpu()).
    val_net : gluon.Block, default None
        The network to evaluate, usually sharing `net`'s parameters (default: `net`).
    val_loss : gluon.loss.Loss, default None
        The loss of the validation data (default: `loss`).
    batch_processor : BatchProcessor, default None
        Any object with `fit_batch` and `evaluate_batch` methods (default: BatchProcessor()).
    """

    logger = None
    """The `logging.Logger` of this estimator and its handlers: a new Logger named
    'Estimator' at level INFO writing to `sys.stdout` (add handlers to log elsewhere)."""

    def __init__(self, net, loss, train_metrics=None, val_metrics=None, initializer=None,
                 trainer=None, context=None, val_net=None, val_loss=None,
                 batch_processor=None):
        self.net = net
        self.loss = self._check_loss(loss)
        self._train_metrics = _check_metrics(train_metrics)
        self._val_metrics = _check_metrics(val_metrics)
        self._add_default_training_metrics()
        self._add_validation_metrics()
        self.val_loss = self.loss if val_loss is None else self._check_loss(val_loss)
        self.val_net = self.net if val_net is None else val_net
        self.logger = logging.Logger(name='Estimator', level=logging.INFO)
        self.logger.addHandler(logging.StreamHandler(sys.stdout))
        self.context = self._check_context(context)
        self._initialize(initializer)
        self.trainer = self._check_trainer(trainer)
        self.batch_processor = self._check_batch_processor(batch_processor)

    def _check_loss(self, loss):
        if not isinstance(loss, gluon_loss):
            raise ValueError("loss must be a Loss, "
                             "refer to gluon.loss.Loss:{}".format(loss))
        return loss

    def _check_context(self, context):
        """`context` as a list of CPU Contexts (default: [cpu()]; MXNet would choose gpu(0)
        if it had a GPU, and tapegraph has none)."""
        if not context:
            return [cpu()]
        if isinstance(context, Context):
            context = [context]
        elif not (isinstance(context, list) and all(isinstance(c, Context) for c in context)):
            raise ValueError("context must be a Context or a list of Context, "
                             "for example mx.cpu() or [mx.gpu(0), mx.gpu(1)], "
                             "refer to mxnet.Context:{}".format(context))
        for ctx in context:
            if not str(ctx).startswith('cpu'):  # (MXNet lists its GPUs after 'mx.cpu(), ': none)
                raise AssertionError("%s is not available, please make sure your context "
                                     "is in one of: mx.cpu(), " % ctx)
        return context

    def _check_batch_processor(self, batch_processor):
        if batch_processor is None:
            return BatchProcessor()
        if not callable(getattr(batch_processor, 'fit_batch', None)) or \
                not callable(getattr(batch_processor, 'evaluate_batch', None)):
            raise ValueError('Customized Batch Processor must contain fit_batch()'
                             ' and evaluate_batch() methods')
        return batch_processor

    def _initialize(self, initializer):
        """Initialize the parameters unless all are (then warn if an initializer was
        given: the estimator never re-initializes)."""
        if not self._is_initialized():
            if initializer:
                self.net.initialize(init=initializer, ctx=self.context)
            else:
                self.net.initialize(ctx=self.context)
        elif initializer:
            warnings.warn("Network already fully initialized, skipping initialization. "
                          "You don't need to pass initializer if you already "
                          "initialized your net. "
                          "You can use net.initialize(init=your_initializer, force_reinit=True)"
                          "to force re-initialize.")

    def _check_trainer(self, trainer):
        if not trainer:
            warnings.warn("No trainer specified, default SGD optimizer "
                          "with learning rate 0.001 is used.")
            return Trainer(self.net.collect_params(), 'sgd', {'learning_rate': 0.001})
        if not isinstance(trainer, Trainer):
            raise ValueError("Trainer must be a Gluon Trainer instance, refer to "
                             "gluon.Trainer:{}".format(trainer))
        return trainer

    def _is_initialized(self):
        """Whether every parameter is initialized (or deferred)."""
        for param in self.net.collect_params().values():
            try:
                param.list_ctx()
            except RuntimeError:
                return False
        return True

    def _get_data_and_label(self, batch, ctx, batch_axis=0):
        return split_batch(batch, ctx, batch_axis)

    def _add_default_training_metrics(self):
        if not self._train_metrics:
            suggested_metric = _suggest_metric_for_loss(self.loss)
            if suggested_metric:
                self._train_metrics = [suggested_metric]
            self._train_metrics.append(metric_loss(self.loss.name.rstrip('1234567890')))
        for metric in self._train_metrics:  # (handlers tell the two kinds apart by name)
            metric.name = 'training ' + metric.name

    def _add_validation_metrics(self):
        if not self._val_metrics:
            self._val_metrics = [copy.deepcopy(metric) for metric in self._train_metrics]
        for metric in self._val_metrics:
            if 'training' in metric.name:
                metric.name = metric.name.replace('training', 'validation')
            else:
                metric.name = 'validation ' + metric.name

    @property
    def train_metrics(self):
        """The list of training metrics."""
        return self._train_metrics

    @property
    def val_metrics(self):
        """The list of validation metrics."""
        return self._val_metrics

    def evaluate(self, val_data, batch_axis=0, event_handlers=None):
        """Evaluate the model on `val_data` with the batch processor's `evaluate_batch`.

        Parameters
        ----------
        val_data : DataLoader
            Validation data loader with data and labels.
        batch_axis : int, default 0
            Batch axis along which the data is split across the contexts.
        event_handlers : EventHandler or list of EventHandler, default None
            Handlers of the evaluation's epoch and batch events; a MetricHandler and a
            LoggingHandler of the validation metrics are added unless given.
        """
        _check_data_loader(val_data, "gluon.data.DataLoader")
        for metric in self.val_metrics:
            metric.reset()
        event_handlers = self._prepare_default_validation_handlers(event_handlers)
        _, epoch_begin, batch_begin, batch_end, epoch_end, _ = \
            self._categorize_handlers(event_handlers)
        for handler in epoch_begin:
            handler.epoch_begin(self)
        for batch in val_data:
            for handler in batch_begin:
                handler.batch_begin(self, batch=batch)
            _, label, pred, loss = self.batch_processor.evaluate_batch(self, batch, batch_axis)
            for handler in batch_end:
                handler.batch_end(self, batch=batch, pred=pred, label=label, loss=loss)
        for handler in epoch_end:
            handler.epoch_end(self)

    def fit(self, train_data, val_data=None, epochs=None, event_handlers=None, batches=None,
            batch_axis=0):
        """Train the model on `train_data` for `epochs` epochs or `batches` batches (exactly
        one of the two), each batch with the batch processor's `fit_batch`.

        Parameters
        ----------
        train_data : DataLoader
            Training data loader with data and labels.
        val_data : DataLoader, default None
            Validation data loader; with it a ValidationHandler is added unless given.
        epochs : int, default None
            Number of epochs to train.
        event_handlers : EventHandler or list of EventHandler, default None
            Handlers of the training events. A StoppingHandler is always added, a
            GradientUpdateHandler, MetricHandler and LoggingHandler unless given.
        batches : int, default None
            Number of batches to train.
        batch_axis : int, default 0
            Batch axis along which the data is split across the contexts.
        """
        _check_data_loader(train_data, "gluon.data.dataloader")
        if (not epochs) == (not batches):
            raise ValueError(
                "Fit only support exactly one type of iteration, "
                "train by number of epochs or number of batches."
                "Please specify one and only one of: epochs or batches.")
        self.max_epoch = epochs
        self.max_batch = batches
        self.batch_axis = batch_axis
        event_handlers = self._prepare_default_handlers(val_data, event_handlers)
        train_begin, epoch_begin, batch_begin, batch_end, epoch_end, train_end = \
            self._categorize_handlers(event_handlers)
        for handler in train_begin:
            handler.train_begin(self)
        while True:
            for handler in epoch_begin:
                handler.epoch_begin(self)
            for batch in train_data:
                for handler in batch_begin:
                    handler.batch_begin(self, batch=batch)
                _, label, pred, loss = self.batch_processor.fit_batch(self, batch, batch_axis)
                # every handler runs, then any of them may end the epoch
                if any([handler.batch_end(self, batch=batch, pred=pred, label=label,
                                          loss=loss) for handler in batch_end]):
                    break
            if any([handler.epoch_end(self) for handler in epoch_end]):
                break
        for handler in train_end:
            handler.train_end(self)

    def _prepare_default_handlers(self, val_data, event_handlers):
        """The handlers of `fit`: `event_handlers` and the default ones they lack, sorted
        by priority."""
        event_handlers = _check_event_handlers(event_handlers)
        added = [StoppingHandler(self.max_epoch, self.max_batch)]
        if not _has(event_handlers, GradientUpdateHandler):
            added.append(GradientUpdateHandler())
        if not _has(event_handlers, MetricHandler):
            added.append(MetricHandler(metrics=self.train_metrics))
        if not _has(event_handlers, ValidationHandler) and val_data:
            added.append(ValidationHandler(val_data=val_data, eval_fn=self.evaluate))
        if not _has(event_handlers, LoggingHandler):
            added.append(LoggingHandler(metrics=self.train_metrics))
        return self._merge_handlers(event_handlers, added,
                                    set(self.train_metrics + self.val_metrics))

    def _prepare_default_validation_handlers(self, event_handlers):
        """The handlers of `evaluate`: `event_handlers` and the default ones they lack,
        sorted by priority."""
        event_handlers = _check_event_handlers(event_handlers)
        added = []
        if not _has(event_handlers, MetricHandler):
            added.append(MetricHandler(metrics=self.val_metrics))
        if not _has(event_handlers, LoggingHandler):
            added.append(LoggingHandler(metrics=self.val_metrics))
        return self._merge_handlers(event_handlers, added, set(self.val_metrics))

    @staticmethod
    def _merge_handlers(event_handlers, added, known_metrics):
        """`event_handlers` extended by `added` and sorted by priority; when both are
        non-empty, every handler must refer only to `known_metrics` (so the defaults and
        the user's handlers see the same metric objects)."""
        mixing = event_handlers and added
        event_handlers.extend(added)
        if mixing:
            for handler in event_handlers:
                _check_handler_metric_ref(handler, known_metrics)
        event_handlers.sort(key=lambda handler: getattr(handler, 'priority', 0))
        return event_handlers

    def _categorize_handlers(self, event_handlers):
        """Six lists, the handlers of each event (train begin, epoch begin, batch begin,
        batch end, epoch end, train end), so that no handler is called for an event it
        does not handle."""
        return tuple([h for h in event_handlers if isinstance(h, event)] for event in _EVENTS)


def _has(handlers, kind):
    return any(isinstance(handler, kind) for handler in handlers)
