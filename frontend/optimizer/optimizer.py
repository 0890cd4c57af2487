"""`Optimizer`: learning rate, schedule, weight decay, multipliers and update counts, as in
MXNet 1.9.1; subclasses implement `create_state` and `update` on NumPy buffers, in place.

Updates are not recorded by autograd (MXNet's updaters are not either): they write the
weight's storage directly (`tapegraph.inplace`).
"""
from __future__ import annotations

import math
import warnings
from typing import Any, Dict, List, Optional, Sequence, Union

import numpy as np

from .. import ndarray as _nd
from ..inplace import buffer
from ..registry import _REGISTRY, get_alias_func, get_create_func, get_register_func
from ..base import names_from

Index = Union[int, str]


class Optimizer:
    """The base class of all optimizers.

    Parameters are MXNet's: `rescale_grad` scales every gradient, `clip_gradient` clips the
    rescaled gradient to [-c, c], `wd` is the L2 weight decay, `learning_rate` (default
    0.01) or an `lr_scheduler` (called with the number of updates so far),
    `param_idx2name` maps indices to names (weights of names not ending in `_weight` or
    `_gamma` get no decay), `multi_precision` keeps float32 master copies of float16
    weights, `param_dict` maps indices to Gluon Parameters whose `lr_mult`/`wd_mult` apply.
    """

    aggregate_num = 0
    # dtype -> a flat buffer that `_scratch` hands out views of (not saved with states)
    _scratch_buffers: Optional[Dict[Any, np.ndarray]] = None

    def __init__(self, rescale_grad: float = 1.0, param_idx2name: Optional[dict] = None,
                 wd: float = 0.0, clip_gradient: Optional[float] = None,
                 learning_rate: Optional[float] = None, lr_scheduler: Any = None,
                 sym: Any = None, begin_num_update: int = 0, multi_precision: bool = False,
                 param_dict: Optional[dict] = None) -> None:
        self.rescale_grad = rescale_grad
        self.lr_scheduler = lr_scheduler
        if lr_scheduler is None and learning_rate is None:
            learning_rate = 0.01
        self.lr = learning_rate
        if lr_scheduler is not None and learning_rate is not None:
            if lr_scheduler.base_lr != learning_rate:
                print(UserWarning("learning rate from ``lr_scheduler`` has been "
                                  "overwritten by ``learning_rate`` in optimizer."))
                lr_scheduler.base_lr = learning_rate
        self.wd = wd
        self.lr_mult: Dict[Any, float] = {}
        self.wd_mult: Dict[Any, float] = {}
        self.begin_num_update = begin_num_update
        self.num_update = begin_num_update
        self._all_index_update_counts: Dict[int, Dict[Any, int]] = {0: {}}
        self._index_update_count = self._all_index_update_counts[0]
        self.clip_gradient = clip_gradient
        self.multi_precision = multi_precision
        if param_idx2name is None:
            param_idx2name = {}
        if not isinstance(param_idx2name, dict):
            raise TypeError("param_idx2name should be a dict of param indexes to names.")
        self.idx2name = param_idx2name.copy()
        self.sym_info = (sym.attr_dict(), sym.list_arguments()) if sym is not None else ()
        self.param_dict = param_dict if param_dict else {}
        self.set_lr_mult({})
        self.set_wd_mult({})

    # ------------------------------------------------------------ registry
    @staticmethod
    def register(klass: type) -> type:
        """Register an optimizer class under its lower-cased name (for `create`)."""
        return _register(klass)

    @staticmethod
    def create_optimizer(name: str, **kwargs: Any) -> "Optimizer":
        """An optimizer by registered name, e.g. `create_optimizer('sgd', momentum=0.9)`."""
        return create(name, **kwargs)

    # ------------------------------------------------------------ learning rate
    @property
    def learning_rate(self) -> float:
        if self.lr_scheduler is not None:
            return self.lr_scheduler(self.num_update)
        return self.lr

    def set_learning_rate(self, lr: float) -> None:
        """Set the learning rate (an error when an `lr_scheduler` decides it)."""
        if self.lr_scheduler is not None:
            raise UserWarning("LRScheduler of the optimizer has already been defined. Note "
                              "that set_learning_rate can mutate the value of the learning "
                              "rate of the optimizer only when the LRScheduler of the "
                              "optimizer is undefined.")
        self.lr = lr

    def set_lr_scale(self, args_lrscale: Any) -> None:
        raise DeprecationWarning

    def set_lr_mult(self, args_lr_mult: Dict[Any, float]) -> None:
        """Per-index or per-name learning-rate multipliers (symbol `__lr_mult__` attrs too)."""
        self.lr_mult = {}
        if self.sym_info:
            attr, arg_names = self.sym_info
            for name in arg_names:
                if name in attr and "__lr_mult__" in attr[name]:
                    self.lr_mult[name] = float(attr[name]["__lr_mult__"])
        self.lr_mult.update(args_lr_mult)

    def set_wd_mult(self, args_wd_mult: Dict[Any, float]) -> None:
        """Per-index or per-name weight-decay multipliers; names not ending in `_weight` or
        `_gamma` default to 0."""
        self.wd_mult = {}
        for n in self.idx2name.values():
            if not (n.endswith("_weight") or n.endswith("_gamma")):
                self.wd_mult[n] = 0.0
        if self.sym_info:
            attr, arg_names = self.sym_info
            for name in arg_names:
                if name in attr and "__wd_mult__" in attr[name]:
                    self.wd_mult[name] = float(attr[name]["__wd_mult__"])
        self.wd_mult.update(args_wd_mult)

    # ------------------------------------------------------------ counts, lr and wd
    def _set_current_context(self, device_id: int) -> None:
        self._index_update_count = self._all_index_update_counts.setdefault(device_id, {})

    def _update_count(self, index: Union[Index, Sequence[Index]]) -> None:
        for idx in index if isinstance(index, (list, tuple)) else [index]:
            if idx not in self._index_update_count:
                self._index_update_count[idx] = self.begin_num_update
            self._index_update_count[idx] += 1
            self.num_update = max(self._index_update_count[idx], self.num_update)

    def _get_lrs(self, indices: Sequence[Index]) -> List[float]:
        lr = self.lr_scheduler(self.num_update) if self.lr_scheduler is not None else self.lr
        return [lr * self._mult(index, self.lr_mult, "lr_mult") for index in indices]

    def _get_lr(self, index: Index) -> float:
        return self._get_lrs([index])[0]

    def _get_wds(self, indices: Sequence[Index]) -> List[float]:
        return [self.wd * self._mult(index, self.wd_mult, "wd_mult") for index in indices]

    def _get_wd(self, index: Index) -> float:
        return self._get_wds([index])[0]

    def _mult(self, index: Index, table: Dict[Any, float], attr: str) -> float:
        if index in self.param_dict:
            return getattr(self.param_dict[index], attr)
        if index in table:
            return table[index]
        if index in self.idx2name:
            return table.get(self.idx2name[index], 1.0)
        return 1.0

    # ------------------------------------------------------------ states and updates
    def create_state(self, index: Index, weight: Any) -> Any:
        """The auxiliary state (e.g. momentum) for one weight; None if there is none."""
        return None

    def create_state_multi_precision(self, index: Index, weight: Any) -> Any:
        """`create_state`, with a float32 master copy first for float16 weights when
        `multi_precision` is set."""
        if self.multi_precision and buffer(weight).dtype == np.float16:
            master = _zeros_like(weight, np.float32)
            buffer(master)[...] = buffer(weight)
            return (master, self.create_state(index, master))
        self._warn_fp16(weight)
        return self.create_state(index, weight)

    def _warn_fp16(self, weight: Any) -> None:
        if buffer(weight).dtype == np.float16 and not self.multi_precision:
            warnings.warn("Accumulating with float16 in optimizer can lead to poor accuracy "
                          "or slow convergence. Consider using multi_precision=True option "
                          "of the optimizer")

    def update(self, index: Any, weight: Any, grad: Any, state: Any) -> None:
        """Update `weight` in place from `grad`; `index` may be a list (aggregated)."""
        if isinstance(index, (list, tuple)):
            for i, w, g, s in zip(index, weight, grad, state):
                self.update(i, w, g, s)
            return
        self._update_count(index)
        self._step(index, buffer(weight), buffer(grad), state, self._get_lr(index),
                   self._get_wd(index))

    def update_multi_precision(self, index: Any, weight: Any, grad: Any, state: Any) -> None:
        """`update`, through the float32 master copy for float16 weights."""
        if isinstance(index, (list, tuple)):
            for i, w, g, s in zip(index, weight, grad, state):
                self.update_multi_precision(i, w, g, s)
            return
        if self.multi_precision and buffer(weight).dtype == np.float16:
            master, inner = self._split_mp_state(state)
            self._update_count(index)
            self._step(index, buffer(master), buffer(grad).astype(np.float32), inner,
                       self._get_lr(index), self._get_wd(index))
            buffer(weight)[...] = buffer(master)
        else:
            self.update(index, weight, grad, state)

    def _split_mp_state(self, state: Any) -> tuple:
        return state[0], state[1]

    def _step(self, index: Index, w: np.ndarray, g: np.ndarray, state: Any, lr: float,
              wd: float) -> None:
        raise NotImplementedError("%s must implement update or _step" % type(self).__name__)

    def _grad(self, g: np.ndarray, w: Optional[np.ndarray] = None,
              wd: float = 0.0) -> np.ndarray:
        """A new array rescale_grad * g (+ wd * w), clipped to [-clip_gradient,
        clip_gradient] whenever clip_gradient is not None, as MXNet's Python-written updates
        do (the kernel-based ones pass `_kclip` to tapegraph.ndarray.update_kernels)."""
        g = g * g.dtype.type(self.rescale_grad)
        if w is not None and wd:
            g += w.dtype.type(wd) * w
        clip = self.clip_gradient
        if clip is not None:
            np.clip(g, -clip, clip, out=g)
        return g

    @property
    def _kclip(self) -> float:
        """clip_gradient as MXNet's optimizers pass it to the update kernels
        (tapegraph.ndarray.update_kernels): only when set and non-zero, else -1 (off)."""
        return float(self.clip_gradient) if self.clip_gradient else -1.0

    def _scratch(self, shape: tuple, dtype: Any) -> np.ndarray:
        """A buffer of `shape` and `dtype`, reused across calls (one per dtype, grown to
        the largest size asked for): updates then allocate nothing per step."""
        buffers = self._scratch_buffers
        if buffers is None:
            buffers = self._scratch_buffers = {}
        size = math.prod(shape)
        flat = buffers.get(dtype)
        if flat is None or flat.size < size:
            flat = buffers[dtype] = np.empty(size, dtype)
        return flat[:size].reshape(shape)

    def __getstate__(self) -> dict:
        ret = self.__dict__.copy()
        ret.pop("param_dict", None)
        ret.pop("_scratch_buffers", None)
        ret.pop("_lean_cache", None)  # tapegraph.optimizer.lean's derived values
        ret.pop("_lean_views", None)
        return ret

    def __setstate__(self, state: dict) -> None:
        self.__dict__ = state
        self.param_dict = {}

    def __repr__(self) -> str:
        return "%s(learning_rate=%r)" % (type(self).__name__, self.learning_rate)


def _zeros_like(weight: Any, dtype: Any = None) -> Any:
    """A zero NDArray of `weight`'s shape (and dtype unless given)."""
    data = buffer(weight)
    return _nd.NDArray._wrap(np.zeros(data.shape, dtype or data.dtype))


_register = get_register_func(Optimizer, "optimizer")
# MXNet's name for the table of registered optimizers (lower-cased name -> class)
Optimizer.opt_registry = _REGISTRY.setdefault(Optimizer, {})
alias = get_alias_func(Optimizer, "optimizer")
create = get_create_func(Optimizer, "optimizer")
register = Optimizer.register

# Defined in MXNet's namesake of this module; kept in sibling modules here
__getattr__, __dir__ = names_from("tapegraph.optimizer", (
    "AdaDelta", "AdaGrad", "Adam", "Adamax", "DCASGD", "FTML", "Ftrl", "LAMB", "LARS",
    "LBSGD", "NAG", "Nadam", "RMSProp", "SGD", "SGLD", "Signum", "Test", "Updater",
    "ccSGD", "get_updater"), __name__)
