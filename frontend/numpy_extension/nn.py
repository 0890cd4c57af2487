"""Neural-network operators of `mx.npx` (MXNet's `_npx_*`): the same registered
operators as `mx.nd`, returning `mx.np.ndarray`s."""
from __future__ import annotations

from ..ir import get_op
from ..ir.ops.shape import infer_npx_reshape
from ..trace.invoke import invoke
from ..ndarray import ops as _nd
from ..numpy.library import arr
from ..numpy.ndarray import ndarray
from ..ir.errors import MXNetError
from ..ndarray.compose import NAMESPACE, SequenceMask, masked_softmax
from ..trace import host_reads


def _op(name, arrays, attrs):
    return invoke(get_op(name), [arr(a) for a in arrays], attrs, out_cls=ndarray)


def softmax(data, length=None, axis=-1, temperature=None, dtype=None, use_length=False):
    """exp(x/T) normalised along `axis`. With `use_length=True`, only the first
    `length[...]` positions along `axis` take part (`length`: integers of data's shape
    without `axis`) and the others are 0, as MXNet 1.9.1's `npx.softmax` (whose second
    positional argument is `length`)."""
    if use_length:
        return masked_softmax(arr(data), None if length is None else arr(length), axis,
                              temperature, dtype, name="npx.softmax")
    if length is not None:
        raise MXNetError("npx.softmax: a length input needs use_length=True (MXNet 1.9.1: "
                         "Operator softmax expects 1 inputs, but got 2 instead)")
    return _op("softmax", [data], {"axis": int(axis), "temperature": temperature,
                                   "dtype": dtype, "use_length": False})


def log_softmax(data, axis=-1, temperature=None, dtype=None, use_length=False, **kw):
    """log(softmax(x)) along `axis`. MXNet 1.9.1's `npx.log_softmax` has no length input
    (`length=` is refused as an unknown argument and `use_length=True` fails its input
    count check), so neither is accepted here rather than silently ignored."""
    if "length" in kw:
        raise MXNetError("npx.log_softmax: no argument 'length' (MXNet 1.9.1's log_softmax "
                         "takes data, axis, temperature, dtype, use_length)")
    if kw:
        raise MXNetError("npx.log_softmax: unknown argument(s) %s" % ", ".join(sorted(kw)))
    if use_length:
        raise MXNetError("npx.log_softmax: use_length=True needs a length input, which "
                         "MXNet 1.9.1's log_softmax does not take")
    return _op("log_softmax", [data], {"axis": int(axis), "temperature": temperature,
                                       "dtype": dtype, "use_length": False})


def fully_connected(x, weight, bias=None, num_hidden=None, no_bias=False, flatten=True, **kw):
    """x . weight^T + bias."""
    weight = arr(weight)
    no_bias = no_bias or bias is None
    return _op("FullyConnected", [x, weight] + ([] if no_bias else [bias]),
               {"num_hidden": int(num_hidden if num_hidden is not None else weight.shape[0]),
                "no_bias": bool(no_bias), "flatten": bool(flatten)})


def activation(data, act_type="relu", **kw):
    """relu, sigmoid, tanh, softrelu or softsign."""
    return _op("Activation", [data], {"act_type": act_type})


def leaky_relu(data, gamma=None, act_type="leaky", slope=0.25, **kw):
    """LeakyReLU (leaky, elu, selu, gelu, prelu)."""
    return _op("LeakyReLU", [data] + ([gamma] if gamma is not None else []),
               {"act_type": act_type, "slope": float(slope)})


def batch_dot(a, b, transpose_a=False, transpose_b=False, **kw):
    """Batched matrix product of 3-D arrays."""
    return _op("batch_dot", [a, b], {"transpose_a": bool(transpose_a),
                                     "transpose_b": bool(transpose_b)})


def pick(data, index, axis=-1, mode="clip", keepdims=False):
    """One element per position along `axis`, chosen by `index`."""
    return _op("pick", [data, index], {"axis": int(axis), "mode": mode,
                                       "keepdims": bool(keepdims)})


def one_hot(data, depth, on_value=1.0, off_value=0.0, dtype="float32"):
    """One-hot rows of length `depth`."""
    return _op("one_hot", [data], {"depth": int(depth), "on_value": float(on_value),
                                   "off_value": float(off_value), "dtype": str(dtype)})


def embedding(data, weight, input_dim=None, output_dim=None, dtype="float32", **kw):
    """Rows of `weight` chosen by `data`."""
    weight = arr(weight)
    return _op("Embedding", [data, weight], {
        "input_dim": int(input_dim if input_dim is not None else weight.shape[0]),
        "output_dim": int(output_dim if output_dim is not None else weight.shape[1]),
        "dtype": dtype, "sparse_grad": False})


def layer_norm(data, gamma, beta, axis=-1, eps=1e-5, output_mean_var=False):
    """Normalise along `axis`, then scale and shift."""
    return _op("LayerNorm", [data, gamma, beta], {"axis": int(axis), "eps": float(eps),
                                                  "output_mean_var": bool(output_mean_var)})


def convolution(data, weight, bias=None, kernel=None, stride=(), dilate=(), pad=(),
                num_filter=None, num_group=1, no_bias=False, **kw):
    """2-D convolution."""
    weight = arr(weight)
    no_bias = no_bias or bias is None
    return _op("Convolution", [data, weight] + ([] if no_bias else [bias]), {
        "kernel": tuple(kernel or weight.shape[2:]), "stride": tuple(stride),
        "dilate": tuple(dilate), "pad": tuple(pad),
        "num_filter": int(num_filter if num_filter is not None else weight.shape[0]),
        "num_group": int(num_group), "no_bias": bool(no_bias)})


