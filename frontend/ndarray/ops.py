"""Operator functions of the `mx.nd` namespace, generated from the registry plus the few
that need frontend logic (broadcasting, Dropout's mask, BatchNorm's moving statistics)."""
from __future__ import annotations

from typing import Any, Callable, Dict, List, Sequence, Tuple

import numpy as np

from ..ir import get_op
from ..ir.errors import DTypeError, MXNetError, ShapeError
from ..ir.promotion import binary_dtypes
from ..trace.invoke import invoke
from ..trace.tape import STATE
from ..trace.opnames import (  # (a name only counts in a scope)
    _SCOPES as _NAME_SCOPES, auto_naming, exported_as, naming)
from ..autodiff.on_backward import defer
from . import dispatch
from .ndarray import NDArray, write_out
from .. import random as _random

NAMESPACE: Dict[str, Callable] = {}


class Eager:
    """`op(name, *inputs, **attrs)` running registered operators on NDArrays (recorded):
    with it, a composite of tapegraph.ir.composites (written against `ir.Builder.op`)
    runs eagerly, so one definition serves `mx.nd` and the symbol loader."""

    @staticmethod
    def op(name, *inputs, **attrs):
        return invoke(get_op(name), list(inputs), attrs,
                      out_cls=type(inputs[0]) if inputs else NDArray)


_finish = write_out  # `result`, or `result` written into the array `out` (same shape)


def _as_inputs(arrays: Sequence[Any], cls=NDArray) -> List[NDArray]:
    """The operator's array arguments as NDArrays (numbers and nested lists converted)."""
    out = []
    for i, a in enumerate(arrays):
        if not isinstance(a, NDArray):
            if a is None:
                raise MXNetError("missing input array")
            try:
                data = np.asarray(a, dtype=np.float32)
            except (TypeError, ValueError):
                raise DTypeError("input %d is a %s, not an array of numbers"
                                 % (i, type(a).__name__)) from None
            a = cls._wrap(data)
        out.append(a)
    return out


def defop(pyname: str, opname: str, arg_names: Sequence[str] = ("data",),
          variadic: bool = False) -> Callable:
    """Define `mx.nd.<pyname>` calling operator `opname` on the named array arguments;
    other keyword arguments are the operator's attributes."""
    opdef = get_op(opname)
    n_arrays = len(arg_names)
    hint = pyname.lower()  # what MXNet's name manager names an unnamed call by
    # keyword attributes (with their types) -> the completed attribute dict, shared by the
    # calls (and recorded nodes: nodes' attributes are immutable); see `_keyword_attrs`
    by_keywords: Dict[tuple, Tuple[Dict[str, Any], tuple]] = {}

    def fn(*args, out=None, name=None, **kwargs):
        # Fast path (the common `mx.nd.sin(x)`): exactly the arrays, nothing else, and no
        # hybridized block tracing (whose scope names every call).
        if (out is None and not _NAME_SCOPES and not variadic
                and len(args) == n_arrays
                and (isinstance(args[0], NDArray) if n_arrays == 1
                     else _all_arrays(args))):
            if not kwargs:
                return invoke(opdef, args)
            # the arrays, then attributes by keyword (`F.log_softmax(x, axis=-1)`)
            try:
                if len(kwargs) == 1:  # (the commonest: `act_type=`, `axis=`)
                    (k, v), = kwargs.items()
                    key = (k, v, type(v))
                else:
                    key = (*kwargs.items(), *map(type, kwargs.values()))
                entry = by_keywords.get(key)
            except TypeError:  # an unhashable value
                key = entry = None
            if entry is None or (entry[1] and not _int_tuples(kwargs, entry[1])):
                attrs = _keyword_attrs(opdef, kwargs, by_keywords, key)
            else:
                attrs = entry[0]
            return invoke(opdef, args, attrs)
        if variadic:
            arrays, rest = list(args), []
        else:
            arrays = list(args[:len(arg_names)])
            rest = list(args[len(arg_names):])
            for nm in arg_names[len(arrays):]:
                if nm in kwargs:
                    arrays.append(kwargs.pop(nm))
        attr_names = [k for k in opdef.attrs]
        for k, v in zip(attr_names, rest):
            kwargs[k] = v
        kwargs = {k: _norm(v) for k, v in kwargs.items() if k not in ("ctx", "name")}
        while len(arrays) > 1 and arrays[-1] is None:  # `F.FullyConnected(x, w, None, ...)`
            arrays.pop()
        if _NAME_SCOPES:  # a hybridized block traces: its node keeps MXNet's name
            with naming(name) if name is not None else auto_naming(hint):
                return _finish(invoke(opdef, _as_inputs(arrays), kwargs), out)
        return _finish(invoke(opdef, _as_inputs(arrays), kwargs), out)

    fn.__name__ = pyname
    fn.__qualname__ = pyname
    fn.__doc__ = "%s\n\nOperator `%s`; attributes: %s." % (
        opdef.doc or pyname, opname, ", ".join(
            "%s=%r" % (k, v) for k, v in opdef.attrs.items()) or "none")
    NAMESPACE[pyname] = fn
    return fn


