"""The rest of the `mx.nd` operator library: unary math, broadcasting binary functions,
reductions, layout and indexing operators, neural-network layers, and the matching
NDArray methods. Each function records exactly one registered operator (plus explicit
`broadcast_to` / `Cast` nodes from dispatch), named as in MXNet."""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from ..ir import composites, get_op
from ..ir.errors import MXNetError
from ..trace.invoke import invoke
from ..accel.lazy import PENDING_TYPES, shape_dtype
from . import dispatch
from .indexing import no_zero_dim
from .ndarray import NDArray, _axis as normalize_axis
from .ops import (NAMESPACE, Eager, _as_inputs, _finish, _norm, defop,
                  reject_unknown_kwargs)

UNARY = ("cbrt", "rcbrt", "reciprocal", "tan", "arcsin", "arccos", "arctan", "sinh", "cosh",
         "arcsinh", "arccosh", "arctanh", "degrees", "radians", "softsign", "erf", "erfinv",
         "gamma", "gammaln", "rint")
for _name in UNARY:
    defop(_name, _name)
defop("hard_sigmoid", "hard_sigmoid")
defop("smooth_l1", "smooth_l1")
defop("Flatten", "Flatten")
NAMESPACE["flatten"] = NAMESPACE["Flatten"]
defop("batch_dot", "batch_dot", ("lhs", "rhs"))
defop("LeakyReLU", "LeakyReLU", ("data", "gamma"))
defop("LayerNorm", "LayerNorm", ("data", "gamma", "beta"))
defop("InstanceNorm", "InstanceNorm", ("data", "gamma", "beta"))
defop("GroupNorm", "GroupNorm", ("data", "gamma", "beta"))
defop("L2Normalization", "L2Normalization")
defop("Embedding", "Embedding", ("data", "weight"))
defop("Convolution", "Convolution", ("data", "weight", "bias"))
defop("Deconvolution", "Deconvolution", ("data", "weight", "bias"))
defop("Pooling", "Pooling")
defop("UpSampling", "UpSampling", variadic=True)
for _name in ("SoftmaxOutput", "LinearRegressionOutput", "LogisticRegressionOutput",
              "MAERegressionOutput"):
    defop(_name, _name, ("data", "label"))
NAMESPACE["Softmax"] = NAMESPACE["SoftmaxOutput"]
defop("MakeLoss", "MakeLoss")
defop("make_loss", "make_loss")
defop("softmax", "softmax")
defop("log_softmax", "log_softmax")
defop("one_hot", "one_hot", ("indices",))
defop("pick", "pick", ("data", "index"))
defop("take", "take", ("a", "indices"))
defop("slice_axis", "slice_axis")
defop("tile", "tile")
defop("repeat", "repeat")
defop("SwapAxis", "SwapAxis")
NAMESPACE["swapaxes"] = NAMESPACE["SwapAxis"]
defop("squeeze", "squeeze")
defop("Pad", "Pad")
NAMESPACE["pad"] = NAMESPACE["Pad"]
defop("cumsum", "cumsum")
defop("sort", "sort")
defop("argsort", "argsort")
_topk = defop("topk", "topk")


def topk(data, axis=-1, k=1, ret_typ="indices", is_ascend=False, dtype="float32", out=None,
         **kwargs):
    """The k largest (or smallest) elements along `axis`: their indices, values, a 0/1 mask,
    or with ret_typ='both' the list [values, indices] (as MXNet)."""
    if ret_typ == "both":
        values = _topk(data, axis=axis, k=k, ret_typ="value", is_ascend=is_ascend, **kwargs)
        indices = _topk(data, axis=axis, k=k, ret_typ="indices", is_ascend=is_ascend,
                        dtype=dtype, **kwargs)
        if out is not None:
            return [_finish(values, out[0]), _finish(indices, out[1])]
        return [values, indices]
    return _topk(data, axis=axis, k=k, ret_typ=ret_typ, is_ascend=is_ascend, dtype=dtype,
                 out=out, **kwargs)


NAMESPACE["topk"] = topk


def _call(opname: str, arrays: Sequence[Any], attrs: dict, out=None):
    return _finish(invoke(get_op(opname), _as_inputs(arrays), attrs), out)


def _axis(axis):
    return None if axis == () else normalize_axis(axis)


# ---------------------------------------------------------------- binary, broadcasting

