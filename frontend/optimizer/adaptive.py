"""RMSProp, AdaGrad, AdaDelta, Adamax and Nadam, computed as MXNet 1.9.1 does (RMSProp by
the `rmsprop_update` / `rmspropalex_update` kernels of tapegraph.ndarray.update_kernels,
the others as MXNet's Python-written updates)."""
from __future__ import annotations

from typing import Any

import numpy as np

from ..inplace import buffer
from ..ndarray import update_kernels as K
from .optimizer import Optimizer, _zeros_like, register


@register
class RMSProp(Optimizer):
    """RMSProp (Tieleman & Hinton); `centered=True` is Graves' variant:

        g = clip(rescale_grad * grad + wd * w)
        n = (1 - gamma1) * g^2 + gamma1 * n
        plain:    w -= lr * g / sqrt(n + epsilon)
        centered: m = (1 - gamma1) * g + gamma1 * m
                  delta = gamma2 * delta - lr * g / sqrt(n - m^2 + epsilon);  w += delta
    then w is clipped to [-clip_weights, clip_weights] if set.
    """

    def __init__(self, learning_rate: float = 0.001, gamma1: float = 0.9, gamma2: float = 0.9,
                 epsilon: float = 1e-8, centered: bool = False, clip_weights: Any = None,
                 **kwargs: Any) -> None:
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.gamma1, self.gamma2 = gamma1, gamma2
        self.centered = centered
        self.epsilon = epsilon
        self.clip_weights = clip_weights

    def create_state(self, index: Any, weight: Any) -> Any:
        count = 3 if self.centered else 1
        return tuple(_zeros_like(weight, np.float32) for _ in range(count))

    def _step(self, index: Any, w: np.ndarray, g: np.ndarray, state: Any, lr: float,
              wd: float) -> None:
        clip_weights = float(self.clip_weights) if self.clip_weights else -1.0
        if not self.centered:
            K.rmsprop(w, g, buffer(state[0]), w, lr, self.gamma1, self.epsilon, wd,
                      self.rescale_grad, self._kclip, clip_weights)
        else:
            n, m, delta = (buffer(s) for s in state)
            K.rmspropalex(w, g, n, m, delta, w, lr, self.gamma1, self.gamma2, self.epsilon, wd,
                          self.rescale_grad, self._kclip, clip_weights)


@register
class AdaGrad(Optimizer):
    """AdaGrad (Duchi et al.):

        g = clip(rescale_grad * grad);  history += g^2
        w -= lr * (g / sqrt(history + eps) + wd * w)
    """

    def __init__(self, eps: float = 1e-7, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.float_stable_eps = eps

    def create_state(self, index: Any, weight: Any) -> Any:
        return _zeros_like(weight, np.float32)

    def _step(self, index: Any, w: np.ndarray, g: np.ndarray, state: Any, lr: float,
              wd: float) -> None:
        t = w.dtype.type
        g = self._grad(g)
        history = buffer(state)
        history += np.square(g)
        div = g / np.sqrt(history + t(self.float_stable_eps))
        w += (div + w * t(wd)) * t(-lr)


@register
class AdaDelta(Optimizer):
    """AdaDelta (Zeiler); as in MXNet, no learning rate:

        g = clip(rescale_grad * grad);  acc_g = rho * acc_g + (1 - rho) * g^2
        delta = sqrt(acc_delta + epsilon) / sqrt(acc_g + epsilon) * g
        acc_delta = rho * acc_delta + (1 - rho) * delta^2;  w -= delta + wd * w

    (MXNet also rescales the gradient buffer itself in place; this leaves it alone.)
    """

    def __init__(self, rho: float = 0.90, epsilon: float = 1e-5, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.rho, self.epsilon = rho, epsilon

    def create_state(self, index: Any, weight: Any) -> Any:
        return (_zeros_like(weight, np.float32), _zeros_like(weight, np.float32))

    def _step(self, index: Any, w: np.ndarray, g: np.ndarray, state: Any, lr: float,
              wd: float) -> None:
        t = w.dtype.type
        g = self._grad(g)
        acc_g, acc_delta = buffer(state[0]), buffer(state[1])
        acc_g *= t(self.rho)
        acc_g += t(1 - self.rho) * g * g
        delta = np.sqrt(acc_delta + t(self.epsilon)) / np.sqrt(acc_g + t(self.epsilon)) * g
        acc_delta *= t(self.rho)
        acc_delta += t(1 - self.rho) * delta * delta
        w -= delta + t(wd) * w


@register
class Adamax(Optimizer):
    """Adamax (Kingma & Ba, the infinity-norm Adam)."""

    def __init__(self, learning_rate: float = 0.002, beta1: float = 0.9, beta2: float = 0.999,
                 **kwargs: Any) -> None:
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta1, self.beta2 = beta1, beta2

    def create_state(self, index: Any, weight: Any) -> Any:
        return (_zeros_like(weight), _zeros_like(weight))

    def _step(self, index: Any, w: np.ndarray, g: np.ndarray, state: Any, lr: float,
              wd: float) -> None:
        t = w.dtype.type
        lr /= 1.0 - self.beta1 ** self._index_update_count[index]
        g = self._grad(g, w, wd)
        m, u = buffer(state[0]), buffer(state[1])
        m *= t(self.beta1)
        m += t(1 - self.beta1) * g
        np.maximum(t(self.beta2) * u, np.abs(g), out=u)
        w -= t(lr) * m / u


@register
class Nadam(Optimizer):
    """Nesterov Adam (Dozat), with MXNet's momentum schedule (`schedule_decay`)."""

    def __init__(self, learning_rate: float = 0.001, beta1: float = 0.9, beta2: float = 0.999,
                 epsilon: float = 1e-8, schedule_decay: float = 0.004, **kwargs: Any) -> None:
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta1, self.beta2, self.epsilon = beta1, beta2, epsilon
        self.schedule_decay = schedule_decay
        self.m_schedule = 1.0

    def create_state(self, index: Any, weight: Any) -> Any:
        return (_zeros_like(weight), _zeros_like(weight))

    def _step(self, index: Any, w: np.ndarray, g: np.ndarray, state: Any, lr: float,
              wd: float) -> None:
        t = w.dtype.type
        step = self._index_update_count[index]
        g = self._grad(g, w, wd)
        mom_t = self.beta1 * (1.0 - 0.5 * 0.96 ** (step * self.schedule_decay))
        mom_t1 = self.beta1 * (1.0 - 0.5 * 0.96 ** ((step + 1) * self.schedule_decay))
        self.m_schedule = self.m_schedule * mom_t
        m_schedule_next = self.m_schedule * mom_t1
        m, v = buffer(state[0]), buffer(state[1])
        m *= t(self.beta1)
        m += t(1 - self.beta1) * g
        v *= t(self.beta2)
        v += t(1 - self.beta2) * g * g
        g_prime = g / t(1.0 - self.m_schedule)
        m_prime = m / t(1.0 - m_schedule_next)
        v_prime = v / t(1.0 - self.beta2 ** step)
        m_bar = t(1.0 - mom_t) * g_prime + t(mom_t1) * m_prime
        w -= t(lr) * m_bar / (np.sqrt(v_prime) + t(self.epsilon))
