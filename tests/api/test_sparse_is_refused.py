"""Sparse storage is refused with a clear error, never silently dense (MXNet would give a
CSRNDArray / RowSparseNDArray; tapegraph arrays are dense)."""
import numpy as np
import pytest

import tapegraph as mx
from tapegraph.unsupported import UnsupportedError

x = mx.nd.arange(6).reshape((2, 3))

CALLS = {
    "tostype csr": lambda: x.tostype("csr"),
    "tostype row_sparse": lambda: x.tostype("row_sparse"),
    "zeros stype": lambda: mx.nd.zeros((2, 2), stype="csr"),
    "ones stype": lambda: mx.nd.ones((2, 2), stype="row_sparse"),
    "empty stype": lambda: mx.nd.empty((2, 2), stype="csr"),
    "cast_storage": lambda: mx.nd.cast_storage(x, "row_sparse"),
    "attach_grad stype": lambda: x.copy().attach_grad(stype="row_sparse"),
    "sparse.zeros": lambda: mx.nd.sparse.zeros("csr", (2, 2)),
    "sparse.csr_matrix": lambda: mx.nd.sparse.csr_matrix(([1.0], [0], [0, 1]), shape=(1, 2)),
    "sparse.row_sparse_array": lambda: mx.nd.sparse.row_sparse_array(
        (mx.nd.ones((1, 2)), mx.nd.array([0])), shape=(3, 2)),
    "sparse.dot": lambda: mx.nd.sparse.dot(x, x.T),
    "CSRNDArray": lambda: mx.nd.sparse.CSRNDArray(),
    "rand_ndarray": lambda: mx.test_utils.rand_ndarray((2, 2), stype="csr"),
}


@pytest.mark.parametrize("name", sorted(CALLS))
def test_sparse_storage_raises_naming_it(name):
    with pytest.raises(NotImplementedError, match="sparse"):
        CALLS[name]()


def test_the_errors_are_also_mxnet_errors():
    with pytest.raises(mx.MXNetError):
        x.tostype("csr")
    assert issubclass(UnsupportedError, NotImplementedError)


def test_dense_storage_still_works_and_copies():
    y = x.tostype("default")
    assert y is not x and np.array_equal(y.asnumpy(), x.asnumpy())
    assert x.stype == "default"
    with pytest.raises(ValueError, match="unknown storage type"):
        x.tostype("dense")


def test_a_scipy_sparse_matrix_is_refused():
    sparse = pytest.importorskip("scipy.sparse")
    with pytest.raises(NotImplementedError, match="sparse"):
        mx.nd.array(sparse.csr_matrix(np.eye(2)))
