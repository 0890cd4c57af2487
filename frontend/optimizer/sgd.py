"""SGD (with momentum), NAG, Signum and LARS, computed by MXNet 1.9.1's update kernels
(`sgd_update`, `sgd_mom_update`, `nag_mom_update`, `signsgd_update`, `signum_update`,
`multi_lars`: tapegraph.ndarray.update_kernels), as MXNet's optimizers call them."""
from __future__ import annotations

import os
from typing import Any

import numpy as np

from ..inplace import buffer
from ..ndarray import update_kernels as K
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
        lrs = self._scale_lrs(index, weight, grad, lrs, wds)
        for w, g, s, lr, wd in zip(weight, grad, state, lrs, wds):
            if mp and self.multi_precision and buffer(w).dtype == np.float16:
                master = buffer(s[1])
                self._step(None, master, buffer(g).astype(np.float32), s[0], lr, wd)
                buffer(w)[...] = master
            else:
                self._step(None, buffer(w), buffer(g), s, lr, wd)

    def _scale_lrs(self, index: Any, weight: Any, grad: Any, lrs: Any, wds: Any) -> Any:
        return lrs

    def _current_momentum(self) -> float:
        return self.momentum

    def _step(self, index: Any, w: np.ndarray, g: np.ndarray, state: Any, lr: float,
              wd: float) -> None:
        # in place, one BLAS pass per term where possible, no allocation (the scratch)
        if state is not None and self.momentum > 0:
            K.sgd_mom(w, g, buffer(state), w, lr, self._current_momentum(), wd,
                      self.rescale_grad, self._kclip, self._scratch)
        else:
            K.sgd(w, g, w, lr, wd, self.rescale_grad, self._kclip, self._scratch)


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
        if state is not None and self.momentum > 0:
            K.nag_mom(w, g, buffer(state), w, lr, self.momentum, wd, self.rescale_grad,
                      self._kclip)
        else:
            K.sgd(w, g, w, lr, wd, self.rescale_grad, self._kclip)


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
        if state is not None and self.momentum > 0:
            K.signum(w, g, buffer(state), w, lr, self.momentum, wd, self.rescale_grad,
                     self._kclip, self.wd_lh)
        else:
            K.signsgd(w, g, w, lr, wd, self.rescale_grad, self._kclip)


@register
class LARS(SGD):
    """SGD with layer-wise adaptive rate scaling (You et al.): each weight's learning rate
    is multiplied by eta * ||w|| / (||rescale_grad * g|| + wd * ||w|| + eps) (1 if a norm
    is 0; biases, gammas and betas keep theirs); with `momentum_correction` the momentum is
    scaled by the ratio of this learning rate to the last one. Only `*_weight` names decay.
    """

    def __init__(self, momentum: float = 0.0, lazy_update: bool = True, eta: float = 0.001,
                 eps: float = 0, momentum_correction: bool = True, **kwargs: Any) -> None:
        super().__init__(momentum=momentum, lazy_update=lazy_update, **kwargs)
        self.momentum_correction = momentum_correction
        self.eta, self.eps = eta, eps
        self.skip = 0
        self.last_lr: Any = None
        self.cur_lr: Any = None

    def _get_lrs(self, indices: Any) -> Any:
        if self.cur_lr is not None:
            self.last_lr = self.cur_lr
        lr = self.lr_scheduler(self.num_update) if self.lr_scheduler is not None else self.lr
        if self.cur_lr is None:
            self.last_lr = lr
        self.cur_lr = lr
        return super()._get_lrs(indices)

    def set_wd_mult(self, args_wd_mult: Any) -> None:
        super().set_wd_mult(args_wd_mult)
        for n in self.idx2name.values():
            if not n.endswith("_weight") and n not in args_wd_mult:
                self.wd_mult[n] = 0.0

    def _current_momentum(self) -> float:
        if self.momentum_correction and self.last_lr != 0:
            return self.momentum * (self.cur_lr / self.last_lr)
        return self.momentum

    def _scale_lrs(self, index: Any, weight: Any, grad: Any, lrs: Any, wds: Any) -> Any:
        out = []
        for i, w, g, lr, wd in zip(index, weight, grad, lrs, wds):
            name = self.idx2name.get(i, str(i))
            if name.endswith(("gamma", "beta", "bias")):
                out.append(lr)
                continue
            w_norm = float(np.linalg.norm(buffer(w).astype(np.float32)))
            g_norm = float(np.linalg.norm(buffer(g).astype(np.float32))) * self.rescale_grad
            out.append(K.lars_lr(lr, w_norm, g_norm, wd, self.eta, self.eps))
        return out
