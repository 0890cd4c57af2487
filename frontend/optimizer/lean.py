"""The lean update path: the same updates, update counts, learning rates, states and side
effects as `Updater.__call__` -> `Optimizer.update_multi_precision`, with less Python
per step. `gluon.Trainer` uses it with one context, through a `Program` it keeps from
step to step (`Updater.update_lean` is the same without keeping anything).

A runner is chosen per optimizer class, and only when that class keeps the methods the
runner stands for (a subclass overriding any of them, e.g. `LARS`, takes the general
path):

- `SGD` (with or without momentum): groups of `aggregate_num` as MXNet's `Updater`
  makes them (the group counted, then one learning rate read for it); small unclipped
  weights are updated with the arithmetic of `update_kernels.sgd` / `sgd_mom`, the
  float scalars cached by value; anything else calls `SGD._step`;
- `Adam`: per index, `update_kernels.adam`'s arithmetic into reused temporaries;
- any other optimizer updating through `Optimizer.update` and `_step`: per index, the
  count, learning rate and weight decay computed inline, then its `_step`.

What a plan keeps is the arrays it was made for and values derived from them (sizes,
scratch views). The optimizer's options, learning rate (or schedule), update counts and
states are read at each step; the multipliers too (through `param_dict`), unless the
caller vouches that they are those of the last run (`Program.run(fixed_mults=True)`):
SGD and Adam then reuse the scalars they derived from the multipliers and options while
the options are equal. Weights that are not all float32 or all float64 (e.g. float16
with `multi_precision`) take the general path.
"""
from __future__ import annotations

import math
from typing import Any, Callable, Dict, List, Optional

import numpy as np

from ..ndarray import blas
from .adam import Adam
from .optimizer import Optimizer
from .sgd import SGD

__all__ = ["Program", "runner"]

_F32, _F64 = np.dtype(np.float32), np.dtype(np.float64)
# Adam's inline arithmetic uses views of three per-dtype flat buffers of this many
# elements; larger weights take update_kernels.adam (its allocations then cost little).
_SCRATCH_MAX = 1 << 16
_CACHE_MAX = 512  # derived-scalar entries kept per optimizer (a schedule makes new ones)

_BASE = ("update", "update_multi_precision", "_update_count", "_get_lrs", "_get_lr",
         "_get_wds", "_get_wd", "_mult")
_STATES = ("create_state", "create_state_multi_precision")
_SGD = _BASE + _STATES + ("_aggregated", "_scale_lrs", "_current_momentum", "_step",
                          "_split_mp_state")


class _Runner:
    """`plan(opt, indices, wbs, gbs)` -> what `run(opt, plan, states)` needs."""

    def __init__(self, plan: Callable, run: Callable) -> None:
        self.plan, self.run = plan, run


_RUNNERS: Dict[type, Optional[_Runner]] = {}


def runner(cls: type) -> Optional[_Runner]:
    """The lean runner for optimizer class `cls`, or None (the general path)."""
    try:
        return _RUNNERS[cls]
    except KeyError:
        pass
    found = None
    if _keeps(cls, SGD, _SGD):
        found = _Runner(_plan_sgd, _run_sgd)
    elif _keeps(cls, Adam, _BASE + _STATES + ("_step",)):
        found = _Runner(_plan_adam, _run_adam)
    elif _keeps(cls, Optimizer, _BASE):
        found = _Runner(_plan_per_index, _run_per_index)
    _RUNNERS[cls] = found
    return found


def _keeps(cls: type, ref: type, names: tuple) -> bool:
    return issubclass(cls, ref) and all(getattr(cls, n) is getattr(ref, n) for n in names)


def buffers(weights: List[Any], grads: List[Any]) -> Optional[tuple]:
    """(weight buffers, gradient buffers) if every weight is float32 or every weight is
    float64 (NDArrays); else None."""
    wbs = [w._data for w in weights]
    dt = wbs[0].dtype if wbs else _F32
    if dt is not _F32 and dt is not _F64:
        return None
    for wb in wbs:
        if wb.dtype is not dt:
            return None
    return wbs, [g._data for g in grads]


def make_states(updater: Any, indices: list, weights: list) -> None:
    """What `Updater.__call__` does before updating: the current context's counts, each
    index's state created on first use, states marked synced."""
    optimizer, states, synced = updater.optimizer, updater.states, updater.states_synced
    optimizer._set_current_context(updater.device_id)
    for idx, w in zip(indices, weights):
        if idx not in states:
            states[idx] = optimizer.create_state_multi_precision(idx, w)
        if synced.get(idx) is not True:
            synced[idx] = True


