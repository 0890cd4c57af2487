"""mx.test_utils as MXNet's own tests use it: the star-import surface, checks of users'
own operators, and the generator checks."""
import json
import os

import numpy as np
import pytest

import tapegraph as mx
from tapegraph import test_utils as tu

NAMES = os.path.join(os.path.dirname(__file__), "..", "data", "mxnet", "api_names.json")


def test_star_import_binds_what_mxnet_binds():
    with open(NAMES) as fh:
        wanted = json.load(fh)["star_imports"]["mxnet.test_utils"]
    scope = {}
    exec("from tapegraph.test_utils import *", scope)
    assert sorted(set(wanted) - set(scope)) == []
    assert scope["np"] is np and scope["mx"] is mx
    for name, kind in wanted.items():
        if kind.startswith("module:") and kind != "module:mxnet" and scope[name] is not None:
            assert scope[name].__name__ == kind[len("module:"):], name


class _Cube(mx.autograd.Function):
    """A user's operator: y = x^3 with a chosen backward."""

    def __init__(self, factor):
        super().__init__()
        self.factor = factor

    def forward(self, x):
        self.save_for_backward(x)
        return x * x * x

    def backward(self, dy):
        (x,) = self.saved_tensors
        return dy * self.factor * x * x


def test_check_numeric_gradient_on_a_users_function():
    x = np.array([0.5, -1.2, 2.0])
    tu.check_numeric_gradient(lambda a: _Cube(3.0)(a), [x])
    with pytest.raises(AssertionError):
        tu.check_numeric_gradient(lambda a: _Cube(2.0)(a), [x])


def test_check_symbolic_backward_catches_a_wrong_gradient():
    a = mx.sym.Variable("a")
    loc = [np.array([1.0, 2.0])]
    tu.check_symbolic_backward(mx.sym.square(a), loc, [np.ones(2)], [2 * loc[0]])
    with pytest.raises(AssertionError):
        tu.check_symbolic_backward(mx.sym.square(a), loc, [np.ones(2)], [loc[0]])


def test_verify_generator_accepts_uniform_and_rejects_a_skewed_sampler():
    pytest.importorskip("scipy")
    np.random.seed(0)
    buckets = [(0.0, 1.0), (1.0, 2.0), (2.0, 3.0), (3.0, 4.0)]
    assert len(tu.verify_generator(lambda n: np.random.uniform(0, 4, n), buckets, [0.25] * 4,
                                   nsamples=20000)) == 5
    with pytest.raises(AssertionError, match="Generator test fails"):
        tu.verify_generator(lambda n: np.random.uniform(0, 3, n), buckets, [0.25] * 4,
                            nsamples=20000)


def test_unprovided_helpers_say_why():
    with pytest.raises(NotImplementedError, match="download"):
        tu.get_mnist()
    with pytest.raises(NotImplementedError, match="sparse"):
        tu.rand_ndarray((2, 2), stype="csr")
    with pytest.raises(NotImplementedError, match="sparse"):
        tu.create_sparse_array((2, 2), "row_sparse")
