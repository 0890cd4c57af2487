"""MXNet 1.9.1's optimizer update operators on NDArrays: `mx.nd.sgd_update`, `adam_update`,
..., `mp_*` (float32 master weights), and their checks.

They are state-mutating host functions, not IR operators: each checks every argument
(arrays, shapes, dtypes, required parameters, `out`) before touching anything, then runs
the NumPy kernel of `tapegraph.ndarray.update_kernels` on the arrays' storage: state
arrays change in place, the new weight goes to `out` (a new array when not given).

Under `autograd.record()` they run unrecorded when no argument is part of the graph, as in
MXNet. With an argument in the graph MXNet records them as operators without a gradient;
here `out=` an array of the graph raises MXNet's error ("Assigning to NDArrays that are
already in a computational graph ...") and any other call the one MXNet raises on the
backward pass ("Operator X is non-differentiable ..."), before anything is changed.
"""
from __future__ import annotations

from typing import Any, Callable, Dict, Sequence, Tuple

import numpy as np

from ..ir.errors import DTypeError, MXNetError, NonDifferentiableError, ShapeError
from ..accel.lazy import before_write
from ..trace.tape import STATE
from . import update_kernels as K
from .ndarray import NDArray

REQUIRED = object()
_COMMON = {"name": None, "ctx": None}
_INTS = ("t", "num_arrays", "num_weights")


def assigning_error() -> MXNetError:
    return MXNetError(
        "Check failed: AGInfo::IsNone(*output): Assigning to NDArrays that are already in a "
        "computational graph will cause undefined behavior when evaluating gradients. Please "
        "call backward first to clear the graph or do this out side of a record section. Also "
        "note that you cannot use inplace operations like +=, *=, relu(x, out=x), y[idx]=x, "
        "etc inside a record section.")


def check_recording(op: str, arrays: Sequence[Any], outs: Sequence[Any]) -> None:
    """MXNet's behaviour inside autograd.record() (see the module docstring)."""
    if not STATE.recording:
        return
    if not any(isinstance(a, NDArray) and a._value is not None for a in arrays):
        return
    if any(isinstance(o, NDArray) and o._value is not None for o in outs):
        raise assigning_error()
    raise NonDifferentiableError(
        "Operator %s is non-differentiable because it didn't register FGradient attribute. "
        "(tapegraph refuses to record it: it mutates its state arrays in place; call it "
        "outside autograd.record() or on arrays outside the graph)" % op)


def params(op: str, spec: Dict[str, Any], kwargs: Dict[str, Any]) -> Dict[str, Any]:
    """`kwargs` checked against `spec` (name -> default, REQUIRED if none), with the
    defaults filled in; MXNet's errors for unknown and missing parameters."""
    out = {}
    for key in kwargs:
        if key not in spec and key not in _COMMON:
            raise MXNetError("Cannot find argument '%s' of operator %s; its parameters are %s"
                             % (key, op, ", ".join(spec)))
    for key, default in spec.items():
        value = kwargs.get(key, default)
        if value is REQUIRED or value is None and default is REQUIRED:
            raise MXNetError("Required parameter %s of %s is not presented, in operator "
                             "%s(name=\"\")" % (key, "int" if key in _INTS else "float", op))
        out[key] = value
    return out


def need_array(op: str, what: str, value: Any) -> NDArray:
    if not isinstance(value, NDArray):
        raise MXNetError("%s: %s must be an NDArray, got %s" % (op, what,
                                                               type(value).__name__))
    return value


def same_shape(op: str, what: str, value: NDArray, shape: tuple, of: str) -> None:
    if value.shape != shape:
        raise ShapeError("%s: %s has shape %s, expected %s (the shape of %s)"
                         % (op, what, value.shape, shape, of))


def need_dtype(op: str, what: str, value: NDArray, dtype: Any) -> None:
    if value.dtype != np.dtype(dtype):
        raise DTypeError("%s: %s has dtype %s, expected %s" % (op, what, value.dtype,
                                                              np.dtype(dtype).name))


def check_out(op: str, out: Any, weight: NDArray) -> None:
    need_array(op, "out", out)
    same_shape(op, "out", out, weight.shape, "the weight")
    need_dtype(op, "out", out, weight.dtype)


def scalar(op: str, what: str, value: Any) -> float:
    """A float from a Python number or a one-element NDArray (r1, r2, rescale_grad)."""
    if isinstance(value, NDArray):
        if value.size != 1:
            raise ShapeError("%s: %s must hold one value, got shape %s"
                             % (op, what, value.shape))
        return float(value._data.reshape(-1)[0])
    try:
        return float(value)
    except (TypeError, ValueError):
        raise MXNetError("%s: %s must be a number, got %r" % (op, what, value)) from None