def _all_arrays(args) -> bool:
    for a in args:
        if not isinstance(a, NDArray):
            return False
    return True


# Attribute values a `defop` function's keyword cache keeps: equal keys must mean equal
# attributes, and Python equates 1 == 1.0 == True and -0.0 == 0.0 (the key holds the
# values' types; a tuple's items' types it does not hold, so an entry with tuples of ints
# (`kernel=(5, 5)`) serves a call only after its tuples are checked to hold ints only,
# `_int_tuples`; zero and NaN floats, other tuples, lists and anything else are
# normalized afresh at each call).
_CACHED_TYPES = frozenset([str, bool, int, type(None)])
_KEYWORD_CACHE_MAX = 256


def _keyword_attrs(opdef, kwargs, cache, key) -> Dict[str, Any]:
    """The operator's completed attributes for keyword arguments `kwargs` (MXNet's call
    keyword `ctx` dropped, values normalized by `_norm`), remembered in `cache` under
    `key` as `(attributes, names of the tuple-valued keywords)` when every value qualifies
    (`_CACHED_TYPES`, a non-zero finite float, or a tuple of ints)."""
    attrs = {k: v if type(v) in _PLAIN else _norm(v) for k, v in kwargs.items() if k != "ctx"}
    if len(attrs) != len(opdef.attrs):
        attrs = opdef.complete_attrs(attrs)  # (raises for an unknown or missing one)
    if key is not None and len(cache) < _KEYWORD_CACHE_MAX:
        tuples = []
        for k, v in kwargs.items():
            if type(v) is tuple and _ints(v):
                tuples.append(k)
            elif not (type(v) in _CACHED_TYPES or (type(v) is float and v != 0 and v == v)):
                return attrs
        cache[key] = (attrs, tuple(tuples))
    return attrs


def _ints(items) -> bool:
    for i in items:
        if type(i) is not int:
            return False
    return True


def _int_tuples(kwargs, names) -> bool:
    """Whether the keywords `names` are tuples of ints (as in the cache entry they hit:
    the key took them for equal to it, which (5.0, 5.0) and (True,) also are)."""
    for k in names:
        v = kwargs[k]
        if type(v) is not tuple or not _ints(v):
            return False
    return True


MXNET_CALL_KEYWORDS = ("name", "ctx", "attr")  # accepted and ignored, as MXNet does


def reject_unknown_kwargs(fn_name: str, kwargs, accepted: Sequence[str] = ()) -> None:
    """MXNet's error for a keyword an operator does not take (e.g. `sum(axes=1)`)."""
    for key in kwargs:
        if key not in MXNET_CALL_KEYWORDS:
            raise ShapeError("Cannot find argument '%s', Possible Arguments: %s (in operator "
                             "%s)" % (key, ", ".join(accepted) or "none", fn_name))