def deconvolution(data, weight, bias=None, kernel=None, stride=(), dilate=(), pad=(), adj=(),
                  num_filter=None, num_group=1, no_bias=True, **kw):
    """2-D transposed convolution."""
    weight = arr(weight)
    no_bias = no_bias or bias is None
    return _op("Deconvolution", [data, weight] + ([] if no_bias else [bias]), {
        "kernel": tuple(kernel or weight.shape[2:]), "stride": tuple(stride),
        "dilate": tuple(dilate), "pad": tuple(pad), "adj": tuple(adj),
        "num_filter": int(num_filter if num_filter is not None
                          else weight.shape[1] * int(num_group)),
        "num_group": int(num_group), "no_bias": bool(no_bias)})


def topk(data, axis=-1, k=1, ret_typ="indices", is_ascend=False, dtype="float32"):
    """The k largest (or smallest) elements along `axis`: values, indices or a mask."""
    return _op("topk", [data], {"axis": int(axis), "k": int(k), "ret_typ": ret_typ,
                                "is_ascend": bool(is_ascend), "dtype": str(dtype)})


def pooling(data, kernel=(), stride=(), pad=(), pool_type="max", global_pool=False,
            count_include_pad=None, **kw):
    """2-D max / avg / sum pooling."""
    return _op("Pooling", [data], {"kernel": tuple(kernel), "stride": tuple(stride),
                                   "pad": tuple(pad), "pool_type": pool_type,
                                   "global_pool": bool(global_pool),
                                   "count_include_pad": count_include_pad})


def batch_flatten(x):
    """Collapse all axes but the first."""
    return _op("Flatten", [x], {})


def reshape(a, newshape, reverse=False, order="C"):
    """Reshape with the codes of MXNet's npx.reshape (-1 infer, -2 copy, -3 drop a size-1
    dim, -4 copy the rest, -5 merge two, -6 split one; see
    `tapegraph.ir.ops.shape.infer_npx_reshape`)."""
    a = arr(a)
    shape = (newshape,) if isinstance(newshape, int) else tuple(int(s) for s in newshape)
    target = infer_npx_reshape(a.shape, shape, bool(reverse))
    return _op("Reshape", [a], {"shape": target, "reverse": False})


def dropout(data, p=0.5, mode="training", axes=(), **kw):
    """Dropout (active in train mode)."""
    return _nd.Dropout(arr(data), p=p, mode=mode, axes=axes)


def batch_norm(x, gamma, beta, running_mean, running_var, eps=1e-3, momentum=0.9,
               fix_gamma=True, use_global_stats=False, axis=1, **kw):
    """Batch normalisation (updates the running statistics in train mode)."""
    return _nd.BatchNorm(arr(x), gamma, beta, running_mean, running_var, eps=eps,
                         momentum=momentum, fix_gamma=fix_gamma,
                         use_global_stats=use_global_stats, axis=axis)


def _unary(opname):
    def fn(data):
        return _op(opname, [data], {})
    fn.__name__ = opname
    fn.__doc__ = "Elementwise %s." % opname
    return fn


erf, erfinv, gamma, gammaln = (_unary(n) for n in ("erf", "erfinv", "gamma", "gammaln"))


def smooth_l1(data, scalar=1.0):
    """Smooth L1: quadratic within 1/scalar^2 of zero, linear outside."""
    return _op("smooth_l1", [data], {"scalar": float(scalar)})


def cast(data, dtype):
    """`data` converted to `dtype` (recorded)."""
    import numpy as _onp
    return _op("Cast", [data], {"dtype": _onp.dtype(dtype).name})


def slice(data, begin, end, step=()):  # noqa: A001  (MXNet's name)
    """data[begin:end:step] per axis (None keeps a bound)."""
    return _op("slice", [data], {"begin": tuple(begin), "end": tuple(end),
                                 "step": tuple(step or ())})


def reshape_like(lhs, rhs):
    """`lhs` reshaped to the shape of `rhs`."""
    rhs = arr(rhs)
    return _op("Reshape", [lhs], {"shape": tuple(rhs.shape), "reverse": False})


def gather_nd(data, indices):
    """data at the index tuples in the columns of `indices` (first axis: one per data axis)."""
    return NAMESPACE["gather_nd"](arr(data), indices)


def sequence_mask(data, sequence_length=None, use_sequence_length=False, value=0.0, axis=0):
    """Mask steps beyond each sequence's length with `value`."""
    return SequenceMask(arr(data), sequence_length, use_sequence_length, value, axis)


def shape_array(data):
    """The shape as a 1-D int64 array."""
    import numpy as _onp
    return ndarray._wrap(_onp.array(arr(data).shape, dtype=_onp.int64))


def arange_like(data, start=0.0, step=1.0, repeat=1, axis=None):
    """start, start+step, ... shaped like `data` (or along `axis`)."""
    import numpy as _onp
    data = arr(data)
    n = data.size if axis is None else data.shape[int(axis)]
    values = _onp.repeat(start + step * _onp.arange(-(-n // int(repeat))), int(repeat))[:n]
    values = values.astype(data._data.dtype)
    return ndarray._wrap(values.reshape(data.shape) if axis is None else values)


def nonzero(a):
    """Indices of non-zero elements as an (N, ndim) int64 array."""
    import numpy as _onp
    host_reads.note(a)  # shapes from values: a hybridized block runs this forward eagerly
    return ndarray._wrap(_onp.argwhere(arr(a)._data).astype(_onp.int64))