# ---------------------------------------------------------------- single-weight operators
class Spec:
    """One update operator: its array arguments (`arrays`, the weight first; `states` of
    them change in place; `free` ones keep their own shapes), its parameters and defaults,
    and `run(bufs, out, p)` on NumPy buffers. `mp`: the weight is written from the
    float32 master `weight32`, and the kernel runs on that (`keep_master`: the master is
    read, not written, as MXNet's mp_lamb_update_phase2 does)."""

    def __init__(self, name: str, arrays: Tuple[str, ...], spec: Dict[str, Any],
                 run: Callable, free: Tuple[str, ...] = (), mp: bool = False,
                 f32: Tuple[str, ...] = (), keep_master: bool = False):
        self.name, self.arrays, self.spec, self.run = name, arrays, spec, run
        self.free, self.mp, self.f32, self.keep_master = free, mp, f32, keep_master

    def check(self, args: Sequence[Any], kwargs: Dict[str, Any], out: Any):
        op = self.name
        if len(args) > len(self.arrays):
            raise MXNetError("%s takes %d arrays (%s), got %d" % (
                op, len(self.arrays), ", ".join(self.arrays), len(args)))
        values = dict(zip(self.arrays, args))
        for key in self.arrays:
            if key in kwargs:
                if key in values:
                    raise MXNetError("%s: %s given twice" % (op, key))
                values[key] = kwargs.pop(key)
        for key in self.arrays:
            if key not in values:
                raise MXNetError("%s: the array argument %s is missing" % (op, key))
            need_array(op, key, values[key])
        weight = values[self.arrays[0]]
        for key in self.arrays[1:]:
            if key not in self.free:
                same_shape(op, key, values[key], weight.shape, "the weight")
            if key in self.f32:
                need_dtype(op, key, values[key], np.float32)
            elif key not in self.free and key != "grad" and not self.mp:
                need_dtype(op, key, values[key], weight.dtype)
        if "grad" in values:
            need_dtype(op, "grad", values["grad"], weight.dtype)
        for key in self.free:
            if key in R and values[key].shape != (1,):
                raise ShapeError("Check failed: %s_shape[0] == 1U (%s vs. 1) : %s shape "
                                 "incorrect" % (key, values[key].size, key))
        if out is not None:
            check_out(op, out, weight)
        p = params(op, self.spec, kwargs)
        check_recording(op, list(values.values()), [out])
        return values, weight, p

    def __call__(self, *args: Any, out: Any = None, **kwargs: Any) -> NDArray:
        values, weight, p = self.check(args, kwargs, out)
        before_write()
        if out is None:
            out = type(weight)._wrap(np.empty(weight.shape, weight.dtype))
        bufs = {k: v._data for k, v in values.items()}
        if self.mp:
            master = bufs["weight32"]
            bufs["weight"] = master
            if "grad" in bufs:
                bufs["grad"] = bufs["grad"].astype(np.float32)
            target = np.empty_like(master) if self.keep_master else master
            self.run(bufs, target, p)
            out._data[...] = target
        else:
            self.run(bufs, out._data, p)
        return out


def _f(v: Any) -> float:
    return float(v)


def _common(p: Dict[str, Any]) -> Dict[str, float]:
    return dict(rescale=_f(p["rescale_grad"]), clip=_f(p["clip_gradient"]))


SGD_P = {"lr": REQUIRED, "wd": 0.0, "rescale_grad": 1.0, "clip_gradient": -1.0,
         "lazy_update": True}
# (parameters in MXNet's order: mx.operator.get_operator_arguments lists them so)
MOM_P = {"lr": REQUIRED, "momentum": 0.0, "wd": 0.0, "rescale_grad": 1.0,
         "clip_gradient": -1.0, "lazy_update": True}
NAG_P = {k: v for k, v in MOM_P.items() if k != "lazy_update"}


def _sgd(b, out, p):
    K.sgd(b["weight"], b["grad"], out, _f(p["lr"]), _f(p["wd"]), **_common(p))


def _sgd_mom(b, out, p):
    K.sgd_mom(b["weight"], b["grad"], b["mom"], out, _f(p["lr"]), _f(p["momentum"]),
              _f(p["wd"]), **_common(p))


def _nag(b, out, p):
    K.nag_mom(b["weight"], b["grad"], b["mom"], out, _f(p["lr"]), _f(p["momentum"]),
              _f(p["wd"]), **_common(p))


def _signsgd(b, out, p):
    K.signsgd(b["weight"], b["grad"], out, _f(p["lr"]), _f(p["wd"]), **_common(p))


