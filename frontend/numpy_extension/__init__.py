"""`mx.npx`: NumPy-extension switches and neural-network operators for `mx.np` arrays."""
from __future__ import annotations

from ..ir import get_op as _get_op
from ..trace import host_reads as _host_reads
from ..trace.invoke import invoke as _invoke
from ..numpy.library import arr as _arr
from ..ndarray.rnn_op import RNN as _nd_rnn
from ..ndarray.regions import roi_pooling  # noqa: F401
from ..ndarray.multibox import (multibox_detection, multibox_prior,  # noqa: F401
                                multibox_target)

from ..util import (get_cuda_compute_capability, is_np_array, is_np_shape,
                    reset_np, set_np)
from ..context import (Context, cpu, cpu_pinned, current_context, gpu,  # noqa: F401
                       gpu_memory_info, num_gpus)
from . import random  # noqa: F401
from . import image  # noqa: F401  (mx.npx.image)
from . import utils  # noqa: F401
from .utils import load, save  # noqa: F401
from .nn import (activation, arange_like, batch_dot, batch_flatten, batch_norm, cast, convolution,
                 deconvolution, dropout, embedding, erf, erfinv, gamma, gammaln, gather_nd,
                 nonzero, reshape_like, sequence_mask, shape_array, slice, smooth_l1, topk,
                 fully_connected, layer_norm, leaky_relu, log_softmax, one_hot, pick, pooling,
                 reshape, softmax)


def relu(data):
    """max(x, 0)."""
    return _invoke(_get_op("relu"), [_arr(data)])


def sigmoid(data):
    """1 / (1 + exp(-x))."""
    return _invoke(_get_op("sigmoid"), [_arr(data)])


def stop_gradient(data):
    """The identity, with zero gradient."""
    return _invoke(_get_op("BlockGrad"), [_arr(data)])




def rnn(data=None, parameters=None, state=None, state_cell=None, sequence_length=None,
        **kwargs):
    """The fused recurrent layer (mx.nd.RNN) on mx.np arrays: rnn_relu, rnn_tanh, lstm or
    gru over (T, N, I) data with a packed parameter vector; unrolled with registered
    operators."""
    arrays = [_arr(a) if a is not None else None
              for a in (data, parameters, state, state_cell, sequence_length)]
    return _nd_rnn(*arrays, **kwargs)


def waitall() -> None:
    """Computation is synchronous: nothing to wait for."""


def constraint_check(input, msg="Constraint violated."):  # noqa: A002  (MXNet's name)
    """True (as a bool array) if every element of `input` is true; else ValueError(msg)."""
    data = _arr(input)
    # checked on the host: a hybridized block runs this forward eagerly (so it checks
    # each call's values)
    _host_reads.note(data)
    if not bool(data._data.all()):
        raise ValueError(msg)
    return type(data)._wrap(data._data.all().reshape(()))

