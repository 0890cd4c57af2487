"""`mx.optimizer.LBSGD`: MXNet 1.9.1's large-batch SGD (gradient accumulation over
`batch_scale` updates, a warm-up schedule or LARS scaling of the learning rate)."""
from __future__ import annotations

import logging
import math
from typing import Any, Dict

import numpy as np

from .. import ndarray as _nd
from ..inplace import buffer
from .optimizer import _zeros_like, register
from .sgd import SGD, _MasterSecond


@register
class LBSGD(_MasterSecond):
    """SGD with momentum for large batches, as MXNet 1.9.1's `LBSGD`.

    Each weight's gradients are summed over `batch_scale` calls (a "macro-batch"); on
    the last call of each macro-batch the weight takes one SGD step (MXNet's
    `sgd_update` / `sgd_mom_update`) with the mean gradient and the learning rate times
    a multiplier; on the other calls it is unchanged. The multiplier follows
    `warmup_strategy` over the first `warmup_epochs * updates_per_epoch` calls counted
    from `begin_epoch * updates_per_epoch`: 'linear' 1 + (batch_scale - 1) * n / N,
    'power2' with (n / N)**2, 'sqrt' with sqrt(n / N), then batch_scale; 'lars' uses
    sqrt(|w|^2 / (|g|^2 + wd * |w|^2 + 1e-18)) clipped to [0.01, 100] instead.

    As in MXNet, the first gradient of a macro-batch is kept by reference (not copied):
    a caller that overwrites that gradient buffer before the next call (as a Trainer
    does) changes the sum.
    """

    def __init__(self, momentum: float = 0.0, multi_precision: bool = False,
                 warmup_strategy: str = "linear", warmup_epochs: int = 5,
                 batch_scale: int = 1, updates_per_epoch: int = 32, begin_epoch: int = 0,
                 num_epochs: int = 60, **kwargs: Any) -> None:
        super().__init__(multi_precision=multi_precision, **kwargs)
        logging.info("Running Large-Batch SGD Algorithm")
        logging.info("(Batch_scale=%f, warmup_epochs=%d, warmup_strategy=%s, "
                     "updates_per_epoch=%d)", batch_scale, warmup_epochs, warmup_strategy,
                     updates_per_epoch)
        self.momentum = momentum
        self.warmup_strategy = warmup_strategy
        self.warmup_epochs = warmup_epochs
        self.batch_scale = batch_scale
        self.updates_per_epoch = updates_per_epoch
        self.init_updates = begin_epoch * updates_per_epoch
        self.num_epochs = num_epochs
        self.lbmult = 1
        self.cumgrads: Dict[Any, Dict[str, Any]] = {}
        self.adaptive = False
        self.admult = 1

    def create_state(self, index: Any, weight: Any) -> Any:
        return _zeros_like(weight) if self.momentum != 0.0 else None

    def _current_momentum(self) -> float:
        return self.momentum

    def _get_lbmult(self, nup: int) -> float:
        """The warm-up multiplier of the learning rate after `nup` accumulated calls."""
        nwup = self.warmup_epochs * self.updates_per_epoch
        maxmult = float(self.batch_scale)
        if nup >= nwup:
            return maxmult
        if nwup <= 1:
            return 1.0
        if self.warmup_strategy == "linear":
            return 1.0 + (maxmult - 1) * nup / nwup
        if self.warmup_strategy == "power2":
            return 1.0 + (maxmult - 1) * (nup * nup) / (nwup * nwup)
        if self.warmup_strategy == "sqrt":
            return 1.0 + (maxmult - 1) * math.sqrt(float(nup) / nwup)
        return 1.0

    def _get_lars(self, weight: np.ndarray, g: np.ndarray, wd: float) -> float:
        """The LARS multiplier (float32 squared norms, as MXNet sums them)."""
        weight2 = float(np.multiply(weight, weight).sum())
        grad2 = float(np.multiply(g, g).sum())
        lars = math.sqrt(weight2 / (grad2 + wd * weight2 + 1e-18))
        return min(max(lars, 0.01), 100.0)

    def _cumulate_gradient(self, grad: Any, index: Any) -> Dict[str, Any]:
        cgrad = self.cumgrads.get(index)
        if cgrad and cgrad["num_cums"] > 0:
            cum_grad = cgrad["cum_grad"] + grad
            num_cums = cgrad["num_cums"] + 1
        else:
            cum_grad, num_cums = grad, self.init_updates + 1
        cgrad = {"cum_grad": cum_grad, "num_cums": num_cums}
        self.cumgrads[index] = cgrad
        return cgrad

    def update(self, index: Any, weight: Any, grad: Any, state: Any) -> None:
        if isinstance(index, (list, tuple)):
            for i, w, g, s in zip(index, weight, grad, state):
                self.update(i, w, g, s)
            return
        if not isinstance(weight, _nd.NDArray) or not isinstance(grad, _nd.NDArray):
            raise TypeError("LBSGD.update needs NDArrays, got %s and %s"
                            % (type(weight).__name__, type(grad).__name__))
        lr = self._get_lr(index)
        wd = self._get_wd(index)
        self._update_count(index)
        cgrad = self._cumulate_gradient(grad, index)
        if cgrad["num_cums"] % self.batch_scale != 0:
            return  # MXNet runs sgd_update with lr = 0: the weight is unchanged
        g = buffer(cgrad["cum_grad"] / self.batch_scale)
        w = buffer(weight)
        if self.warmup_strategy == "lars":
            lr *= self._get_lars(w, g, wd)
        else:
            lr *= self._get_lbmult(cgrad["num_cums"])
        if isinstance(state, (list, tuple)):  # (momentum, float32 master copy)
            master = buffer(state[1])
            SGD._step(self, None, master, g.astype(np.float32), state[0], lr, wd)
            w[...] = master
        else:
            SGD._step(self, None, w, g, state, lr, wd)
        cgrad["cum_grad"] = 0

    def update_multi_precision(self, index: Any, weight: Any, grad: Any, state: Any) -> None:
        self.update(index, weight, grad, state)
