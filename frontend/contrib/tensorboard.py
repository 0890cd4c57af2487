"""`mx.contrib.tensorboard`: `LogMetricsCallback`, writing metrics to TensorBoard event files
through the `mxboard` package, imported when a callback is made (it is optional)."""
from __future__ import annotations

import logging
from typing import Any, Optional


class LogMetricsCallback:
    """A batch- or eval-end callback that writes each metric of `param.eval_metric` as a
    TensorBoard scalar (step: the epoch) into `logging_dir`, named `prefix-NAME` if
    `prefix` is given (e.g. to plot train and eval curves in one graph).

    Without `mxboard` installed, making one logs 'You can install mxboard via `pip
    install mxboard`.' as an error and the callback has no `summary_writer`: calling it
    with a metric then raises AttributeError, as in MXNet.

    >>> model.fit(train, batch_end_callback=LogMetricsCallback('logs/train'),
    ...           eval_end_callback=LogMetricsCallback('logs/eval'), ...)
    """

    def __init__(self, logging_dir: str, prefix: Optional[str] = None):
        self.prefix = prefix
        try:
            from mxboard import SummaryWriter
            self.summary_writer = SummaryWriter(logging_dir)
        except ImportError:
            logging.error("You can install mxboard via `pip install mxboard`.")

    def __call__(self, param: Any) -> None:
        """Write `param.eval_metric`'s values at step `param.epoch` (nothing without a
        metric)."""
        if param.eval_metric is None:
            return
        for name, value in param.eval_metric.get_name_value():
            if self.prefix is not None:
                name = "%s-%s" % (self.prefix, name)
            self.summary_writer.add_scalar(name, value, global_step=param.epoch)
