"""`PythonModule` and `PythonLossModule`: modules whose computation is Python code,
usually a loss at the end of a `SequentialModule`.

`PythonModule` implements the module API as no-ops (no parameters, no optimizer); a
subclass computes `_compute_output_shapes`, `forward`, `backward`, `get_outputs` and
`get_input_grads`. `PythonLossModule` is such a module for a loss: its outputs are its
input scores, and `backward` computes the gradient of the scores with `grad_func(scores,
labels)` (or an overridden `_backward_impl`).
"""
from __future__ import annotations

import logging
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

from .. import ndarray as nd
from ..initializer import Uniform
from .base_module import BaseModule, require


class PythonModule(BaseModule):
    """A module computed in Python, taking `data_names` (and `label_names`, None if it
    takes no labels) and giving `output_names`; the API methods about parameters and
    optimizers do nothing."""

    def __init__(self, data_names: Sequence[str], label_names: Optional[Sequence[str]],
                 output_names: Sequence[str], logger: Any = logging):
        super().__init__(logger=logger)
        if isinstance(data_names, tuple):
            data_names = list(data_names)
        if isinstance(label_names, tuple):
            label_names = list(label_names)
        self._data_names = data_names
        self._label_names = label_names
        self._output_names = output_names
        self._data_shapes = None
        self._label_shapes = None
        self._output_shapes = None

    # ------------------------------------------------------------ names and shapes
    @property
    def data_names(self) -> List[str]:
        """The names of the data inputs."""
        return self._data_names

    @property
    def output_names(self) -> List[str]:
        """The names of the outputs."""
        return self._output_names

    @property
    def data_shapes(self) -> Any:
        """The (name, shape) pairs of the data the module is bound to."""
        return self._data_shapes

    @property
    def label_shapes(self) -> Any:
        """The (name, shape) pairs of the labels (None without labels)."""
        return self._label_shapes

    @property
    def output_shapes(self) -> Any:
        """The (name, shape) pairs of the outputs."""
        return self._output_shapes

    # ------------------------------------------------------------ parameters
    def get_params(self) -> Tuple[Dict[str, Any], Dict[str, Any]]:
        """({}, {}): a PythonModule has no parameters (subclasses with some override)."""
        return {}, {}

    def init_params(self, initializer: Any = Uniform(0.01), arg_params: Any = None,
                    aux_params: Any = None, allow_missing: bool = False,
                    force_init: bool = False, allow_extra: bool = False) -> None:
        """Nothing to initialize (subclasses with parameters override this)."""

    def update(self) -> None:
        """Nothing to update (subclasses with parameters override this)."""

    def update_metric(self, eval_metric: Any, labels: Any, pre_sliced: bool = False) -> None:
        """Accumulate `eval_metric` over `labels` and the outputs (nothing if the module is
        bound without labels)."""
        if self._label_shapes is None:
            return
        if pre_sliced:
            raise RuntimeError("PythonModule does not support presliced labels")
        eval_metric.update(labels, self.get_outputs())

    # ------------------------------------------------------------ binding
    def bind(self, data_shapes: Any, label_shapes: Any = None, for_training: bool = True,
             inputs_need_grad: bool = False, force_rebind: bool = False,
             shared_module: Any = None, grad_req: Any = "write") -> None:
        """Record the data and label shapes (named as `data_names` / `label_names`, in
        order) and compute the output shapes."""
        if self.binded and not force_rebind:
            self.logger.warning("Already bound, ignoring bind()")
            return
        require(grad_req == "write", "Python module only support write gradient")
        self.for_training = for_training
        self.inputs_need_grad = inputs_need_grad
        given_names = [x[0] for x in data_shapes]
        require(len(data_shapes) == len(self._data_names) and
                given_names == self._data_names,
                "bind: the data shapes are named %s, the module takes %s (add the module "
                "to a SequentialModule with auto_wiring=True to rename them)"
                % (given_names, self._data_names))
        self._data_shapes = data_shapes
        self._label_shapes = label_shapes
        if label_shapes is not None:
            require(self._label_names is not None,
                    "bind: label shapes given to a module without label_names")
            given_labels = [x[0] for x in label_shapes]
            require(len(self._label_names) == len(label_shapes) and
                    given_labels == self._label_names,
                    "bind: the label shapes are named %s, the module takes %s"
                    % (given_labels, self._label_names))
        # MXNet's PythonModule never sets `binded`; kept so that scripts print the same
        self._output_shapes = self._compute_output_shapes()

    def _compute_output_shapes(self) -> List[Tuple[str, Tuple[int, ...]]]:
        """The (name, shape) pairs of the outputs, computed by a subclass from
        `_data_shapes` and `_label_shapes`."""
        raise NotImplementedError("a PythonModule subclass must define "
                                  "_compute_output_shapes()")

    def init_optimizer(self, kvstore: Any = "local", optimizer: Any = "sgd",
                       optimizer_params: Any = (("learning_rate", 0.01),),
                       force_init: bool = False) -> None:
        """No optimizer to create (subclasses with parameters override this)."""


