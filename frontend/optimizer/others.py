"""Ftrl, DCASGD, SGLD, ccSGD and Test, as MXNet 1.9.1 computes them."""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from .. import random as _random
from ..inplace import buffer
from ..ndarray import update_kernels as K
from .optimizer import Optimizer, _zeros_like, register
from .sgd import SGD


@register
class Ftrl(Optimizer):
    """FTRL-Proximal (McMahan et al.), MXNet's `ftrl_update`; state (z, n):

        g = clip(rescale_grad * grad)
        z += g - (sqrt(n + g^2) - sqrt(n)) * w / lr;  n += g^2
        w = (sign(z) * lamda1 - z) / ((beta + sqrt(n)) / lr + wd)  where |z| > lamda1, else 0
    """

    def __init__(self, lamda1: float = 0.01, learning_rate: float = 0.1, beta: float = 1,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.lamda1 = lamda1
        self.beta = beta
        self.lr = learning_rate

    def create_state(self, index: Any, weight: Any) -> Any:
        return (_zeros_like(weight), _zeros_like(weight))

    def _step(self, index: Any, w: np.ndarray, g: np.ndarray, state: Any, lr: float,
              wd: float) -> None:
        K.ftrl(w, g, buffer(state[0]), buffer(state[1]), w, lr, self.lamda1, self.beta, wd,
               self.rescale_grad, self._kclip)


@register
class DCASGD(Optimizer):
    """Delay-compensated asynchronous SGD (Zheng et al.); state (momentum or None,
    previous weight):

        step = -lr * (g + wd * w + lamda * g^2 * (w - w_prev));  with momentum
        mom = momentum * mom + step;  w_prev = w;  w += mom (or step)
    """

    def __init__(self, momentum: float = 0.0, lamda: float = 0.04, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.momentum = momentum
        self.weight_previous: dict = {}
        self.lamda = lamda

    def create_state(self, index: Any, weight: Any) -> Any:
        previous = _zeros_like(weight)
        buffer(previous)[...] = buffer(weight)
        return (_zeros_like(weight) if self.momentum != 0.0 else None, previous)

    def _step(self, index: Any, w: np.ndarray, g: np.ndarray, state: Any, lr: float,
              wd: float) -> None:
        t = w.dtype.type
        g = self._grad(g)
        previous = buffer(state[1])
        step = t(-lr) * (g + t(wd) * w + t(self.lamda) * g * g * (w - previous))
        if state[0] is not None:
            mom = buffer(state[0])
            mom *= t(self.momentum)
            mom += step
            step = mom
        previous[...] = w
        w += step


@register
class SGLD(Optimizer):
    """Stochastic gradient Langevin dynamics: w += -lr/2 * (g + wd * w) + N(0, lr), the
    noise drawn from `mx.random`'s generator."""

    def _step(self, index: Any, w: np.ndarray, g: np.ndarray, state: Any, lr: float,
              wd: float) -> None:
        t = w.dtype.type
        g = self._grad(g)
        w += t(-lr / 2) * (g + t(wd) * w)
        w += _random.generator().normal(0, math.sqrt(lr), w.shape).astype(w.dtype)


@register
class ccSGD(SGD):  # noqa: N801  (MXNet's name)
    """Deprecated alias of SGD, kept by MXNet 1.9.1."""


@register
class Test(Optimizer):
    """MXNet's test optimizer: w += rescale_grad * grad; the state holds the new weight."""

    def create_state(self, index: Any, weight: Any) -> Any:
        return _zeros_like(weight, np.float32)

    def update(self, index: Any, weight: Any, grad: Any, state: Any) -> None:
        w = buffer(weight)
        w += buffer(grad) * w.dtype.type(self.rescale_grad)
        buffer(state)[...] = w
