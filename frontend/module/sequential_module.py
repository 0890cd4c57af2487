"""`SequentialModule`: a chain of modules, each taking the previous one's outputs as its
data (MXNet's handy container; a single symbol is more flexible and faster).

`forward` runs the modules in order, `backward` in reverse, passing each module's input
gradients to the previous one as head gradients; every module after the first is bound
with `inputs_need_grad` when training. The modules added with `take_labels=True` get the
batch's labels (and update the metric); `auto_wiring=True` renames the previous outputs
to the module's data names.

Unlike MXNet's, `bind` records `for_training` and `inputs_need_grad` on the container, so
that its `get_input_grads` works (MXNet's asserts `inputs_need_grad`, which it never sets).
"""
from __future__ import annotations

import copy
import logging
from typing import Any, Dict, List, Optional, Tuple

from ..initializer import Uniform
from .base_module import BaseModule, require


class SequentialModule(BaseModule):
    """A container module running `add`-ed modules one after the other."""

    META_TAKE_LABELS = "take_labels"
    META_AUTO_WIRING = "auto_wiring"

    def __init__(self, logger: Any = logging):
        super().__init__(logger=logger)
        self._modules: List[BaseModule] = []
        self._metas: List[Dict[str, Any]] = []
        self._label_shapes = None
        self._data_shapes = None
        self._meta_keys = {getattr(SequentialModule, x) for x in dir(SequentialModule)
                           if x.startswith("META_")}

    def add(self, module: BaseModule, **kwargs: Any) -> "SequentialModule":
        """Append `module` to the chain and return self (so that calls chain). The keyword
        arguments are its meta information: `take_labels` (it takes the batch's labels)
        and `auto_wiring` (the previous outputs are renamed to its data names). Adding
        resets the container: bind and initialize it again."""
        for key in kwargs:
            require(key in self._meta_keys, 'Unknown meta "%s", a typo?' % key)
        self._modules.append(module)
        self._metas.append(kwargs)
        self.binded = False
        self.params_initialized = False
        self.optimizer_initialized = False
        return self

    def _takes_labels(self, meta: Dict[str, Any]) -> bool:
        return bool(meta.get(SequentialModule.META_TAKE_LABELS, False))

    # ------------------------------------------------------------ names and shapes
    @property
    def data_names(self) -> List[str]:
        """The data names of the first module."""
        if self._modules:
            return self._modules[0].data_names
        return []

    @property
    def output_names(self) -> List[str]:
        """The output names of the last module."""
        if self._modules:
            return self._modules[-1].output_names
        return []

    @property
    def data_shapes(self) -> Any:
        """The data shapes of the first module."""
        require(self.binded, "data_shapes: the module is not bound; call bind() first")
        return self._modules[0].data_shapes

    @property
    def label_shapes(self) -> Any:
        """The label shapes given to `bind` (None if no module takes labels)."""
        require(self.binded, "label_shapes: the module is not bound; call bind() first")
        return self._label_shapes

    @property
    def output_shapes(self) -> Any:
        """The output shapes of the last module."""
        require(self.binded, "output_shapes: the module is not bound; call bind() first")
        return self._modules[-1].output_shapes

    # ------------------------------------------------------------ parameters
    def get_params(self) -> Tuple[Dict[str, Any], Dict[str, Any]]:
        """(arg_params, aux_params) of all the modules, merged."""
        self._require_ready("get_params")
        arg_params: Dict[str, Any] = {}
        aux_params: Dict[str, Any] = {}
        for module in self._modules:
            arg, aux = module.get_params()
            arg_params.update(arg)
            aux_params.update(aux)
        return arg_params, aux_params

    def init_params(self, initializer: Any = Uniform(0.01), arg_params: Any = None,
                    aux_params: Any = None, allow_missing: bool = False,
                    force_init: bool = False, allow_extra: bool = False) -> None:
        """Initialize every module's parameters (from the same `arg_params` /
        `aux_params`); two modules may not have a parameter of the same name."""
        if self.params_initialized and not force_init:
            return
        require(self.binded, "call bind before initializing the parameters")
        for module in self._modules:
            module.init_params(initializer=initializer, arg_params=arg_params,
                               aux_params=aux_params, allow_missing=allow_missing,
                               force_init=force_init, allow_extra=allow_extra)

        def check_names(known_names: Dict[str, int], new_names: Any, i: int) -> None:
            for name in new_names:
                if name in known_names:
                    first = known_names[name]
                    require(False, 'Duplicated parameter names: name "%s" in layer %d (%s) '
                            "is already used in layer %d (%s)."
                            % (name, i, type(self._modules[i]), first,
                               type(self._modules[first])))
                known_names[name] = i

        arg_names: Dict[str, int] = {}
        aux_names: Dict[str, int] = {}
        for i_layer, module in enumerate(self._modules):
            module_args, module_aux = module.get_params()
            check_names(arg_names, module_args.keys(), i_layer)
            check_names(aux_names, module_aux.keys(), i_layer)
        self.params_initialized = True

    # ------------------------------------------------------------ binding
    def bind(self, data_shapes: Any, label_shapes: Any = None, for_training: bool = True,
             inputs_need_grad: bool = False, force_rebind: bool = False,
             shared_module: Any = None, grad_req: Any = "write") -> None:
        """Bind each module in turn, the first to `data_shapes`, the next ones to the
        previous module's output shapes; the modules that take labels to `label_shapes`.
        `shared_module` is not supported."""
        if self.binded and not force_rebind:
            self.logger.warning("Already bound, ignoring bind()")
            return
        if inputs_need_grad:
            require(for_training is True, "bind: inputs_need_grad=True needs "
                    "for_training=True")
        require(shared_module is None, "Shared module is not supported")
        require(len(self._modules) > 0, "Attempting to bind an empty SequentialModule")

        self.binded = True
        self.for_training = for_training
        self.inputs_need_grad = inputs_need_grad
        self._label_shapes = label_shapes
        my_data_shapes = data_shapes
        anybody_ever_needs_label = False
        for i_layer, module in enumerate(self._modules):
            meta = self._metas[i_layer]
            if self._takes_labels(meta):
                my_label_shapes = label_shapes
                anybody_ever_needs_label = True
            else:
                my_label_shapes = None
            my_inputs_need_grad = bool(inputs_need_grad or (for_training and i_layer > 0))
            if meta.get(SequentialModule.META_AUTO_WIRING, False):
                data_names = module.data_names
                require(len(data_names) == len(my_data_shapes),
                        "auto_wiring: layer %d takes %d data (%s), the previous layer "
                        "gives %d" % (i_layer, len(data_names), ", ".join(data_names),
                                      len(my_data_shapes)))
                my_data_shapes = [(new_name, shape) for (new_name, (_, shape))
                                  in zip(data_names, my_data_shapes)]
            try:
                module.bind(data_shapes=my_data_shapes, label_shapes=my_label_shapes,
                            for_training=for_training, inputs_need_grad=my_inputs_need_grad,
                            force_rebind=force_rebind, shared_module=None,
                            grad_req=grad_req)
            except BaseException:
                self.binded = False
                raise
            my_data_shapes = module.output_shapes
        if not anybody_ever_needs_label:
            self._label_shapes = None

    def init_optimizer(self, kvstore: Any = "local", optimizer: Any = "sgd",
                       optimizer_params: Any = (("learning_rate", 0.01),),
                       force_init: bool = False) -> None:
        """Create an optimizer in every module."""
        self._require_ready("init_optimizer")
        if self.optimizer_initialized and not force_init:
            self.logger.warning("optimizer already initialized, ignoring.")
            return
        for module in self._modules:
            module.init_optimizer(kvstore=kvstore, optimizer=optimizer,
                                  optimizer_params=optimizer_params, force_init=force_init)
        self.optimizer_initialized = True

    # ------------------------------------------------------------ computation
    def forward(self, data_batch: Any, is_train: Optional[bool] = None) -> None:
        """Run the modules in order; each next one gets a copy of `data_batch` whose
        data are the previous module's outputs."""
        self._require_ready("forward")
        data_batch = copy.copy(data_batch)
        for i_layer, module in enumerate(self._modules):
            module.forward(data_batch, is_train=is_train)
            if i_layer + 1 == len(self._modules):
                break
            data_batch.data = module.get_outputs()
            if hasattr(data_batch, "provide_data"):
                data_names = [x[0] for x in module.output_shapes]
                require(len(data_names) == len(data_batch.data),
                        "forward: layer %d has %d outputs but %d output shapes"
                        % (i_layer, len(data_batch.data), len(data_names)))
                data_batch.provide_data = [(name, x.shape) for name, x in
                                           zip(data_names, data_batch.data)]

    def backward(self, out_grads: Any = None) -> None:
        """Run backward through the modules in reverse order."""
        self._require_ready("backward")
        for i_layer in reversed(range(len(self._modules))):
            module = self._modules[i_layer]
            module.backward(out_grads=out_grads)
            if i_layer == 0:
                break
            out_grads = module.get_input_grads()

    def update(self) -> None:
        """Update every module's parameters."""
        self._require_ready("update")
        require(self.optimizer_initialized,
                "update: the optimizer is not initialized; call init_optimizer() first")
        for module in self._modules:
            module.update()

    def get_outputs(self, merge_multi_context: bool = True) -> List[Any]:
        """The outputs of the last module."""
        self._require_ready("get_outputs")
        return self._modules[-1].get_outputs(merge_multi_context=merge_multi_context)

    def get_input_grads(self, merge_multi_context: bool = True) -> List[Any]:
        """The gradients of the first module's data inputs (bind with
        `inputs_need_grad=True`)."""
        self._require_ready("get_input_grads")
        require(self.inputs_need_grad,
                "get_input_grads: bind the module with inputs_need_grad=True")
        return self._modules[0].get_input_grads(merge_multi_context=merge_multi_context)

    def update_metric(self, eval_metric: Any, labels: Any, pre_sliced: bool = False) -> None:
        """Accumulate `eval_metric` in every module that takes labels."""
        self._require_ready("update_metric")
        for meta, module in zip(self._metas, self._modules):
            if self._takes_labels(meta):
                module.update_metric(eval_metric, labels, pre_sliced)

    def install_monitor(self, mon: Any) -> None:
        """Install `mon` on every module."""
        require(self.binded, "install_monitor: the module is not bound; call bind() first")
        for module in self._modules:
            module.install_monitor(mon)
