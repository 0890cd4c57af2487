"""`SVRGModule`: a `Module` trained by stochastic variance-reduced gradient (SVRG), as
MXNet 1.9.1's `mxnet.contrib.svrg_optimization.svrg_module`.

Every `update_freq` epochs the module snapshots its weights into an auxiliary module and
averages the auxiliary module's gradients over all the training data (`update_full_grads`).
Each batch then runs through both modules and the gradient applied is

    g(current weights) - g(snapshot weights) + average full gradient

tapegraph's modules bind one executor for all their contexts, so the per-device lists here
(`_param_dict`, the executor group's arrays) have one entry; with a kvstore (several
contexts) the full gradients still go through `<name>_full` keys as in MXNet, and the sums
the kvstore forms are the same.
"""
from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional

from ... import ndarray as nd
from ... import optimizer as opt
from ...context import cpu
from ...model import _create_kvstore
from ...module import Module
from .svrg_optimizer import _SVRGOptimizer

_FREQ_MESSAGE = ("update_freq in SVRGModule must be %s to represent the frequency for "
                 "calculating full gradients")


class SVRGModule(Module):
    """A Module trained with SVRG; the arguments are `Module`'s, plus `update_freq`: the
    full gradients are computed over all the data every `update_freq` epochs (a positive
    int; there is no default, as in MXNet).

    >>> mod = SVRGModule(symbol=lro, data_names=['data'], label_names=['lin_reg_label'],
    ...                  update_freq=2)
    >>> mod.fit(di, eval_metric='mse', optimizer='sgd',
    ...         optimizer_params=(('learning_rate', 0.025),), num_epoch=10)
    """

    def __init__(self, symbol: Any, data_names: Any = ("data",),
                 label_names: Any = ("softmax_label",), logger: Any = logging,
                 context: Any = cpu(), work_load_list: Any = None,
                 fixed_param_names: Any = None, state_names: Any = None, group2ctxs: Any = None,
                 compression_params: Any = None, update_freq: Any = None):
        super().__init__(symbol, data_names=data_names, label_names=label_names,
                         logger=logger, context=context, work_load_list=work_load_list,
                         fixed_param_names=fixed_param_names, state_names=state_names,
                         group2ctxs=group2ctxs, compression_params=compression_params)
        if not isinstance(update_freq, int):
            raise TypeError(_FREQ_MESSAGE % "an integer")
        if update_freq <= 0:
            raise ValueError(_FREQ_MESSAGE % "a positive integer")
        self.update_freq = update_freq
        self._mod_aux = Module(symbol, data_names, label_names, logger, context,
                               work_load_list, fixed_param_names, state_names, group2ctxs,
                               compression_params)
        # per executor slot: parameter name -> average full gradient
        self._param_dict: Optional[List[Dict[str, Any]]] = None
        self._ctx_len = len(self._context)

    def _slots(self) -> int:
        """How many per-device copies the executor group keeps of each array."""
        return len(self._exec_group.execs)

    # ------------------------------------------------------------ both modules
    def _reset_bind(self) -> None:
        super()._reset_bind()
        self._mod_aux._reset_bind()

    def bind(self, data_shapes: Any, label_shapes: Any = None, for_training: bool = True,
             inputs_need_grad: bool = False, force_rebind: bool = False,
             shared_module: Any = None, grad_req: Any = "write") -> None:
        """Bind this module and, when `for_training`, the auxiliary one (see
        `Module.bind`)."""
        super().bind(data_shapes, label_shapes, for_training, inputs_need_grad, force_rebind,
                     shared_module, grad_req)
        if for_training:
            self._mod_aux.bind(data_shapes, label_shapes, for_training, inputs_need_grad,
                               force_rebind, shared_module, grad_req)

    def reshape(self, data_shapes: Any, label_shapes: Any = None) -> None:
        """Reshape both modules for new input shapes."""
        super().reshape(data_shapes, label_shapes=label_shapes)
        self._mod_aux.reshape(data_shapes, label_shapes=label_shapes)

    def prepare(self, data_batch: Any, sparse_row_id_fn: Any = None) -> None:
        """Prepare both modules for `data_batch`."""
        super().prepare(data_batch, sparse_row_id_fn=sparse_row_id_fn)
        self._mod_aux.prepare(data_batch, sparse_row_id_fn=sparse_row_id_fn)

    def forward(self, data_batch: Any, is_train: Optional[bool] = None) -> None:
        """Forward this module; the auxiliary one too when `is_train` is true (not when
        it is None, as in MXNet)."""
        super().forward(data_batch, is_train)
        if is_train:
            self._mod_aux.forward(data_batch, is_train)

    def backward(self, out_grads: Any = None) -> None:
        """Backward this module, and the auxiliary one if it is bound."""
        super().backward(out_grads)
        if self._mod_aux.binded:
            self._mod_aux.backward(out_grads)

    def update(self) -> None:
        """Replace the gradients by SVRG's (see the module docstring), then update the
        parameters with the optimizer."""
        self._update_svrg_gradients()
        super().update()

    # ------------------------------------------------------------ optimizer
    def init_optimizer(self, kvstore: Any = "local", optimizer: Any = "sgd",
                       optimizer_params: Any = (("learning_rate", 0.01),),
                       force_init: bool = False) -> None:
        """Install an `_SVRGOptimizer` wrapping `optimizer` (created with
        `optimizer_params`, rescale_grad defaulting to 1 / batch size), and zero the full
        gradients. With a kvstore, keys `<name>_full` are initialized to zeros for the full
        gradients (and, when the kvstore updates the weights, pulled into the weights, as
        MXNet does)."""
        self._param_dict = [{name: nd.zeros(shape=value.shape, ctx=self._context[i])
                             for name, value in self.get_params()[0].items()}
                            for i in range(self._slots())]
        svrg_optimizer = self._create_optimizer(_SVRGOptimizer.__name__, default_opt=optimizer,
                                                kvstore=kvstore,
                                                optimizer_params=optimizer_params)
        super().init_optimizer(kvstore=kvstore, optimizer=svrg_optimizer,
                               optimizer_params=optimizer_params, force_init=force_init)
        if self._kvstore:
            group = self._exec_group
            for idx, param_on_devs in enumerate(group.param_arrays):
                name = group.param_names[idx]
                self._kvstore.init(name + "_full", nd.zeros(shape=self._arg_params[name].shape))
                if self._update_on_kvstore:
                    self._kvstore.pull(name + "_full", param_on_devs, priority=-idx)

    def _create_optimizer(self, optimizer: str, default_opt: Any, kvstore: Any,
                          optimizer_params: Any) -> opt.Optimizer:
        """The registered optimizer `optimizer` (`_SVRGOptimizer`) over `default_opt`, with
        the indices of the parameters and of their `_full` keys named."""
        batch_size = self._exec_group.batch_size
        kv_store, update_on_kvstore = _create_kvstore(kvstore, self._ctx_len,
                                                      self._arg_params)
        if kv_store and "dist" in kv_store.type and "_sync" in kv_store.type:
            batch_size *= kv_store.num_workers
        names = self._exec_group.param_names
        if update_on_kvstore:
            idx2name = dict(enumerate(names))
        else:
            slots = self._slots()
            idx2name = {i * slots + k: n for k in range(slots) for i, n in enumerate(names)}
        for name in self._param_dict[0]:
            idx2name[max(idx2name) + 1] = name + "_full"
        params = dict(optimizer_params)
        params.setdefault("rescale_grad", 1.0 / batch_size)
        params["default_optimizer"] = default_opt
        params["param_idx2name"] = idx2name
        return opt.create(optimizer, **params)

    # ------------------------------------------------------------ full gradients
    def update_full_grads(self, train_data: Any) -> None:
        """Snapshot the current weights into the auxiliary module and average its
        gradients over all of `train_data` (the last batch's padding counted out); with a
        kvstore the averages are summed there across devices and workers.

        As in MXNet, the averages are added to the previous ones before dividing (they are
        zeroed by `init_optimizer` only)."""
        param_names = self._exec_group.param_names
        arg, aux = self.get_params()
        self._mod_aux.set_params(arg_params=arg, aux_params=aux)
        train_data.reset()
        nbatch = 0
        padding = 0
        for batch in train_data:
            self._mod_aux.forward(batch, is_train=True)
            self._mod_aux.backward()
            nbatch += 1
            for slot in range(self._slots()):
                for index, name in enumerate(param_names):
                    grads = self._mod_aux._exec_group.grad_arrays[index][slot]
                    self._param_dict[slot][name] = self._param_dict[slot][name] + grads
            padding = batch.pad
        true_num_batch = nbatch - padding / train_data.batch_size
        for name in param_names:
            grad_list = []
            for slot in range(self._slots()):
                self._param_dict[slot][name] /= true_num_batch
                grad_list.append(self._param_dict[slot][name])
            if self._kvstore:
                self._accumulate_kvstore(name, grad_list)

    def _accumulate_kvstore(self, key: str, value: List[Any]) -> None:
        """Sum the full gradients `value` of every device and worker in the kvstore (key
        `<key>_full`) and give each device its share."""
        self._kvstore.push(key + "_full", value)
        self._kvstore._barrier()
        self._kvstore.pull(key + "_full", value)
        self._allocate_gradients(key, value)

    def _allocate_gradients(self, key: str, value: List[Any]) -> None:
        """Each device's share of the full gradients summed in the kvstore."""
        for slot in range(self._slots()):
            self._param_dict[slot][key] = value[slot] / self._slots()

    @staticmethod
    def _svrg_grads_update_rule(g_curr_batch_curr_weight: Any, g_curr_batch_special_weight: Any,
                                g_special_weight_all_batch: Any) -> Any:
        """SVRG's gradient, in place in the first array: g(current weights) - g(snapshot
        weights) + the average full gradient."""
        g_curr_batch_curr_weight -= g_curr_batch_special_weight
        g_curr_batch_curr_weight += g_special_weight_all_batch
        return g_curr_batch_curr_weight

    def _update_svrg_gradients(self) -> None:
        """Turn the last batch's gradients into SVRG's (see `_svrg_grads_update_rule`)."""
        group, aux_group = self._exec_group, self._mod_aux._exec_group
        for slot in range(self._slots()):
            for index, name in enumerate(group.param_names):
                group.grad_arrays[index][slot] = self._svrg_grads_update_rule(
                    group.grad_arrays[index][slot], aux_group.grad_arrays[index][slot],
                    self._param_dict[slot][name])

    # ------------------------------------------------------------ training
    # `fit` is Module's, with these hooks: SVRG's epochs
    def _fit_epoch_begin(self, epoch: int, train_data: Any) -> None:
        """The full gradients at the start of every `update_freq`-th epoch (counted from
        0, not from `begin_epoch`), then the data rewound, as MXNet's SVRGModule.fit."""
        if epoch % self.update_freq == 0:
            self.update_full_grads(train_data)
        train_data.reset()

    def _fit_train_values(self, eval_metric: Any) -> List[Any]:
        return eval_metric.get_name_value()  # (MXNet's SVRGModule logs the local values)

    def _fit_epoch_end(self, train_data: Any) -> None:
        pass  # (rewound at the start of the next epoch instead)
