"""`DataParallelExecutorGroup`: the executor a `Module` binds, with MXNet's views of its
arrays (`param_arrays`, `grad_arrays`, `aux_arrays`: one list per parameter, one entry
per device).

MXNet slices each batch over the module's contexts and binds one executor per context.
tapegraph computes on the CPU only, so the group binds one executor for the whole batch
whatever the contexts: the summed gradients, and so the updates, are the same.
"""
from __future__ import annotations

import logging
from collections import OrderedDict
from typing import Any, Dict, List, Optional, Sequence, Tuple

import numpy as np

from ..io import DataDesc
from ..ir import MXNetError
from ..symbol.execute.executor import Executor
from .base_module import require


def _grad_reqs(arg_names: Sequence[str], param_names: Sequence[str],
               fixed_param_names: Sequence[str], data_names: Sequence[str],
               for_training: bool, inputs_need_grad: bool, grad_req: Any) -> Dict[str, str]:
    """Each argument's gradient request, as MXNet derives it from the module's settings."""
    if not for_training:
        grad_req = "null"
    if isinstance(grad_req, str):
        reqs = {}
        for k in arg_names:
            if k in param_names:
                reqs[k] = "null" if k in fixed_param_names else grad_req
            elif k in data_names:
                reqs[k] = grad_req if inputs_need_grad else "null"
            else:
                reqs[k] = "null"
        return reqs
    if isinstance(grad_req, (list, tuple)):
        if len(grad_req) != len(arg_names):
            raise ValueError("grad_req: %d requests given for %d arguments (%s)"
                             % (len(grad_req), len(arg_names), ", ".join(arg_names)))
        return dict(zip(arg_names, grad_req))
    if isinstance(grad_req, dict):
        reqs = _grad_reqs(arg_names, param_names, fixed_param_names, data_names, True,
                          inputs_need_grad, "write")
        reqs.update(grad_req)
        return reqs
    raise ValueError("grad_req must be one of str, list, tuple, or dict.")


def _copy_into(src: Any, dst: Any) -> None:
    value = np.asarray(src.asnumpy() if hasattr(src, "asnumpy") else src)
    if value.shape != tuple(dst.shape):
        raise MXNetError("the batch has an array of shape %s where the module is bound to "
                         "%s" % (value.shape, tuple(dst.shape)))
    dst[:] = value