BINARY = ("maximum", "minimum", "hypot", "mod", "arctan2")


def binary(name: str, lhs, rhs, cls=NDArray):
    """`name(lhs, rhs)` with NumPy broadcasting; either side may be a Python scalar."""
    if dispatch.is_scalar(rhs) and dispatch.is_scalar(lhs):
        raise MXNetError("%s: at least one argument must be an array" % name)
    if not isinstance(lhs, NDArray):
        rhs = rhs if isinstance(rhs, NDArray) else _as_inputs([rhs], cls)[0]
        return dispatch.binary(name, rhs, lhs, reflected=True)
    return dispatch.binary(name, lhs, rhs)


def _binary_fn(name):
    def fn(lhs, rhs, out=None, **kw):
        return _finish(binary(name, lhs, rhs), out)
    fn.__name__ = name
    fn.__doc__ = "Elementwise %s with broadcasting (scalars allowed)." % name
    return fn


for _name in BINARY:
    NAMESPACE[_name] = NAMESPACE["broadcast_" + _name] = _binary_fn(_name)
NAMESPACE["broadcast_mod"] = NAMESPACE["mod"]
for _name in ("maximum", "minimum", "hypot", "mod"):
    NAMESPACE["_" + _name] = NAMESPACE[_name]


def where(condition, x, y, out=None, **kw):
    """x where `condition` is non-zero, else y (shapes broadcast; scalars allowed)."""
    like = next((a for a in (x, y, condition) if isinstance(a, NDArray)), None)
    if like is None:
        raise MXNetError("where: at least one of condition, x, y must be an array")
    cls = type(like)
    x = dispatch.as_array(x, like) if isinstance(x, NDArray) or not dispatch.is_scalar(x) \
        else cls._wrap(np.full(like.shape, x, dtype=like._data.dtype))
    y = dispatch.as_array(y, like) if isinstance(y, NDArray) or not dispatch.is_scalar(y) \
        else cls._wrap(np.full(x.shape, y, dtype=x._data.dtype))
    c = dispatch.as_array(condition, like)
    x, y = dispatch.broadcast_pair(x, y, "where")
    try:
        shape = np.broadcast_shapes(c.shape, x.shape)
    except ValueError:
        raise MXNetError("where: condition of shape %s does not broadcast with x and y of "
                         "shape %s" % (c.shape, x.shape)) from None
    if x.shape != shape:
        x, y = [invoke(get_op("broadcast_to"), [v], {"shape": shape}) for v in (x, y)]
    if c.shape != shape:
        c = invoke(get_op("broadcast_to"), [c], {"shape": shape})
    return _finish(invoke(get_op("where"), [c, x, y], out_cls=cls), out)


def softmax_cross_entropy(data, label, out=None, **kw):
    """Sum over the batch of -log(softmax(data)[i, label[i]]), shape (1,) (MXNet's op)."""
    data, label = _as_inputs([data])[0], _as_inputs([label])[0]
    return _finish(no_zero_dim(composites.softmax_cross_entropy(Eager, data, label)), out)


def add_n(*args, out=None, **kw):
    """The elementwise sum of all arguments (MXNet's ElementWiseSum)."""
    if not args:
        raise MXNetError("add_n: needs at least one array")
    args = _as_inputs(args)
    total = args[0]
    for a in args[1:]:
        total = invoke(get_op("elemwise_add"), [total, a])
    return _finish(total, out)


# ---------------------------------------------------------------- reductions


_WHOLE_VECTOR = (None, 0, -1, (0,), (-1,))


_TOTAL = {"axis": None, "keepdims": False, "exclude": False}
_ONE_AXIS: dict = {}  # (int axis, keepdims, exclude) -> attributes shared by the nodes
_TOTAL_KEEPDIMS = {"axis": None, "keepdims": True, "exclude": False}