_PLAIN = (int, float, str, bool, type(None))  # attribute values `_norm` keeps as they are


def _norm(v):
    if isinstance(v, list):
        return tuple(_norm(x) for x in v)
    if isinstance(v, np.generic):
        return v.item()
    if isinstance(v, np.dtype) or (isinstance(v, type) and issubclass(v, np.generic)):
        return np.dtype(v).name
    return v


for _name in ("negative", "exp", "expm1", "log", "log1p", "log2", "log10", "sin", "cos", "tanh",
              "square", "sqrt", "rsqrt", "sigmoid", "relu", "abs", "sign", "floor", "ceil",
              "round", "trunc", "fix", "zeros_like", "ones_like", "BlockGrad"):
    defop(_name, _name)
NAMESPACE["stop_gradient"] = NAMESPACE["BlockGrad"]
NAMESPACE["identity"] = NAMESPACE["_copy"] = defop("_copy", "_copy")


def _elemwise(pyname: str, kind: str) -> None:
    """`mx.nd.elemwise_<kind>`: equal shapes, and the dtypes MXNet accepts (`ir.promotion`)."""
    plain = defop(pyname, pyname, ("lhs", "rhs"))

    def fn(*args, **kwargs):
        pair = list(args[:2]) + [kwargs[k] for k in ("lhs", "rhs") if k in kwargs]
        if len(pair) == 2 and all(isinstance(a, NDArray) for a in pair):
            binary_dtypes("nd", kind, pair[0]._data.dtype.name, pair[1]._data.dtype.name)
        return plain(*args, **kwargs)
    fn.__name__ = fn.__qualname__ = pyname
    fn.__doc__ = plain.__doc__
    NAMESPACE[pyname] = fn


for _name in ("add", "sub", "mul", "div"):
    _elemwise("elemwise_" + _name, _name)
defop("Reshape", "Reshape")
defop("transpose", "transpose")
defop("expand_dims", "expand_dims")
defop("sum", "sum")
defop("mean", "mean")
defop("slice", "slice")
defop("Cast", "Cast")
defop("SliceChannel", "SliceChannel")
defop("Concat", "Concat", variadic=True)
defop("FullyConnected", "FullyConnected", ("data", "weight", "bias"))
defop("Activation", "Activation")
NAMESPACE["reshape"] = NAMESPACE["Reshape"]
NAMESPACE["cast"] = NAMESPACE["Cast"]


_DOT = get_op("dot")
_DOT_ATTRS = {(ta, tb): {"transpose_a": ta, "transpose_b": tb}  # shared by recorded nodes
              for ta in (False, True) for tb in (False, True)}


def dot(lhs, rhs, transpose_a=False, transpose_b=False, out=None, **kw):
    """Matrix product contracting lhs's last axis with rhs's first (after transposes)."""
    if not kw and out is None and isinstance(lhs, NDArray) and isinstance(rhs, NDArray):
        return invoke(_DOT, (lhs, rhs), _DOT_ATTRS[bool(transpose_a), bool(transpose_b)])
    reject_unknown_kwargs("dot", kw, ("transpose_a", "transpose_b"))
    return _finish(invoke(_DOT, _as_inputs([lhs, rhs]),
                          _DOT_ATTRS[bool(transpose_a), bool(transpose_b)]), out)


def broadcast_to(data, shape, out=None, **kw):
    """Broadcast to `shape` (a 0 in `shape` keeps that dimension)."""
    reject_unknown_kwargs("broadcast_to", kw, ("shape",))
    data = _as_inputs([data])[0]
    shape = tuple(s if s != 0 else d for s, d in zip(shape, data.shape)) \
        if len(shape) == data.ndim else tuple(shape)
    return _finish(invoke(get_op("broadcast_to"), [data], {"shape": shape}), out)


