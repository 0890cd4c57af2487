"""MXNet's smaller testing helpers: assertions, random data and matrices, environment
probes. Arrays are NumPy unless the name says NDArray (as in MXNet)."""
from __future__ import annotations

import os
import platform
from typing import Any, Callable, Sequence

import numpy as np

from ..context import Context, current_context, set_default
from ..ndarray import NDArray
from .. import ndarray as nd
from .compare import assert_almost_equal, checkShapes  # noqa: F401
from .tolerances import get_etol, get_tols


def _host(a: Any) -> np.ndarray:
    return a.asnumpy() if isinstance(a, NDArray) else np.asarray(a)


def _assert_close(a, b, rtol=None, atol=None, names=("a", "b"), equal_nan=False):
    assert_almost_equal(a, b, rtol=rtol, atol=atol, names=names, equal_nan=equal_nan)


def assert_allclose(a, b, rtol=1e-07, atol=0, equal_nan=True) -> None:
    """`assert_almost_equal` with NumPy's `assert_allclose` defaults."""
    _assert_close(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan)


def locationError(a, b, index, names, maxError=False) -> str:  # noqa: N802  (MXNet's name)
    """The message naming where `a` and `b` differ."""
    return "Location of %serror: %s, %s=%.8f, %s=%.8f" % (
        "maximum " if maxError else "", str(index), names[0], a[index], names[1], b[index])


def assert_almost_equal_with_err(a, b, rtol=None, atol=None, etol=None, names=("a", "b"),
                                 equal_nan=False, mismatches=(10, 10)) -> None:
    """Like `assert_almost_equal`, but a fraction `etol` of elements may mismatch."""
    etol = get_etol(etol)
    if etol <= 0:
        _assert_close(a, b, rtol, atol, names, equal_nan)
        return
    rtol, atol = get_tols(a, b, rtol, atol)
    a, b = _host(a), _host(b)
    equals = np.isclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan)
    err = 1 - np.count_nonzero(equals) / equals.size
    if err > etol:
        absdiff = np.where(np.equal(a, b), 0, np.abs(a - b))
        violation = absdiff / (atol + rtol * np.abs(b) + 1e-20)
        index = np.unravel_index(int(np.argmax(violation)), violation.shape)
        raise AssertionError("Error %f exceeds tolerance rtol=%e, atol=%e (mismatch %f%%, "
                             "allowed %f%%).\n%s" % (float(np.max(violation)), rtol, atol,
                                                     100 * err, 100 * etol,
                                                     locationError(a, b, index, names, True)))


def assert_almost_equal_ignore_nan(a, b, rtol=None, atol=None, names=("a", "b")) -> None:
    """`assert_almost_equal` ignoring positions where either array is NaN."""
    a, b = np.copy(_host(a)), np.copy(_host(b))
    nan_mask = np.logical_or(np.isnan(a), np.isnan(b))
    a[nan_mask] = 0
    b[nan_mask] = 0
    _assert_close(a, b, rtol, atol, names)


def assert_exception(f: Callable, exception_type, *args, **kwargs) -> None:
    """AssertionError unless `f(*args, **kwargs)` raises `exception_type`."""
    try:
        f(*args, **kwargs)
    except exception_type:
        return
    raise AssertionError("%s did not raise %s" % (getattr(f, "__name__", f), exception_type))


def retry(n: int):
    """Decorator: run a stochastic test up to `n` times until it passes."""
    assert n > 0

    def decorate(f):
        def wrapper(*args, **kwargs):
            for i in range(n):
                try:
                    f(*args, **kwargs)
                    return
                except AssertionError:
                    if i == n - 1:
                        raise
        return wrapper
    return decorate


def same_array(array1: NDArray, array2: NDArray) -> bool:
    """True if the two NDArrays share memory (writing one changes the other)."""
    array1[:] += 1
    if not np.array_equal(array1.asnumpy(), array2.asnumpy()):
        array1[:] -= 1
        return False
    array1[:] -= 1
    return np.array_equal(array1.asnumpy(), array2.asnumpy())


def compare_ndarray_tuple(t1, t2, rtol=None, atol=None) -> None:
    """Assert nested tuples of arrays are almost equal (None skips)."""
    if t1 is None or t2 is None:
        return
    if isinstance(t1, tuple):
        for s1, s2 in zip(t1, t2):
            compare_ndarray_tuple(s1, s2, rtol, atol)
    else:
        _assert_close(t1, t2, rtol=rtol, atol=atol)


