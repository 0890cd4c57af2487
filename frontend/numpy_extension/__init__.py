"""`mx.npx`: NumPy-extension switches and neural-network operators for `mx.np` arrays."""
from __future__ import annotations

from ..ir import get_op as _get_op
from ..trace.invoke import invoke as _invoke
from ..numpy.library import arr as _arr

_NP_MODE = {"on": False}


def set_np(shape=True, array=True, dtype=False) -> None:
    """Switch to NumPy semantics (affects which array class tapegraph functions return)."""
    _NP_MODE["on"] = True


def reset_np() -> None:
    """Back to the legacy `mx.nd` semantics."""
    _NP_MODE["on"] = False


def is_np_array() -> bool:
    return _NP_MODE["on"]


is_np_shape = is_np_array


def relu(data):
    """max(x, 0)."""
    return _invoke(_get_op("relu"), [_arr(data)])


def sigmoid(data):
    """1 / (1 + exp(-x))."""
    return _invoke(_get_op("sigmoid"), [_arr(data)])


def stop_gradient(data):
    """The identity, with zero gradient."""
    return _invoke(_get_op("BlockGrad"), [_arr(data)])


from .nn import (activation, arange_like, batch_dot, batch_flatten, batch_norm, cast, convolution,
                 deconvolution, dropout, embedding, erf, erfinv, gamma, gammaln, gather_nd,
                 nonzero, reshape_like, sequence_mask, shape_array, slice, smooth_l1, topk,
                 fully_connected, layer_norm, leaky_relu, log_softmax, one_hot, pick, pooling,
                 reshape, softmax)


def waitall() -> None:
    """Computation is synchronous: nothing to wait for."""
