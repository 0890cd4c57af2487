"""`BaseModule`: the module API shared by `Module` and the composite modules — the
training loop `fit`, `score`, `predict`, `iter_predict`, and parameter files.

MXNet checks the module's state (bound, parameters initialized, ...) with bare asserts;
tapegraph raises `ModuleStateError`, an AssertionError as in MXNet (so code catching that
still works, and nothing else does), whose message names what is missing.
"""
from __future__ import annotations

import logging
import time
import warnings
from typing import Any, Dict, Iterator, List, Optional, Sequence, Tuple

import numpy as np

from .. import metric
from .. import ndarray
from ..initializer import Uniform
from ..io import DataBatch, DataDesc, DataIter
from ..checkpoint import save_params_file, split_params
from ..model import BatchEndParam


class ModuleStateError(AssertionError):
    """A module method called in the wrong state (e.g. `forward` before `bind`)."""


def require(condition: Any, message: str) -> None:
    """Raise ModuleStateError(`message`) unless `condition`."""
    if not condition:
        raise ModuleStateError(message)


def _as_list(obj: Any) -> list:
    return obj if isinstance(obj, list) else [obj]


def _check_input_names(symbol: Any, names: Sequence[str], typename: str, throw: bool) -> None:
    """Each of `names` must be an argument of `symbol` (ValueError if `throw`, else a
    warning), with MXNet's message listing the candidates."""
    args = symbol.list_arguments()
    for name in names:
        if name in args:
            continue
        candidates = [arg for arg in args if not arg.endswith(("_weight", "_bias", "_gamma",
                                                                 "_beta"))]
        msg = "\033[91mYou created Module with Module(..., %s_names=%s) but input with name " \
              "'%s' is not found in symbol.list_arguments(). Did you mean one of:\n\t%s" \
              "\033[0m" % (typename, str(names), name, "\n\t".join(candidates))
        if throw:
            raise ValueError(msg)
        warnings.warn(msg)


def _check_names_match(data_names: Sequence[str], data_shapes: Sequence[Any], name: str,
                       throw: bool) -> None:
    actual = [x[0] for x in data_shapes]
    if sorted(data_names) != sorted(actual):
        msg = "Data provided by %s_shapes don't match names specified by %s_names (%s vs. %s)" \
              % (name, name, str(data_shapes), str(data_names))
        if throw:
            raise ValueError(msg)
        warnings.warn(msg)


def _as_desc(x: Any) -> DataDesc:
    if isinstance(x, DataDesc):
        return x
    if not isinstance(x, (list, tuple)) or len(x) < 2 or not isinstance(x[0], str):
        raise ValueError("a data / label shape must be a DataDesc or a (name, shape) pair, "
                         "got %r" % (x,))
    return DataDesc(*x)


def _parse_data_desc(data_names: Sequence[str], label_names: Sequence[str],
                     data_shapes: Sequence[Any], label_shapes: Optional[Sequence[Any]]
                     ) -> Tuple[List[DataDesc], Optional[List[DataDesc]]]:
    """DataDescs of the data and label shapes, checked against the module's names."""
    data_shapes = [_as_desc(x) for x in data_shapes]
    _check_names_match(data_names, data_shapes, "data", True)
    if label_shapes is not None:
        label_shapes = [_as_desc(x) for x in label_shapes]
        _check_names_match(label_names, label_shapes, "label", False)
    else:
        _check_names_match(label_names, [], "label", False)
    return data_shapes, label_shapes