class DataParallelExecutorGroup:
    """The bound executor of a module and its arrays (see the module docstring)."""

    def __init__(self, symbol: Any, contexts: Sequence[Any], workload: Sequence[Any],
                 data_shapes: Sequence[Any], label_shapes: Optional[Sequence[Any]],
                 param_names: Sequence[str], for_training: bool, inputs_need_grad: bool,
                 shared_group: Optional["DataParallelExecutorGroup"] = None,
                 logger: Any = logging, fixed_param_names: Optional[Sequence[str]] = None,
                 grad_req: Any = "write", state_names: Optional[Sequence[str]] = None,
                 group2ctxs: Any = None):
        self.symbol = symbol
        self.contexts = list(contexts)
        self.workload = workload
        self.param_names = list(param_names)
        self.arg_names = symbol.list_arguments()
        self.aux_names = symbol.list_auxiliary_states()
        self.for_training = for_training
        self.inputs_need_grad = inputs_need_grad
        self.logger = logger
        self.fixed_param_names = list(fixed_param_names or [])
        self.state_names = list(state_names or [])
        self.output_names = symbol.list_outputs()
        self.num_outputs = len(self.output_names)
        self.output_layouts = [DataDesc.get_batch_axis(symbol[i].attr("__layout__"))
                               for i in range(self.num_outputs)]
        self._total_exec_bytes = 0
        data_shapes = [x if isinstance(x, DataDesc) else DataDesc(*x) for x in data_shapes]
        self.grad_req = _grad_reqs(self.arg_names, self.param_names, self.fixed_param_names,
                                   [x.name for x in data_shapes], for_training,
                                   inputs_need_grad, grad_req)
        self.execs: List[Executor] = []
        self.batch_size: Optional[int] = None
        self.bind_exec(data_shapes, label_shapes, shared_group)

    # ------------------------------------------------------------ binding
    def _batch_size(self, shapes: Sequence[DataDesc]) -> None:
        for desc in shapes:
            axis = DataDesc.get_batch_axis(desc.layout)
            if axis < 0:
                continue
            size = desc.shape[axis]
            if self.batch_size is not None and size != self.batch_size:
                raise ValueError("all data must have the same batch size: batch_size = %d, "
                                 "but %s has shape %s" % (self.batch_size, desc.name,
                                                          desc.shape))
            self.batch_size = size

    def bind_exec(self, data_shapes: Sequence[DataDesc],
                  label_shapes: Optional[Sequence[DataDesc]],
                  shared_group: Optional["DataParallelExecutorGroup"] = None,
                  reshape: bool = False) -> None:
        """Bind the executor for these shapes (`reshape`: from the current one, sharing
        the arrays whose shapes do not change)."""
        data_shapes = [x if isinstance(x, DataDesc) else DataDesc(*x) for x in data_shapes]
        if label_shapes is not None:
            label_shapes = [x if isinstance(x, DataDesc) else DataDesc(*x)
                            for x in label_shapes]
        self.batch_size = None
        self._batch_size(data_shapes)
        if label_shapes is not None:
            self._batch_size(label_shapes)
        inputs = list(data_shapes) + list(label_shapes or [])
        if reshape:
            executor = self.execs[0].reshape(partial_shaping=True, allow_up_sizing=True,
                                             **{d.name: d.shape for d in inputs})
            executor._monitor = self.execs[0]._monitor
            self._output_shapes = [tuple(s) for s in self.symbol.infer_shape(
                **{d.name: d.shape for d in inputs})[1]]
        else:
            executor = self._bind(inputs, shared_group)
        self.execs = [executor]
        self.data_shapes = data_shapes
        self.label_shapes = label_shapes
        self.data_names = [d.name for d in data_shapes]
        self.label_names = [d.name for d in label_shapes] if label_shapes is not None else []
        self._collect_arrays()

    def _bind(self, inputs: Sequence[DataDesc],
              shared_group: Optional["DataParallelExecutorGroup"]) -> Executor:
        symbol = self.symbol
        shapes = {d.name: tuple(d.shape) for d in inputs}
        types = {d.name: np.dtype(d.dtype).name for d in inputs}
        try:
            graph = symbol._typed(shapes, types)
        except MXNetError as e:
            raise MXNetError("bind: cannot bind the symbol to the input shapes %s: %s"
                             % (shapes, e)) from None
        arg_shapes, out_shapes, aux_shapes = symbol._io_attrs(graph, lambda t: t.shape)
        arg_types, _, aux_types = symbol._io_attrs(graph, lambda t: t.dtype)
        cls = symbol._array_class()
        shared = shared_group.execs[0] if shared_group is not None else None

        shareable = set(self.param_names) | set(self.aux_names)

        def array(name, shape, dtype, pool):
            """The shared module's array for a parameter of the same shape, else zeros."""
            old = pool.get(name) if name in shareable else None
            if old is not None and tuple(old.shape) == tuple(shape):
                return old
            return cls._wrap(np.zeros(shape, np.dtype(dtype)))

        args = {n: array(n, s, t, shared.arg_dict if shared else {})
                for n, s, t in zip(self.arg_names, arg_shapes, arg_types)}
        grads = {n: array(n, s, t, shared.grad_dict if shared else {})
                 for n, s, t in zip(self.arg_names, arg_shapes, arg_types)
                 if self.grad_req[n] != "null"}
        aux = {n: array(n, s, t, shared.aux_dict if shared else {})
               for n, s, t in zip(self.aux_names, aux_shapes, aux_types)}
        self._output_shapes = [tuple(s) for s in out_shapes]
        return Executor(symbol, args, grads, self.grad_req, aux)

    def _collect_arrays(self) -> None:
        exe = self.execs[0]
        self.data_arrays = [[(slice(0, self.batch_size), exe.arg_dict[d.name])]
                            for d in self.data_shapes]
        self.label_arrays = [[(slice(0, self.batch_size), exe.arg_dict[d.name])]
                             for d in self.label_shapes] if self.label_shapes is not None \
            else None
        self.state_arrays = [[exe.arg_dict[n]] for n in self.state_names]
        self.param_arrays = [[exe.arg_dict[n]] for n in self.arg_names
                             if n in self.param_names]
        self.grad_arrays = [[exe.grad_dict[n]] for n in self.arg_names
                            if n in self.param_names] if self.for_training else None
        self.input_grad_arrays = [[exe.grad_dict[n]] for n in self.data_names
                                  if n in self.arg_names] if self.inputs_need_grad else None
        self.aux_arrays = [[exe.aux_dict[n]] for n in self.aux_names]

    def reshape(self, data_shapes: Sequence[DataDesc],
                label_shapes: Optional[Sequence[DataDesc]]) -> None:
        """Rebind for new input shapes, keeping the parameters."""
        if data_shapes == self.data_shapes and label_shapes == self.label_shapes:
            return
        self.bind_exec(data_shapes, label_shapes, reshape=True)

    # ------------------------------------------------------------ parameters
    def set_params(self, arg_params: Dict[str, Any], aux_params: Dict[str, Any],
                   allow_extra: bool = False) -> None:
        """Copy parameters into the executor."""
        for exe in self.execs:
            exe.copy_params_from(arg_params, aux_params, allow_extra_params=allow_extra)

    def get_params(self, arg_params: Dict[str, Any], aux_params: Dict[str, Any]) -> None:
        """Copy the executor's parameters into `arg_params` / `aux_params`."""
        for name, block in zip(self.param_names, self.param_arrays):
            arg_params[name][:] = block[0].asnumpy().astype(arg_params[name].dtype)
        for name, block in zip(self.aux_names, self.aux_arrays):
            aux_params[name][:] = block[0].asnumpy().astype(aux_params[name].dtype)

    # ------------------------------------------------------------ computation
    def forward(self, data_batch: Any, is_train: Optional[bool] = None) -> None:
        """Load the batch's data (and labels, if it has them) and run forward."""
        if isinstance(data_batch, list):
            raise MXNetError("forward: a list of DataBatches (pre-sliced per device) is not "
                             "supported; tapegraph binds one executor per module")
        data = list(data_batch.data or [])
        if len(data) != len(self.data_arrays):
            raise MXNetError("forward: the batch has %d data arrays, the module takes %d (%s)"
                             % (len(data), len(self.data_arrays), ", ".join(self.data_names)))
        for src, targets in zip(data, self.data_arrays):
            _copy_into(src, targets[0][1])
        if self.label_arrays is not None and data_batch.label:
            for src, targets in zip(data_batch.label, self.label_arrays):
                _copy_into(src, targets[0][1])
        if is_train is None:
            is_train = self.for_training
        for exe in self.execs:
            exe.forward(is_train=is_train)

    def backward(self, out_grads: Any = None) -> None:
        """Run backward (head gradients `out_grads`, one per output, if given)."""
        require(self.for_training, "backward: re-bind with for_training=True to run backward")
        if out_grads is not None and not isinstance(out_grads, (list, tuple)):
            out_grads = [out_grads]
        for exe in self.execs:
            exe.backward(out_grads=list(out_grads) if out_grads else None)

    def get_output_shapes(self) -> List[Tuple[str, Tuple[int, ...]]]:
        """[(output name, shape)] for the bound shapes, the batch axis of each output (per
        its `__layout__`, axis 0 by default) being the batch size, as MXNet reports them
        (even for an output whose first axis is not the batch, e.g. (batch * time, C))."""
        shapes = []
        for name, shape, axis in zip(self.output_names, self._output_shapes,
                                     self.output_layouts):
            shape = list(shape)
            if axis >= 0 and shape:
                shape[axis] = self.batch_size
            shapes.append((name, tuple(shape)))
        return shapes

    def get_outputs(self, merge_multi_context: bool = True, begin: int = 0,
                    end: Optional[int] = None) -> List[Any]:
        """The outputs of the last forward (per output a list over devices unless
        `merge_multi_context`)."""
        require(self.execs[0].outputs, "get_outputs: call forward() first")
        end = self.num_outputs if end is None else end
        outputs = [[exe.outputs[i] for exe in self.execs] for i in range(begin, end)]
        return [o[0] for o in outputs] if merge_multi_context else outputs

    def get_states(self, merge_multi_context: bool = True) -> List[List[Any]]:
        """The state arrays (per state a list over devices)."""
        require(not merge_multi_context,
                "merge_multi_context=True is not supported for get_states yet.")
        return self.state_arrays

    def set_states(self, states: Any = None, value: Any = None) -> None:
        """Set the states from `states` (per state a list over devices) or to `value`."""
        if states is not None:
            require(value is None, "Only one of states & value can be specified.")
            for src, dst in zip(states, self.state_arrays):
                for s, d in zip(src if isinstance(src, (list, tuple)) else [src], dst):
                    _copy_into(s, d)
        else:
            require(value is not None, "At least one of states & value must be specified.")
            for dst in self.state_arrays:
                for d in dst:
                    d[:] = value

    def get_input_grads(self, merge_multi_context: bool = True) -> List[Any]:
        """The gradients of the data inputs."""
        require(self.inputs_need_grad, "get_input_grads: bind with inputs_need_grad=True")
        grads = self.input_grad_arrays
        return [g[0] for g in grads] if merge_multi_context else grads

    def update_metric(self, eval_metric: Any, labels: Any, pre_sliced: bool = False) -> None:
        """Update `eval_metric` with `labels` and the last outputs, by name."""
        for i, exe in enumerate(self.execs):
            labels_slice = labels[i] if pre_sliced else labels
            labels_ = OrderedDict(zip(self.label_names, labels_slice or []))
            preds = OrderedDict(zip(self.output_names, exe.outputs))
            eval_metric.update_dict(labels_, preds)

    def install_monitor(self, mon: Any) -> None:
        """Install `mon` on the executor."""
        for exe in self.execs:
            mon.install(exe)
