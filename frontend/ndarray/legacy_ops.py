"""MXNet 1.9.1's older `mx.nd` operators, each a composition of registered operators (so
recorded, exported and differentiated to any order through those): SoftmaxActivation,
choose_element_0index / onehot_encode, the AMP casts (amp_cast, amp_multicast),
scatter_nd; calls of the IR operators batch_take, fill_element_0index and SVMOutput
(ir/ops/legacy.py); and the host-computed `histogram` (counts: not differentiable)."""
from __future__ import annotations

import warnings

import numpy as np

from ..ir import composites, get_op
from ..ir.errors import MXNetError
from ..ir.registry import MAX_RESULT_BYTES
from ..trace import host_reads
from ..trace.invoke import invoke
from ..trace.opnames import exported_as
from .detection import call
from .library import flat_positions
from .ndarray import NDArray
from .ops import NAMESPACE, Eager, _as_inputs, _finish, reject_unknown_kwargs


def _op(name, arrays, attrs=None, like=None):
    return invoke(get_op(name), list(arrays), attrs or {},
                  out_cls=type(like) if like is not None else None)


def _const(like, values, dtype=None) -> NDArray:
    return type(like)._wrap(np.asarray(values, dtype=dtype or like._data.dtype))


def SoftmaxActivation(data, mode="instance", out=None, **kw):
    """MXNet's deprecated softmax (see `tapegraph.ir.composites.softmax_activation`)."""
    reject_unknown_kwargs("SoftmaxActivation", kw, ("mode",))
    return _finish(composites.softmax_activation(Eager, _as_inputs([data])[0], mode), out)


def batch_take(a, indices, out=None, **kw):
    """a[i, indices[i]] for each row i of the 2-d array `a` (indices clipped). Not
    differentiable (as in MXNet)."""
    reject_unknown_kwargs("batch_take", kw)
    return _finish(_op("batch_take", _as_inputs([a, indices])), out)


def choose_element_0index(lhs, rhs, out=None, **kw):
    """lhs[i, rhs[i]] for each row i (MXNet's legacy form of pick along axis 1)."""
    reject_unknown_kwargs("choose_element_0index", kw)
    lhs, rhs = _as_inputs([lhs, rhs])
    if lhs.ndim != 2 or rhs.shape != (lhs.shape[0],):
        raise MXNetError("choose_element_0index: expected a 2-d array and one index per row, "
                         "got %s and %s" % (lhs.shape, rhs.shape))
    return _finish(_op("pick", [lhs, rhs], {"axis": -1, "keepdims": False, "mode": "clip"},
                       lhs), out)


def fill_element_0index(lhs, mhs, rhs, out=None, **kw):
    """A copy of the 2-d `lhs` with lhs[i, rhs[i]] replaced by mhs[i]. Not differentiable
    (as in MXNet)."""
    reject_unknown_kwargs("fill_element_0index", kw)
    return _finish(_op("fill_element_0index", _as_inputs([lhs, mhs, rhs])), out)


def onehot_encode(indices, out, **kw):
    """Write the one-hot rows of `indices` into the 2-d `out` (its width is the depth) and
    return `out`."""
    reject_unknown_kwargs("onehot_encode", kw)
    if not isinstance(out, NDArray) or out.ndim != 2:
        raise MXNetError("onehot_encode: out must be a 2-d NDArray")
    indices = _as_inputs([indices])[0]
    res = _op("one_hot", [indices], {"depth": out.shape[1], "on_value": 1.0,
                                     "off_value": 0.0, "dtype": out._data.dtype.name}, out)
    return _finish(res, out)


_FLOATS = ("float16", "float32", "float64")


def _cast(data, dtype):
    if data._data.dtype.name == dtype:
        return _op("_copy", [data], None, data)
    return _op("Cast", [data], {"dtype": dtype}, data)


def amp_cast(data, dtype, out=None, **kw):
    """`data` cast to the float type `dtype` when it is a float array (integer arrays are
    returned unchanged), as automatic mixed precision inserts it."""
    reject_unknown_kwargs("amp_cast", kw, ("dtype",))
    data = _as_inputs([data])[0]
    dtype = np.dtype(dtype).name
    if dtype not in _FLOATS + ("bfloat16",):
        raise MXNetError("amp_cast: dtype must be a float type, got %s" % dtype)
    with exported_as(None, "amp_cast", {"dtype": dtype}):  # (MXNet's node, in a trace)
        if data._data.dtype.name not in _FLOATS:
            return _finish(_op("_copy", [data], None, data), out)
        return _finish(_cast(data, dtype), out)


def amp_multicast(*data, num_outputs, cast_narrow=False, out=None, **kw):
    """Every float array cast to the widest float type among them (the narrowest with
    cast_narrow=True); other arrays unchanged. Returns a list of `num_outputs` arrays."""
    reject_unknown_kwargs("amp_multicast", kw, ("num_outputs", "cast_narrow"))
    arrays = _as_inputs(data)
    if len(arrays) != int(num_outputs):
        raise MXNetError("amp_multicast: num_outputs=%d but %d arrays were given"
                         % (num_outputs, len(arrays)))
    floats = [a._data.dtype.name for a in arrays if a._data.dtype.name in _FLOATS]
    if not floats:
        return [_op("_copy", [a], None, a) for a in arrays]
    rank = sorted(floats, key=_FLOATS.index)
    target = rank[0] if cast_narrow else rank[-1]
    return [_cast(a, target) if a._data.dtype.name in _FLOATS else _op("_copy", [a], None, a)
            for a in arrays]