def _signum(b, out, p):
    K.signum(b["weight"], b["grad"], b["mom"], out, _f(p["lr"]), _f(p["momentum"]),
             _f(p["wd"]), wd_lh=_f(p["wd_lh"]), **_common(p))


def _adam(b, out, p):
    K.adam(b["weight"], b["grad"], b["mean"], b["var"], out, _f(p["lr"]), _f(p["beta1"]),
           _f(p["beta2"]), _f(p["epsilon"]), _f(p["wd"]), **_common(p))


def _rmsprop(b, out, p):
    K.rmsprop(b["weight"], b["grad"], b["n"], out, _f(p["lr"]), _f(p["gamma1"]),
              _f(p["epsilon"]), _f(p["wd"]), clip_weights=_f(p["clip_weights"]), **_common(p))


def _rmspropalex(b, out, p):
    K.rmspropalex(b["weight"], b["grad"], b["n"], b["g"], b["delta"], out, _f(p["lr"]),
                  _f(p["gamma1"]), _f(p["gamma2"]), _f(p["epsilon"]), _f(p["wd"]),
                  clip_weights=_f(p["clip_weights"]), **_common(p))


def _ftrl(b, out, p):
    K.ftrl(b["weight"], b["grad"], b["z"], b["n"], out, _f(p["lr"]), _f(p["lamda1"]),
           _f(p["beta"]), _f(p["wd"]), **_common(p))


def _ftml(b, out, p):
    K.ftml(b["weight"], b["grad"], b["d"], b["v"], b["z"], out, _f(p["lr"]), int(p["t"]),
           _f(p["beta1"]), _f(p["beta2"]), _f(p["epsilon"]), _f(p["wd"]),
           rescale=_f(p["rescale_grad"]), clip=_f(p["clip_grad"]))


def _lamb1(b, out, p):
    K.lamb_phase1(b["weight"], b["grad"], b["mean"], b["var"], out, int(p["t"]),
                  _f(p["beta1"]), _f(p["beta2"]), _f(p["epsilon"]),
                  bool(p["bias_correction"]), _f(p["wd"]), **_common(p))


def _lamb2(b, out, p):
    K.lamb_phase2(b["weight"], b["g"], out, _f(p["lr"]), float(b["r1"].reshape(-1)[0]),
                  float(b["r2"].reshape(-1)[0]), _f(p["lower_bound"]), _f(p["upper_bound"]))


def _group_adagrad(b, out, p):
    K.group_adagrad(b["weight"], b["grad"], b["history"], out, _f(p["lr"]),
                    epsilon=_f(p["epsilon"]), **_common(p))


ADAM_P = {"lr": REQUIRED, "beta1": 0.9, "beta2": 0.999, "epsilon": 1e-8, "wd": 0.0,
          "rescale_grad": 1.0, "clip_gradient": -1.0, "lazy_update": True}
RMS_P = {"lr": REQUIRED, "gamma1": 0.95, "epsilon": 1e-8, "wd": 0.0, "rescale_grad": 1.0,
         "clip_gradient": -1.0, "clip_weights": -1.0}
LAMB1_P = {"beta1": 0.9, "beta2": 0.999, "epsilon": 1e-6, "t": REQUIRED,
           "bias_correction": True, "wd": REQUIRED, "rescale_grad": 1.0, "clip_gradient": -1.0}
LAMB2_P = {"lr": REQUIRED, "lower_bound": -1.0, "upper_bound": -1.0}
R = ("r1", "r2")