class Program:
    """The lean update of fixed (index, weight, gradient) lists for one `Updater`, made
    once and run at each step. The caller guarantees that the weights' and gradients'
    buffers are still `wbs` and `gbs` when it calls `run`; `run` checks the rest (the
    updater's optimizer, its states dict and device, and, through the plan, what the
    plan was derived from) and returns False, having changed nothing, when the program
    no longer applies: the caller then makes a new one."""

    def __init__(self, updater: Any, indices: list, weights: list, grads: list,
                 wbs: list, gbs: list) -> None:
        opt = updater.optimizer
        self.updater, self.optimizer = updater, opt
        self.runner = runner(type(opt))
        make_states(updater, indices, weights)
        self.states, self.device_id = updater.states, updater.device_id
        self.plan = self.runner.plan(opt, indices, wbs, gbs)

    def run(self, fixed_mults: bool = False) -> bool:
        """One update of every weight, or False (nothing done) if the program is stale.
        `fixed_mults`: the caller knows that every index's lr_mult and wd_mult are those
        of the last run (then what was derived from them and unchanged options is
        reused)."""
        updater, opt = self.updater, self.optimizer
        if (updater.optimizer is not opt or updater.states is not self.states
                or updater.device_id != self.device_id):
            return False
        opt._index_update_count = opt._all_index_update_counts.setdefault(self.device_id, {})
        return self.runner.run(opt, self.plan, self.states, fixed_mults)


def _cache(opt: Optimizer) -> dict:
    cache = opt.__dict__.get("_lean_cache")
    if cache is None or len(cache) > _CACHE_MAX:
        cache = opt._lean_cache = {}
    return cache


def _mults(opt: Optimizer, idx: Any) -> tuple:
    """(lr_mult, wd_mult) of index `idx`, as `Optimizer._mult` finds them."""
    pd = opt.param_dict
    if idx in pd:
        p = pd[idx]
        return p.lr_mult, p.wd_mult
    return opt._mult(idx, opt.lr_mult, "lr_mult"), opt._mult(idx, opt.wd_mult, "wd_mult")


# ---------------------------------------------------------------- SGD
def _plan_sgd(opt: SGD, indices: list, wbs: list, gbs: list) -> tuple:
    agg = opt.aggregate_num
    size = agg if agg > 0 else 1  # without aggregation MXNet updates index by index
    groups = []
    for start in range(0, len(indices), size):
        stop = start + size
        items = [(idx, wb, gb, max(wb.size, gb.size)) for idx, wb, gb
                 in zip(indices[start:stop], wbs[start:stop], gbs[start:stop])]
        groups.append((tuple(indices[start:stop]), items))
    return agg, groups, [None] * len(groups)


def _prepare_sgd(opt: SGD, items: list, lr: float, wd: float, rescale: float,
                 momentum: float, small: int) -> list:
    """Per weight of a group, what `_run_sgd` applies: (0, wb, gb, idx, decay factor or
    None, gradient factor, -, -) for update_kernels.sgd; (1, ..., momentum, lr * wd or
    None, gradient factor, decay factor or None) for sgd_mom (sgd if the state is None);
    (2, ..., lr, wd, -, -) for SGD._step."""
    cache = _cache(opt)
    out = []
    for idx, wb, gb, n in items:
        lrm, wdm = _mults(opt, idx)
        lr_k, wd_k = lr * lrm, wd * wdm
        if n >= small:
            out.append((2, wb, gb, idx, lr_k, wd_k, None, None))
            continue
        t = wb.dtype.type
        key = (t, lr_k, wd_k, rescale)
        plain = cache.get(key)
        if plain is None:
            plain = cache[key] = ((t(1.0) - t(lr_k) * t(wd_k)) if wd_k else None,
                                  t(-lr_k) * t(rescale))
        if momentum > 0:
            out.append((1, wb, gb, idx, t(momentum), (t(lr_k) * t(wd_k)) if wd_k else None,
                        plain[1], plain[0]))
        else:
            out.append((0, wb, gb, idx, plain[0], plain[1], None, None))
    return out


def _run_sgd(opt: SGD, plan: tuple, states: dict, fixed: bool = False) -> bool:
    agg, groups, prepared = plan
    if opt.aggregate_num != agg:
        return False
    counts, begin = opt._index_update_count, opt.begin_num_update
    wd, rescale, momentum = opt.wd, opt.rescale_grad, opt.momentum
    small = blas.AXPY_MIN if not opt.clip_gradient else 0  # else SGD._step
    for g, (idxs, items) in enumerate(groups):
        nu = opt.num_update
        for idx in idxs:  # MXNet counts the group, then reads its learning rate
            c = counts.get(idx, begin) + 1
            counts[idx] = c
            if c > nu:
                nu = c
        opt.num_update = nu
        lr = opt.lr_scheduler(nu) if opt.lr_scheduler is not None else opt.lr
        key = (lr, wd, rescale, momentum, small)
        prep = prepared[g]
        if prep is None or prep[0] != key or not fixed:
            prep = (key, _prepare_sgd(opt, items, lr, wd, rescale, momentum, small))
            prepared[g] = prep if fixed else None
        for kind, wb, gb, idx, x, y, z, u in prep[1]:
            if kind == 0:  # update_kernels.sgd, out = weight
                if x is not None:
                    wb *= x
                wb += gb * y
            elif kind == 1:
                s = states[idx]
                if s is None:  # SGD._step without a state: update_kernels.sgd
                    if u is not None:
                        wb *= u
                    wb += gb * z
                    continue
                mom = s._data  # update_kernels.sgd_mom, out = weight
                mom *= x
                if y is not None:
                    mom -= np.multiply(wb, y)
                mom += gb * z
                wb += mom  # np.add(weight, mom, out=weight)
            else:
                opt._step(None, wb, gb, states[idx], x, y)
    return True