def histogram(data, bins=10, range=None, out=None, name=None, **kw):  # noqa: A002  (MXNet's)
    """(counts, bin edges) of the values of `data`: counts int64, edges in the data's dtype.
    `bins` is a number of equal bins over `range` or an NDArray of edges (the registered
    `_histogram`, ir/ops/sampler.py: a fixed graph). Without a range, MXNet (and this)
    returns NumPy's histogram over the data's min and max, computed on the host (float32
    counts and edges). Not differentiable."""
    reject_unknown_kwargs("histogram", kw, ("bins", "range"))
    data = _as_inputs([data])[0]
    if isinstance(bins, NDArray):
        return call("_histogram", "_histogram", [data, bins], {}, name)
    if not isinstance(bins, (int, np.integer)) or not 0 <= int(bins) <= data.size + (
            MAX_RESULT_BYTES // 64) or (range is None and int(bins) == 0):
        raise MXNetError("histogram: bins must be a positive integer (of a size that fits "
                         "in memory) or an NDArray of bin edges, got %r" % (bins,))
    if range is not None:
        attrs = {"bin_cnt": int(bins), "range": tuple(float(v) for v in range)}
        return call("_histogram", "_histogram", [data], attrs, name)
    warnings.warn("range is not specified, using numpy's result to ensure "
                  "consistency with numpy")
    # counted on the host (MXNet calls NumPy here too): a hybridized block runs this
    # forward eagerly after the call that traced it
    host_reads.note(data)
    values = data._data.ravel()
    counts, edges = np.histogram(values.astype(np.float64), bins=int(bins))
    # MXNet returns NumPy's result converted by mx.nd.array: float32 counts and edges
    return (NDArray._wrap(counts.astype(np.float32)),
            NDArray._wrap(edges.astype(np.float32)))


def SVMOutput(data, label, margin=1.0, regularization_coefficient=1.0, use_linear=False,
              out=None, **kw):
    """The identity on (N, C) scores; the gradient is the multi-class hinge loss's for
    `label` (N,) (squared, or linear with use_linear=True), ignoring the head gradient."""
    reject_unknown_kwargs("SVMOutput", kw, ("margin", "regularization_coefficient",
                                            "use_linear"))
    attrs = {"margin": float(margin), "regularization_coefficient":
             float(regularization_coefficient), "use_linear": bool(use_linear)}
    return _finish(_op("SVMOutput", _as_inputs([data, label]), attrs), out)


def _overwritten(positions):
    """1 where a later write (in order) targets the same position, else 0 (int64): the
    writes sorted by (position, order), each not last of its run of equal positions."""
    n = positions.shape[0]
    order_key = _op("elemwise_add", [_op("_mul_scalar", [positions], {"scalar": float(n)}),
                                     _const(positions, np.arange(n), np.int64)])
    order = _op("argsort", [order_key], {"axis": 0, "is_ascend": True, "dtype": "int64"})
    ranked = _op("take", [positions, order], {"axis": 0, "mode": "clip"})
    head = _op("slice_axis", [ranked], {"axis": 0, "begin": 0, "end": n - 1})
    tail = _op("slice_axis", [ranked], {"axis": 0, "begin": 1, "end": n})
    later = _op("Concat", [_op("_equal", [head, tail]), _const(positions, [0], np.int64)],
                {"dim": 0, "num_args": 2})
    return _op("_take_scatter", [later, order], {"shape": (n,), "axis": 0, "mode": "clip"})


def scatter_nd(data, indices, shape, out=None, **kw):
    """Zeros of `shape` with data[k] written at the position indices[:, k] (indices is
    (M, N): M leading coordinates of N slices; a later write to one position wins). The
    gradient is gather_nd of the cotangent, as in MXNet (every write gets it)."""
    reject_unknown_kwargs("scatter_nd", kw, ("shape",))
    data, indices = _as_inputs([data, indices])
    shape = tuple(int(s) for s in shape)
    if indices.ndim < 1:
        raise MXNetError("scatter_nd: indices must have at least one dimension")
    m = indices.shape[0]
    if m > len(shape) or tuple(indices.shape[1:]) + shape[m:] != data.shape:
        raise MXNetError("scatter_nd: data %s, indices %s and shape %s do not match (expected "
                         "data of shape indices.shape[1:] + shape[M:])"
                         % (data.shape, indices.shape, shape))
    # positions and the overwritten writes are recorded operators on `indices`: a traced
    # call follows each call's indices
    positions = flat_positions(_op("Reshape", [indices], {"shape": (m, -1)}), shape[:m],
                               wrap=True)
    n = positions.shape[0]
    lead = int(np.prod(shape[:m]))
    rows = _op("Reshape", [data], {"shape": (n, -1)}, data)
    attrs = {"shape": (lead, rows.shape[1]), "axis": 0, "mode": "clip"}
    res = _op("_take_scatter", [rows, positions], attrs, data)
    if n > 1:  # drop overwritten writes from the value, not from the gradient
        dropped = _cast(_overwritten(positions), data._data.dtype.name)
        hidden = _op("BlockGrad", [_op("elemwise_mul", [rows, _op("broadcast_to", [_op(
            "Reshape", [dropped], {"shape": (n, 1)})], {"shape": rows.shape})], None, data)],
            None, data)
        res = _op("elemwise_sub", [res, _op("_take_scatter", [hidden, positions], attrs,
                                                               data)], None, data)
    return _finish(_op("Reshape", [res], {"shape": shape}, data), out)


NAMESPACE.update(SoftmaxActivation=SoftmaxActivation, batch_take=batch_take,
                 choose_element_0index=choose_element_0index,
                 fill_element_0index=fill_element_0index, onehot_encode=onehot_encode,
                 amp_cast=amp_cast, amp_multicast=amp_multicast, histogram=histogram,
                 scatter_nd=scatter_nd, SVMOutput=SVMOutput)