def split(data, num_outputs, axis=1, squeeze_axis=False, **kw):
    """Split into `num_outputs` equal arrays along `axis` (a list when more than one)."""
    reject_unknown_kwargs("split", kw, ("num_outputs", "axis", "squeeze_axis"))
    out = invoke(get_op("SliceChannel"), [data], {"num_outputs": int(num_outputs),
                                                  "axis": int(axis),
                                                  "squeeze_axis": bool(squeeze_axis)})
    return list(out) if isinstance(out, tuple) else out


def concat(*data, dim=1, **kw):
    """Join arrays along `dim`."""
    kw.pop("num_args", None)  # MXNet code passes it; it is len(data)
    reject_unknown_kwargs("concat", kw, ("dim", "num_args"))
    if not data:
        raise MXNetError("concat: needs at least one array")
    return invoke(get_op("Concat"), _as_inputs(data), {"dim": int(dim), "num_args": len(data)})


def _broadcast_binary(kind, mxname):
    name = "broadcast_" + mxname

    def fn(lhs, rhs, out=None, **kw):
        reject_unknown_kwargs(name, kw)
        if not isinstance(lhs, NDArray):
            return _finish(dispatch.binary(kind, rhs, lhs, reflected=True, name=name), out)
        return _finish(dispatch.binary(kind, lhs, rhs, name=name), out)
    fn.__name__ = name
    fn.__doc__ = "Elementwise %s with NumPy broadcasting." % kind
    return fn


for _kind, _mx in (("add", "add"), ("sub", "sub"), ("mul", "mul"), ("div", "div"),
                   ("pow", "power"), ("eq", "equal"), ("ne", "not_equal"), ("gt", "greater"),
                   ("ge", "greater_equal"), ("lt", "lesser"), ("le", "lesser_equal")):
    NAMESPACE["broadcast_" + _mx] = _broadcast_binary(_kind, _mx)
NAMESPACE["add"] = NAMESPACE["broadcast_add"]
NAMESPACE["subtract"] = NAMESPACE["broadcast_sub"]
NAMESPACE["multiply"] = NAMESPACE["broadcast_mul"]
NAMESPACE["divide"] = NAMESPACE["broadcast_div"]
NAMESPACE["power"] = NAMESPACE["broadcast_power"]
NAMESPACE["broadcast_minus"] = _broadcast_binary("sub", "minus")  # (own names, as MXNet
NAMESPACE["broadcast_plus"] = _broadcast_binary("add", "plus")     # names their nodes)


def Dropout(data, p=0.5, mode="training", axes=(), cudnn_off=False, out=None, **kw):
    """Zero elements with probability `p` and scale the rest by 1/(1-p) in train mode
    (or always, with mode='always'); the identity otherwise."""
    reject_unknown_kwargs("Dropout", kw, ("p", "mode", "axes", "cudnn_off"))
    data = _as_inputs([data])[0]
    if not 0.0 <= float(p) <= 1.0:
        raise MXNetError("Dropout: p must be in [0, 1], got %r" % (p,))
    if not (STATE.training or mode == "always") or p == 0:
        # the identity; an exported trace writes MXNet's Dropout node (the identity there
        # in inference too, and a Dropout when MXNet trains the loaded network)
        attrs = {"p": str(float(p)), "axes": str(tuple(int(a) for a in axes or ())),
                 "cudnn_off": str(bool(cudnn_off))}
        if mode != "training":
            attrs["mode"] = str(mode)
        with exported_as(kw.get("name"), "Dropout", attrs):
            return _finish(invoke(get_op("_copy"), [data]), out)
    mask = dropout_mask(data.shape, data._data.dtype, p, axes)
    with naming(kw.get("name")):
        return _finish(invoke(get_op("Dropout"), [data, type(data)._wrap(mask)],
                              {"p": float(p), "mode": mode, "axes": tuple(axes or ())}), out)


