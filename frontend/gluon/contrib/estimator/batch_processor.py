"""`BatchProcessor`: what an Estimator does with one batch of training or validation data
(MXNet 1.9.1's `gluon.contrib.estimator.batch_processor`)."""
from .... import autograd
from ...utils import split_and_load

__all__ = ['BatchProcessor']


def split_batch(batch, ctx, batch_axis=0):
    """(data, label) of `batch` (a `(data, label)` pair from a DataLoader), each split
    along `batch_axis` into one slice per context of `ctx` (`gluon.utils.split_and_load`)."""
    data = split_and_load(batch[0], ctx_list=ctx, batch_axis=batch_axis)
    label = split_and_load(batch[1], ctx_list=ctx, batch_axis=batch_axis)
    return data, label


class BatchProcessor(object):
    """The default `fit_batch` and `evaluate_batch` of an Estimator.

    Subclass it and override either method to change how a batch is trained or
    evaluated, then pass an instance as `Estimator(..., batch_processor=...)`. Both
    methods return `(data, label, pred, loss)`, each a list with one entry per context.
    """

    def _get_data_and_label(self, batch, ctx, batch_axis=0):
        return split_batch(batch, ctx, batch_axis)

    def evaluate_batch(self, estimator, val_batch, batch_axis=0):
        """Run `estimator.val_net` and `estimator.val_loss` on a batch of validation data.

        Parameters
        ----------
        estimator : Estimator
            The estimator evaluating.
        val_batch : tuple
            Data and label of a batch from the validation data loader.
        batch_axis : int, default 0
            Batch axis along which the data is split across the estimator's contexts.
        """
        data, label = self._get_data_and_label(val_batch, estimator.context, batch_axis)
        pred = [estimator.val_net(x) for x in data]
        loss = [estimator.val_loss(y_hat, y) for y_hat, y in zip(pred, label)]
        return data, label, pred, loss

    def fit_batch(self, estimator, train_batch, batch_axis=0):
        """Run `estimator.net` and `estimator.loss` on a batch of training data under
        `autograd.record()` and back-propagate each loss (the weights are updated later,
        by a GradientUpdateHandler).

        Parameters
        ----------
        estimator : Estimator
            The estimator training.
        train_batch : tuple
            Data and label of a batch from the training data loader.
        batch_axis : int, default 0
            Batch axis along which the data is split across the estimator's contexts.

        Returns
        -------
        data, label, pred, loss : lists of NDArray
            The data and labels split with `gluon.utils.split_and_load`, and the
            prediction and loss on each slice.
        """
        data, label = self._get_data_and_label(train_batch, estimator.context, batch_axis)
        with autograd.record():
            pred = [estimator.net(x) for x in data]
            loss = [estimator.loss(y_hat, y) for y_hat, y in zip(pred, label)]
        for l in loss:
            l.backward()
        return data, label, pred, loss
