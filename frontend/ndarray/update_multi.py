"""MXNet 1.9.1's multi-tensor update operators and their helpers on NDArrays:
`multi_sgd_update` & co. (flattened argument lists, `num_weights`), the `preloaded_*`
variants (learning rates and weight decays as arrays), `mx.nd.contrib`'s
`adamw_update` / `mp_adamw_update` / `multi_adamw_update` / `multi_mp_adamw_update` /
`multi_lamb_update` / `multi_mp_lamb_update`, and `all_finite`, `multi_all_finite`,
`multi_sum_sq`, `multi_lars`, `reset_arrays`.

Every argument is checked before anything changes (tapegraph.ndarray.update_ops); the
maths are the kernels of tapegraph.ndarray.update_kernels. As in MXNet, the multi-tensor
updates need `out=` (MXNet fails without it).
"""
from __future__ import annotations

from typing import Any, Callable, Dict, List, Sequence

import numpy as np

from ..accel.lazy import before_write
from ..ir.errors import MXNetError, ShapeError
from . import update_kernels as K
from .ndarray import NDArray
from ..trace import host_reads
from ..trace.tape import STATE
from .update_ops import (REQUIRED, assigning_error, check_out, check_recording, need_array,
                         need_dtype, params, same_shape, scalar)


def _count_error(op: str, expected: int, got: int) -> MXNetError:
    return MXNetError("Check failed: num_inputs == infered_num_inputs (%d vs. %d) : Operator "
                      "%s expects %d inputs, but got %d instead." % (got, expected, op,
                                                                      expected, got))


def _outs(op: str, out: Any, weights: Sequence[NDArray]) -> List[NDArray]:
    if out is None:
        raise MXNetError("%s needs out= (the arrays the updated weights are written to): "
                         "MXNet 1.9.1 cannot infer its outputs without it" % op)
    outs = [out] if isinstance(out, NDArray) else list(out)
    if len(outs) != len(weights):
        raise MXNetError("%s: out has %d arrays, expected %d (one per weight)"
                         % (op, len(outs), len(weights)))
    for o, w in zip(outs, weights):
        check_out(op, o, w)
    before_write()
    return outs


def _per_weight(op: str, what: str, values: Any, n: int, label: str) -> List[float]:
    values = [values] if isinstance(values, (int, float)) else list(values)
    if len(values) != n:
        raise MXNetError("Check failed: param.%s.ndim() == param.num_weights (%d vs. %d) : "
                         "Number of %s is inconsistent with num_weights parameter passed. "
                         "Expected number of %s: %d, and got %d"
                         % (what, len(values), n, label, label, n, len(values)))
    return [float(v) for v in values]


def _groups(op: str, data: Sequence[Any], n: int, names: Sequence[str], tail: int,
            f32: Sequence[str]) -> List[Dict[str, NDArray]]:
    k = len(names)
    if len(data) != n * k + tail:
        raise _count_error(op, n * k + tail, len(data))
    for i, a in enumerate(data):
        need_array(op, "input %d" % i, a)
    groups = []
    for i in range(n):
        group = dict(zip(names, data[i * k:(i + 1) * k]))
        w = group["weight"]
        for name, a in group.items():
            what = "%s %d" % (name, i)
            same_shape(op, what, a, w.shape, "weight %d" % i)
            if name in f32:
                need_dtype(op, what, a, np.float32)
            elif name != "weight":
                need_dtype(op, what, a, w.dtype)
        groups.append(group)
    return groups


