"""`mx.nd.contrib`: control flow (`foreach`, `while_loop`, `cond`, run eagerly and so
recorded op by op, differentiable), element checks (`isfinite`, `isinf`, `isnan`,
`allclose`), `arange_like`, `index_copy`, `boolean_mask`, `div_sqrt_dim`, `quadratic`.
The optimizer updates (`adamw_update`, `multi_lamb_update`, `group_adagrad_update`, ...)
come from tapegraph.ndarray.update_ops / update_multi; the vision, region, deformable and
detection operators from tapegraph.ndarray.vision / regions / deformable / detection /
multibox / proposal. The other contrib operators (quantisation, DGL graphs ...) are not
registered in tapegraph's IR and raise NotImplementedError naming why."""
from __future__ import annotations

from typing import Any, Callable, List

import numpy as np

from ..context import current_context  # noqa: F401  (MXNet's module exports it)
from ..ir.errors import MXNetError
from ..trace import host_reads
from ..unsupported import not_implemented
from ..ir import composites
from ..ir import get_op as _get_op
from ..trace.invoke import invoke as _invoke
from .ndarray import NDArray
from .ops import NAMESPACE, Eager, _as_inputs, _finish
from .random import uniform  # noqa: F401  (MXNet's mx.nd.contrib re-exports mx.nd.random's)
from . import contrib_ops as _contrib_ops
from .vision import AdaptiveAvgPooling2D, BilinearResize2D  # noqa: F401
from .regions import DeformablePSROIPooling, PSROIPooling, ROIAlign, RROIAlign  # noqa: F401
from .detection import (bipartite_matching, box_decode, box_encode, box_iou,  # noqa: F401
                        box_nms, box_non_maximum_suppression)
from .multibox import MultiBoxDetection, MultiBoxPrior, MultiBoxTarget  # noqa: F401
from .deformable import DeformableConvolution, ModulatedDeformableConvolution  # noqa: F401
from .proposal import MultiProposal, Proposal  # noqa: F401
from .hawkes import hawkesll  # noqa: F401

_nd = NAMESPACE


def _as_list(x):
    return (list(x), True) if isinstance(x, (list, tuple)) else ([x], False)


def foreach(body: Callable, data, init_states):
    """Run `body(data[i], states) -> (out, states)` over axis 0; returns (stacked outputs,
    final states), each a list or single NDArray as given."""
    datas, data_list = _as_list(data)
    states, states_list = _as_list(init_states)
    if not datas or any(not isinstance(d, NDArray) for d in datas):
        raise MXNetError("foreach: data must be an NDArray or a list of NDArrays")
    outputs: List[List[NDArray]] = []
    single_out = True
    for i in range(datas[0].shape[0]):
        items = [d[i] for d in datas]
        out, new_states = body(items if data_list else items[0],
                               states if states_list else states[0])
        outs, single = _as_list(out)
        single_out = not single
        outputs.append(outs)
        states, _ = _as_list(new_states)
    stacked = [_nd["stack"](*[o[k] for o in outputs], axis=0)
               for k in range(len(outputs[0]))] if outputs else []
    return (stacked[0] if single_out and len(stacked) == 1 else stacked,
            states if states_list else states[0])


def while_loop(cond: Callable, func: Callable, loop_vars, max_iterations: int = None):
    """Run `func(*loop_vars) -> (outputs, new_loop_vars)` while `cond(*loop_vars)`; returns
    (outputs stacked along axis 0 and zero-padded to max_iterations, final loop_vars)."""
    if max_iterations is None:
        raise ValueError("max_iterations should be specified")
    variables, vars_list = _as_list(loop_vars)
    steps: List[List[NDArray]] = []
    while len(steps) < max_iterations and bool(_as_scalar(cond(*variables))):
        out, new_vars = func(*variables)
        outs, _ = _as_list(out if out is not None else [])
        steps.append(outs)
        variables, _ = _as_list(new_vars)
    stacked = []
    if steps and steps[0]:
        for k in range(len(steps[0])):
            parts = [s[k] for s in steps]
            pad = max_iterations - len(parts)
            item = _nd["stack"](*parts, axis=0)
            if pad:
                zeros = NDArray._wrap(np.zeros((pad,) + parts[0].shape,
                                               dtype=parts[0].asnumpy().dtype))
                item = _nd["concat"](item, zeros, dim=0)
            stacked.append(item)
    return stacked, variables if vars_list else variables[0]


def _as_scalar(x) -> Any:
    """The value of a one-element predicate, read on the host: noted, so a hybridized
    block runs the forward eagerly after the call that traced it (the branch taken or the
    number of iterations depends on each call's values)."""
    if isinstance(x, NDArray):
        host_reads.note(x)
        return x.asscalar()
    return x


def cond(pred, then_func: Callable, else_func: Callable):
    """`then_func()` if `pred` (a one-element NDArray) is non-zero, else `else_func()`."""
    return then_func() if bool(_as_scalar(pred)) else else_func()


def _check(name: str, kind: str) -> Callable:
    def check(data, **kw):
        if not isinstance(data, NDArray):
            raise MXNetError("%s: data must be an NDArray" % name)
        return composites.value_class(Eager, data, kind,
                                      np.dtype(data.dtype).kind in "fc")
    check.__name__ = name
    check.__doc__ = ("1 where the element is %s, else 0 (not differentiable; recorded, so "
                     "a traced call computes it from each call's values)." % name[2:])
    return check


isfinite = _check("isfinite", "finite")
isinf = _check("isinf", "inf")
isnan = _check("isnan", "nan")


def _op(name: str, inputs, **attrs):
    return _invoke(_get_op(name), list(inputs), attrs)