def dropout_mask(shape, dtype, p: float, axes=()) -> np.ndarray:
    """A fresh Dropout mask: 1/(1-p) where kept, 0 where dropped, drawn once per slice
    along `axes` (shared there) from mx.random's generator. (Hybridized Gluon blocks draw
    their masks here too, so both paths consume the generator alike.)"""
    shape = list(shape)
    full = tuple(shape)
    for a in axes or ():
        if not -len(shape) <= int(a) < len(shape):
            raise ShapeError("Dropout: axis %d is out of range for a %d-d input"
                             % (a, len(shape)))
        shape[a] = 1
    keep = _random.generator().random(tuple(shape)) >= p
    scale = 0.0 if p >= 1 else 1.0 / (1.0 - p)
    return np.ascontiguousarray(np.broadcast_to((keep * scale).astype(dtype), full))


def BatchNorm(data, gamma, beta, moving_mean, moving_var, eps=1e-3, momentum=0.9,
              fix_gamma=True, use_global_stats=False, output_mean_var=False, axis=1,
              cudnn_off=False, out=None, **kw):
    """Batch normalisation. In train mode it uses the batch statistics, and when recorded,
    the backward through it updates `moving_mean` / `moving_var` in place (as MXNet 1.9.1
    does; an unrecorded or never differentiated forward leaves them); otherwise it uses
    the moving statistics."""
    reject_unknown_kwargs("BatchNorm", kw, ("eps", "momentum", "fix_gamma", "use_global_stats",
                                            "output_mean_var", "axis", "cudnn_off"))
    training = bool(STATE.training)
    attrs = {"eps": float(eps), "momentum": float(momentum), "fix_gamma": bool(fix_gamma),
             "use_global_stats": bool(use_global_stats), "axis": int(axis),
             "output_mean_var": False, "cudnn_off": bool(cudnn_off), "training": training}
    with naming(kw.get("name")):
        result = invoke(get_op("BatchNorm"),
                        _as_inputs([data, gamma, beta, moving_mean, moving_var]), attrs)
    value = getattr(result, "_value", None)
    if training and not use_global_stats and getattr(value, "node", None) is not None:
        defer(value.node, moving_stats_update(moving_mean._data, moving_var._data, data._data,
                                              float(momentum), int(axis)))
    return _finish(result, out)


def moving_stats_update(mean: np.ndarray, var: np.ndarray, x: np.ndarray, momentum: float,
                        axis: int):
    """The update of BatchNorm's moving statistics (in place, `mean` and `var` buffers) by
    the batch statistics of `x` over every axis but `axis`, as a function to run when the
    backward goes through the operator (MXNet updates them there: see
    tapegraph.autodiff.on_backward)."""
    red = tuple(i for i in range(x.ndim) if i != axis % x.ndim)
    batch_mean, batch_var = x.mean(axis=red), x.var(axis=red)

    def update() -> None:
        mean[...] = mean * momentum + batch_mean * (1 - momentum)
        var[...] = var * momentum + batch_var * (1 - momentum)
    return update


def waitall() -> None:
    """Computation is synchronous: nothing to wait for."""


NAMESPACE.update(dot=dot, broadcast_to=broadcast_to, split=split, concat=concat,
                 Dropout=Dropout, BatchNorm=BatchNorm, waitall=waitall)

from . import library  # noqa: E402,F401  (the rest of the operator library)
from . import compose  # noqa: E402,F401  (functions composed of registered operators)
from . import legacy_ops  # noqa: E402,F401  (older mx.nd operators, composed the same way)
from . import rnn_op  # noqa: E402,F401  (mx.nd.RNN, the fused recurrent operator)
from . import pdf  # noqa: E402,F401  (mx.nd.random_pdf_*)
from . import vision  # noqa: E402,F401  (vision operators composed of registered operators)
from .custom import Custom  # noqa: E402  (mx.nd.Custom: a call of a registered CustomOp)
NAMESPACE["Custom"] = Custom