def _multi_sgd(name: str, mom: bool, mp: bool, preloaded: bool) -> Callable:
    names = ("weight", "grad") + (("mom",) if mom else ()) + (("weight32",) if mp else ())
    f32 = [n for n in names if mp and n in ("mom", "weight32")]
    spec: Dict[str, Any] = {} if preloaded else {"lrs": REQUIRED, "wds": REQUIRED}
    if mom:
        spec["momentum"] = 0.0
    spec.update(rescale_grad=1.0, clip_gradient=-1.0, num_weights=1)  # MXNet's order

    def fn(*data: Any, out: Any = None, **kwargs: Any):
        p = params(name, spec, kwargs)
        n = int(p["num_weights"])
        groups = _groups(name, data, n, names, 2 if preloaded else 0, f32)
        if preloaded:
            lrs_a, wds_a = data[-2], data[-1]
            for what, a in (("lrs", lrs_a), ("wds", wds_a)):
                if a.size != n:
                    raise ShapeError("%s: %s has %d values, expected num_weights = %d"
                                     % (name, what, a.size, n))
            lrs = [float(v) for v in lrs_a._data.reshape(-1)]
            wds = [float(v) for v in wds_a._data.reshape(-1)]
        else:
            lrs = _per_weight(name, "lrs", p["lrs"], n, "learning rates")
            wds = _per_weight(name, "wds", p["wds"], n, "weight decays")
        outs = _outs(name, out, [g["weight"] for g in groups])
        check_recording(name, data, outs)
        common = dict(rescale=float(p["rescale_grad"]), clip=float(p["clip_gradient"]))
        for g, o, lr, wd in zip(groups, outs, lrs, wds):
            w, grad, target = g["weight"]._data, g["grad"]._data, o._data
            if mp:
                w, grad, target = g["weight32"]._data, grad.astype(np.float32), g["weight32"]._data
            if mom:
                K.sgd_mom(w, grad, g["mom"]._data, target, lr, float(p["momentum"]), wd, **common)
            else:
                K.sgd(w, grad, target, lr, wd, **common)
            if mp:
                o._data[...] = target
        return out if isinstance(out, NDArray) else outs

    fn.__name__ = fn.__qualname__ = name
    fn._tg_params = spec
    fn.__doc__ = ("mx.nd.%s(*data, out, %snum_weights=1, rescale_grad=1, clip_gradient=-1%s): "
                  "MXNet 1.9.1's multi-tensor SGD update. `data` is (%s) for each weight in "
                  "turn%s; each group is updated as by mx.nd.%s. Returns `out`."
                  % (name, "" if preloaded else "lrs, wds, ", ", momentum=0" if mom else "",
                     ", ".join(names), ", then the lrs and wds arrays" if preloaded else "",
                     ("mp_" if mp else "") + ("sgd_mom_update" if mom else "sgd_update")))
    return fn


MULTI_SGD = [_multi_sgd(("preloaded_" if pre else "") + "multi_" + ("mp_" if mp else "")
                        + ("sgd_mom_update" if mom else "sgd_update"), mom, mp, pre)
             for pre in (False, True) for mp in (False, True) for mom in (False, True)]


# ---------------------------------------------------------------- contrib AdamW and LAMB
ADAMW_P = {"beta1": 0.9, "beta2": 0.999, "epsilon": 1e-8, "clip_gradient": -1.0}


def _adamw_run(op: str, groups: List[Dict[str, NDArray]], outs: List[NDArray], rescale: float,
               lrs: Sequence[float], etas: Sequence[float], wds: Sequence[float],
               p: Dict[str, Any], mp: bool, write_grad: bool = False) -> None:
    for g, o, lr, eta, wd in zip(groups, outs, lrs, etas, wds):
        w, grad = g["weight"]._data, g["grad"]._data
        target = o._data
        if mp:
            w = target = g["weight32"]._data
            grad = grad.astype(np.float32)
        K.adamw(w, grad, g["mean"]._data, g["var"]._data, target, rescale, lr, eta,
                float(p["beta1"]), float(p["beta2"]), float(p["epsilon"]), wd,
                float(p["clip_gradient"]), write_grad)
        if mp:
            o._data[...] = target