def allclose(a, b, rtol=1e-05, atol=1e-08, equal_nan=True, **kw) -> NDArray:
    """A 0-d uint8 array, as MXNet 1.9.1 gives it: 1 if |a - b| <= atol + rtol * |b|
    everywhere (equal values, infinities included, are close; NaNs are close to NaNs when
    `equal_nan`). Recorded operators, so a traced call computes it from each call's
    values."""
    if not isinstance(a, NDArray) or not isinstance(b, NDArray):
        raise MXNetError("allclose: a and b must be NDArrays")
    if a.shape != b.shape:
        raise MXNetError("allclose: a and b must have the same shape, got %s and %s"
                         % (a.shape, b.shape))
    a, b = (x if x.dtype == np.float64 else _nd["Cast"](x, dtype="float32") for x in (a, b))
    same = _op("_equal", [a, b])  # equal values (infinities too) are close: compare 0, 0
    zeros = _nd["zeros_like"](a)
    a, b = _nd["where"](same, zeros, a), _nd["where"](same, zeros, b)
    close = _nd["broadcast_lesser_equal"](_nd["abs"](a - b),
                                          _nd["abs"](b) * float(rtol) + float(atol))
    if equal_nan:
        both = _op("_not_equal", [a, a]) * _op("_not_equal", [b, b])
        close = _nd["broadcast_maximum"](close, both)
    if a.size == 0:
        return _nd["Cast"](_nd["ones_like"](a).reshape((-1,)).sum().reshape(()) >= 0,
                           dtype="uint8")  # no element: vacuously close
    ok = _nd["min"](close.reshape((-1,)), axis=0, keepdims=True)
    return _nd["Cast"](ok.reshape(()), dtype="uint8")


def arange_like(data, start=0.0, step=1.0, repeat=1, axis=None, **kw) -> NDArray:
    """start, start + step, ... shaped like `data` (or its `axis`): see
    `tapegraph.ir.composites.arange_like`."""
    return composites.arange_like(Eager, _as_inputs([data])[0], start, step, repeat, axis)


def index_copy(old_tensor, index_vector, new_tensor, **kw) -> NDArray:
    """A copy of old_tensor with rows index_vector[i] replaced by new_tensor[i]: recorded
    as old * (1 - written) + scatter(new), so a traced call follows each call's index and
    gradients reach old_tensor's kept rows and new_tensor (indices are distinct, as in
    MXNet)."""
    n = old_tensor.shape[0]
    idx = _nd["Cast"](index_vector, dtype="int64")
    new = new_tensor if new_tensor.dtype == old_tensor.dtype else \
        _nd["Cast"](new_tensor, dtype=np.dtype(old_tensor.dtype).name)
    scattered = _op("_take_scatter", [new, idx], shape=old_tensor.shape, axis=0, mode="clip")
    ones = _nd["ones_like"](_nd["Cast"](idx, dtype=np.dtype(old_tensor.dtype).name))
    written = _op("_take_scatter", [ones, idx], shape=(n,), axis=0, mode="clip")
    keep = _nd["reshape"](_op("_equal_scalar", [written], scalar=0.0),
                          (n,) + (1,) * (old_tensor.ndim - 1))
    return _nd["broadcast_mul"](old_tensor, keep) + scattered


def boolean_mask(data, index, axis=0, **kw) -> NDArray:
    """The slices of `data` along `axis` where `index` is non-zero (a gather of those
    positions, so gradients flow to the kept slices)."""
    host_reads.note(index)  # a hybridized trace must not replay these positions
    keep = np.nonzero(index.asnumpy())[0].astype(np.int64)
    return _nd["take"](data, NDArray._wrap(keep), axis=axis)


def div_sqrt_dim(data, out=None, name=None, **kwargs):
    """`data` divided by the square root of its last dimension (scaled dot-product
    attention's scaling)."""
    return _finish(data * (1.0 / np.sqrt(data.shape[-1])), out)


def quadratic(data, a=0.0, b=0.0, c=0.0, out=None, name=None, **kwargs):
    """a * data**2 + b * data + c, elementwise."""
    return _finish(data * data * float(a) + data * float(b) + float(c), out)


_WHY = {
    "quantization": "quantised (int8) operators need MXNet's C++ quantisation backend",
    "dgl": "DGL graph operators work on sparse CSR graphs; sparse storage is not supported",
    "backward": "an internal backward operator of MXNet; tapegraph derives every backward "
                "from gradient rules (autograd.backward_graph shows the operators it uses)",
    "gpu": "MXNet 1.9.1 implements it on GPUs only (cuFFT; its CPU build has no kernel) and "
           "tapegraph runs on the CPU",
}
_GROUPS = {
    "quantization": ("calibrate_entropy", "dequantize", "quantize", "quantize_asym",
                     "quantize_v2", "quantized_act", "quantized_batch_norm", "quantized_concat",
                     "quantized_conv", "quantized_elemwise_add", "quantized_elemwise_mul",
                     "quantized_embedding", "quantized_flatten", "quantized_fully_connected",
                     "quantized_pooling", "quantized_rnn", "requantize"),
    "dgl": ("dgl_adjacency", "dgl_csr_neighbor_non_uniform_sample",
            "dgl_csr_neighbor_uniform_sample", "dgl_graph_compact", "dgl_subgraph", "edge_id",
            "getnnz", "SparseEmbedding"),
    "backward": ("backward_gradientmultiplier", "backward_hawkesll", "backward_index_copy",
                 "backward_quadratic"),
    "gpu": ("fft", "ifft"),
}
globals().update(_contrib_ops.NAMES)
for _group, _names in _GROUPS.items():
    for _name in _names:
        globals().setdefault(_name, not_implemented("mx.nd.contrib." + _name, _WHY[_group]))
