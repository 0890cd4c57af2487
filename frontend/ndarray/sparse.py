"""`mx.nd.sparse`: MXNet's sparse storage (CSRNDArray, RowSparseNDArray) is not
supported — tapegraph arrays are dense NumPy arrays. Every function of the module raises
NotImplementedError (an UnsupportedError, also an MXNetError) naming that, so code never
silently gets dense arrays where it asked for sparse ones. `cast_storage` to 'default'
works (a copy)."""
from __future__ import annotations

import builtins
from array import array as native_array  # noqa: F401  (MXNet's module binds it)

from ..context import Context, current_context  # noqa: F401
from ..unsupported import (SPARSE, UnsupportedError, check_stype, not_implemented,
                           not_implemented_class)
from .ndarray import NDArray

py_slice = builtins.slice
py_sum = builtins.sum
try:
    import scipy.sparse as spsp  # noqa: F401
except ImportError:
    spsp = None

BaseSparseNDArray = not_implemented_class("mx.nd.sparse.BaseSparseNDArray", SPARSE, NDArray)
CSRNDArray = not_implemented_class("mx.nd.sparse.CSRNDArray", SPARSE, NDArray)
RowSparseNDArray = not_implemented_class("mx.nd.sparse.RowSparseNDArray", SPARSE, NDArray)


def cast_storage(data: NDArray, stype: str, **kwargs) -> NDArray:
    """A copy of `data` in storage `stype`: 'default' only (sparse raises)."""
    check_stype(stype, "cast_storage")
    return data.copy()


_FUNCTIONS = (
    "ElementWiseSum", "Embedding", "FullyConnected", "LinearRegressionOutput",
    "LogisticRegressionOutput", "MAERegressionOutput", "abs", "adagrad_update", "adam_update",
    "add", "add_n", "arccos", "arccosh", "arcsin", "arcsinh", "arctan", "arctanh", "array",
    "broadcast_add", "broadcast_div", "broadcast_minus", "broadcast_mul", "broadcast_plus",
    "broadcast_sub", "cbrt", "ceil", "clip", "concat", "cos", "cosh", "csr_matrix",
    "degrees", "divide", "dot", "elemwise_add", "elemwise_div", "elemwise_mul",
    "elemwise_sub", "empty", "exp", "expm1", "fix", "floor", "ftrl_update", "gamma",
    "gammaln", "gs_retain", "log", "log10", "log1p", "log2", "make_loss", "mean", "multiply",
    "negative", "norm", "radians", "relu", "retain", "rint", "round", "row_sparse_array",
    "rsqrt", "sgd_mom_update", "sgd_update", "sigmoid", "sign", "sin", "sinh", "slice",
    "sqrt", "square", "stop_gradient", "subtract", "sum", "tan", "tanh", "trunc", "where",
    "zeros", "zeros_like")
for _name in _FUNCTIONS:
    globals()[_name] = not_implemented("mx.nd.sparse." + _name, SPARSE, UnsupportedError)
