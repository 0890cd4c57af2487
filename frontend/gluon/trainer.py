"""`gluon.Trainer`: applies an optimizer to a set of Parameters, as MXNet 1.9.1's does.

There is no parameter server here. With one context every parameter is updated from its
own gradient. With several contexts and a kvstore (the default `'device'`), gradients are
summed across contexts first, as MXNet's kvstore does; with `update_on_kvstore` (MXNet's
default there) one optimizer state is updated and the new weight copied to every context,
otherwise each context's copy is updated by its own updater.

`save_states` writes the data-only format of `tapegraph.optimizer.states` (MXNet writes a
pickle; see that module for why this one is not); `load_states` reads it, and MXNet's
files through a data-only reader of their pickle opcodes (`tapegraph.optimizer.mxnet_pickle`).
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional

import numpy as np

from .. import optimizer as opt
from ..accel.lazy import before_write
from ..ir.errors import MXNetError
from ..inplace import buffer
from ..optimizer import lean as _lean
from ..trace.values import VariableValue
from .parameter import STRUCTURE_VERSION, Parameter

__all__ = ["Trainer", "StaleGradientError"]

class StaleGradientError(MXNetError, UserWarning):
    """A parameter's gradient was not written by backward since the last update (MXNet
    raises a UserWarning; this is one)."""


_STALE = ("Gradient of Parameter `%s` on context %s has not been updated by backward since "
          "last `step`. This could mean a bug in your model that made it only use a subset "
          "of the Parameters (Blocks) for this iteration. If you are intentionally only using "
          "a subset, call step with ignore_stale_grad=True to suppress this warning and skip "
          "updating of Parameters with stale gradient")
_ON_KVSTORE = ("%s() when parameters are updated on kvstore is not supported. Try setting "
               "`update_on_kvstore` to False when creating trainer.")


class _Program:
    """A Trainer's update program for one context: the arrays of every parameter it
    updates (checked at each step: the same arrays, buffers and variables) and the
    optimizer's `lean.Program` for them, valid while no Parameter's arrays, grad_req or
    multipliers were set (`parameter.STRUCTURE_VERSION`) and the trainer's number of
    parameters and its updater are the same."""

    __slots__ = ("version", "nparams", "updater", "indices", "weights", "grads",
                 "checks", "lean", "param_dict", "pd_version")


class _ParamDict(dict):
    """The optimizer's `param_dict` (index -> Parameter) as a Trainer makes it: counts its
    changes, so that the update program knows when the multipliers it read still hold
    (a Parameter's lr_mult/wd_mult changes bump `parameter.STRUCTURE_VERSION`)."""

    version = 0

    def __setitem__(self, key: Any, value: Any) -> None:
        super().__setitem__(key, value)
        self.version += 1

    def __delitem__(self, key: Any) -> None:
        super().__delitem__(key)
        self.version += 1

    def __ior__(self, other: Any) -> "_ParamDict":
        self.update(other)
        return self

    def update(self, *args: Any, **kwargs: Any) -> None:
        super().update(*args, **kwargs)
        self.version += 1

    def pop(self, *args: Any) -> Any:
        self.version += 1
        return super().pop(*args)

    def popitem(self) -> Any:
        self.version += 1
        return super().popitem()

    def clear(self) -> None:
        super().clear()
        self.version += 1

    def setdefault(self, key: Any, default: Any = None) -> Any:
        self.version += 1
        return super().setdefault(key, default)


class Trainer:
    """Updates `params` (a list, or a dict / `ParameterDict` taken in sorted key order)
    with `optimizer` (an `Optimizer`, or a registered name with `optimizer_params`).

    `step(batch_size)` rescales gradients by 1/batch_size, reduces them across contexts
    and updates; `allreduce_grads()` then `update(batch_size)` split that in two.
    """

    def __init__(self, params: Any, optimizer: Any, optimizer_params: Optional[dict] = None,
                 kvstore: Any = "device", compression_params: Optional[dict] = None,
                 update_on_kvstore: Optional[bool] = None) -> None:
        if isinstance(params, dict) or (hasattr(params, "keys") and hasattr(params, "items")):
            params = [params[key] for key in sorted(list(params.keys()))]
        if not isinstance(params, (list, tuple)):
            raise ValueError("First argument must be a list or dict of Parameters, got %s."
                             % (type(params)))
        self._params: List[Parameter] = []
        self._param2idx: Dict[str, int] = {}
        for i, param in enumerate(params):
            if not isinstance(param, Parameter):
                raise ValueError("First argument must be a list or dict of Parameters, got "
                                 "list of %s." % (type(param)))
            self._param2idx[param.name] = i
            self._params.append(param)
            param._set_trainer(self)
        self._compression_params = compression_params
        self._contexts = self._check_contexts()
        self._init_optimizer(optimizer, optimizer_params or {})
        self._scale = self._optimizer.rescale_grad
        if kvstore not in (None, False) and not isinstance(kvstore, str):
            raise TypeError("kvstore must be a string ('device', 'local') or None here, got "
                            "%s" % type(kvstore).__name__)
        if isinstance(kvstore, str) and "dist" in kvstore:
            raise ValueError("kvstore %r: distributed training is not available in tapegraph"
                             % kvstore)
        self._kvstore_params = {"kvstore": kvstore, "update_on_kvstore": update_on_kvstore}
        self._program: Optional[_Program] = None
        self._reset_kvstore()

    # ------------------------------------------------------------ set-up
    def _check_contexts(self) -> Optional[list]:
        contexts = None
        for param in self._params:
            ctx = param.list_ctx()
            if contexts is not None and contexts != ctx:
                raise ValueError("All Parameters must be initialized on the same set of "
                                 "contexts, but Parameter %s is initialized on %s while "
                                 "previous Parameters are initialized on %s."
                                 % (param.name, str(ctx), str(contexts)))
            contexts = ctx
        return contexts

    def _init_optimizer(self, optimizer: Any, optimizer_params: dict) -> None:
        param_dict = _ParamDict((i, param) for i, param in enumerate(self._params))
        if isinstance(optimizer, opt.Optimizer):
            if optimizer_params:
                raise ValueError("optimizer_params must be None if optimizer is an instance "
                                 "of Optimizer instead of str")
            self._optimizer = optimizer
            self._optimizer.param_dict = param_dict
        else:
            self._optimizer = opt.create(optimizer, param_dict=param_dict, **optimizer_params)
        self._updaters = [opt.get_updater(self._optimizer) for _ in self._contexts or [0]]
        for device_id, updater in enumerate(self._updaters):
            updater.device_id = device_id

    def _reset_kvstore(self) -> None:
        self._kv_initialized = False
        self._kvstore: Optional[str] = None
        self._update_on_kvstore: Optional[bool] = None
        self._distributed = False

    def _init_kvstore(self) -> None:
        """Decide, as MXNet does, whether gradients are reduced (a kvstore is used only with
        several contexts) and whether the update happens once ('on the kvstore')."""
        config = self._kvstore_params
        contexts = self._check_contexts()
        if config["kvstore"] in (None, False) or len(contexts or []) <= 1:
            self._kvstore, self._update_on_kvstore = None, None
        else:
            self._kvstore = config["kvstore"]
            on_kv = config["update_on_kvstore"]
            self._update_on_kvstore = True if on_kv is None else bool(on_kv)
        self._kv_initialized = True

    # ------------------------------------------------------------ learning rate
    @property
    def learning_rate(self) -> float:
        """The optimizer's current learning rate."""
        return self._optimizer.learning_rate

    @property
    def optimizer(self) -> opt.Optimizer:
        return self._optimizer

    def set_learning_rate(self, lr: float) -> None:
        """Set the optimizer's learning rate (an error if an lr_scheduler decides it)."""
        self._optimizer.set_learning_rate(lr)

    # ------------------------------------------------------------ steps
    def _check_and_rescale_grad(self, scale: float) -> None:
        self._optimizer.rescale_grad = scale

    def step(self, batch_size: float, ignore_stale_grad: bool = False) -> None:
        """One optimization step; gradients are normalized by 1/batch_size."""
        before_write()  # (the weights change in place)
        self._optimizer.rescale_grad = self._scale / batch_size
        if not self._kv_initialized:
            self._init_kvstore()
        if self._kvstore is None:
            if self._amp_overflow():
                return
            if self._update_lean(ignore_stale_grad):
                return
        self._check_stale(ignore_stale_grad)
        self._allreduce_grads()
        if self._kvstore is not None and self._amp_overflow():
            return
        self._update(ignore_stale_grad)

    def _amp_overflow(self) -> bool:
        """True when `amp.init_trainer` gave this trainer a loss scaler and a gradient
        overflowed: the step is then skipped (the scaler halves the scale)."""
        scaler = self.__dict__.get("_amp_loss_scaler")
        return scaler is not None and scaler.has_overflow(self._params)

    def allreduce_grads(self) -> None:
        """Sum each gradient across contexts (for `update` to apply after, e.g., clipping
        the gradients yourself)."""
        if not self._kv_initialized:
            self._init_kvstore()
        if self._kvstore and self._update_on_kvstore:
            raise AssertionError(_ON_KVSTORE % "allreduce_grads")
        self._allreduce_grads()

    def update(self, batch_size: float, ignore_stale_grad: bool = False) -> None:
        """The update half of `step` (after `allreduce_grads`)."""
        if not self._kv_initialized:
            self._init_kvstore()
        if self._kvstore and self._update_on_kvstore:
            raise AssertionError(_ON_KVSTORE % "update")
        self._check_and_rescale_grad(self._scale / batch_size)
        before_write()  # (the weights change in place)
        if self._amp_overflow():
            return
        if self._kvstore is None and self._update_lean(ignore_stale_grad):
            return
        self._check_stale(ignore_stale_grad)
        self._update(ignore_stale_grad)

    def _allreduce_grads(self) -> None:
        if not self._kvstore:
            return
        for param in self._params:
            if param.grad_req == "null":
                continue
            grads = [buffer(g) for g in param.list_grad()]
            if len(grads) > 1:
                total = np.sum(grads, axis=0, dtype=grads[0].dtype)
                for g in grads:
                    g[...] = total

    def _update_lean(self, ignore_stale_grad: bool) -> bool:
        """`_check_stale` + `_update` for one context without a kvstore (the common case),
        through the update program kept from the last step (`_Program`) while it is
        valid. False, with nothing changed, when this does not apply (a stale gradient
        to report, several contexts, an uninitialized parameter): the general path then
        runs."""
        prog = self._program  # (made only with one updater; _updaters is never changed)
        if (prog is None or prog.version != STRUCTURE_VERSION[0]
                or prog.nparams != len(self._params) or prog.updater is not self._updaters[0]):
            if len(self._updaters) != 1:
                return False
            prog = self._program = self._make_program()
            if prog is None:
                return self._update_gathered(ignore_stale_grad)
        checks = prog.checks
        for w, v, wb, g, gb in checks:
            if not v.fresh or w._value is not v or w._data is not wb or g._data is not gb:
                if w._value is not v or w._data is not wb or g._data is not gb:
                    self._program = None
                return self._update_gathered(ignore_stale_grad)
        for check in checks:
            check[1].fresh = False
        pd = prog.param_dict
        if not prog.lean.run(pd is not None and pd.version == prog.pd_version
                             and prog.updater.optimizer.param_dict is pd):
            self._program = None
            self._updaters[0].update_lean(prog.indices, prog.grads, prog.weights)
        return True

    def _gather(self, ignore_stale_grad: bool) -> Optional[tuple]:
        """(indices, weights, gradients, their VariableValues) of the parameters to
        update with one context, skipping stale ones if `ignore_stale_grad`; None if a
        stale gradient is to be reported or the parameters are not plain one-context
        variables (the general path handles those)."""
        indices, weights, grads, values = [], [], [], []
        i = -1
        for param in self._params:
            i += 1
            if param._grad_req == "null":
                continue
            datas, grad_list = param._data, param._grad
            if datas is None or grad_list is None or len(datas) != 1:
                return None
            w = datas[0]
            v = w._value
            if type(v) is not VariableValue:
                return None
            if not v.fresh:
                if ignore_stale_grad:
                    continue
                return None  # the general path raises StaleGradientError
            values.append(v)
            indices.append(i)
            weights.append(w)
            grads.append(grad_list[0])
        return indices, weights, grads, values

    def _update_gathered(self, ignore_stale_grad: bool) -> bool:
        found = self._gather(ignore_stale_grad)
        if found is None:
            return False
        indices, weights, grads, values = found
        for v in values:
            v.fresh = False
        if indices:
            self._updaters[0].update_lean(indices, grads, weights)
        return True

    def _make_program(self) -> Optional["_Program"]:
        updater = self._updaters[0]
        if _lean.runner(type(updater.optimizer)) is None:
            return None
        version = STRUCTURE_VERSION[0]
        found = self._gather(False)  # every gradient fresh: this step updates them all
        if found is None or not found[0]:
            return None
        indices, weights, grads, values = found
        arrays = _lean.buffers(weights, grads)
        if arrays is None:
            return None
        prog = _Program()
        prog.version, prog.nparams = version, len(self._params)
        prog.updater, prog.indices, prog.weights, prog.grads = updater, indices, weights, grads
        prog.checks = list(zip(weights, values, arrays[0], grads, arrays[1]))
        prog.lean = _lean.Program(updater, indices, weights, grads, *arrays)
        pd = updater.optimizer.param_dict
        # the multipliers are fixed while no Parameter changes (STRUCTURE_VERSION) and
        # the trainer's param_dict maps every index to a Parameter, unchanged
        fixed = type(pd) is _ParamDict and all(isinstance(pd.get(i), Parameter)
                                               for i in indices)
        prog.param_dict, prog.pd_version = (pd, pd.version) if fixed else (None, -1)
        return prog

    def _check_stale(self, ignore_stale_grad: bool) -> None:
        # checked for every parameter before anything is updated, so an error loses nothing
        if ignore_stale_grad:
            return
        for param in self._params:
            if param._grad_req == "null":
                continue
            for i, data in enumerate(param._data or param.list_data()):
                if not data._fresh_grad:
                    raise StaleGradientError(_STALE % (param.name, str(param.list_ctx()[i])))

    def _update(self, ignore_stale_grad: bool = False) -> None:
        once = bool(self._kvstore and self._update_on_kvstore)
        if not once and len(self._updaters) == 1:  # one context: the common case, lean
            indices, grads, arrays = [], [], []
            for i, param in enumerate(self._params):
                if param._grad_req == "null":
                    continue
                datas = param._data or param.list_data()
                first = datas[0]
                fresh = first._fresh_grad
                for d in datas:
                    d._fresh_grad = False
                if fresh or not ignore_stale_grad:
                    indices.append(i)
                    grads.append((param._grad or param.list_grad())[0])
                    arrays.append(first)
            if indices:
                self._updaters[0](indices, grads, arrays)
            return
        updates: List[list] = [[] for _ in self._updaters]
        copies = []
        for i, param in enumerate(self._params):
            if param.grad_req == "null":
                continue
            datas, grads = param.list_data(), param.list_grad()
            fresh = [d._fresh_grad for d in datas]
            for d in datas:
                d._fresh_grad = False
            if once:
                if not ignore_stale_grad or any(fresh):
                    updates[0].append((i, grads[0], datas[0]))
                    copies.append(datas)
                continue
            for upd, arr, grad, is_fresh in zip(updates, datas, grads, fresh):
                if not ignore_stale_grad or is_fresh:
                    upd.append((i, grad, arr))
        for updater, upd in zip(self._updaters, updates):
            if upd:
                idx, grads_, arrs = zip(*upd)
                updater(list(idx), list(grads_), list(arrs))
        for datas in copies:
            for other in datas[1:]:
                buffer(other)[...] = buffer(datas[0])

    # ------------------------------------------------------------ states
    def save_states(self, fname: str) -> None:
        """Write the optimizer and its states to `fname` (tapegraph's state format)."""
        if not self._kv_initialized:
            self._init_kvstore()
        with open(fname, "wb") as fout:
            fout.write(self._updaters[0].get_states(dump_optimizer=True))

    def load_states(self, fname: str) -> None:
        """Read what `save_states` (here or in MXNet) wrote: the optimizer (with its update
        counts and schedule) and its states replace the current ones."""
        if not self._kv_initialized:
            self._init_kvstore()
        with open(fname, "rb") as f:
            states = f.read()
        for updater in self._updaters:
            updater.set_states(states)
            updater.optimizer = self._updaters[0].optimizer
        self._optimizer = self._updaters[0].optimizer
        self._optimizer.param_dict = _ParamDict(
            (i, param) for i, param in enumerate(self._params))