def _adamw(mp: bool) -> Callable:
    name = "mp_adamw_update" if mp else "adamw_update"
    names = ("weight", "grad", "mean", "var") + (("weight32",) if mp else ())

    def fn(*args: Any, out: Any = None, **kwargs: Any) -> NDArray:
        spec = dict(zip(names + ("rescale_grad", "lr", "eta"), args))
        for key in names + ("rescale_grad", "lr", "eta"):
            if key in kwargs:
                spec[key] = kwargs.pop(key)
            if key not in spec:
                raise MXNetError("%s() missing required argument '%s'" % (name, key))
        p = params(name, dict(ADAMW_P, wd=0.0), kwargs)
        f32 = ("mean", "var", "weight32") if mp else ()
        groups = _groups(name, [spec[k] for k in names], 1, names, 0, f32)
        weight = groups[0]["weight"]
        rescale = scalar(name, "rescale_grad", spec["rescale_grad"])
        if out is not None:
            check_out(name, out, weight)
        check_recording(name, [spec[k] for k in names], [out])
        res = out if out is not None else type(weight)._wrap(np.empty(weight.shape,
                                                                      weight.dtype))
        _adamw_run(name, groups, [res], rescale, [float(spec["lr"])], [float(spec["eta"])],
                   [float(p["wd"])], p, mp, write_grad=not mp)
        return res

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = ("mx.nd.contrib.%s(%s, rescale_grad, lr, eta, beta1=0.9, beta2=0.999, "
                  "epsilon=1e-8, wd=0, clip_gradient=-1, out=None): MXNet 1.9.1's AdamW update "
                  "(`rescale_grad` a number or a one-element array).%s\n\n%s"
                  % (name, ", ".join(names), "" if mp else " As MXNet's, it also writes "
                     "the rescaled, clipped gradient into `grad`.", K.adamw.__doc__))
    return fn


def _lists(op: str, lists: Dict[str, Any], size: int) -> None:
    for key, value in lists.items():
        if not isinstance(value, (list, tuple)) or len(value) != size:
            raise MXNetError("%s: %s must be a list of %d arrays, got %r"
                             % (op, key, size, type(value).__name__ if not isinstance(
                                 value, (list, tuple)) else "%d" % len(value)))


def _multi_adamw(mp: bool) -> Callable:
    name = "multi_mp_adamw_update" if mp else "multi_adamw_update"
    names = ("weight", "grad", "mean", "var") + (("weight32",) if mp else ())

    def fn(weights, grads, mean, var, *rest, out=None, size=0, **kwargs):
        keys = (("weights32",) if mp else ()) + ("rescale_grad", "lrs", "wds", "etas")
        spec = _named(name, keys, rest, kwargs)
        p = params(name, ADAMW_P, kwargs)
        size = int(size) or len(weights)
        flat, groups = _moment_groups(name, names, size, mp, spec, weights, grads, mean, var)
        lrs = _per_weight(name, "lrs", spec["lrs"], size, "learning rates")
        wds = _per_weight(name, "wds", spec["wds"], size, "weight decays")
        etas = _per_weight(name, "etas", spec["etas"], size, "etas")
        rescale = scalar(name, "rescale_grad", spec["rescale_grad"])
        outs = _outs(name, out, [g["weight"] for g in groups])
        check_recording(name, flat, outs)
        _adamw_run(name, groups, outs, rescale, lrs, etas, wds, p, mp)
        return out if isinstance(out, NDArray) else outs

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = ("mx.nd.contrib.%s(weights, grads, mean, var, %srescale_grad, lrs, wds, "
                  "etas, out, size=0, beta1=0.9, beta2=0.999, epsilon=1e-8, "
                  "clip_gradient=-1): adamw_update on each weight of the lists."
                  % (name, "weights32, " if mp else ""))
    return fn


def _named(name: str, keys: Sequence[str], given: Sequence[Any], kwargs: dict) -> dict:
    """The arguments `keys` given positionally (`given`) or by keyword (taken out of
    `kwargs`, which also loses `name`); MXNet's error for a missing one."""
    spec = dict(zip(keys, given))
    for key in keys:
        if key in kwargs:
            spec[key] = kwargs.pop(key)
        if key not in spec:
            raise MXNetError("%s() missing required argument '%s'" % (name, key))
    kwargs.pop("name", None)
    return spec


def _moment_groups(name: str, names: Sequence[str], size: int, mp: bool, spec: dict,
                   weights, grads, mean, var):
    """The flat array list and per-weight groups of a multi AdamW / LAMB call (with
    `weights32` from `spec` for the mixed-precision variants)."""
    arrays = dict(weights=weights, grads=grads, mean=mean, var=var)
    if mp:
        arrays["weights32"] = spec["weights32"]
    _lists(name, arrays, size)
    flat = [a for group in zip(*arrays.values()) for a in group]
    f32 = ("mean", "var", "weight32") if mp else ()
    return flat, _groups(name, flat, size, names, 0, f32)