def _reduce(opname):
    opdef = get_op(opname)

    def fn(data, axis=None, keepdims=False, exclude=False, out=None, **kw):
        if (out is None and not kw and isinstance(data, NDArray)
                and type(data) not in PENDING_TYPES):
            if axis is None and keepdims is False and exclude is False:
                # Fast path, the common total `mx.nd.sum(x)`: attribute dicts shared by
                # the nodes.
                if data._data.ndim == 1 and not type(data)._zero_dim:
                    return invoke(opdef, (data,), _TOTAL_KEEPDIMS)  # MXNet's (1,): one node
                return no_zero_dim(invoke(opdef, (data,), _TOTAL))
            if type(axis) is int and type(keepdims) is bool and type(exclude) is bool:
                # one axis (a loss's per-sample mean, `axis=0, exclude=True`): the same
                # attributes as below, from one shared dict per (axis, keepdims, exclude)
                if (not keepdims and not exclude and (axis == 0 or axis == -1)
                        and data._data.ndim == 1 and not type(data)._zero_dim):
                    keepdims = True  # a vector's total in MXNet's legacy shape (1,)
                attrs = _ONE_AXIS.get((axis, keepdims, exclude))
                if attrs is None:
                    attrs = {"axis": axis, "keepdims": keepdims, "exclude": exclude}
                    if -64 <= axis < 64:
                        _ONE_AXIS[axis, keepdims, exclude] = attrs
                return no_zero_dim(invoke(opdef, (data,), attrs))
        if kw:
            reject_unknown_kwargs(opname, kw, ("axis", "keepdims", "exclude"))
        inputs = _as_inputs([data])
        axis, keepdims = _axis(axis), bool(keepdims)
        if (not keepdims and not exclude and axis in _WHOLE_VECTOR
                and len(shape_dtype(inputs[0])[0]) == 1 and not type(inputs[0])._zero_dim):
            keepdims = True  # a vector's total in MXNet's legacy shape (1,): one node
        result = invoke(opdef, inputs,
                        {"axis": axis, "keepdims": keepdims, "exclude": bool(exclude)})
        return _finish(no_zero_dim(result), out)
    fn.__name__ = opname
    fn.__doc__ = get_op(opname).doc
    return fn


for _name in ("sum", "mean", "prod", "max", "min"):
    NAMESPACE[_name] = _reduce(_name)
NAMESPACE["sum_axis"] = NAMESPACE["sum"]


def norm(data, ord=2, axis=None, out_dtype=None, keepdims=False, out=None, **kw):
    """L2 (ord=2) or L1 (ord=1) norm over `axis` (all elements by default)."""
    result = invoke(get_op("norm"), _as_inputs([data]),
                    {"ord": int(ord), "axis": _axis(axis), "out_dtype": out_dtype,
                     "keepdims": bool(keepdims)})
    return _finish(no_zero_dim(result), out)


def _arg(opname):
    def fn(data, axis=None, keepdims=False, out=None, **kw):
        result = invoke(get_op(opname), _as_inputs([data]),
                        {"axis": None if axis is None else int(axis), "keepdims": bool(keepdims)})
        if type(result)._zero_dim:  # mx.np arrays: int64 indices, as NumPy
            result = invoke(get_op("Cast"), [result], {"dtype": "int64"})
        return _finish(no_zero_dim(result), out)
    fn.__name__ = opname
    fn.__doc__ = get_op(opname).doc
    return fn


NAMESPACE["argmax"] = _arg("argmax")
NAMESPACE["argmin"] = _arg("argmin")


# ---------------------------------------------------------------- layout and indexing


def clip(data, a_min, a_max, out=None, **kw):
    """Limit values to [a_min, a_max]."""
    return _call("clip", [data], {"a_min": float(a_min), "a_max": float(a_max)}, out)


def stack(*data, axis=0, num_args=None, out=None, **kw):
    """Join arrays of one shape along a new axis."""
    if len(data) == 1 and isinstance(data[0], (list, tuple)):
        data = tuple(data[0])
    return _call("stack", data, {"axis": int(axis), "num_args": len(data)}, out)


def flip(data, axis, out=None, **kw):
    """Reverse the order of elements along `axis` (an int or a tuple)."""
    return _call("reverse", [data], {"axis": _norm(axis)}, out)


def squeeze(data, axis=None, out=None, **kw):
    """Remove axes of size 1 (a legacy array losing every axis keeps shape (1,), as MXNet)."""
    reject_unknown_kwargs("squeeze", kw, ("axis",))
    out_arr = invoke(get_op("squeeze"), _as_inputs([data]), {"axis": _axis(axis)})
    return _finish(no_zero_dim(out_arr), out)


def broadcast_axis(data, axis=(), size=(), out=None, **kw):
    """Broadcast axes of size 1 to `size` (MXNet's broadcast_axis)."""
    axes = (axis,) if isinstance(axis, int) else tuple(axis)
    sizes = (size,) if isinstance(size, int) else tuple(size)
    data = _as_inputs([data])[0]
    shape = list(data.shape)
    for a, s in zip(axes, sizes):
        shape[a] = int(s)
    return _call("broadcast_to", [data], {"shape": tuple(shape)}, out)


