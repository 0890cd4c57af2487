"""SGD (with momentum), NAG and Signum, computed as MXNet 1.9.1's fused kernels
(`sgd_update`, `sgd_mom_update`, `nag_mom_update`, `signsgd_update`, `signum_update`)."""
from __future__ import annotations

import os
from typing import Any

import numpy as np

from ..inplace import buffer
from .optimizer import Optimizer, _zeros_like, register


class _MasterSecond(Optimizer):
    """SGD and NAG keep a float16 weight's float32 master copy after the state."""

    def create_state_multi_precision(self, index: Any, weight: Any) -> Any:
        if self.multi_precision and buffer(weight).dtype == np.float16:
            master = _zeros_like(weight, np.float32)
            buffer(master)[...] = buffer(weight)
            return (self.create_state(index, master), master)
        self._warn_fp16(weight)
        return self.create_state(index, weight)

    def _split_mp_state(self, state: Any) -> tuple:
        return state[1], state[0]

    def create_state(self, index: Any, weight: Any) -> Any:
        return _zeros_like(weight) if self.momentum != 0.0 else None


@register
class SGD(_MasterSecond):
    """Stochastic gradient descent, with momentum if `momentum` > 0:

        mom = momentum * mom - lr * wd * w - lr * clip(rescale_grad * grad)
        w += mom

    (without momentum: w = (1 - lr * wd) * w - lr * clip(rescale_grad * grad)).
    `lazy_update` only matters for sparse gradients, which are dense here.
    """

    def __init__(self, momentum: float = 0.0, lazy_update: bool = True, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.momentum = momentum
        self.lazy_update = lazy_update
        self.aggregate_num = int(os.getenv("MXNET_OPTIMIZER_AGGREGATION_SIZE", "4"))

    def update(self, index: Any, weight: Any, grad: Any, state: Any) -> None:
        self._aggregated(index, weight, grad, state, False)

    def update_multi_precision(self, index: Any, weight: Any, grad: Any, state: Any) -> None:
        self._aggregated(index, weight, grad, state, True)

    def _aggregated(self, index: Any, weight: Any, grad: Any, state: Any, mp: bool) -> None:
        # MXNet counts a whole aggregated group before reading the learning rates
        if not isinstance(index, (list, tuple)):
            index, weight, grad, state = [index], [weight], [grad], [state]
        self._update_count(index)
        lrs, wds = self._get_lrs(index), self._get_wds(index)
        for w, g, s, lr, wd in zip(weight, grad, state, lrs, wds):
            if mp and self.multi_precision and buffer(w).dtype == np.float16:
                master = buffer(s[1])
                self._step(None, master, buffer(g).astype(np.float32), s[0], lr, wd)
                buffer(w)[...] = master
            else:
                self._step(None, buffer(w), buffer(g), s, lr, wd)

    def _step(self, index: Any, w: np.ndarray, g: np.ndarray, state: Any, lr: float,
              wd: float) -> None:
        g = self._grad(g)
        t = w.dtype.type
        if state is not None and self.momentum > 0:
            mom = buffer(state)
            mom *= t(self.momentum)
            mom -= t(lr * wd) * w + t(lr) * g
            w += mom
        else:
            w *= t(1.0 - lr * wd)
            w -= t(lr) * g


@register
class NAG(_MasterSecond):
    """Nesterov accelerated gradient, as MXNet 1.9.1's `nag_mom_update` computes it in
    place (the momentum's decay term reads the already updated weight):

        g = clip(rescale_grad * grad);  mom = momentum * mom
        w_new = w - mom + (momentum + 1) * (mom - lr * (g + wd * w))
        mom = mom - lr * (g + wd * w_new)
    """

    def __init__(self, momentum: float = 0.0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.momentum = momentum

    def _step(self, index: Any, w: np.ndarray, g: np.ndarray, state: Any, lr: float,
              wd: float) -> None:
        t = w.dtype.type
        g = self._grad(g)
        if state is not None and self.momentum > 0:
            mom = buffer(state)
            mom *= t(self.momentum)
            step = mom - t(lr) * (g + t(wd) * w)
            w -= mom
            w += t(self.momentum + 1) * step
            mom -= t(lr) * (g + t(wd) * w)
        else:
            w *= t(1.0 - lr * wd)
            w -= t(lr) * g


@register
class Signum(Optimizer):
    """SignSGD (momentum 0) and Signum:

        mom = momentum * mom - (1 - momentum) * (wd * w + clip(rescale_grad * grad))
        w = (1 - lr * wd_lh) * w + lr * sign(mom)

    (SignSGD: w = (1 - lr * wd) * w - lr * sign(clip(rescale_grad * grad))).
    """

    def __init__(self, learning_rate: float = 0.01, momentum: float = 0.9, wd_lh: float = 0.0,
                 **kwargs: Any) -> None:
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.momentum = momentum
        self.wd_lh = wd_lh

    def create_state(self, index: Any, weight: Any) -> Any:
        return _zeros_like(weight) if self.momentum != 0.0 else None

    def _step(self, index: Any, w: np.ndarray, g: np.ndarray, state: Any, lr: float,
              wd: float) -> None:
        t = w.dtype.type
        g = self._grad(g)
        if state is not None and self.momentum > 0:
            mom = buffer(state)
            mom *= t(self.momentum)
            mom -= t(1 - self.momentum) * (t(wd) * w + g)
            w *= t(1.0 - lr * self.wd_lh)
            w += t(lr) * np.sign(mom)
        else:
            w *= t(1.0 - lr * wd)
            w -= t(lr) * np.sign(g)
