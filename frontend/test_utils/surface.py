"""What `from mxnet.test_utils import *` binds besides the helpers: the modules MXNet's
test_utils imports (`mx`, `np` = NumPy, `npt`, `rnd`, `os`, ...), re-exported names
(`use_np`, `array`, `Symbol`, `Context` ...), and the helpers tapegraph cannot provide
(data downloads, sparse arrays), which raise NotImplementedError naming why."""
from __future__ import annotations

import bz2  # noqa: F401
import errno  # noqa: F401
import gzip  # noqa: F401
import json  # noqa: F401
import logging  # noqa: F401
import numbers  # noqa: F401
import os  # noqa: F401
import platform  # noqa: F401
import struct  # noqa: F401
import sys  # noqa: F401
import time  # noqa: F401
import traceback  # noqa: F401
import zipfile  # noqa: F401
from collections import OrderedDict  # noqa: F401
from contextlib import contextmanager  # noqa: F401

import numpy as np  # noqa: F401  (bound by MXNet's star import too)
import numpy.random as rnd  # noqa: F401
import numpy.testing as npt  # noqa: F401

import tapegraph as mx  # noqa: F401  (MXNet's test_utils binds `mx`)
from ..context import Context, current_context  # noqa: F401
from ..ndarray import array  # noqa: F401
from ..symbol import Symbol  # noqa: F401
from ..util import get_cuda_compute_capability, getenv, setenv, use_np  # noqa: F401
from ..io import DataIter
from ..unsupported import DATA, NETWORK, SPARSE, not_implemented, not_implemented_class
from .compare import assert_almost_equal
from .helpers import Features, compare_ndarray_tuple, rand_ndarray_like  # noqa: F401

try:
    import requests  # noqa: F401  (bound by MXNet's star import too)
except ImportError:
    requests = None
try:
    import scipy.stats as ss  # noqa: F401
except ImportError:  # MXNet binds None then, and chi_square_check says scipy is missing
    ss = None

np_symbol = not_implemented_class(
    "mx.test_utils.np_symbol", "tapegraph has one Symbol class for both modes (mx.sym); "
    "there is no separate NumPy-mode symbol (mx.sym.np._Symbol)")


class DummyIter(DataIter):
    """An iterator that returns the first batch of `real_iter` forever (speed tests)."""

    def __init__(self, real_iter):
        super().__init__()
        self.real_iter = real_iter
        self.provide_data = real_iter.provide_data
        self.provide_label = real_iter.provide_label
        self.batch_size = real_iter.batch_size
        self.the_batch = next(real_iter)

    def __iter__(self):
        return self

    def next(self):
        """The first batch of the real iterator (never StopIteration)."""
        return self.the_batch


def compare_optimizer(opt1, opt2, shape, dtype, w_stype="default", g_stype="default",
                      rtol=1e-4, atol=1e-5, compare_states=True, ntensors=1) -> None:
    """Run one update of two optimizers on the same random weight and gradient; assert
    the states and updated weights agree."""
    if w_stype != "default" or g_stype != "default":
        raise NotImplementedError("compare_optimizer with sparse weights or gradients: "
                                  + SPARSE)
    shapes = shape if isinstance(shape, list) else [shape]
    index = list(range(len(shapes))) if isinstance(shape, list) else 0
    w1 = [rand_ndarray_like(s, dtype) for s in shapes]
    g1 = [rand_ndarray_like(s, dtype) for s in shapes]
    w2, g2 = [w.copy() for w in w1], [g.copy() for g in g1]
    if isinstance(shape, list):
        s1 = [opt1.create_state_multi_precision(i, w) for i, w in zip(index, w1)]
        s2 = [opt2.create_state_multi_precision(i, w) for i, w in zip(index, w2)]
        args1, args2 = (index, w1, g1, s1), (index, w2, g2, s2)
    else:
        s1 = opt1.create_state_multi_precision(0, w1[0])
        s2 = opt2.create_state_multi_precision(0, w2[0])
        args1, args2 = (0, w1[0], g1[0], s1), (0, w2[0], g2[0], s2)
    if compare_states:
        compare_ndarray_tuple(tuple(s1) if isinstance(s1, list) else s1,
                              tuple(s2) if isinstance(s2, list) else s2)
    opt1.update_multi_precision(*args1)
    opt2.update_multi_precision(*args2)
    if compare_states:
        compare_ndarray_tuple(tuple(s1) if isinstance(s1, list) else s1,
                              tuple(s2) if isinstance(s2, list) else s2, rtol, atol)
    for a, b in zip(w1, w2):
        assert_almost_equal(a, b, rtol=rtol, atol=atol)


def check_gluon_hybridize_consistency(net_builder, data_l, numpy_func=None, test_grad=True,
                                      rtol=1e-4, atol=1e-4) -> None:
    """Build the net four ways (imperative / hybridized, with / without autograd) from the
    same parameters; assert outputs and input gradients agree (and match `numpy_func`)."""
    saved_out, saved_grads, params = None, None, None
    for hybridize in (False, True):
        for use_autograd in ((False, True) if test_grad else (False,)):
            net = net_builder(prefix="net_")
            net.initialize()
            if params is not None:
                for name, p in net.collect_params().items():
                    p.set_data(mx.nd.array(params[name], dtype=params[name].dtype))
            if hybridize:
                net.hybridize()
            inputs = [x.copy() for x in data_l]
            if use_autograd:
                for x in inputs:
                    x.attach_grad()
                with mx.autograd.record():
                    out = net(*inputs)
                out.backward(out)
            else:
                out = net(*inputs)
            if params is None:
                params = {k: v.data().asnumpy() for k, v in net.collect_params().items()}
            if saved_out is None:
                saved_out = out.asnumpy()
            else:
                assert_almost_equal(out.asnumpy(), saved_out, rtol=rtol, atol=atol)
            if use_autograd:
                grads = [x.grad.asnumpy() for x in inputs]
                if saved_grads is None:
                    saved_grads = grads
                else:
                    for g, s in zip(grads, saved_grads):
                        assert_almost_equal(g, s, rtol=rtol, atol=atol)
    if numpy_func is not None:
        assert_almost_equal(saved_out, numpy_func(*[x.asnumpy() for x in data_l]),
                            rtol=rtol, atol=atol)


_DOWNLOADS = ("download", "download_model", "get_mnist", "get_mnist_pkl", "get_mnist_ubyte",
              "get_cifar10", "get_mnist_iterator", "get_zip_data", "get_bz2_data")
for _name in _DOWNLOADS:
    globals()[_name] = not_implemented("mx.test_utils." + _name, NETWORK)
get_im2rec_path = not_implemented("mx.test_utils.get_im2rec_path", DATA)
for _name in ("create_sparse_array", "create_sparse_array_zd", "rand_sparse_ndarray",
              "shuffle_csr_column_indices"):
    globals()[_name] = not_implemented("mx.test_utils." + _name, SPARSE)

STAR = ["bz2", "errno", "gzip", "json", "logging", "numbers", "os", "platform", "struct",
        "sys", "time", "traceback", "zipfile", "OrderedDict", "contextmanager", "np", "rnd",
        "npt", "mx", "requests", "Context", "current_context", "array", "Symbol",
        "get_cuda_compute_capability", "getenv", "setenv", "use_np", "ss", "np_symbol",
        "DummyIter", "compare_optimizer", "check_gluon_hybridize_consistency", "Features",
        "get_im2rec_path", "create_sparse_array", "create_sparse_array_zd",
        "rand_sparse_ndarray", "shuffle_csr_column_indices"] + list(_DOWNLOADS)
__all__ = STAR