LAMB_P = {"beta1": 0.9, "beta2": 0.999, "epsilon": 1e-6, "rescale_grad": 1.0,
          "lower_bound": -1.0, "upper_bound": -1.0, "clip_gradient": -1.0,
          "bias_correction": True}


def _multi_lamb(mp: bool) -> Callable:
    name = "multi_mp_lamb_update" if mp else "multi_lamb_update"
    names = ("weight", "grad", "mean", "var") + (("weight32",) if mp else ())

    def fn(weights, grads, mean, var, *rest, out=None, num_tensors=0, **kwargs):
        keys = (("weights32",) if mp else ()) + ("step_count", "lrs", "wds")
        spec = _named(name, keys, rest, kwargs)
        p = params(name, LAMB_P, kwargs)
        size = int(num_tensors) or len(weights)
        flat, groups = _moment_groups(name, names, size, mp, spec, weights, grads, mean, var)
        steps = [int(s) for s in _per_weight(name, "step_count", spec["step_count"], size,
                                             "step counts")]
        lrs = _per_weight(name, "lrs", spec["lrs"], size, "learning rates")
        wds = _per_weight(name, "wds", spec["wds"], size, "weight decays")
        outs = _outs(name, out, [g["weight"] for g in groups])
        check_recording(name, flat, outs)
        for g, o, t, lr, wd in zip(groups, outs, steps, lrs, wds):
            w, grad, target = g["weight"]._data, g["grad"]._data, o._data
            if mp:
                w = target = g["weight32"]._data
                grad = grad.astype(np.float32)
            direction = np.empty(w.shape, w.dtype)
            K.lamb_phase1(w, grad, g["mean"]._data, g["var"]._data, direction, t,
                          float(p["beta1"]), float(p["beta2"]), float(p["epsilon"]),
                          bool(p["bias_correction"]), wd, float(p["rescale_grad"]),
                          float(p["clip_gradient"]))
            r1 = float(np.linalg.norm(w.astype(np.float32, copy=False)))
            r2 = float(np.linalg.norm(direction.astype(np.float32, copy=False)))
            K.lamb_phase2(w, direction, target, lr, r1, r2, float(p["lower_bound"]),
                          float(p["upper_bound"]))
            if mp:
                o._data[...] = target
        return out if isinstance(out, NDArray) else outs

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = ("mx.nd.contrib.%s(weights, grads, mean, var, %sstep_count, lrs, wds, out, "
                  "num_tensors=0, beta1=0.9, beta2=0.999, epsilon=1e-6, rescale_grad=1, "
                  "lower_bound=-1, upper_bound=-1, clip_gradient=-1, bias_correction=True): "
                  "LAMB on each weight of the lists: lamb_update_phase1, then "
                  "lamb_update_phase2 with r1 = ||weight||, r2 = ||direction||."
                  % (name, "weights32, " if mp else ""))
    return fn


# ---------------------------------------------------------------- checks and helpers
def _flag(op: str, arrays: Sequence[NDArray], init_output: bool, out: Any) -> NDArray:
    for i, a in enumerate(arrays):
        need_array(op, "input %d" % i, a)
    if out is not None:
        need_array(op, "out", out)
        if out.shape != (1,):
            raise ShapeError("%s: out must have shape (1,), got %s" % (op, out.shape))
    res = out if out is not None else NDArray._wrap(np.zeros((1,), np.float32))
    host_reads.note(*arrays)  # (a hybridized trace then runs the call eagerly each time)
    finite = all(bool(np.isfinite(a._data).all()) for a in arrays)
    if init_output:
        res._data[...] = 1
    if not finite:
        res._data[...] = 0
    return res


def all_finite(data, init_output=True, out=None, name=None, **kwargs) -> NDArray:
    """[1.] if every value of `data` is finite, else [0.] (float32, shape (1,)). With
    init_output=False a given `out` is only set to 0 (never reset to 1), so one flag can
    collect several checks."""
    return _flag("all_finite", [data], bool(init_output), out)


