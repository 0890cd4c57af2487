"""`Module`: MXNet's symbolic training API over one symbol — bind it to data shapes,
initialize its parameters, then `forward` / `backward` / `update` (or `fit`).

The module keeps its own copies of the parameters (`get_params`), synchronized from the
executor when they are asked for after updates, as in MXNet.
"""
from __future__ import annotations

import logging
import warnings
from typing import Any, Dict, List, Optional, Sequence, Tuple

import numpy as np

from .. import context as ctx
from .. import optimizer as opt
from ..initializer import InitDesc, Uniform
from ..io import DataDesc
from ..ir import MXNetError
from ..model import (_create_kvstore, _initialize_kvstore, _update_params,
                     _update_params_on_kvstore, load_checkpoint)
from .base_module import BaseModule, _check_input_names, _parse_data_desc, require
from .executor_group import DataParallelExecutorGroup


class Module(BaseModule):
    """A module over `symbol`: `data_names` and `label_names` are its inputs (the other
    arguments are parameters, those in `fixed_param_names` not trained); `context` may be a
    Context or a list (tapegraph computes on the CPU whatever it is)."""

    def __init__(self, symbol: Any, data_names: Optional[Sequence[str]] = ("data",),
                 label_names: Optional[Sequence[str]] = ("softmax_label",),
                 logger: Any = logging, context: Any = ctx.cpu(),
                 work_load_list: Optional[Sequence[Any]] = None,
                 fixed_param_names: Optional[Sequence[str]] = None,
                 state_names: Optional[Sequence[str]] = None, group2ctxs: Any = None,
                 compression_params: Any = None):
        super().__init__(logger=logger)
        if isinstance(context, ctx.Context):
            context = [context]
        self._context = list(context)
        if work_load_list is None:
            work_load_list = [1] * len(self._context)
        if len(work_load_list) != len(self._context):
            raise ValueError("work_load_list has %d entries for %d contexts"
                             % (len(work_load_list), len(self._context)))
        self._work_load_list = work_load_list
        self._group2ctxs = group2ctxs
        self._symbol = symbol
        data_names = list(data_names) if data_names is not None else []
        label_names = list(label_names) if label_names is not None else []
        state_names = list(state_names) if state_names is not None else []
        fixed_param_names = list(fixed_param_names) if fixed_param_names is not None else []
        _check_input_names(symbol, data_names, "data", True)
        _check_input_names(symbol, label_names, "label", False)
        _check_input_names(symbol, state_names, "state", True)
        _check_input_names(symbol, fixed_param_names, "fixed_param", True)

        input_names = data_names + label_names + state_names
        self._param_names = [x for x in symbol.list_arguments() if x not in input_names]
        self._fixed_param_names = fixed_param_names
        self._aux_names = symbol.list_auxiliary_states()
        self._data_names = data_names
        self._label_names = label_names
        self._state_names = state_names
        self._output_names = symbol.list_outputs()

        self._arg_params: Optional[Dict[str, Any]] = None
        self._aux_params: Optional[Dict[str, Any]] = None
        self._params_dirty = False
        self._compression_params = compression_params
        self._optimizer = None
        self._kvstore = None
        self._update_on_kvstore = None
        self._updater = None
        self._preload_opt_states: Optional[str] = None
        self._grad_req = None
        self._exec_group: Optional[DataParallelExecutorGroup] = None
        self._data_shapes: Optional[List[DataDesc]] = None
        self._label_shapes: Optional[List[DataDesc]] = None

    # ------------------------------------------------------------ checkpoints
    @staticmethod
    def load(prefix: str, epoch: int, load_optimizer_states: bool = False,
             **kwargs: Any) -> "Module":
        """A Module over the checkpoint `prefix` at `epoch` (its parameters are used when
        it is bound; `load_optimizer_states` restores `prefix-%04d.states` at
        `init_optimizer`). `kwargs` go to `Module(...)`."""
        sym, args, auxs = load_checkpoint(prefix, epoch)
        mod = Module(symbol=sym, **kwargs)
        mod._arg_params = args
        mod._aux_params = auxs
        mod.params_initialized = True
        if load_optimizer_states:
            mod._preload_opt_states = "%s-%04d.states" % (prefix, epoch)
        return mod

    def save_checkpoint(self, prefix: str, epoch: int, save_optimizer_states: bool = False,
                        remove_amp_cast: bool = True) -> None:
        """Write `prefix-symbol.json`, `prefix-%04d.params` (and `.states` with
        `save_optimizer_states`) as MXNet does."""
        self._symbol.save("%s-symbol.json" % prefix, remove_amp_cast=remove_amp_cast)
        param_name = "%s-%04d.params" % (prefix, epoch)
        self.save_params(param_name)
        logging.info('Saved checkpoint to "%s"', param_name)
        if save_optimizer_states:
            state_name = "%s-%04d.states" % (prefix, epoch)
            self.save_optimizer_states(state_name)
            logging.info('Saved optimizer state to "%s"', state_name)

    # ------------------------------------------------------------ names and shapes
    def _reset_bind(self) -> None:
        self.binded = False
        self._exec_group = None
        self._data_shapes = None
        self._label_shapes = None

    @property
    def data_names(self) -> List[str]:
        """The names of the data inputs."""
        return self._data_names

    @property
    def label_names(self) -> List[str]:
        """The names of the label inputs."""
        return self._label_names

    @property
    def output_names(self) -> List[str]:
        """The names of the symbol's outputs."""
        return self._output_names

    @property
    def data_shapes(self) -> List[DataDesc]:
        """The DataDescs of the bound data."""
        require(self.binded, "data_shapes: the module is not bound; call bind() first")
        return self._data_shapes

    @property
    def label_shapes(self) -> Optional[List[DataDesc]]:
        """The DataDescs of the bound labels (None if bound without labels)."""
        require(self.binded, "label_shapes: the module is not bound; call bind() first")
        return self._label_shapes

    @property
    def output_shapes(self) -> List[Tuple[str, Tuple[int, ...]]]:
        """[(output name, shape)] for the bound shapes."""
        require(self.binded, "output_shapes: the module is not bound; call bind() first")
        return self._exec_group.get_output_shapes()

    # ------------------------------------------------------------ parameters
    def get_params(self) -> Tuple[Dict[str, Any], Dict[str, Any]]:
        """(arg_params, aux_params): the module's parameter arrays by name, synchronized
        with the executor."""
        require(self.params_initialized,
                "get_params: the parameters are not initialized; call init_params() first")
        if self._params_dirty:
            self._sync_params_from_devices()
        return self._arg_params, self._aux_params

    def init_params(self, initializer: Any = Uniform(0.01), arg_params: Any = None,
                    aux_params: Any = None, allow_missing: bool = False,
                    force_init: bool = False, allow_extra: bool = False) -> None:
        """Initialize each parameter from `arg_params` / `aux_params` (name -> array) or,
        if missing there (needs `allow_missing`) or no dict is given, with `initializer`.
        Names the module does not have are ignored, as in MXNet. A second call without
        `force_init` is ignored with a warning."""
        if self.params_initialized and not force_init:
            warnings.warn("Parameters already initialized and force_init=False. "
                          "init_params call ignored.", stacklevel=2)
            return
        require(self.binded, "call bind before initializing the parameters")
        for given, names in ((arg_params, self._arg_params), (aux_params, self._aux_params)):
            if given is None:
                continue
            if not allow_missing:
                missing = sorted(n for n in names if n not in given)
                if missing:
                    raise RuntimeError("%s is not presented" % missing[0])
            for name, value in given.items():
                if name in names and tuple(value.shape) != tuple(names[name].shape):
                    raise MXNetError("init_params: %s has shape %s, the module expects %s"
                                     % (name, tuple(value.shape), tuple(names[name].shape)))
        for given, names, what in ((arg_params, self._arg_params, "arg_params"),
                                   (aux_params, self._aux_params, "aux_params")):
            if initializer is None and given is None and names:
                raise ValueError("init_params: neither an initializer nor %s given" % what)
        attrs = self._symbol.attr_dict()

        def init_one(name: str, arr: Any, cache: Optional[Dict[str, Any]]) -> None:
            desc = InitDesc(name, attrs.get(name, None))
            if cache is not None and name in cache:
                if cache[name] is not arr:
                    arr[:] = np.asarray(cache[name].asnumpy()).astype(arr.dtype)
            elif initializer is not None:
                initializer(desc, arr)

        for name, arr in sorted(self._arg_params.items()):
            init_one(name, arr, arg_params)
        for name, arr in sorted(self._aux_params.items()):
            init_one(name, arr, aux_params)
        self.params_initialized = True
        self._params_dirty = False
        self._exec_group.set_params(self._arg_params, self._aux_params, allow_extra=True)

    def set_params(self, arg_params: Dict[str, Any], aux_params: Dict[str, Any],
                   allow_missing: bool = False, force_init: bool = True,
                   allow_extra: bool = False) -> None:
        """Assign the parameters by name (all of them unless `allow_missing`)."""
        if not allow_missing:
            self.init_params(initializer=None, arg_params=arg_params, aux_params=aux_params,
                             allow_missing=allow_missing, force_init=force_init,
                             allow_extra=allow_extra)
            return
        if self.params_initialized and not force_init:
            warnings.warn("Parameters already initialized and force_init=False. "
                          "set_params call ignored.", stacklevel=2)
            return
        require(self.binded, "set_params: the module is not bound; call bind() first")
        self._exec_group.set_params(arg_params, aux_params, allow_extra=allow_extra)
        self._params_dirty = True
        self.params_initialized = True

    def _sync_params_from_devices(self) -> None:
        self._exec_group.get_params(self._arg_params, self._aux_params)
        self._params_dirty = False

    # ------------------------------------------------------------ binding
    def bind(self, data_shapes: Any, label_shapes: Any = None, for_training: bool = True,
             inputs_need_grad: bool = False, force_rebind: bool = False,
             shared_module: Optional["Module"] = None, grad_req: Any = "write") -> None:
        """Bind to `data_shapes` / `label_shapes` ([(name, shape)] or DataDescs): allocate
        the arrays (and gradients when `for_training`). A bound module ignores another
        bind (with a warning) unless `force_rebind`; `shared_module` shares its
        parameters with this module."""
        if force_rebind:
            self._reset_bind()
        if self.binded:
            self.logger.warning("Already bound, ignoring bind()")
            return
        require(for_training or not inputs_need_grad,
                "bind: inputs_need_grad=True needs for_training=True")
        data_shapes, label_shapes = _parse_data_desc(self.data_names, self.label_names,
                                                     data_shapes, label_shapes)
        if shared_module is not None:
            require(isinstance(shared_module, Module) and shared_module.binded and
                    shared_module.params_initialized,
                    "bind: shared_module must be a bound Module with initialized parameters")
            shared_group = shared_module._exec_group
        else:
            shared_group = None
        group = DataParallelExecutorGroup(
            self._symbol, self._context, self._work_load_list, data_shapes, label_shapes,
            self._param_names, for_training, inputs_need_grad, shared_group,
            logger=self.logger, fixed_param_names=self._fixed_param_names, grad_req=grad_req,
            group2ctxs=self._group2ctxs, state_names=self._state_names)
        self.for_training = for_training
        self.inputs_need_grad = inputs_need_grad
        self._grad_req = grad_req
        self._data_shapes, self._label_shapes = data_shapes, label_shapes
        self._exec_group = group
        if shared_module is not None:
            self.params_initialized = True
            self._arg_params = shared_module._arg_params
            self._aux_params = shared_module._aux_params
        elif self.params_initialized:
            # re-binding (or loaded with Module.load): the parameters go to the executor
            group.set_params(self._arg_params, self._aux_params)
        else:
            self._arg_params = {name: arr[0].copy()
                                for name, arr in zip(self._param_names, group.param_arrays)}
            self._aux_params = {name: arr[0].copy()
                                for name, arr in zip(self._aux_names, group.aux_arrays)}
        if shared_module is not None and shared_module.optimizer_initialized:
            self.borrow_optimizer(shared_module)
        self.binded = True

    def reshape(self, data_shapes: Any, label_shapes: Any = None) -> None:
        """Rebind for new data / label shapes (e.g. another batch size), keeping the
        parameters and the optimizer."""
        require(self.binded, "reshape: the module is not bound; call bind() first")
        data_shapes, label_shapes = _parse_data_desc(self.data_names, self.label_names,
                                                     data_shapes, label_shapes)
        self._exec_group.reshape(data_shapes, label_shapes)
        self._data_shapes, self._label_shapes = data_shapes, label_shapes

    # ------------------------------------------------------------ optimizer
    def init_optimizer(self, kvstore: Any = "local", optimizer: Any = "sgd",
                       optimizer_params: Any = (("learning_rate", 0.01),),
                       force_init: bool = False) -> None:
        """Create the optimizer (by name with `optimizer_params`, rescale_grad defaulting
        to 1 / batch size, or an Optimizer) and its updater or kvstore."""
        self._require_ready("init_optimizer")
        if self.optimizer_initialized and not force_init:
            self.logger.warning("optimizer already initialized, ignoring...")
            return
        if self._params_dirty:
            self._sync_params_from_devices()
        kvstore, update_on_kvstore = _create_kvstore(kvstore, len(self._context),
                                                     self._arg_params)
        batch_size = self._exec_group.batch_size
        if kvstore and "dist" in kvstore.type and "_sync" in kvstore.type:
            batch_size *= kvstore.num_workers
        rescale_grad = 1.0 / batch_size
        idx2name = dict(enumerate(self._exec_group.param_names))
        if isinstance(optimizer, str):
            optimizer_params = dict(optimizer_params)
            optimizer_params.setdefault("rescale_grad", rescale_grad)
            optimizer = opt.create(optimizer, sym=self.symbol, param_idx2name=idx2name,
                                   **optimizer_params)
        else:
            if not isinstance(optimizer, opt.Optimizer):
                raise TypeError("init_optimizer: optimizer must be a name or an "
                                "mx.optimizer.Optimizer, got %s" % type(optimizer).__name__)
            if optimizer.rescale_grad != rescale_grad:
                warnings.warn("Optimizer created manually outside Module but rescale_grad "
                              "is not normalized to 1.0/batch_size/num_workers (%s vs. %s). "
                              "Is this intended?" % (optimizer.rescale_grad, rescale_grad),
                              stacklevel=2)
            if not optimizer.idx2name:
                optimizer.idx2name = idx2name.copy()
        self._optimizer = optimizer
        self._kvstore = kvstore
        self._update_on_kvstore = update_on_kvstore
        self._updater = None
        if kvstore:
            if self._compression_params:
                kvstore.set_gradient_compression(self._compression_params)
            if update_on_kvstore:
                kvstore.set_optimizer(self._optimizer)
            _initialize_kvstore(kvstore=kvstore, param_arrays=self._exec_group.param_arrays,
                                arg_params=self._arg_params, param_names=self._param_names,
                                update_on_kvstore=update_on_kvstore)
        if not update_on_kvstore:
            self._updater = opt.get_updater(optimizer)
        self.optimizer_initialized = True
        if self._preload_opt_states is not None:
            self.load_optimizer_states(self._preload_opt_states)
            self._preload_opt_states = None

    def borrow_optimizer(self, shared_module: "Module") -> None:
        """Use `shared_module`'s optimizer, kvstore and updater."""
        require(shared_module.optimizer_initialized,
                "borrow_optimizer: the shared module has no optimizer; call init_optimizer")
        self._optimizer = shared_module._optimizer
        self._kvstore = shared_module._kvstore
        self._update_on_kvstore = shared_module._update_on_kvstore
        self._updater = shared_module._updater
        self.optimizer_initialized = True

    def save_optimizer_states(self, fname: str) -> None:
        """Write the optimizer's states (the updater's, or the kvstore's) to `fname`."""
        require(self.optimizer_initialized,
                "save_optimizer_states: the optimizer is not initialized; call "
                "init_optimizer() first")
        if self._update_on_kvstore:
            self._kvstore.save_optimizer_states(fname)
        else:
            with open(fname, "wb") as fout:
                fout.write(self._updater.get_states())

    def load_optimizer_states(self, fname: str) -> None:
        """Restore the optimizer's states from `fname`."""
        require(self.optimizer_initialized,
                "load_optimizer_states: the optimizer is not initialized; call "
                "init_optimizer() first")
        if self._update_on_kvstore:
            self._kvstore.load_optimizer_states(fname)
        else:
            with open(fname, "rb") as fin:
                self._updater.set_states(fin.read())

    # ------------------------------------------------------------ computation
    def forward(self, data_batch: Any, is_train: Optional[bool] = None) -> None:
        """Compute the outputs for `data_batch`; a batch of other shapes than the bound
        ones reshapes the module first."""
        self._require_ready("forward")
        if isinstance(data_batch, list):
            raise MXNetError("forward: a list of DataBatches (pre-sliced per device) is not "
                             "supported; pass one DataBatch")
        if data_batch is None or not hasattr(data_batch, "data"):
            raise ValueError("forward: data_batch must be a DataBatch, got %s"
                             % type(data_batch).__name__)
        current = tuple(tuple(d.shape) for d in self._data_shapes)
        new = tuple(tuple(d.shape) for d in data_batch.data)
        if current != new and len(current) == len(new):
            if getattr(data_batch, "provide_data", None):
                new_dshape = data_batch.provide_data
            else:
                new_dshape = [DataDesc(d.name, shape, d.dtype, d.layout)
                              for d, shape in zip(self._data_shapes, new)]
            if getattr(data_batch, "provide_label", None):
                new_lshape = data_batch.provide_label
            elif getattr(data_batch, "label", None) and self._label_shapes:
                new_lshape = [DataDesc(d.name, tuple(j.shape), d.dtype, d.layout)
                              for d, j in zip(self._label_shapes, data_batch.label)]
            else:
                new_lshape = None
            self.reshape(new_dshape, new_lshape)
        self._exec_group.forward(data_batch, is_train)

    def backward(self, out_grads: Any = None) -> None:
        """Compute the gradients of the last forward (`out_grads`: head gradients)."""
        self._require_ready("backward")
        self._exec_group.backward(out_grads=out_grads)

    def update(self) -> None:
        """Apply the optimizer to every trained parameter with its gradient."""
        self._require_ready("update")
        require(self.optimizer_initialized,
                "update: the optimizer is not initialized; call init_optimizer() first")
        self._params_dirty = True
        group = self._exec_group
        if self._update_on_kvstore:
            _update_params_on_kvstore(group.param_arrays, group.grad_arrays, self._kvstore,
                                      group.param_names)
        else:
            _update_params(group.param_arrays, group.grad_arrays, updater=self._updater,
                           num_device=1, kvstore=self._kvstore, param_names=group.param_names)

    def get_outputs(self, merge_multi_context: bool = True) -> List[Any]:
        """The outputs of the last forward."""
        self._require_ready("get_outputs")
        return self._exec_group.get_outputs(merge_multi_context=merge_multi_context)

    def get_input_grads(self, merge_multi_context: bool = True) -> List[Any]:
        """The gradients of the data inputs (bind with `inputs_need_grad=True`)."""
        self._require_ready("get_input_grads")
        require(self.inputs_need_grad,
                "get_input_grads: bind the module with inputs_need_grad=True")
        return self._exec_group.get_input_grads(merge_multi_context=merge_multi_context)

    def get_states(self, merge_multi_context: bool = True) -> List[Any]:
        """The arrays of the `state_names` inputs."""
        self._require_ready("get_states")
        return self._exec_group.get_states(merge_multi_context=merge_multi_context)

    def set_states(self, states: Any = None, value: Any = None) -> None:
        """Set the `state_names` inputs from `states` or to the scalar `value`."""
        self._require_ready("set_states")
        self._exec_group.set_states(states, value)

    def update_metric(self, eval_metric: Any, labels: Any, pre_sliced: bool = False) -> None:
        """Accumulate `eval_metric` over the last outputs and `labels`."""
        require(self.binded, "update_metric: the module is not bound; call bind() first")
        self._exec_group.update_metric(eval_metric, labels, pre_sliced)

    def install_monitor(self, mon: Any) -> None:
        """Install `mon` (a `mx.monitor.Monitor`) on the executor."""
        require(self.binded, "install_monitor: the module is not bound; call bind() first")
        self._exec_group.install_monitor(mon)

    def prepare(self, data_batch: Any, sparse_row_id_fn: Any = None) -> None:
        """Prepare for a batch (row_sparse parameters are not supported: nothing to do)."""
        require(self.binded, "prepare: the module is not bound; call bind() first")
        if sparse_row_id_fn is not None:
            warnings.warn(UserWarning("Parameters are not updated in the KVStore. "
                                      "No need to call sparse_row_id_fn."))

