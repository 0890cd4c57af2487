"""Mappings of MXNet's numpy-mode operators whose attributes or semantics differ from the
legacy operator the IR names (`np_reshape`'s newshape, `npx_reshape`'s codes,
`_npi_norm`'s flag, `_npi_full_like`, matmul, around, the reductions), and the np-mode
names MXNet 1.9.1 registers for legacy operators (`NP_ALIASES`). Used by `mxnet_ops`."""
from __future__ import annotations

from typing import Any, Callable, Dict, List

import numpy as np

from ...ir import Builder, MXNetError, Value
from ...ir.ops.shape import infer_npx_reshape

Build = Callable[[Builder, List[Value], Dict[str, Any]], Any]


def np_reshape(b: Builder, ins: List[Value], attrs: Dict[str, Any]) -> Value:
    shape = attrs.get("newshape", attrs.get("shape"))
    shape = (shape,) if isinstance(shape, int) else tuple(shape)
    return b.op("Reshape", ins[0], shape=shape)


NP_ALIASES = {
    "_npx_activation": "Activation", "_npx_batch_norm": "BatchNorm", "_npx_cast": "Cast",
    "_npx_dropout": "Dropout", "_npx_fully_connected": "FullyConnected",
    "_npx_leaky_relu": "LeakyReLU", "_npx_sigmoid": "sigmoid", "_npx_slice": "slice",
    "_npx_reshape_like": "reshape_like", "_npx_gather_nd": "gather_nd",
    "_npx_sequence_mask": "SequenceMask", "_npx_smooth_l1": "smooth_l1", "_npx_rnn": "RNN",
    "_npx_arange_like": "_contrib_arange_like", "_npx_shape_array": "shape_array",
    "_npx_roi_pooling": "ROIPooling", "_np_amax": "_np_max", "_np_amin": "_np_min",
    "_np_product": "_np_prod", "_npi_arange": "_arange", "_npi_copyto": "_copyto",
    "_npi_gather_nd": "gather_nd", "_npi_linspace": "_linspace", "_npi_ones": "_ones",
    "_npi_zeros": "_zeros", "_npi_eye": "_eye", "_npi_abs": "abs",
    "_npi_logical_not": "logical_not"}


def np_full_like(b: Builder, ins: List[Value], attrs: Dict[str, Any]) -> Value:
    # np.full_like: `a`'s shape filled with fill_value, in `dtype` (default: a's)
    filled = b.op("_plus_scalar", b.op("zeros_like", ins[0]),
                  scalar=float(attrs.get("fill_value", 0.0)))
    dtype = attrs.get("dtype")
    if dtype is None or str(dtype) == "None" or np.dtype(str(dtype)).name == filled.type.dtype:
        return filled
    return b.op("Cast", filled, dtype=np.dtype(str(dtype)).name)


def np_norm(b: Builder, ins: List[Value], attrs: Dict[str, Any]) -> Value:
    # np.linalg.norm as MXNet's symbol writes it: `flag` -2 (the whole array's 2-norm) and
    # 1 (Frobenius over `axis`) are 2-norms; -1 a vector p-norm; 0 and 2 the spectral and
    # nuclear matrix norms (singular values), which the IR has not
    flag, ord_ = int(attrs.get("flag", -1)), attrs.get("ord", 2)
    if flag in (-2, 1):
        ord_ = 2
    elif flag != -1:
        raise MXNetError("np.linalg.norm: flag=%d (the %s matrix norm) is not supported"
                         % (flag, "nuclear" if flag == 2 else "spectral"))
    axis = attrs.get("axis")
    return b.op("norm", ins[0], ord=ord_, axis=None if axis is None else (
        (axis,) if isinstance(axis, int) else tuple(axis)),
        keepdims=bool(attrs.get("keepdims", False)))


def npx_reshape(b: Builder, ins: List[Value], attrs: Dict[str, Any]) -> Value:
    shape = attrs.get("newshape", attrs.get("shape"))
    shape = (shape,) if isinstance(shape, int) else tuple(shape)
    target = infer_npx_reshape(ins[0].type.shape, shape, bool(attrs.get("reverse", False)))
    return b.op("Reshape", ins[0], shape=target)


def np_transpose(b: Builder, ins: List[Value], attrs: Dict[str, Any]) -> Value:
    axes = attrs.get("axes")
    return b.op("transpose", ins[0], axes=() if axes is None else tuple(axes))


def np_reduce(op: str) -> Build:
    def build(b, ins, attrs):
        return b.op(op, ins[0], axis=attrs.get("axis"), keepdims=bool(attrs.get("keepdims")))
    return build


def np_around(b: Builder, ins: List[Value], attrs: Dict[str, Any]) -> Value:
    """mx.np.around (halves to even, as `rint`), to `decimals` decimals."""
    decimals = int(attrs.get("decimals", 0) or 0)
    if not decimals:
        return b.op("rint", ins[0])
    scale = 10.0 ** decimals
    scaled = b.op("rint", b.op("_mul_scalar", ins[0], scalar=scale))
    return b.op("_div_scalar", scaled, scalar=scale)


def matmul(b: Builder, ins: List[Value], attrs: Dict[str, Any]) -> Value:
    """NumPy's matmul: `dot` up to 2-D, `batch_dot` over equal leading dimensions."""
    a, c = ins
    sa, sc = a.type.shape, c.type.shape
    if len(sa) <= 2 and len(sc) <= 2:
        return b.op("_np_dot", a, c)
    if len(sa) != len(sc) or sa[:-2] != sc[:-2]:
        raise MXNetError("matmul of shapes %s and %s: only equal batch dimensions are "
                         "supported" % (sa, sc))
    batch = int(np.prod(sa[:-2]))
    out = b.op("batch_dot", b.op("Reshape", a, shape=(batch,) + sa[-2:]),
               b.op("Reshape", c, shape=(batch,) + sc[-2:]))
    return b.op("Reshape", out, shape=sa[:-1] + sc[-1:])
