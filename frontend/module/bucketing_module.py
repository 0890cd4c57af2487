"""`BucketingModule`: one `Module` per bucket key, made from `sym_gen(bucket_key)`, for
inputs of varying length (an RNN unrolled to each bucket's sequence length).

The default bucket's module owns the parameters; every other bucket is bound with it as
`shared_module`, so all buckets compute with the same parameter arrays and share its
optimizer (`borrow_optimizer`). `forward` switches to the batch's `bucket_key`, binding
that bucket's module on first use from the batch's `provide_data` / `provide_label`.
"""
from __future__ import annotations

import logging
import warnings
from typing import Any, Callable, Dict, List, Optional, Tuple

import numpy as np

from .. import context as ctx
from .. import ndarray as nd
from .. import symbol as sym
from ..initializer import Uniform
from ..model import load_params
from ..name import NameManager
from .base_module import BaseModule, _check_input_names, require
from .module import Module


class BucketingModule(BaseModule):
    """A module switching between buckets, each a `Module` over `sym_gen(bucket_key)`,
    which returns `(symbol, data_names, label_names)`; the parameters are shared with the
    module of `default_bucket_key` (bound by `bind`, with the largest shapes usually). The
    other arguments are those of `Module`; `state_names` are inputs set by `set_states`."""

    def __init__(self, sym_gen: Callable[[Any], Tuple[Any, Any, Any]],
                 default_bucket_key: Any = None, logger: Any = logging,
                 context: Any = ctx.cpu(), work_load_list: Any = None,
                 fixed_param_names: Any = None, state_names: Any = None,
                 group2ctxs: Any = None, compression_params: Any = None):
        super().__init__(logger=logger)
        require(default_bucket_key is not None,
                "BucketingModule: default_bucket_key must be given (not None)")
        require(callable(sym_gen), "BucketingModule: sym_gen must be a function of the "
                "bucket key returning (symbol, data_names, label_names)")
        self._default_bucket_key = default_bucket_key
        self._sym_gen = sym_gen

        symbol, data_names, label_names = self._call_sym_gen(default_bucket_key)
        data_names = list(data_names) if data_names is not None else []
        label_names = list(label_names) if label_names is not None else []
        state_names = list(state_names) if state_names is not None else []
        fixed_param_names = list(fixed_param_names) if fixed_param_names is not None else []
        _check_input_names(symbol, data_names, "data", True)
        _check_input_names(symbol, label_names, "label", False)
        _check_input_names(symbol, state_names, "state", True)
        _check_input_names(symbol, fixed_param_names, "fixed_param", True)

        self._compression_params = compression_params
        self._fixed_param_names = fixed_param_names
        self._state_names = state_names
        self._context = context
        self._work_load_list = work_load_list
        self._group2ctxs = group2ctxs

        self._buckets: Dict[Any, Module] = {}
        self._curr_module: Optional[Module] = None
        self._curr_bucket_key: Any = None
        self._params_dirty = False
        self._monitor = None
        self._grad_req: Any = None

    def _reset_bind(self) -> None:
        self.binded = False
        self._buckets = {}
        self._curr_module = None
        self._curr_bucket_key = None

    def _call_sym_gen(self, *args: Any, **kwargs: Any) -> Tuple[Any, Any, Any]:
        with NameManager():
            generated = self._sym_gen(*args, **kwargs)
        if not isinstance(generated, (tuple, list)) or len(generated) != 3:
            raise ValueError("sym_gen must return (symbol, data_names, label_names), got %r"
                             % (generated,))
        return generated

    def _new_module(self, symbol: Any, data_names: Any, label_names: Any) -> Module:
        return Module(symbol, data_names, label_names, logger=self.logger,
                      context=self._context, work_load_list=self._work_load_list,
                      fixed_param_names=self._fixed_param_names,
                      state_names=self._state_names, group2ctxs=self._group2ctxs,
                      compression_params=self._compression_params)

    def _require_bound(self, what: str) -> None:
        require(self.binded, "%s: the BucketingModule is not bound; call bind() first"
                % what)

    # ------------------------------------------------------------ names and shapes
    @property
    def default_bucket_key(self) -> Any:
        """The key of the bucket that owns the parameters."""
        return self._default_bucket_key

    @property
    def data_names(self) -> List[str]:
        """The data names of the current bucket (of the default one before `bind`)."""
        if self.binded:
            return self._curr_module.data_names
        _, data_names, _ = self._call_sym_gen(self._default_bucket_key)
        return data_names

    @property
    def output_names(self) -> List[str]:
        """The output names of the current bucket (of the default one before `bind`)."""
        if self.binded:
            return self._curr_module.output_names
        symbol, _, _ = self._call_sym_gen(self._default_bucket_key)
        return symbol.list_outputs()

    @property
    def data_shapes(self) -> Any:
        """The data shapes of the current bucket."""
        self._require_bound("data_shapes")
        return self._curr_module.data_shapes

    @property
    def label_shapes(self) -> Any:
        """The label shapes of the current bucket (None if bound without labels)."""
        self._require_bound("label_shapes")
        return self._curr_module.label_shapes

    @property
    def output_shapes(self) -> Any:
        """[(output name, shape)] of the current bucket."""
        self._require_bound("output_shapes")
        return self._curr_module.output_shapes

    @property
    def symbol(self) -> Any:
        """The symbol of the current bucket."""
        self._require_bound("symbol")
        return self._curr_module.symbol

    # ------------------------------------------------------------ parameters
    def get_params(self) -> Tuple[Dict[str, Any], Dict[str, Any]]:
        """(arg_params, aux_params) shared by all buckets."""
        require(self.params_initialized,
                "get_params: the parameters are not initialized; call init_params() first")
        self._curr_module._params_dirty = self._params_dirty
        params = self._curr_module.get_params()
        self._params_dirty = False
        return params

    def set_params(self, arg_params: Dict[str, Any], aux_params: Dict[str, Any],
                   allow_missing: bool = False, force_init: bool = True,
                   allow_extra: bool = False) -> None:
        """Assign the parameters by name (all of them unless `allow_missing`)."""
        if not allow_missing:
            self.init_params(initializer=None, arg_params=arg_params, aux_params=aux_params,
                             allow_missing=allow_missing, force_init=force_init)
            return
        if self.params_initialized and not force_init:
            warnings.warn("Parameters already initialized and force_init=False. "
                          "set_params call ignored.", stacklevel=2)
            return
        self._curr_module.set_params(arg_params, aux_params, allow_missing=allow_missing,
                                     force_init=force_init, allow_extra=allow_extra)
        self._params_dirty = True
        self.params_initialized = True

    def init_params(self, initializer: Any = Uniform(0.01), arg_params: Any = None,
                    aux_params: Any = None, allow_missing: bool = False,
                    force_init: bool = False, allow_extra: bool = False) -> None:
        """Initialize the parameters through the current bucket's module (a second call
        without `force_init` does nothing, as in MXNet)."""
        if self.params_initialized and not force_init:
            return
        require(self.binded, "call bind before initializing the parameters")
        self._curr_module.init_params(initializer=initializer, arg_params=arg_params,
                                      aux_params=aux_params, allow_missing=allow_missing,
                                      force_init=force_init, allow_extra=allow_extra)
        self._params_dirty = False
        self.params_initialized = True

    def get_states(self, merge_multi_context: bool = True) -> List[Any]:
        """The `state_names` arrays of the current bucket."""
        self._require_ready("get_states")
        return self._curr_module.get_states(merge_multi_context=merge_multi_context)

    def set_states(self, states: Any = None, value: Any = None) -> None:
        """Set the current bucket's states from `states` or to the scalar `value`."""
        self._require_ready("set_states")
        self._curr_module.set_states(states, value)

    # ------------------------------------------------------------ binding
    def bind(self, data_shapes: Any, label_shapes: Any = None, for_training: bool = True,
             inputs_need_grad: bool = False, force_rebind: bool = False,
             shared_module: Any = None, grad_req: Any = "write") -> None:
        """Bind the default bucket's module to `data_shapes` / `label_shapes` (the other
        buckets are bound by `switch_bucket`). Initialized parameters are kept across a
        `force_rebind`; `shared_module` is not supported."""
        if self.params_initialized:
            arg_params, aux_params = self.get_params()
        if force_rebind:
            self._reset_bind()
        if self.binded:
            self.logger.warning("Already bound, ignoring bind()")
            return
        require(shared_module is None, "shared_module for BucketingModule is not supported")

        self.for_training = for_training
        self.inputs_need_grad = inputs_need_grad
        self.binded = True
        self._grad_req = grad_req

        if self._default_bucket_key in self._buckets:
            module = self._buckets[self._default_bucket_key]
        else:
            symbol, data_names, label_names = self._call_sym_gen(self._default_bucket_key)
            module = self._new_module(symbol, data_names, label_names)
        try:
            module.bind(data_shapes, label_shapes, for_training, inputs_need_grad,
                        force_rebind=False, shared_module=None, grad_req=self._grad_req)
        except BaseException:
            self.binded = False
            raise
        self._curr_module = module
        self._curr_bucket_key = self._default_bucket_key
        self._buckets[self._default_bucket_key] = module
        if self.params_initialized:
            self.set_params(arg_params, aux_params)

    def switch_bucket(self, bucket_key: Any, data_shapes: Any,
                      label_shapes: Any = None) -> None:
        """Make `bucket_key` the current bucket, first binding its module to `data_shapes`
        / `label_shapes` (sharing the default bucket's parameters) if it is new."""
        require(self.binded, "call bind before switching bucket")
        module = self._buckets.get(bucket_key)
        if module is None or not module.binded:
            if data_shapes is None:
                raise TypeError("switch_bucket: bucket %r is not bound yet, so its data "
                                "shapes are needed (a DataBatch of a new bucket must have "
                                "provide_data)" % (bucket_key,))
            if module is None:
                symbol, data_names, label_names = self._call_sym_gen(bucket_key)
                module = self._new_module(symbol, data_names, label_names)
            module.bind(data_shapes, label_shapes, self._curr_module.for_training,
                        self._curr_module.inputs_need_grad, force_rebind=False,
                        shared_module=self._buckets[self._default_bucket_key],
                        grad_req=self._grad_req)
            if self._monitor is not None and bucket_key not in self._buckets:
                module.install_monitor(self._monitor)
            self._buckets[bucket_key] = module
        self._curr_module = module
        self._curr_bucket_key = bucket_key

    # ------------------------------------------------------------ optimizer
    def init_optimizer(self, kvstore: Any = "local", optimizer: Any = "sgd",
                       optimizer_params: Any = (("learning_rate", 0.01),),
                       force_init: bool = False) -> None:
        """Create the optimizer on the current bucket's module; the other buckets borrow
        it (and buckets bound later borrow it when they bind)."""
        self._require_ready("init_optimizer")
        if self.optimizer_initialized and not force_init:
            self.logger.warning("optimizer already initialized, ignoring.")
            return
        self._curr_module.init_optimizer(kvstore, optimizer, optimizer_params,
                                         force_init=force_init)
        for mod in self._buckets.values():
            if mod is not self._curr_module:
                mod.borrow_optimizer(self._curr_module)
        self.optimizer_initialized = True

    # ------------------------------------------------------------ computation
    def prepare(self, data_batch: Any, sparse_row_id_fn: Any = None) -> None:
        """Bind the module of `data_batch.bucket_key` if new (the current bucket does not
        change)."""
        self._require_ready("prepare")
        original_bucket_key = self._curr_bucket_key
        self.switch_bucket(data_batch.bucket_key, data_batch.provide_data,
                           data_batch.provide_label)
        self._curr_module.prepare(data_batch, sparse_row_id_fn=sparse_row_id_fn)
        self.switch_bucket(original_bucket_key, None, None)

    def forward(self, data_batch: Any, is_train: Optional[bool] = None) -> None:
        """Switch to `data_batch.bucket_key` (binding it from the batch's `provide_data`
        / `provide_label` if new) and compute its outputs."""
        self._require_ready("forward")
        self.switch_bucket(data_batch.bucket_key, data_batch.provide_data,
                           data_batch.provide_label)
        self._curr_module.forward(data_batch, is_train=is_train)

    def backward(self, out_grads: Any = None) -> None:
        """Compute the gradients of the current bucket's last forward."""
        self._require_ready("backward")
        self._curr_module.backward(out_grads=out_grads)

    def update(self) -> None:
        """Update the shared parameters with the current bucket's gradients."""
        self._require_ready("update")
        require(self.optimizer_initialized,
                "update: the optimizer is not initialized; call init_optimizer() first")
        self._params_dirty = True
        self._curr_module.update()

    def get_outputs(self, merge_multi_context: bool = True) -> List[Any]:
        """The outputs of the current bucket's last forward."""
        self._require_ready("get_outputs")
        return self._curr_module.get_outputs(merge_multi_context=merge_multi_context)

    def get_input_grads(self, merge_multi_context: bool = True) -> List[Any]:
        """The gradients of the current bucket's data inputs (bind with
        `inputs_need_grad=True`)."""
        self._require_ready("get_input_grads")
        require(self.inputs_need_grad,
                "get_input_grads: bind the module with inputs_need_grad=True")
        return self._curr_module.get_input_grads(merge_multi_context=merge_multi_context)

    def update_metric(self, eval_metric: Any, labels: Any, pre_sliced: bool = False) -> None:
        """Accumulate `eval_metric` over the current bucket's outputs and `labels`."""
        self._require_ready("update_metric")
        self._curr_module.update_metric(eval_metric, labels, pre_sliced)

    def install_monitor(self, mon: Any) -> None:
        """Install `mon` on every bucket's executor (and on buckets bound later)."""
        self._require_bound("install_monitor")
        self._monitor = mon
        for mod in self._buckets.values():
            mod.install_monitor(mon)

    # ------------------------------------------------------------ checkpoints
    def save_checkpoint(self, prefix: str, epoch: int, remove_amp_cast: bool = False) -> None:
        """Write `prefix-%04d.params`, each bucket's `prefix-KEY-symbol.json` and the bucket
        keys (integers) to `prefix.buckets`, as MXNet does."""
        require(len(self._buckets) > 0, "Empty BucketingModule cannot be saved")
        self.save_params("%s-%04d.params" % (prefix, epoch))
        for bucket_key in self._buckets:
            symbol, _, _ = self._call_sym_gen(bucket_key)
            symbol.save("%s-%s-symbol.json" % (prefix, bucket_key),
                        remove_amp_cast=remove_amp_cast)
        nd.save("%s.buckets" % prefix, nd.array(list(self._buckets.keys()), dtype=np.int32))

    @staticmethod
    def load(prefix: str, epoch: int, sym_gen: Any = None, default_bucket_key: Any = None,
             **kwargs: Any) -> "BucketingModule":
        """A BucketingModule over the checkpoint `save_checkpoint` wrote (`sym_gen` gives
        the data and label names of each bucket); the parameters are used at `bind`.
        `kwargs` go to the constructor and each bucket's Module."""
        require(sym_gen is not None, "sym_gen is required for loading BucketingModule")
        require(default_bucket_key is not None,
                "default_bucket_key is required for loading BucketingModule")
        buckets = nd.load("%s.buckets" % prefix)
        buckets = [int(k) for k in buckets[0].asnumpy().astype("int32")]
        bucketing_mod = BucketingModule(sym_gen, default_bucket_key, **kwargs)
        for bucket_key in buckets:
            _, data_names, label_names = sym_gen(bucket_key)
            symbol = sym.load("%s-%s-symbol.json" % (prefix, bucket_key))
            bucketing_mod._buckets[bucket_key] = Module(symbol, data_names, label_names,
                                                        **kwargs)
            if bucket_key == default_bucket_key:
                bucketing_mod._curr_module = bucketing_mod._buckets[bucket_key]
        arg_params, aux_params = load_params(prefix, epoch)
        bucketing_mod._adopt_params(arg_params, aux_params, "load")
        return bucketing_mod

    @staticmethod
    def load_dict(sym_dict: Any = None, sym_gen: Any = None, default_bucket_key: Any = None,
                  arg_params: Any = None, aux_params: Any = None,
                  **kwargs: Any) -> "BucketingModule":
        """A BucketingModule over `sym_dict` (bucket key -> symbol) with the parameters
        `arg_params` / `aux_params` shared by all buckets (used at `bind`)."""
        require(sym_dict is not None,
                "sym_dict needs to be provided for BucketingModule.load_dict")
        require(arg_params is not None,
                "arg_params need to be provided for BucketingModule.load_dict")
        require(aux_params is not None,
                "aux_params need to be provided for BucketingModule.load_dict")
        require(default_bucket_key is not None,
                "default_bucket_key needs to be provided for BucketingModule.load_dict")
        bucketing_mod = BucketingModule(sym_gen, default_bucket_key, **kwargs)
        for bucket_key, loaded_sym in sym_dict.items():
            _, data_names, label_names = sym_gen(default_bucket_key)
            bucketing_mod._buckets[bucket_key] = Module(loaded_sym, data_names, label_names,
                                                        **kwargs)
            if bucket_key == default_bucket_key:
                bucketing_mod._curr_module = bucketing_mod._buckets[bucket_key]
        bucketing_mod._adopt_params(arg_params, aux_params, "load_dict")
        return bucketing_mod

    def _adopt_params(self, arg_params: Dict[str, Any], aux_params: Dict[str, Any],
                      what: str) -> None:
        require(self._curr_module is not None,
                "BucketingModule.%s: the default bucket %r is not among the buckets"
                % (what, self._default_bucket_key))
        self._curr_module._arg_params = arg_params
        self._curr_module._aux_params = aux_params
        self._curr_module.params_initialized = True
        self.params_initialized = True
