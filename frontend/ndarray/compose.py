"""`mx.nd` functions that are compositions of registered operators (so they record those
operators and differentiate to any order): sequence masking and reversal, softmin,
depth/space rearrangements, moveaxis, gemm2, plus aliases and non-differentiable
helpers (logical operators, eye, linspace)."""
from __future__ import annotations

from typing import Any

import numpy as np

from ..ir import composites, get_op
from ..ir.errors import MXNetError
from ..trace.invoke import invoke
from . import dispatch
from .indexing import no_zero_dim
from .ndarray import NDArray
from .ops import NAMESPACE, Eager, _as_inputs, _finish


def _op(name, arrays, attrs=None, out_cls=None):
    return invoke(get_op(name), list(arrays), attrs or {}, out_cls=out_cls)


def _sequence_op(name, data, sequence_length, use_sequence_length, attrs, out):
    """Invoke sequence operator `name` (tapegraph.ir.ops.sequence): the lengths are its
    second input when used, so a traced call reads them in the graph, not on the host."""
    data = _as_inputs([data])[0]
    inputs = [data]
    if use_sequence_length:
        if sequence_length is None:
            raise MXNetError("%s: use_sequence_length=True needs sequence_length" % name)
        inputs.append(_as_inputs([sequence_length])[0])
    attrs = dict(attrs, use_sequence_length=bool(use_sequence_length))
    return _finish(_op(name, inputs, attrs, out_cls=type(data)), out)


def SequenceMask(data, sequence_length=None, use_sequence_length=False, value=0.0, axis=0,
                 out=None, **kw):
    """Set positions at or beyond each sequence's length (time on `axis`, batch on the
    other of the first two axes) to `value`; the gradient flows to the kept positions."""
    return _sequence_op("SequenceMask", data, sequence_length, use_sequence_length,
                        {"value": float(value), "axis": int(axis)}, out)


def SequenceLast(data, sequence_length=None, use_sequence_length=False, axis=0, out=None,
                 **kw):
    """The last valid step of each sequence: shape of `data` without the time axis."""
    return _sequence_op("SequenceLast", data, sequence_length, use_sequence_length,
                        {"axis": int(axis)}, out)


def SequenceReverse(data, sequence_length=None, use_sequence_length=False, axis=0, out=None,
                    **kw):
    """Reverse the first `length` steps of each sequence (time on axis 0); later steps
    stay where they are."""
    return _sequence_op("SequenceReverse", data, sequence_length, use_sequence_length,
                        {"axis": int(axis)}, out)


def softmin(data, axis=-1, temperature=None, dtype=None, out=None, **kw):
    """softmax(-x): small values get large weights (written in `dtype` when given)."""
    return _finish(composites.softmin(Eager, _as_inputs([data])[0], axis, temperature, dtype),
                   out)


def depth_to_space(data, block_size, out=None, **kw):
    """(N, C*b*b, H, W) -> (N, C, H*b, W*b), as MXNet (DCR order)."""
    return _finish(composites.depth_to_space(Eager, _as_inputs([data])[0], block_size), out)


def space_to_depth(data, block_size, out=None, **kw):
    """(N, C, H*b, W*b) -> (N, C*b*b, H, W), the inverse of depth_to_space."""
    return _finish(composites.space_to_depth(Eager, _as_inputs([data])[0], block_size), out)


def moveaxis(data, source, destination, out=None, **kw):
    """Move axis `source` to position `destination`."""
    data = _as_inputs([data])[0]
    order = list(range(data.ndim))
    src = int(source) % data.ndim
    order.remove(src)
    order.insert(int(destination) % data.ndim, src)
    return _finish(_op("transpose", [data], {"axes": tuple(order)}), out)


def linalg_gemm2(A, B, transpose_a=False, transpose_b=False, alpha=1.0, axis=-2, out=None,
                 **kw):
    """alpha * op(A) . op(B) for matrices or batches of matrices (last two axes): the
    `_linalg_gemm2` operator."""
    a, b = _as_inputs([A, B])
    if axis != -2:
        raise NotImplementedError("linalg_gemm2: only axis=-2 (matrices in the last two "
                                  "axes) is implemented in tapegraph")
    return _finish(_op("_linalg_gemm2", [a, b], {"transpose_a": bool(transpose_a),
                                                 "transpose_b": bool(transpose_b),
                                                 "alpha": float(alpha)}), out)


def argmax_channel(data, out=None, **kw):
    """argmax over axis 1, the channel axis (MXNet's argmax_channel)."""
    data = _as_inputs([data])[0]
    return _finish(_op("argmax", [data], {"axis": 1, "keepdims": False}), out)


def _nonzero(a, dtype=None):
    """1 where `a` is non-zero, else 0, in `a`'s dtype (or `dtype`): a recorded operator."""
    flag = _op("_not_equal_scalar", [a], {"scalar": 0.0})
    return flag if dtype is None or flag.dtype == dtype else flag.astype(dtype)


