"""Adam, AdamW, LAMB and FTML, computed as MXNet 1.9.1 does (`adam_update`,
`contrib.adamw_update`, `lamb_update_phase1/2`, `ftml_update`)."""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..inplace import buffer
from .optimizer import Optimizer, _zeros_like, register


class _Moments(Optimizer):
    """Optimizers whose state is (mean, var)."""

    def create_state(self, index: Any, weight: Any) -> Any:
        return (_zeros_like(weight), _zeros_like(weight))

    def _moments(self, state: Any, g: np.ndarray) -> tuple:
        """Update (mean, var) in place from `g` (a scratch array: overwritten)."""
        mean, var = buffer(state[0]), buffer(state[1])
        t = mean.dtype.type
        mean *= t(self.beta1)
        mean += (t(1) - t(self.beta1)) * g
        var *= t(self.beta2)
        np.square(g, out=g)
        g *= t(1) - t(self.beta2)
        var += g
        return mean, var


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
        mean, var = self._moments(state, self._grad(g, w, wd))
        t = w.dtype.type
        denom = np.sqrt(var)
        denom += t(self.epsilon)
        step_ = np.multiply(mean, t(lr))
        step_ /= denom
        w -= step_


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
        mean, var = self._moments(state, self._grad(g))
        t = w.dtype.type
        w -= t(lr) * (t(alpha) * mean / (np.sqrt(var) + t(self.epsilon)) + t(wd) * w)


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
        step = self._index_update_count[index]
        mean, var = self._moments(state, self._grad(g))
        t = w.dtype.type
        if self.bias_correction:
            mean = mean / t(1.0 - self.beta1 ** step)
            var = var / t(1.0 - self.beta2 ** step)
        direction = mean / (np.sqrt(var) + t(self.epsilon)) + t(wd) * w
        r1 = np.linalg.norm(w.astype(np.float32, copy=False))
        r2 = np.linalg.norm(direction.astype(np.float32, copy=False))
        if self.lower_bound:
            r1 = max(r1, self.lower_bound)
        if self.upper_bound:
            r1 = min(r1, self.upper_bound)
        ratio = r1 / r2 if r1 != 0 and r2 != 0 else 1.0
        w -= t(lr * ratio) * direction


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
        step = self._index_update_count[index]
        d, v, z = (buffer(s) for s in state)
        t = w.dtype.type
        g = self._grad(g, w, wd)
        v *= t(self.beta2)
        v += t(1 - self.beta2) * np.square(g)
        d_t = t((1 - self.beta1 ** step) / lr) * (
            np.sqrt(v / t(1 - self.beta2 ** step)) + t(self.epsilon))
        z *= t(self.beta1)
        z += t(1 - self.beta1) * g - (d_t - t(self.beta1) * d) * w
        d[...] = d_t
        w[...] = -z / d_t
