"""`mx.optimizer.contrib`: GroupAdaGrad, as MXNet 1.9.1 computes it (dense gradients)."""
from __future__ import annotations

from typing import Any

import numpy as np

from ..inplace import buffer
from ..ndarray import NDArray, clip, mean, sqrt, square, zeros  # noqa: F401  (as MXNet's)
from ..ndarray import update_kernels as K
from .optimizer import Optimizer, _zeros_like, register

__all__ = ["GroupAdaGrad"]


@register
class GroupAdaGrad(Optimizer):
    """AdaGrad with one accumulator per row of a 2-D weight (e.g. embeddings):

        g = clip(rescale_grad * grad);  history += mean(g^2, axis=1)
        w -= lr * g / sqrt(history + eps)
    """

    def __init__(self, eps: float = 1e-5, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.float_stable_eps = eps

    def create_state(self, index: Any, weight: Any) -> Any:
        shape = buffer(weight).shape
        if len(shape) != 2:
            raise ValueError("GroupAdaGrad needs 2-D weights, got shape %s" % (shape,))
        return _zeros_like(np.zeros((shape[0], 1), np.float32))

    def _step(self, index: Any, w: np.ndarray, g: np.ndarray, state: Any, lr: float,
              wd: float) -> None:
        if wd != 0:
            raise ValueError("Weight decay is not supported for GroupAdaGrad")
        # MXNet's dense update is Python-written: it clips whenever clip_gradient is set
        bound = -1.0 if self.clip_gradient is None else float(self.clip_gradient)
        K.group_adagrad(w, g, buffer(state), w, lr, self.rescale_grad, bound,
                        self.float_stable_eps)
