"""Dynamic loss scaling for AMP, as MXNet 1.9.1 does it."""
from __future__ import annotations

import logging
from typing import Any, Sequence

from ... import autograd
from ...ndarray import ones
from ...ndarray.update_multi import multi_all_finite


class LossScaler:
    """Dynamic loss scaler: the loss is multiplied by `loss_scale` (2**16 at first) so
    that small float16 gradients do not flush to zero. After a step whose gradients
    overflow (inf or NaN), the step is skipped and the scale halves; after 2000 steps
    without overflow it doubles, up to 2**24."""

    def __init__(self) -> None:
        self._loss_scale = 2.**16
        self._next_loss_scale = self._loss_scale
        self._max_loss_scale = 2.**24
        self._scale_seq_len = 2000
        self._unskipped = 0

    @property
    def loss_scale(self) -> float:
        return self._loss_scale

    def has_overflow(self, params: Sequence[Any]) -> bool:
        """Whether any gradient of `params` holds inf or NaN; updates the scale."""
        with autograd.pause():
            grads = [p.list_grad()[0] for p in params if p.grad_req != "null"]
            finite = ones((1,), ctx=grads[0].context) if grads else ones((1,))
            for start in range(0, len(grads), 200):
                chunk = grads[start:start + 200]
                multi_all_finite(*chunk, num_arrays=len(chunk), init_output=False,
                                 out=finite)
        overflow = not bool(finite.asnumpy())
        self._loss_scale = self._next_loss_scale
        if overflow:
            self._next_loss_scale = self._loss_scale / 2.
            self._unskipped = 0
            logging.info("AMP: decreasing loss scale to %f", self._next_loss_scale)
        else:
            self._unskipped += 1
        if self._unskipped == self._scale_seq_len:
            self._unskipped = 0
            self._next_loss_scale = min(self._max_loss_scale, self._loss_scale * 2.)
            logging.info("AMP: increasing loss scale to %f", self._next_loss_scale)
        return overflow