# ---------------------------------------------------------------- Adam
def _scratch3(opt: Optimizer, shape: tuple, dt: Any) -> tuple:
    """Three temporaries of `shape` and `dt` (views of flat per-dtype buffers, reused)."""
    flats = opt.__dict__.get("_lean_views")
    if flats is None:
        flats = opt._lean_views = {}
    got = flats.get(dt.type)  # (a dtype's hash is slow; its scalar type's is not)
    if got is None:
        got = flats[dt.type] = tuple(np.empty(_SCRATCH_MAX, dt) for _ in range(3))
    size = math.prod(shape)
    return tuple(f[:size].reshape(shape) for f in got)


def _plan_adam(opt: Adam, indices: list, wbs: list, gbs: list) -> list:
    items = []
    for idx, wb, gb in zip(indices, wbs, gbs):
        inline = (gb.dtype is wb.dtype and gb.shape == wb.shape
                  and wb.size <= _SCRATCH_MAX)
        items.append((idx, wb, gb, _scratch3(opt, wb.shape, wb.dtype) if inline else None))
    return [items, None]


def _prepare_adam(opt: Adam, items: list, key: tuple) -> list:
    """Per weight: (idx, wb, gb, temporaries, lr_mult, weight decay, scalars), the
    scalars (those of update_kernels.adam in the weight's dtype, and the dtype's scalar
    type) None for Adam._step."""
    wd, rescale, _, b1, b2, eps = key
    out = []
    for idx, wb, gb, tmps in items:
        lrm, wdm = _mults(opt, idx)
        wd_k = wd * wdm
        consts = None
        if tmps is not None:
            t = wb.dtype.type
            consts = (t(rescale), t(b1), t(1) - t(b1), t(b2), t(1) - t(b2), t(eps),
                      t(wd_k) if wd_k else None, t)
        out.append((idx, wb, gb, tmps, lrm, wd_k, consts))
    return out


def _run_adam(opt: Adam, plan: list, states: dict, fixed: bool = False) -> bool:
    b1, b2, clip = opt.beta1, opt.beta2, opt._kclip
    key = (opt.wd, opt.rescale_grad, clip, b1, b2, opt.epsilon)
    prep = plan[1]
    if prep is None or prep[0] != key or not fixed:
        prep = (key, _prepare_adam(opt, plan[0], key))
        plan[1] = prep if fixed else None
    counts, begin, sched = opt._index_update_count, opt.begin_num_update, opt.lr_scheduler
    last, corr = None, 0.0
    for idx, wb, gb, tmps, lrm, wd_k, consts in prep[1]:
        c = counts.get(idx, begin) + 1
        counts[idx] = c
        if c > opt.num_update:
            opt.num_update = c
        lr_k = (sched(opt.num_update) if sched is not None else opt.lr) * lrm
        s = states[idx]
        if consts is None:
            opt._step(idx, wb, gb, s, lr_k, wd_k)
            continue
        rs, tb1, c1, tb2, c2, teps, twd, t = consts
        if c != last:  # Adam._step's bias correction of the rate
            last, corr = c, math.sqrt(1.0 - b2 ** c) / (1.0 - b1 ** c)
        # update_kernels.adam with out = weight, its temporaries reused
        g, tmp, denom = tmps
        mean, var = s[0]._data, s[1]._data
        np.multiply(gb, rs, out=g)
        if twd is not None:
            np.multiply(wb, twd, out=tmp)
            g += tmp
        if clip >= 0:
            np.clip(g, -clip, clip, out=g)
        mean *= tb1
        np.multiply(g, c1, out=tmp)
        mean += tmp
        var *= tb2
        np.square(g, out=g)
        g *= c2
        var += g
        np.sqrt(var, out=denom)
        denom += teps
        np.multiply(mean, t(lr_k * corr), out=tmp)
        tmp /= denom
        np.subtract(wb, tmp, out=wb)
    return True


# ---------------------------------------------------------------- any Optimizer._step
def _plan_per_index(opt: Optimizer, indices: list, wbs: list, gbs: list) -> list:
    return [list(zip(indices, wbs, gbs)), None]


def _run_per_index(opt: Optimizer, plan: list, states: dict,
                   fixed: bool = False) -> bool:
    items = plan[1] if fixed else None  # (idx, wb, gb, lr_mult, wd_mult)
    if items is None:
        items = [(idx, wb, gb) + _mults(opt, idx) for idx, wb, gb in plan[0]]
        plan[1] = items if fixed else None
    counts, begin, sched = opt._index_update_count, opt.begin_num_update, opt.lr_scheduler
    for idx, wb, gb, lrm, wdm in items:
        c = counts.get(idx, begin) + 1
        counts[idx] = c
        if c > opt.num_update:
            opt.num_update = c
        lr = sched(opt.num_update) if sched is not None else opt.lr
        opt._step(idx, wb, gb, states[idx], lr * lrm, opt.wd * wdm)
    return True