def broadcast_like(lhs, rhs, out=None, **kw):
    """`lhs` broadcast to the shape of `rhs`."""
    lhs, rhs = _as_inputs([lhs, rhs])
    return _call("broadcast_to", [lhs], {"shape": tuple(rhs.shape)}, out)


def reshape_like(lhs, rhs, out=None, **kw):
    """`lhs` reshaped to the shape of `rhs`."""
    lhs, rhs = _as_inputs([lhs, rhs])
    return _call("Reshape", [lhs], {"shape": tuple(rhs.shape), "reverse": False}, out)


def slice_like(data, shape_like, axes=(), out=None, **kw):
    """`data` cut to the shape of `shape_like` on `axes` (all axes when empty)."""
    data, shape_like = _as_inputs([data, shape_like])
    axes = tuple(a % data.ndim for a in axes) or tuple(range(shape_like.ndim))
    end = tuple(shape_like.shape[i] if i in axes else None for i in range(data.ndim))
    return _call("slice", [data], {"begin": (0,) * data.ndim, "end": end, "step": ()}, out)


def diag(data, k=0, axis1=0, axis2=1, out=None, **kw):
    """The k-th diagonal of a 2-D array, or a 2-D array with a 1-D array on its k-th
    diagonal. Recorded as a gather (`take`) or scatter (`_take_scatter`) on flat positions."""
    data = _as_inputs([data])[0]
    k = int(k)
    if data.ndim == 2:
        rows, cols = data.shape
        i = np.arange(max(0, -k), min(rows, cols - k)) if min(rows, cols - k) > max(0, -k) \
            else np.arange(0)
        flat = invoke(get_op("Reshape"), [data], {"shape": (-1,), "reverse": False})
        idx = NDArray._wrap((i * cols + i + k).astype(np.int64))
        return _finish(invoke(get_op("take"), [flat, idx], {"axis": 0, "mode": "clip"},
                              out_cls=type(data)), out)
    if data.ndim == 1:
        n = data.shape[0] + abs(k)
        i = np.arange(data.shape[0])
        idx = NDArray._wrap(((i + max(0, -k)) * n + i + max(0, k)).astype(np.int64))
        full = invoke(get_op("_take_scatter"), [data, idx], {"shape": (n * n,), "axis": 0,
                                                             "mode": "clip"})
        return _finish(invoke(get_op("Reshape"), [full], {"shape": (n, n), "reverse": False}),
                       out)
    raise MXNetError("diag: expected a 1-D or 2-D array, got %d-D" % data.ndim)


def gather_nd(data, indices, out=None, **kw):
    """data[indices[0][j], indices[1][j], ...] for each position j of indices[0]: the first
    M axes are indexed (M = indices.shape[0]), the rest are kept. Recorded as a `take` on
    the flattened leading axes, so the gradient adds up repeated positions."""
    data = _as_inputs([data])[0]
    if not isinstance(indices, NDArray):
        indices = NDArray._wrap(np.asarray(indices))
    m = indices.shape[0]
    if m > data.ndim:
        raise MXNetError("gather_nd: indices index %d axes of a %d-d array" % (m, data.ndim))
    flat_idx = flat_positions(indices, data.shape[:m], wrap=True)
    flat = invoke(get_op("Reshape"), [data], {"shape": (-1,) + data.shape[m:],
                                              "reverse": False})
    return _finish(invoke(get_op("take"), [flat, flat_idx],
                          {"axis": 0, "mode": "clip"}, out_cls=type(data)), out)


def flat_positions(indices, dims, wrap: bool = False, dtype: str = "int64"):
    """The flat positions sum_k indices[k] * stride_k (row-major strides of `dims`; each
    coordinate taken modulo its dimension when `wrap`) of the coordinate rows of
    `indices` (M, ...), as recorded operators: a traced call reads each call's indices."""
    m = len(dims)
    shape = (m,) + (1,) * (indices.ndim - 1)
    strides = np.cumprod((1,) + tuple(dims[:0:-1]))[::-1].astype(dtype)
    idx = indices if np.dtype(indices.dtype).name == dtype else \
        invoke(get_op("Cast"), [indices], {"dtype": dtype})
    if wrap:
        dims_arr = type(indices)._wrap(np.asarray(dims, dtype).reshape(shape))
        idx = dispatch.binary("mod", idx, dims_arr)
    terms = dispatch.binary("mul", idx, type(indices)._wrap(strides.reshape(shape)))
    return invoke(get_op("sum"), [terms], {"axis": 0})