SPECS = [
    Spec("sgd_update", ("weight", "grad"), SGD_P, _sgd),
    Spec("sgd_mom_update", ("weight", "grad", "mom"), MOM_P, _sgd_mom),
    Spec("mp_sgd_update", ("weight", "grad", "weight32"), SGD_P, _sgd, mp=True,
         f32=("weight32",)),
    Spec("mp_sgd_mom_update", ("weight", "grad", "mom", "weight32"), MOM_P, _sgd_mom, mp=True,
         f32=("mom", "weight32")),
    Spec("nag_mom_update", ("weight", "grad", "mom"), NAG_P, _nag),
    Spec("mp_nag_mom_update", ("weight", "grad", "mom", "weight32"), NAG_P, _nag, mp=True,
         f32=("mom", "weight32")),
    Spec("signsgd_update", ("weight", "grad"),
         {k: v for k, v in SGD_P.items() if k != "lazy_update"}, _signsgd),
    Spec("signum_update", ("weight", "grad", "mom"), dict(NAG_P, wd_lh=0.0), _signum),
    Spec("adam_update", ("weight", "grad", "mean", "var"), ADAM_P, _adam),
    Spec("rmsprop_update", ("weight", "grad", "n"), RMS_P, _rmsprop),
    Spec("rmspropalex_update", ("weight", "grad", "n", "g", "delta"),
         {"lr": REQUIRED, "gamma1": 0.95, "gamma2": 0.9, "epsilon": 1e-8, "wd": 0.0,
          "rescale_grad": 1.0, "clip_gradient": -1.0, "clip_weights": -1.0}, _rmspropalex),
    Spec("ftrl_update", ("weight", "grad", "z", "n"),
         {"lr": REQUIRED, "lamda1": 0.01, "beta": 1.0, "wd": 0.0, "rescale_grad": 1.0,
          "clip_gradient": -1.0}, _ftrl),
    Spec("ftml_update", ("weight", "grad", "d", "v", "z"),
         {"lr": REQUIRED, "beta1": 0.6, "beta2": 0.999, "epsilon": 1e-8, "t": REQUIRED,
          "wd": 0.0, "rescale_grad": 1.0, "clip_grad": -1.0}, _ftml),
    Spec("lamb_update_phase1", ("weight", "grad", "mean", "var"), LAMB1_P, _lamb1),
    Spec("mp_lamb_update_phase1", ("weight", "grad", "mean", "var", "weight32"), LAMB1_P,
         _lamb1, mp=True, f32=("mean", "var", "weight32")),
    Spec("lamb_update_phase2", ("weight", "g", "r1", "r2"), LAMB2_P, _lamb2, free=R),
    # MXNet 1.9.1 reads weight32 here but does not write it back
    Spec("mp_lamb_update_phase2", ("weight", "g", "r1", "r2", "weight32"), LAMB2_P, _lamb2,
         free=R, mp=True, f32=("g", "weight32"), keep_master=True),
]
CONTRIB_SPECS = [
    Spec("group_adagrad_update", ("weight", "grad", "history"),
         {"lr": REQUIRED, "rescale_grad": 1.0, "clip_gradient": -1.0, "epsilon": 1e-5},
         _group_adagrad, free=("history",)),
]


def _mp_lamb_phase1(spec: Spec) -> Spec:
    """mp_lamb_update_phase1 returns the float32 direction g (not a weight)."""
    def call(*args: Any, out: Any = None, **kwargs: Any) -> NDArray:
        values, weight, p = spec.check(args, kwargs, None)
        if out is not None:
            need_array(spec.name, "out", out)
            same_shape(spec.name, "out", out, weight.shape, "the weight")
            need_dtype(spec.name, "out", out, np.float32)
        res = out if out is not None else type(weight)._wrap(
            np.empty(weight.shape, np.float32))
        b = {k: v._data for k, v in values.items()}
        b["weight"], b["grad"] = b["weight32"], b["grad"].astype(np.float32)
        _lamb1(b, res._data, p)
        return res
    return call


def _bind(spec: Spec, doc: str) -> Callable:
    if spec.name == "mp_lamb_update_phase1":
        fn = _mp_lamb_phase1(spec)
    else:
        def fn(*args: Any, out: Any = None, **kwargs: Any) -> NDArray:
            return spec(*args, out=out, **kwargs)
    fn.__name__ = fn.__qualname__ = spec.name
    fn.__doc__ = doc
    return fn


def _doc(spec: Spec, where: str) -> str:
    kernel = spec.run.__name__.lstrip("_")
    target = {"sgd": K.sgd, "sgd_mom": K.sgd_mom, "nag": K.nag_mom, "signsgd": K.signsgd,
              "signum": K.signum, "adam": K.adam, "rmsprop": K.rmsprop,
              "rmspropalex": K.rmspropalex, "ftrl": K.ftrl, "ftml": K.ftml,
              "lamb1": K.lamb_phase1, "lamb2": K.lamb_phase2,
              "group_adagrad": K.group_adagrad}[kernel]
    params_ = ", ".join("%s=%s" % (k, "required" if v is REQUIRED else v)
                        for k, v in spec.spec.items())
    extra = (" The kernel runs on the float32 master `weight32` (%s) and the weight is "
             "written from it." % ("read only, as in MXNet 1.9.1" if spec.keep_master
                                   else "updated in place") if spec.mp else "")
    return ("%s.%s(%s, out=None, %s): MXNet 1.9.1's update operator.%s\n\n%s"
            % (where, spec.name, ", ".join(spec.arrays), params_, extra,
               (target.__doc__ or "").strip()))


def install(namespace: dict, contrib: dict) -> None:
    """Bind the update operators into mx.nd (`namespace`) and mx.nd.contrib (`contrib`)."""
    for spec in SPECS:
        namespace[spec.name] = _bind(spec, _doc(spec, "mx.nd"))
    for spec in CONTRIB_SPECS:
        contrib[spec.name] = _bind(spec, _doc(spec, "mx.nd.contrib"))