def _logical(kind, name):
    def f(lhs, rhs, out=None, **kw):
        lhs, rhs = _as_inputs([lhs, rhs])
        try:
            np.broadcast_shapes(lhs.shape, rhs.shape)
        except ValueError:
            raise MXNetError("%s: shapes %s and %s do not broadcast"
                             % (name, lhs.shape, rhs.shape)) from None
        a, b = _nonzero(lhs), _nonzero(rhs, lhs.dtype)
        return _finish(dispatch.binary(kind, a, b), out)
    f.__name__ = name
    f.__doc__ = "Elementwise logical %s as 0/1 in the input dtype (not differentiable)." % (
        name.split("_")[-1])
    return f


def logical_not(data, out=None, **kw):
    """Elementwise logical not as 0/1 in the input dtype (not differentiable); bool arrays
    are refused, as MXNet 1.9.1's legacy operator does."""
    data = _as_inputs([data])[0]
    if data.dtype == np.bool_:
        raise MXNetError("logical_not does not support bool inputs (MXNet 1.9.1 refuses "
                         "them: Unknown type enum 7); cast the array first")
    return _finish(_op("_equal_scalar", [data], {"scalar": 0.0}), out)


def eye(N, M=0, k=0, ctx=None, dtype=None, **kw) -> NDArray:
    """An N x M (M=N when 0) array with ones on diagonal k."""
    return NDArray._wrap(np.eye(int(N), int(M) or None, int(k), dtype=dtype or np.float32))


def linspace(start, stop, num, endpoint=True, ctx=None, dtype=None, **kw) -> NDArray:
    """`num` evenly spaced values from start to stop."""
    return NDArray._wrap(np.linspace(start, stop, int(num), endpoint=endpoint,
                                     dtype=dtype or np.float32))


def nansum(data, axis=None, keepdims=False, exclude=False, out=None, **kw):
    """Sum treating NaN as zero (the gradient is zero at NaN positions)."""
    clean = composites.nan_to(Eager, _as_inputs([data])[0], "zeros_like")
    res = _op("sum", [clean], {"axis": axis, "keepdims": bool(keepdims), "exclude": exclude})
    return _finish(no_zero_dim(res), out)


def _alias(target: str) -> Any:
    return NAMESPACE[target]


NAMESPACE.update(
    SequenceMask=SequenceMask, SequenceLast=SequenceLast, SequenceReverse=SequenceReverse,
    softmin=softmin, depth_to_space=depth_to_space, space_to_depth=space_to_depth,
    moveaxis=moveaxis, linalg_gemm2=linalg_gemm2, argmax_channel=argmax_channel,
    logical_and=_logical("mul", "logical_and"), logical_or=_logical("maximum", "logical_or"),
    logical_xor=_logical("ne", "logical_xor"), logical_not=logical_not,
    eye=eye, linspace=linspace, nansum=nansum,
    equal=_alias("broadcast_equal"), not_equal=_alias("broadcast_not_equal"),
    greater=_alias("broadcast_greater"), greater_equal=_alias("broadcast_greater_equal"),
    lesser=_alias("broadcast_lesser"), lesser_equal=_alias("broadcast_lesser_equal"),
    modulo=_alias("mod"), true_divide=_alias("divide"), max_axis=_alias("max"),
    min_axis=_alias("min"),
)
NAMESPACE["broadcast_logical_and"] = NAMESPACE["logical_and"]
NAMESPACE["broadcast_logical_or"] = NAMESPACE["logical_or"]
NAMESPACE["broadcast_logical_xor"] = NAMESPACE["logical_xor"]


_plain_softmax = NAMESPACE["softmax"]


def masked_softmax(data, length, axis=-1, temperature=None, dtype=None, name="softmax"):
    """MXNet's softmax with `use_length=True` on arrays of the class of `data` (mx.nd or
    mx.np): see `tapegraph.ir.composites.masked_softmax`."""
    return composites.masked_softmax(Eager, data, length, axis, temperature, dtype, name)


def softmax(data, length=None, out=None, name=None, use_length=False, **kwargs):
    """Softmax over `axis` (default -1). With `use_length=True`, only the first
    `length[...]` positions along `axis` take part (`length` has data's shape without
    `axis`, integers); the others are 0, as MXNet's masked softmax."""
    if not use_length:
        if length is not None:
            raise MXNetError("softmax: a length input needs use_length=True (MXNet 1.9.1: "
                             "Operator softmax expects 1 inputs, but got 2 instead)")
        return _plain_softmax(data, out=out, name=name, **kwargs)
    data = _as_inputs([data])[0]
    if length is not None:
        length = _as_inputs([length])[0]
    return _finish(masked_softmax(data, length, kwargs.get("axis", -1),
                                  kwargs.get("temperature"), kwargs.get("dtype")), out)


NAMESPACE["softmax"] = softmax