def shape_array(data, out=None, **kw):
    """The shape as a 1-D int64 array (not recorded: it has no gradient)."""
    data = _as_inputs([data])[0]
    return _finish(type(data)._wrap(np.array(data.shape, dtype=np.int64)), out)


def size_array(data, out=None, **kw):
    """The number of elements as a (1,) int64 array (not recorded)."""
    data = _as_inputs([data])[0]
    return _finish(type(data)._wrap(np.array([data.size], dtype=np.int64)), out)


def moments(data, axes=None, keepdims=False, out=None, **kw):
    """[mean, variance] over `axes` (recorded, differentiable)."""
    data = _as_inputs([data])[0]
    attrs = {"axis": _axis(axes), "keepdims": True, "exclude": False}
    mean = invoke(get_op("mean"), [data], attrs)
    centred = data - invoke(get_op("broadcast_to"), [mean], {"shape": data.shape})
    var = invoke(get_op("mean"), [centred * centred], dict(attrs, keepdims=bool(keepdims)))
    if not keepdims:
        mean = invoke(get_op("Reshape"), [mean], {"shape": var.shape, "reverse": False})
    return [mean, var]


NAMESPACE["Concat"] = NAMESPACE["concat"]
NAMESPACE.update(gather_nd=gather_nd, shape_array=shape_array, size_array=size_array,
                 moments=moments)
NAMESPACE["diag"] = diag
NAMESPACE.update(softmax_cross_entropy=softmax_cross_entropy, where=where, add_n=add_n,
                 ElementWiseSum=add_n, norm=norm, clip=clip, stack=stack, flip=flip,
                 reverse=flip, squeeze=squeeze,
                 broadcast_axis=broadcast_axis, broadcast_axes=broadcast_axis,
                 broadcast_like=broadcast_like, reshape_like=reshape_like, slice_like=slice_like)


# ---------------------------------------------------------------- NDArray methods

def _method(fn):
    def method(self, *args, **kwargs):
        return fn(self, *args, **kwargs)
    method.__name__ = fn.__name__
    method.__doc__ = fn.__doc__
    return method


def _tile_method(self, reps):
    return NAMESPACE["tile"](self, reps=tuple(reps))


def _repeat_method(self, repeats, axis=None):
    return NAMESPACE["repeat"](self, repeats=int(repeats), axis=axis)


def _split_method(self, num_outputs, axis=1, squeeze_axis=False):
    return NAMESPACE["split"](self, num_outputs, axis, squeeze_axis)


METHODS = {
    "clip": _method(clip), "prod": _method(NAMESPACE["prod"]),
    "max": _method(NAMESPACE["max"]), "min": _method(NAMESPACE["min"]),
    "norm": _method(norm), "argmax": _method(NAMESPACE["argmax"]),
    "argmin": _method(NAMESPACE["argmin"]), "softmax": _method(NAMESPACE["softmax"]),
    "log_softmax": _method(NAMESPACE["log_softmax"]), "squeeze": _method(squeeze),
    "flip": _method(flip), "swapaxes": _method(NAMESPACE["SwapAxis"]),
    "slice_axis": _method(NAMESPACE["slice_axis"]), "take": _method(NAMESPACE["take"]),
    "pick": _method(NAMESPACE["pick"]), "one_hot": _method(NAMESPACE["one_hot"]),
    "tile": _tile_method, "repeat": _repeat_method, "split": _split_method,
    "broadcast_like": _method(broadcast_like), "reshape_like": _method(reshape_like),
    "cumsum": _method(NAMESPACE["cumsum"]), "sort": _method(NAMESPACE["sort"]),
    "argsort": _method(NAMESPACE["argsort"]), "topk": _method(NAMESPACE["topk"]),
    "__mod__": lambda self, o: binary("mod", self, o, type(self)),
    "__rmod__": lambda self, o: binary("mod", o, self, type(self)),
}
for _name, _fn in METHODS.items():
    if _name not in NDArray.__dict__:
        setattr(NDArray, _name, _fn)