class BaseModule:
    """The interface of a module: a computation (`forward`, `backward`, `update`) with
    parameters, bound to data shapes. `fit`, `score`, `predict` are built on it."""

    def __init__(self, logger: Any = logging):
        self.logger = logger
        self.binded = False
        self.for_training = False
        self.inputs_need_grad = False
        self.params_initialized = False
        self.optimizer_initialized = False
        self._symbol = None
        self._total_exec_bytes = 0

    def _require_ready(self, what: str) -> None:
        require(self.binded, "%s: the module is not bound; call bind() first" % what)
        require(self.params_initialized,
                "%s: the parameters are not initialized; call init_params() first" % what)

    # ------------------------------------------------------------ high level API
    def forward_backward(self, data_batch: Any) -> None:
        """`forward(data_batch, is_train=True)` then `backward()`."""
        self.forward(data_batch, is_train=True)
        self.backward()

    def score(self, eval_data: Any, eval_metric: Any, num_batch: Optional[int] = None,
              batch_end_callback: Any = None, score_end_callback: Any = None,
              reset: bool = True, epoch: int = 0, sparse_row_id_fn: Any = None
              ) -> List[Tuple[str, float]]:
        """Run prediction on `eval_data` (up to `num_batch` batches) and return
        `eval_metric`'s [(name, value)]."""
        self._require_ready("score")
        if reset:
            eval_data.reset()
        if not isinstance(eval_metric, metric.EvalMetric):
            eval_metric = metric.create(eval_metric)
        eval_metric.reset()
        actual_num_batch = 0
        for nbatch, eval_batch in enumerate(eval_data):
            if num_batch is not None and nbatch == num_batch:
                break
            self.prepare(eval_batch, sparse_row_id_fn=sparse_row_id_fn)
            self.forward(eval_batch, is_train=False)
            if isinstance(eval_batch, list):
                self.update_metric(eval_metric, [eb.label for eb in eval_batch],
                                   pre_sliced=True)
            else:
                self.update_metric(eval_metric, eval_batch.label)
            if batch_end_callback is not None:
                params = BatchEndParam(epoch=epoch, nbatch=nbatch, eval_metric=eval_metric,
                                       locals=locals())
                for callback in _as_list(batch_end_callback):
                    callback(params)
            actual_num_batch += 1
        if score_end_callback:
            params = BatchEndParam(epoch=epoch, nbatch=actual_num_batch,
                                   eval_metric=eval_metric, locals=locals())
            for callback in _as_list(score_end_callback):
                callback(params)
        return eval_metric.get_name_value()

    def iter_predict(self, eval_data: Any, num_batch: Optional[int] = None, reset: bool = True,
                     sparse_row_id_fn: Any = None) -> Iterator[Tuple[List[Any], int, Any]]:
        """Yield (outputs without the padding, batch number, batch) for each batch."""
        self._require_ready("iter_predict")
        if reset:
            eval_data.reset()
        for nbatch, eval_batch in enumerate(eval_data):
            if num_batch is not None and nbatch == num_batch:
                break
            self.prepare(eval_batch, sparse_row_id_fn=sparse_row_id_fn)
            self.forward(eval_batch, is_train=False)
            pad = eval_batch.pad or 0
            outputs = [out[0:out.shape[0] - pad] for out in self.get_outputs()]
            yield outputs, nbatch, eval_batch

    def predict(self, eval_data: Any, num_batch: Optional[int] = None,
                merge_batches: bool = True, reset: bool = True,
                always_output_list: bool = False, sparse_row_id_fn: Any = None) -> Any:
        """The outputs for `eval_data` (a DataIter, or one NDArray / NumPy batch), padding
        removed; batches concatenated unless `merge_batches` is False (then a list of
        per-batch output lists)."""
        self._require_ready("predict")
        if isinstance(eval_data, (ndarray.NDArray, np.ndarray)):
            if isinstance(eval_data, np.ndarray):
                eval_data = ndarray.array(eval_data)
            self.forward(DataBatch([eval_data]))
            return self.get_outputs()[0]
        if not isinstance(eval_data, DataIter):
            raise ValueError("eval_data must be of type NDArray or DataIter")
        output_list = [[out.copy() for out in outputs] for outputs, _, _ in
                       self.iter_predict(eval_data, num_batch, reset, sparse_row_id_fn)]
        if not output_list:
            return output_list
        if not merge_batches:
            return output_list
        num_outputs = len(output_list[0])
        if any(len(out) != num_outputs for out in output_list):
            raise ValueError("Cannot merge batches, as num of outputs is not the same in "
                             "mini-batches. Maybe bucketing is used?")
        merged = [ndarray.concatenate([out[i] for out in output_list])
                  for i in range(num_outputs)]
        if num_outputs == 1 and not always_output_list:
            return merged[0]
        return merged

    def fit(self, train_data: Any, eval_data: Any = None, eval_metric: Any = "acc",
            epoch_end_callback: Any = None, batch_end_callback: Any = None,
            kvstore: Any = "local", optimizer: Any = "sgd",
            optimizer_params: Any = (("learning_rate", 0.01),),
            eval_end_callback: Any = None, eval_batch_end_callback: Any = None,
            initializer: Any = Uniform(0.01), arg_params: Optional[Dict[str, Any]] = None,
            aux_params: Optional[Dict[str, Any]] = None, allow_missing: bool = False,
            force_rebind: bool = False, force_init: bool = False, begin_epoch: int = 0,
            num_epoch: Optional[int] = None, validation_metric: Any = None,
            monitor: Any = None, sparse_row_id_fn: Any = None) -> None:
        """Train on `train_data` for epochs `begin_epoch` .. `num_epoch` - 1: bind,
        initialize parameters and optimizer, then per batch forward, backward, update and
        metric; log `Epoch[E] Train-NAME=VALUE` and `Epoch[E] Time cost=...` per epoch,
        and score `eval_data` (`Epoch[E] Validation-NAME=VALUE`) if given."""
        require(num_epoch is not None, "fit: please specify number of epochs (num_epoch)")
        self.bind(data_shapes=train_data.provide_data, label_shapes=train_data.provide_label,
                  for_training=True, force_rebind=force_rebind)
        if monitor is not None:
            self.install_monitor(monitor)
        self.init_params(initializer=initializer, arg_params=arg_params,
                         aux_params=aux_params, allow_missing=allow_missing,
                         force_init=force_init)
        self.init_optimizer(kvstore=kvstore, optimizer=optimizer,
                            optimizer_params=optimizer_params)
        if validation_metric is None:
            validation_metric = eval_metric
        if not isinstance(eval_metric, metric.EvalMetric):
            eval_metric = metric.create(eval_metric)

        for epoch in range(begin_epoch, num_epoch):
            tic = time.time()
            eval_metric.reset()
            self._fit_epoch_begin(epoch, train_data)
            nbatch = 0
            data_iter = iter(train_data)
            end_of_batch = False
            next_data_batch = next(data_iter)
            while not end_of_batch:
                data_batch = next_data_batch
                if monitor is not None:
                    monitor.tic()
                self.forward_backward(data_batch)
                self.update()
                if isinstance(data_batch, list):
                    self.update_metric(eval_metric, [db.label for db in data_batch],
                                       pre_sliced=True)
                else:
                    self.update_metric(eval_metric, data_batch.label)
                try:
                    next_data_batch = next(data_iter)
                    self.prepare(next_data_batch, sparse_row_id_fn=sparse_row_id_fn)
                except StopIteration:
                    end_of_batch = True
                if monitor is not None:
                    monitor.toc_print()
                if end_of_batch:
                    eval_name_vals = self._fit_train_values(eval_metric)
                if batch_end_callback is not None:
                    params = BatchEndParam(epoch=epoch, nbatch=nbatch,
                                           eval_metric=eval_metric, locals=locals())
                    for callback in _as_list(batch_end_callback):
                        callback(params)
                nbatch += 1

            for name, val in eval_name_vals:
                self.logger.info("Epoch[%d] Train-%s=%f", epoch, name, val)
            toc = time.time()
            self.logger.info("Epoch[%d] Time cost=%.3f", epoch, (toc - tic))

            arg_params_now, aux_params_now = self.get_params()
            self.set_params(arg_params_now, aux_params_now)
            if epoch_end_callback is not None:
                for callback in _as_list(epoch_end_callback):
                    callback(epoch, self.symbol, arg_params_now, aux_params_now)
            if eval_data is not None:
                res = self.score(eval_data, validation_metric,
                                 score_end_callback=eval_end_callback,
                                 batch_end_callback=eval_batch_end_callback, epoch=epoch)
                for name, val in res:
                    self.logger.info("Epoch[%d] Validation-%s=%f", epoch, name, val)
            self._fit_epoch_end(train_data)

    # `fit`'s hooks (SVRGModule computes its full gradients at the start of an epoch)
    def _fit_epoch_begin(self, epoch: int, train_data: Any) -> None:
        """Called by `fit` at the start of each epoch, before its first batch."""

    def _fit_train_values(self, eval_metric: Any) -> List[Any]:
        """The (name, value) pairs `fit` logs as an epoch's training metric."""
        return eval_metric.get_global_name_value()

    def _fit_epoch_end(self, train_data: Any) -> None:
        """Called by `fit` at the end of each epoch: rewinds the training data."""
        train_data.reset()

    # ------------------------------------------------------------ symbol and shapes
    @property
    def data_names(self) -> List[str]:
        """The names of the data inputs."""
        raise NotImplementedError()

    @property
    def output_names(self) -> List[str]:
        """The names of the outputs."""
        raise NotImplementedError()

    @property
    def data_shapes(self) -> List[DataDesc]:
        """The DataDescs of the data the module is bound to."""
        raise NotImplementedError()

    @property
    def label_shapes(self) -> Optional[List[DataDesc]]:
        """The DataDescs of the labels the module is bound to (None without labels)."""
        raise NotImplementedError()

    @property
    def output_shapes(self) -> List[Tuple[str, Tuple[int, ...]]]:
        """[(output name, shape)]."""
        raise NotImplementedError()

    @property
    def symbol(self) -> Any:
        """The module's symbol."""
        return self._symbol

    # ------------------------------------------------------------ parameters
    def get_params(self) -> Tuple[Dict[str, Any], Dict[str, Any]]:
        """(arg_params, aux_params): copies of the current parameters by name."""
        raise NotImplementedError()

    def init_params(self, initializer: Any = Uniform(0.01), arg_params: Any = None,
                    aux_params: Any = None, allow_missing: bool = False,
                    force_init: bool = False, allow_extra: bool = False) -> None:
        """Initialize the parameters (from `arg_params` / `aux_params`, else with
        `initializer`)."""
        raise NotImplementedError()

    def set_params(self, arg_params: Dict[str, Any], aux_params: Dict[str, Any],
                   allow_missing: bool = False, force_init: bool = True,
                   allow_extra: bool = False) -> None:
        """Assign the parameters (`init_params` without an initializer)."""
        self.init_params(initializer=None, arg_params=arg_params, aux_params=aux_params,
                         allow_missing=allow_missing, force_init=force_init,
                         allow_extra=allow_extra)

    def save_params(self, fname: str) -> None:
        """Save the parameters to `fname` (MXNet's .params file, keys arg:/aux:NAME)."""
        save_params_file(fname, *self.get_params())

    def load_params(self, fname: str) -> None:
        """Load the parameters `save_params` wrote (or an MXNet .params file)."""
        self.set_params(*split_params(ndarray.load(fname), fname, strict=True))

    def get_states(self, merge_multi_context: bool = True) -> List[Any]:
        """The state arrays (none for this module)."""
        self._require_ready("get_states")
        require(not merge_multi_context, "get_states: merge_multi_context=True is not "
                "supported")
        return []

    def set_states(self, states: Any = None, value: Any = None) -> None:
        """Set the state arrays (this module has none)."""
        self._require_ready("set_states")
        require(not states and not value, "set_states: this module has no states")

    def install_monitor(self, mon: Any) -> None:
        """Install a `mx.monitor.Monitor` on the module's executors."""
        raise NotImplementedError()

    # ------------------------------------------------------------ computation
    def prepare(self, data_batch: Any, sparse_row_id_fn: Any = None) -> None:
        """Prepare for a batch (nothing to do here; row_sparse parameters are not
        supported)."""
        if sparse_row_id_fn is not None:
            warnings.warn(UserWarning("sparse_row_id_fn is not invoked for BaseModule."))

    def forward(self, data_batch: Any, is_train: Optional[bool] = None) -> None:
        """Compute the outputs for `data_batch` (training mode per `is_train`, default the
        bind's `for_training`)."""
        raise NotImplementedError()

    def backward(self, out_grads: Any = None) -> None:
        """Compute the gradients (head gradients `out_grads` for outputs that are not
        losses)."""
        raise NotImplementedError()

    def get_outputs(self, merge_multi_context: bool = True) -> List[Any]:
        """The outputs of the last forward."""
        raise NotImplementedError()

    def get_input_grads(self, merge_multi_context: bool = True) -> List[Any]:
        """The gradients of the data inputs (bind with `inputs_need_grad=True`)."""
        raise NotImplementedError()

    def update(self) -> None:
        """Update the parameters with the optimizer and the last gradients."""
        raise NotImplementedError()

    def update_metric(self, eval_metric: Any, labels: Any, pre_sliced: bool = False) -> None:
        """Accumulate `eval_metric` over the last outputs and `labels`."""
        raise NotImplementedError()

    def bind(self, data_shapes: Any, label_shapes: Any = None, for_training: bool = True,
             inputs_need_grad: bool = False, force_rebind: bool = False,
             shared_module: Any = None, grad_req: Any = "write") -> None:
        """Allocate the arrays for the given data and label shapes."""
        raise NotImplementedError()

    def init_optimizer(self, kvstore: Any = "local", optimizer: Any = "sgd",
                       optimizer_params: Any = (("learning_rate", 0.01),),
                       force_init: bool = False) -> None:
        """Create the optimizer (and updater) the `update` calls use."""
        raise NotImplementedError()
