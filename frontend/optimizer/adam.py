"""Adam, AdamW, LAMB and FTML, computed by MXNet 1.9.1's update kernels (`adam_update`,
`contrib.adamw_update`, `lamb_update_phase1/2`, `ftml_update`:
tapegraph.ndarray.update_kernels), as MXNet's optimizers call them."""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..inplace import buffer
from ..ndarray import update_kernels as K
from .optimizer import Optimizer, _zeros_like, register


class _Moments(Optimizer):
    """Optimizers whose state is (mean, var)."""

    def create_state(self, index: Any, weight: Any) -> Any:
        return (_zeros_like(weight), _zeros_like(weight))


@register
class Adam(_Moments):
    """Adam (Kingma & Ba), with the bias correction folded into the learning rate:

        g = clip(rescale_grad * grad + wd * w)
        mean = beta1 * mean + (1 - beta1) * g;  var = beta2 * var + (1 - beta2) * g^2
        w -= lr * sqrt(1 - beta2^t) / (1 - beta1^t) * mean / (sqrt(var) + epsilon)
    """

    def __init__(self, learning_rate: float = 0.001, beta1: float = 0.9, beta2: float = 0.999,
                 epsilon: float = 1e-8, lazy_update: bool = True, **kwargs: Any) -> None:
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta1, self.beta2, self.epsilon = beta1, beta2, epsilon
        self.lazy_update = lazy_update

    def _step(self, index: Any, w: np.ndarray, g: np.ndarray, state: Any, lr: float,
              wd: float) -> None:
        step = self._index_update_count[index]
        lr *= math.sqrt(1.0 - self.beta2 ** step) / (1.0 - self.beta1 ** step)
        K.adam(w, g, buffer(state[0]), buffer(state[1]), w, lr, self.beta1, self.beta2,
               self.epsilon, wd, self.rescale_grad, self._kclip)


@register
class AdamW(_Moments):
    """Adam with decoupled weight decay (Loshchilov & Hutter).

    MXNet 1.9.1 has no `AdamW` optimizer class, only the `contrib.adamw_update` kernel
    (w -= eta * (lr * mean / (sqrt(var) + epsilon) + wd * w), gradient rescaled and
    clipped, no decay in it); this class runs that kernel with eta = the learning rate
    (schedule and `lr_mult` included) and lr = the bias correction
    sqrt(1 - beta2^t) / (1 - beta1^t) (1 with `correct_bias=False`), as MXNet 2's AdamW.
    """

    def __init__(self, learning_rate: float = 0.001, beta1: float = 0.9, beta2: float = 0.999,
                 epsilon: float = 1e-8, correct_bias: bool = True, **kwargs: Any) -> None:
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta1, self.beta2, self.epsilon = beta1, beta2, epsilon
        self.correct_bias = correct_bias

    def _step(self, index: Any, w: np.ndarray, g: np.ndarray, state: Any, lr: float,
              wd: float) -> None:
        step = self._index_update_count[index]
        alpha = 1.0
        if self.correct_bias:
            alpha = math.sqrt(1.0 - self.beta2 ** step) / (1.0 - self.beta1 ** step)
        K.adamw(w, g, buffer(state[0]), buffer(state[1]), w, self.rescale_grad, alpha, lr,
                self.beta1, self.beta2, self.epsilon, wd, self._kclip)


@register
class LAMB(_Moments):
    """LAMB (You et al.): Adam's direction plus decay, scaled by the trust ratio
    ||w|| / ||direction|| (||w|| bounded by `lower_bound`/`upper_bound`; 1 if either
    norm is 0)."""

    def __init__(self, learning_rate: float = 0.001, beta1: float = 0.9, beta2: float = 0.999,
                 epsilon: float = 1e-6, lower_bound: Any = None, upper_bound: Any = None,
                 bias_correction: bool = True, **kwargs: Any) -> None:
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta1, self.beta2, self.epsilon = beta1, beta2, epsilon
        self.lower_bound, self.upper_bound = lower_bound, upper_bound
        self.bias_correction = bias_correction

    def _step(self, index: Any, w: np.ndarray, g: np.ndarray, state: Any, lr: float,
              wd: float) -> None:
        # lamb_update_phase1, then phase2 with r1 = ||w||, r2 = ||direction||
        direction = np.empty_like(w)
        K.lamb_phase1(w, g, buffer(state[0]), buffer(state[1]), direction,
                      self._index_update_count[index], self.beta1, self.beta2, self.epsilon,
                      self.bias_correction, wd, self.rescale_grad, self._kclip)
        r1 = float(np.linalg.norm(w.astype(np.float32, copy=False)))
        r2 = float(np.linalg.norm(direction.astype(np.float32, copy=False)))
        K.lamb_phase2(w, direction, w, lr, r1, r2, self.lower_bound or -1.0,
                      self.upper_bound or -1.0)


@register
class FTML(Optimizer):
    """Follow the Moving Leader (Zheng & Kwok); state (d, v, z):

        g = clip(rescale_grad * grad + wd * w)
        v = beta2 * v + (1 - beta2) * g^2
        d_t = (1 - beta1^t) / lr * (sqrt(v / (1 - beta2^t)) + epsilon)
        z = beta1 * z + (1 - beta1) * g - (d_t - beta1 * d) * w;  d = d_t
        w = -z / d_t
    """

    def __init__(self, beta1: float = 0.6, beta2: float = 0.999, epsilon: float = 1e-8,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.beta1, self.beta2, self.epsilon = beta1, beta2, epsilon

    def create_state(self, index: Any, weight: Any) -> Any:
        return (_zeros_like(weight), _zeros_like(weight), _zeros_like(weight))

    def _step(self, index: Any, w: np.ndarray, g: np.ndarray, state: Any, lr: float,
              wd: float) -> None:
        d, v, z = (buffer(s) for s in state)
        K.ftml(w, g, d, v, z, w, lr, self._index_update_count[index], self.beta1, self.beta2,
               self.epsilon, wd, self.rescale_grad, self._kclip)