class PythonLossModule(PythonModule):
    """A loss computed in Python: its output `name + '_output'` is its input (the
    scores); `backward` sets the scores' gradient to `grad_func(scores, labels)` (a NumPy
    array or NDArray)."""

    def __init__(self, name: str = "pyloss", data_names: Sequence[str] = ("data",),
                 label_names: Sequence[str] = ("softmax_label",), logger: Any = logging,
                 grad_func: Optional[Callable[[Any, Any], Any]] = None):
        super().__init__(data_names, label_names, [name + "_output"], logger=logger)
        self._name = name
        require(len(data_names) == 1, "PythonLossModule takes one data input, got %s"
                % (list(data_names),))
        require(len(label_names) == 1, "PythonLossModule takes one label, got %s"
                % (list(label_names),))
        self._scores = None
        self._labels = None
        self._scores_grad = None
        if grad_func is not None:
            require(callable(grad_func), "grad_func must be callable, got %r" % (grad_func,))
        self._grad_func = grad_func

    def _compute_output_shapes(self) -> List[Tuple[str, Tuple[int, ...]]]:
        return [(self._name + "_output", self._data_shapes[0][1])]

    def forward(self, data_batch: Any, is_train: Optional[bool] = None) -> None:
        """Keep the scores (`data_batch.data[0]`) and, when training, the labels."""
        self._scores = data_batch.data[0]
        if is_train is None:
            is_train = self.for_training
        if is_train:
            self._labels = data_batch.label[0]

    def get_outputs(self, merge_multi_context: bool = True) -> List[Any]:
        """[the scores of the last forward]."""
        require(merge_multi_context is True,
                "get_outputs: a PythonLossModule always merges (merge_multi_context=True)")
        return [self._scores]

    def backward(self, out_grads: Any = None) -> None:
        """Compute the gradient of the scores (a loss takes no `out_grads`)."""
        require(out_grads is None, "For a loss module, out_grads should be None")
        require(self.for_training, "backward: bind the module with for_training=True")
        self._backward_impl()

    def _backward_impl(self) -> None:
        """Set `_scores_grad` to the gradient of the loss with respect to `_scores` given
        `_labels`: `grad_func`'s result, or a subclass's computation."""
        if self._grad_func is None:
            raise NotImplementedError(
                "PythonLossModule %r has no grad_func: pass grad_func=f(scores, labels) "
                "returning the gradient of the scores, or override _backward_impl()"
                % self._name)
        grad = self._grad_func(self._scores, self._labels)
        if not isinstance(grad, nd.NDArray):
            grad = nd.array(grad)
        self._scores_grad = grad

    def get_input_grads(self, merge_multi_context: bool = True) -> List[Any]:
        """[the gradient of the scores computed by the last backward]."""
        require(merge_multi_context is True,
                "get_input_grads: a PythonLossModule always merges "
                "(merge_multi_context=True)")
        return [self._scores_grad]

    def install_monitor(self, mon: Any) -> None:
        """Monitors watch executors; a PythonLossModule has none."""
        raise NotImplementedError("PythonLossModule has no executor to install a monitor "
                                  "on (neither does MXNet's)")
