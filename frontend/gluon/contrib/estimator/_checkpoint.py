"""`CheckpointHandler`: saves the network's parameters and the trainer's states during
training, and resumes from them (exported by `event_handler`, as in MXNet 1.9.1).

Files in `model_dir`: `PREFIX-symbol.json` (the hybridized network's symbol, once, after
the first batch), `PREFIX-epochEbatchB.params` / `.states` (E epochs and B batches done
when saved), and `PREFIX-best.params` / `.states` with `save_best`.
"""
import os
import warnings

import numpy as np

from ....metric import EvalMetric
from ...hybrid_block import HybridBlock
from ._events import BatchEnd, EpochEnd, TrainBegin
from .utils import _monitor_op

_PERIOD_ERROR = ("To use resume from checkpoint, you must only specify "
                 "the same type of period you used for training."
                 "For example, if you are training based on number of epochs,"
                 "you must save only based on epochs, and set batch_period to None.")
_NAME_ERROR = ("Error parsing checkpoint file, please check your "
               "checkpoints have the format: "
               "{model_name}-epoch{epoch_number}batch{batch_number}.params, "
               "there should also be a .states file for each .params file ")


class CheckpointHandler(TrainBegin, BatchEnd, EpochEnd):
    """Save the model every `epoch_period` epochs or `batch_period` batches.

    Parameters
    ----------
    model_dir : str
        Directory of the checkpoint files (created if missing).
    model_prefix : str, default 'model'
        Prefix of every checkpoint file name.
    monitor : EvalMetric, default None
        The metric deciding which model is the best (required by `save_best`).
    verbose : int, default 0
        1 logs every checkpoint saved.
    save_best : bool, default False
        Also keep the parameters and trainer states of the best model so far
        (`PREFIX-best.*`).
    mode : {'auto', 'min', 'max'}, default 'auto'
        Whether a smaller ('min') or larger ('max') monitored value is better; 'auto'
        uses 'max'.
    epoch_period : int, default 1
        Save every that many epochs (None: not at epoch ends).
    batch_period : int, default None
        Save every that many batches (None: not at batch ends).
    max_checkpoints : int, default 5
        How many checkpoints to keep; older ones are deleted (the best one is not counted).
    resume_from_checkpoint : bool, default False
        At train begin, load the latest checkpoint found in `model_dir` and train only the
        remaining epochs or batches (the same kind of period as the training's).
    """

    def __init__(self, model_dir, model_prefix='model', monitor=None, verbose=0,
                 save_best=False, mode='auto', epoch_period=1, batch_period=None,
                 max_checkpoints=5, resume_from_checkpoint=False):
        self.monitor = monitor
        self.verbose = verbose
        if not os.path.exists(model_dir):
            os.makedirs(model_dir)
        self.model_dir = model_dir
        self.model_prefix = model_prefix
        self.save_best = save_best
        if self.save_best and not isinstance(self.monitor, EvalMetric):
            raise ValueError("To save best model only, please provide one of the metric objects "
                             "from estimator.train_metrics and estimator.val_metrics as monitor.")
        self.epoch_period = epoch_period
        self.batch_period = batch_period
        self.current_batch = 0
        self.current_epoch = 0
        self.max_checkpoints = max_checkpoints
        self.resume_from_checkpoint = resume_from_checkpoint
        self.saved_checkpoints = []
        if self.save_best:
            self.monitor_op = _monitor_op(monitor, mode, 'ModelCheckpoint')
            self.best = np.inf if self.monitor_op == np.less else -np.inf

    def train_begin(self, estimator, *args, **kwargs):
        self.current_epoch = 0
        self.current_batch = 0
        if self.save_best:
            self.best = np.inf if self.monitor_op == np.less else -np.inf
        if self.resume_from_checkpoint:
            if estimator.max_batch and (not self.batch_period or self.epoch_period):
                raise AssertionError(_PERIOD_ERROR)
            if estimator.max_epoch and (not self.epoch_period or self.batch_period):
                raise AssertionError(_PERIOD_ERROR)
            self._resume_from_checkpoint(estimator)

    def batch_end(self, estimator, *args, **kwargs):
        if self.current_batch == 0:
            self._save_symbol(estimator)
        if self.batch_period and (self.current_batch + 1) % self.batch_period == 0:
            self._save_checkpoint(estimator)
        self.current_batch += 1

    def epoch_end(self, estimator, *args, **kwargs):
        if self.epoch_period and (self.current_epoch + 1) % self.epoch_period == 0:
            self._save_checkpoint(estimator)
        self.current_epoch += 1

    def _save_checkpoint(self, estimator):
        if self.resume_from_checkpoint:  # count the epochs and batches trained before
            save_epoch_number = self.current_epoch + self.trained_epoch + 1
            # (at an epoch end this batch is already counted)
            save_batch_number = self.current_batch + self.trained_batch + (
                0 if estimator.max_epoch else 1)
        else:
            save_epoch_number = self.current_epoch
            save_batch_number = self.current_batch
        prefix = "%s-epoch%dbatch%d" % (self.model_prefix, save_epoch_number, save_batch_number)
        self._save_params_and_trainer(estimator, prefix)
        if self.verbose > 0:
            estimator.logger.info('[Epoch %d] CheckpointHandler: trained total %d batches, '
                                  'saving model at %s with prefix: %s',
                                  self.current_epoch, self.current_batch + 1, self.model_dir,
                                  prefix)
        if self.save_best:
            self._save_best(estimator)

    def _save_best(self, estimator):
        monitor_name, monitor_value = self.monitor.get()
        if np.isnan(monitor_value):
            warnings.warn(RuntimeWarning(
                'Skipping save best because %s is not updated, make sure you pass one of the '
                'metric objects estimator.train_metrics and estimator.val_metrics as monitor',
                monitor_name))
        elif self.monitor_op(monitor_value, self.best):
            prefix = self.model_prefix + '-best'
            self._save_params_and_trainer(estimator, prefix)
            self.best = monitor_value
            if self.verbose > 0:  # (MXNet 1.9.1 logs the new best as both values)
                estimator.logger.info('[Epoch %d] CheckpointHandler: '
                                      '%s improved from %0.5f to %0.5f, '
                                      'updating best model at %s with prefix: %s',
                                      self.current_epoch, monitor_name,
                                      self.best, monitor_value, self.model_dir, prefix)
        elif self.verbose > 0:  # (MXNet 1.9.1 logs the batch count as the epoch)
            estimator.logger.info('[Epoch %d] CheckpointHandler: '
                                  '%s did not improve from %0.5f, '
                                  'skipping updating best model',
                                  self.current_batch, monitor_name, self.best)

    def _save_symbol(self, estimator):
        """Write the network's symbol if it is a HybridBlock that ran hybridized, else log
        why it is not written."""
        symbol_file = os.path.join(self.model_dir, self.model_prefix + '-symbol.json')
        net = estimator.net
        graph = net._saved_graph() if isinstance(net, HybridBlock) else {}
        if graph:
            with open(symbol_file, 'w') as f:
                f.write(graph['symbol'])
        else:
            estimator.logger.info(
                "Model architecture(symbol file) is not saved, please use HybridBlock "
                "to construct your model, and call net.hybridize() before passing to "
                "Estimator in order to save model architecture as %s.",
                symbol_file)

    def _save_params_and_trainer(self, estimator, file_prefix):
        estimator.net.save_parameters(os.path.join(self.model_dir, file_prefix + '.params'))
        estimator.trainer.save_states(os.path.join(self.model_dir, file_prefix + '.states'))
        if 'best' not in file_prefix:  # only numbered checkpoints count
            self.saved_checkpoints.append(file_prefix)
        if len(self.saved_checkpoints) > self.max_checkpoints:
            prefix = self.saved_checkpoints.pop(0)
            for fname in os.listdir(self.model_dir):
                if fname.startswith(prefix):
                    os.remove(os.path.join(self.model_dir, fname))

    def _resume_from_checkpoint(self, estimator):
        """Load the checkpoint with the most epochs (then batches) in `model_dir`, if any,
        and reduce the estimator's `max_epoch` / `max_batch` to what remains."""
        prefix = self.model_prefix + '-epoch'
        self.trained_epoch = self._find_max_iteration(
            dir=self.model_dir, prefix=prefix, start='epoch', end='batch',
            saved_checkpoints=self.saved_checkpoints)
        self.trained_batch = self._find_max_iteration(
            dir=self.model_dir, prefix=prefix + str(self.trained_epoch), start='batch',
            end='.params')
        if self.trained_epoch == -1:
            msg = "CheckpointHandler: No checkpoint found, training from scratch for "
            if estimator.max_batch:
                msg += "%d batches" % estimator.max_batch
            else:
                msg += "%d epochs" % estimator.max_epoch
            estimator.logger.info(msg)
            return
        msg = "CheckpointHandler: Checkpoint resumed from epoch %d batch %d, " \
              "continue to train for " % (self.trained_epoch, self.trained_batch)
        if estimator.max_epoch:
            if self.trained_epoch >= estimator.max_epoch - 1:
                raise ValueError("Found checkpoint with maximum number of epoch %d reached, "
                                 "please specify resume_from_checkpoint=False (default value) "
                                 "if you wan to train from scratch." % estimator.max_epoch)
            estimator.max_epoch = estimator.max_epoch - self.trained_epoch - 1
            msg += "%d epochs " % estimator.max_epoch
        if estimator.max_batch:
            if self.trained_batch >= estimator.max_batch - 1:
                raise ValueError("Found checkpoint with maximum number of batch %d reached, "
                                 "please specifyresume_from_checkpoint=False (default value) "
                                 "if you wan to train from scratch." % self.trained_batch)
            estimator.max_batch = estimator.max_batch - self.trained_batch - 1
            msg += "%d batches " % estimator.max_batch
        self._load(estimator)
        estimator.logger.warning(msg)

    def _load(self, estimator):
        name = "%s-epoch%dbatch%d" % (self.model_prefix, self.trained_epoch, self.trained_batch)
        param_file = os.path.join(self.model_dir, name + ".params")
        trainer_file = os.path.join(self.model_dir, name + ".states")
        for path in (param_file, trainer_file):
            if not os.path.exists(path):
                raise AssertionError("Failed to load checkpoint, %s does not exist" % path)
        estimator.net.load_parameters(param_file, ctx=estimator.context)
        estimator.trainer.load_states(trainer_file)

    def _find_max_iteration(self, dir, prefix, start, end, saved_checkpoints=None):
        """The largest number between `start` and `end` in the names of the `.params` files
        in `dir` starting with `prefix` (-1 if none). Their prefixes are appended to
        `saved_checkpoints` when it already holds some (MXNet 1.9.1's condition)."""
        max_iter = -1
        for fname in os.listdir(dir):
            if fname.startswith(prefix) and '.params' in fname:
                if saved_checkpoints:
                    saved_checkpoints.append(fname[:fname.find('.params')])
                try:
                    iteration = int(fname[fname.find(start) + len(start): fname.find(end)])
                except ValueError:
                    raise ValueError(_NAME_ERROR) from None
                max_iter = max(max_iter, iteration)
        return max_iter