def collapse_sum_like(a: np.ndarray, shape) -> np.ndarray:
    """Sum `a` over the axes that broadcasting added or stretched to reach `a.shape`."""
    assert len(a.shape) >= len(shape)
    if np.prod(shape) == 0 or a.size == 0:
        return np.zeros(shape, dtype=a.dtype)
    diff = len(a.shape) - len(shape)
    axes = list(range(diff))
    for i, s in enumerate(shape):
        if s != a.shape[i + diff]:
            assert s == 1
            axes.append(i + diff)
    return np.sum(a, axis=tuple(axes)).reshape(shape)


def np_reduce(dat: np.ndarray, axis, keepdims: bool, numpy_reduce_func: Callable):
    """Reduce `dat` one axis at a time with `numpy_reduce_func` (np.sum, np.max ...)."""
    axes = [axis] if isinstance(axis, int) else (
        list(axis) if axis is not None else list(range(dat.ndim)))
    ret = dat
    for i in reversed(sorted(axes)):
        ret = numpy_reduce_func(ret, axis=i)
    if keepdims:
        shape = list(dat.shape)
        for i in axes:
            shape[i] = 1
        ret = ret.reshape(tuple(shape))
    return ret


def random_uniform_arrays(*shapes, **kwargs):
    """A list of uniform NumPy arrays, one per shape (`low`, `high`, `dtype` keywords)."""
    low = kwargs.pop("low", 0.0)
    high = kwargs.pop("high", 1.0)
    dtype = kwargs.pop("dtype", np.float32)
    if kwargs:
        raise TypeError("Got unexpected argument/s : " + str(kwargs.keys()))
    return [np.random.uniform(low, high, size=s).astype(dtype) for s in shapes]


def random_sample(population: Sequence, k: int) -> list:
    """`k` elements of `population` in random order."""
    assert 0 <= k <= len(population)
    copy = list(population)
    np.random.shuffle(copy)
    return copy[0:k]


def rand_shape_3d(dim0=10, dim1=10, dim2=10, allow_zero_size=False):
    """A random 3-d shape with sizes up to the given bounds."""
    low = 0 if allow_zero_size else 1
    return (np.random.randint(low, dim0 + 1), np.random.randint(low, dim1 + 1),
            np.random.randint(low, dim2 + 1))


def rand_coord_2d(x_low, x_high, y_low, y_high):
    """A random integer point in [x_low, x_high) x [y_low, y_high)."""
    return (np.random.randint(x_low, x_high, dtype=np.int64),
            np.random.randint(y_low, y_high, dtype=np.int64))


def create_2d_tensor(rows: int, columns: int, dtype=np.int64) -> NDArray:
    """An NDArray whose row i is filled with i."""
    a = nd.arange(0, rows, dtype=dtype).reshape(rows, 1)
    return nd.broadcast_to(a, shape=(a.shape[0], columns))


def create_vector(size: int, dtype=np.int64) -> NDArray:
    """arange(size) as an NDArray."""
    return nd.arange(0, size, dtype=dtype)


def get_identity_mat(size: int) -> NDArray:
    """The identity matrix as a float32 NDArray."""
    return NDArray._wrap(np.eye(size, dtype=np.float32))


def get_identity_mat_batch(size: int) -> NDArray:
    """Two identity matrices stacked: shape (2, size, size)."""
    return NDArray._wrap(np.stack([np.eye(size, dtype=np.float32)] * 2))


def _each(output_shape, values, function):
    out = np.zeros(output_shape)
    for idx in np.ndindex(*output_shape):
        out[idx] = function(*[v[idx] for v in values])
    return out


def assign_each(the_input: np.ndarray, function: Callable) -> np.ndarray:
    """`function` applied to each element (a copy if `function` is None)."""
    if function is None:
        return np.array(the_input)
    return _each(the_input.shape, [the_input], function)


def assign_each2(input1: np.ndarray, input2: np.ndarray, function: Callable) -> np.ndarray:
    """`function(a, b)` applied elementwise (a copy of input1 if `function` is None)."""
    if function is None:
        return np.array(input1)
    assert input1.shape == input2.shape
    return _each(input1.shape, [input1, input2], function)


def new_matrix_with_real_eigvals_2d(n: int) -> np.ndarray:
    """A well-conditioned n x n matrix with real eigenvalues in [-10, 10]."""
    while True:
        d = np.diag(np.random.uniform(-1.0, 1.0, n))
        v = np.random.uniform(-1.0, 1.0, (n, 1))
        v = v / np.linalg.norm(v, axis=-2, keepdims=True)
        q = np.matmul(np.eye(n) - 2 * np.matmul(v, v.T), d)
        if np.linalg.cond(q, 2) < 3:
            break
    d = np.diag(np.random.uniform(-10.0, 10.0, n))
    return np.matmul(np.matmul(np.linalg.inv(q), d), q)