def multi_all_finite(*data, num_arrays=1, init_output=True, out=None, name=None, **kwargs):
    """all_finite over the `num_arrays` arrays `data`."""
    if len(data) != int(num_arrays):
        raise _count_error("multi_all_finite", int(num_arrays), len(data))
    return _flag("multi_all_finite", data, bool(init_output), out)


def _array_list(op: str, data: Sequence[Any], num_arrays: Any, kwargs: dict) -> None:
    """Check the `num_arrays` arrays `data` of a list operator (MXNet's errors)."""
    p = params(op, {"num_arrays": REQUIRED}, dict(kwargs, num_arrays=num_arrays))
    n = int(p["num_arrays"])
    if len(data) != n:
        raise _count_error(op, n, len(data))
    for i, a in enumerate(data):
        need_array(op, "input %d" % i, a)


def multi_sum_sq(*data, num_arrays=None, out=None, name=None, **kwargs) -> NDArray:
    """The sum of squares of each of the `num_arrays` arrays (float32, shape (num_arrays,))."""
    _array_list("multi_sum_sq", data, num_arrays, kwargs)
    check_recording("multi_sum_sq", data, [])
    sums = np.array([np.sum(np.square(a._data, dtype=np.float32)) for a in data], np.float32)
    return _into("multi_sum_sq", sums, out)


def _into(op: str, values: np.ndarray, out: Any) -> NDArray:
    if out is None:
        return NDArray._wrap(values)
    need_array(op, "out", out)
    if out.shape != values.shape:
        raise ShapeError("%s: out has shape %s, expected %s" % (op, out.shape, values.shape))
    before_write()
    out._data[...] = values
    return out


def multi_lars(lrs=None, weights_sum_sq=None, grads_sum_sq=None, wds=None, out=None,
               name=None, **kwargs) -> NDArray:
    """LARS learning rates: lrs * eta * ||w|| / (||g|| + wds * ||w|| + eps) per weight from
    the sums of squares (||g|| = sqrt(grads_sum_sq) * rescale_grad); the plain lr where a
    norm is 0. Parameters eta and eps are required, rescale_grad defaults to 1."""
    op = "multi_lars"
    p = params(op, {"eta": REQUIRED, "eps": REQUIRED, "rescale_grad": 1.0}, kwargs)
    arrays = dict(lrs=lrs, weights_sum_sq=weights_sum_sq, grads_sum_sq=grads_sum_sq, wds=wds)
    for key, a in arrays.items():
        need_array(op, key, a)
        same_shape(op, key, a, lrs.shape, "lrs")
    check_recording(op, list(arrays.values()), [])
    f = np.float32
    w = np.sqrt(weights_sum_sq._data.astype(f))
    g = np.sqrt(grads_sum_sq._data.astype(f)) * f(p["rescale_grad"])
    values = [K.lars_lr(f(lr), wn, gn, f(wd), f(p["eta"]), f(p["eps"]))
              for lr, wn, gn, wd in zip(lrs._data.astype(f).reshape(-1), w.reshape(-1),
                                        g.reshape(-1), wds._data.astype(f).reshape(-1))]
    return _into(op, np.array(values, f).reshape(lrs.shape), out)


def reset_arrays(*data, num_arrays=None, out=None, name=None, **kwargs) -> list:
    """Set each of the `num_arrays` arrays to zero in place; returns [] (no outputs)."""
    _array_list("reset_arrays", data, num_arrays, kwargs)
    if STATE.recording and any(a._value is not None for a in data):
        raise assigning_error()
    before_write()
    for a in data:
        a._data[...] = 0
    return []


def install(namespace: dict, contrib: dict) -> None:
    """Bind these into mx.nd (`namespace`) and mx.nd.contrib (`contrib`)."""
    for fn in MULTI_SGD + [all_finite, multi_all_finite, multi_sum_sq, multi_lars,
                           reset_arrays]:
        namespace[fn.__name__] = fn
    for fn in (_adamw(False), _adamw(True), _multi_adamw(False), _multi_adamw(True),
               _multi_lamb(False), _multi_lamb(True)):
        contrib[fn.__name__] = fn
