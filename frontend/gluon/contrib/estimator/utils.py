"""Checks shared by the estimator and its event handlers (MXNet 1.9.1's
`gluon.contrib.estimator.utils`): metric lists, metric references held by handlers, the
metric suggested for a loss, and how a handler decides that a monitored value improved."""
import warnings

import numpy as np

from ....metric import Accuracy, CompositeEvalMetric, EvalMetric
from ...loss import SoftmaxCrossEntropyLoss


def _check_metrics(metrics):
    """`metrics` as a list of EvalMetric: a CompositeEvalMetric is flattened into its
    members, one metric becomes a list of one, None an empty list."""
    if isinstance(metrics, CompositeEvalMetric):
        return [m for metric in metrics.metrics for m in _check_metrics(metric)]
    if isinstance(metrics, EvalMetric):
        return [metrics]
    metrics = metrics or []
    if not all(isinstance(metric, EvalMetric) for metric in metrics):
        raise ValueError("metrics must be a Metric or a list of Metric, "
                         "refer to mxnet.metric.EvalMetric: {}".format(metrics))
    return metrics


def _check_handler_metric_ref(handler, known_metrics):
    """Raise ValueError if an attribute of `handler` whose name contains 'metric' refers to
    a metric outside `known_metrics` (the estimator's training and validation metrics)."""
    for attribute in dir(handler):
        if "metric" not in attribute:
            continue
        reference = getattr(handler, attribute)
        if not reference:
            continue
        for metric in reference if isinstance(reference, list) else [reference]:
            _check_metric_known(handler, metric, known_metrics)


def _check_metric_known(handler, metric, known_metrics):
    if metric not in known_metrics:
        raise ValueError(
            'Event handler {} refers to a metric instance {} outside of '
            'the known training and validation metrics. Please use the metrics from '
            'estimator.train_metrics and estimator.val_metrics '
            'instead.'.format(type(handler).__name__, metric))


def _suggest_metric_for_loss(loss):
    """The metric the estimator adds for `loss` when given none: Accuracy for a softmax
    cross-entropy, else None."""
    if isinstance(loss, SoftmaxCrossEntropyLoss):
        return Accuracy()
    return None


def _monitor_op(monitor, mode, kind):
    """`np.less` or `np.greater`: how a handler named `kind` ('ModelCheckpoint',
    'EarlyStopping') compares a new value of `monitor` with the best one.

    'min' and 'max' choose directly; an unknown mode warns and falls back to 'auto'. In
    'auto' mode MXNet 1.9.1 always chooses `np.greater` and warns so (its test
    `'acc' or 'f1' in name` is true for every name): kept, with the same warning."""
    if mode not in ['auto', 'min', 'max']:
        warnings.warn('%s mode %s is unknown, '
                      'fallback to auto mode. CheckpointHandler will use'
                      'max mode for f1 and accuracy metric comparison and '
                      'use min mode other wise' % (kind, mode),
                      RuntimeWarning)
        mode = 'auto'
    if mode == 'min':
        return np.less
    if mode == 'auto':
        warnings.warn("`greater` operator will be used to determine if {} has improved. "
                      "Please specify `mode='min'` to use the `less` operator. "
                      "Specify `mode='max' to disable this warning.`"
                      .format(monitor.get()[0]))
    return np.greater