def new_matrix_with_real_eigvals_nd(shape) -> np.ndarray:
    """A batch of `new_matrix_with_real_eigvals_2d` matrices of `shape`."""
    n = int(np.prod(shape[:-2])) if len(shape) > 2 else 1
    return np.array([new_matrix_with_real_eigvals_2d(shape[-1]) for _ in range(n)]) \
        .reshape(shape)


def new_orthonormal_matrix_2d(n: int) -> np.ndarray:
    """A random n x n orthonormal matrix."""
    x = np.random.randn(n, n)
    return np.linalg.qr(np.matmul(x.T, x))[0]


def new_sym_matrix_with_real_eigvals_2d(n: int) -> np.ndarray:
    """A random symmetric n x n matrix with eigenvalues in [-10, 10]."""
    q = new_orthonormal_matrix_2d(n)
    return np.matmul(np.matmul(q.T, np.diag(np.random.uniform(-10.0, 10.0, n))), q)


def new_sym_matrix_with_real_eigvals_nd(shape) -> np.ndarray:
    """A batch of symmetric matrices of `shape`."""
    n = int(np.prod(shape[:-2])) if len(shape) > 2 else 1
    return np.array([new_sym_matrix_with_real_eigvals_2d(shape[-1]) for _ in range(n)]) \
        .reshape(shape)


def set_default_context(ctx: Context) -> None:
    """Make `ctx` the context `default_context()` and `current_context()` return."""
    set_default(ctx)


def list_gpus() -> range:
    """The GPU ids: an empty range (tapegraph computes on the CPU)."""
    return range(0)


def is_cd_run() -> bool:
    """True when running as part of a Continuous Delivery job (CD_JOB=1)."""
    return os.environ.get("CD_JOB", 0) == "1"


def is_aarch64_run() -> bool:
    """True on an aarch64 machine."""
    return platform.machine() == "aarch64"


def has_tvm_ops() -> bool:
    """False: tapegraph has no TVM-generated operators."""
    return False


def is_op_runnable() -> bool:
    """True: every registered operator runs on the (CPU) current context."""
    return current_context().device_type in ("cpu", "cpu_pinned", "gpu")


def same_symbol_structure(sym1, sym2) -> bool:
    """True if the two symbols' JSON graphs have the same operators in order."""
    import json
    nodes1 = json.loads(sym1.tojson())["nodes"]
    nodes2 = json.loads(sym2.tojson())["nodes"]
    return all(a["op"] == b["op"] for a, b in zip(nodes1, nodes2))


_FEATURES = {"CUDA": False, "CUDNN": False, "NCCL": False, "CUDA_RTC": False, "TENSORRT": False,
             "CPU_SSE": False, "CPU_AVX": False, "F16C": False, "BLAS_OPEN": False,
             "LAPACK": True, "MKLDNN": False, "OPENCV": False, "DIST_KVSTORE": False,
             "INT64_TENSOR_SIZE": True, "SIGNAL_HANDLER": False, "DEBUG": False,
             "TVM_OP": False}


class Feature:
    """One compile-time feature of MXNet and whether tapegraph has it."""

    def __init__(self, name: str, enabled: bool):
        self.name, self.enabled = name, enabled

    def __repr__(self) -> str:
        return ("✔ " if self.enabled else "✖ ") + self.name


class Features(dict):
    """MXNet's `runtime.Features`: feature name -> Feature (tapegraph: no CUDA, no
    distributed kvstore, no TVM ops; LAPACK through NumPy)."""

    def __init__(self):
        super().__init__((k, Feature(k, v)) for k, v in _FEATURES.items())

    def is_enabled(self, feature_name: str) -> bool:
        """Whether the feature is available; RuntimeError for an unknown name."""
        name = feature_name.upper()
        if name not in self:
            raise RuntimeError("Feature '{}' is unknown, known features are: {}"
                               .format(name, list(self.keys())))
        return self[name].enabled


__all__ = [n for n in dir() if not n.startswith("_") and n not in (
    "annotations", "os", "platform", "np", "Any", "Callable", "Sequence", "Context",
    "current_context", "set_default", "NDArray", "get_etol", "get_tols",
    "Feature", "nd", "assert_almost_equal")]


def rand_ndarray_like(shape, dtype) -> NDArray:
    """A standard-normal NDArray of `shape` and `dtype`."""
    return NDArray._wrap(np.random.randn(*shape).astype(dtype))
