"""The optimizers `SVRGModule` installs, as MXNet 1.9.1 registers them: `_SVRGOptimizer`
sends each parameter to the optimizer the user chose and each `<name>_full` key (the full
gradients accumulated in a kvstore) to `_AssignmentOptimizer`, which stores what is pushed.
Both are meant for `SVRGModule` only."""
from __future__ import annotations

from typing import Any, Dict

import numpy as np

from ... import optimizer as opt

# Optimizer.__init__'s parameters: what _SVRGOptimizer keeps for itself
_BASE_PARAMS = ("rescale_grad", "param_idx2name", "wd", "clip_gradient", "learning_rate",
                "lr_scheduler", "sym", "begin_num_update", "multi_precision", "param_dict")


@opt.register
class _AssignmentOptimizer(opt.Optimizer):
    """Assigns the gradient to the weight: a kvstore key updated by it holds the sum of
    what was pushed (SVRGModule's full gradients across devices and workers)."""

    def update(self, index: Any, weight: Any, grad: Any, state: Any) -> None:
        """`weight[:] = grad` (no state, no learning rate)."""
        weight[:] = grad


@opt.register
class _SVRGOptimizer(opt.Optimizer):
    """Wraps `default_optimizer` (a name, created with all the keyword arguments, or an
    Optimizer used as it is) and an `_AssignmentOptimizer`: indices whose name (per
    `param_idx2name`) contains 'full' go to the latter, the others to the former. The
    wrapper itself takes only Optimizer's own parameters from the keyword arguments."""

    def __init__(self, default_optimizer: Any, **kwargs: Any) -> None:
        super().__init__(**self._check_params(**kwargs))
        if isinstance(default_optimizer, str):
            self.default_opt = opt.create(default_optimizer, **kwargs)
        else:
            self.default_opt = default_optimizer
        self.aux_opt = opt.create(_AssignmentOptimizer.__name__)

    @staticmethod
    def _check_params(**kwargs: Any) -> Dict[str, Any]:
        """The keyword arguments that are base Optimizer parameters."""
        return {key: value for key, value in kwargs.items() if key in _BASE_PARAMS}

    def _check_index(self, index: Any) -> str:
        """The parameter name of `index` (an int in idx2name, or already a name, as
        kvstores pass string keys)."""
        if index in self.idx2name.values():
            return index
        return self.idx2name[index]

    def _pick(self, index: Any) -> opt.Optimizer:
        return self.aux_opt if "full" in self._check_index(index) else self.default_opt

    def create_state(self, index: Any, weight: Any) -> Any:
        """The state of the optimizer that updates `index`."""
        return self._pick(index).create_state(index, weight)

    def update(self, index: Any, weight: Any, grad: Any, state: Any) -> None:
        """Update `weight` with the optimizer for `index` (see the class docstring)."""
        self._pick(index).update(index, weight, grad, state)

    def update_multi_precision(self, index: Any, weight: Any, grad: Any, state: Any) -> None:
        """`update`, through the float32 master copy of a float16 weight when
        `multi_precision` is set (as MXNet's base Optimizer does it)."""
        if self.multi_precision and weight.dtype == np.float16:
            master, inner = state
            self.update(index, master, grad.astype(np.float32), inner)
            weight[:] = master.astype(weight.dtype)
        else:
            self.update(index, weight, grad, state)
