"""The events of the Gluon Estimator: the base class `EventHandler` and one mixin per
event (`TrainBegin`, `TrainEnd`, `EpochBegin`, `EpochEnd`, `BatchBegin`, `BatchEnd`).
Exported by `event_handler`, as MXNet 1.9.1 defines them there."""


class EventHandler(object):
    """Base class of every event handler."""


def _check_event_handlers(handlers):
    """`handlers` as a list of EventHandler (one handler, a list, or None)."""
    if isinstance(handlers, EventHandler):
        return [handlers]
    handlers = handlers or []
    if not all(isinstance(handler, EventHandler) for handler in handlers):
        raise ValueError("handlers must be an EventHandler or a list of EventHandler, "
                         "got: {}".format(handlers))
    return handlers


class TrainBegin(EventHandler):
    """Handlers called once before training starts."""

    def train_begin(self, estimator, *args, **kwargs):
        pass


class TrainEnd(EventHandler):
    """Handlers called once after training ends."""

    def train_end(self, estimator, *args, **kwargs):
        pass


class EpochBegin(EventHandler):
    """Handlers called before each epoch (and before each evaluation)."""

    def epoch_begin(self, estimator, *args, **kwargs):
        pass


class EpochEnd(EventHandler):
    """Handlers called after each epoch; returning True stops training."""

    def epoch_end(self, estimator, *args, **kwargs):
        return False


class BatchBegin(EventHandler):
    """Handlers called before each batch, with `batch=`."""

    def batch_begin(self, estimator, *args, **kwargs):
        pass


class BatchEnd(EventHandler):
    """Handlers called after each batch, with `batch=, pred=, label=, loss=`; returning
    True ends the epoch."""

    def batch_end(self, estimator, *args, **kwargs):
        return False
