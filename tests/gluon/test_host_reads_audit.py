"""Functions that computed part of their result on the host from an input's values, so a
hybridized block froze the first call's values into its trace as constants (later calls
silently reused them). Each now either records operators (COMPOSED: the trace is a graph,
not value-dependent) or notes its host read (NOTED: trace.host_reads, so the block runs
the forward eagerly after the call that traced it). A hybridized block must agree with
the eager one on every call."""
import numpy as np
import pytest

import tapegraph as mx
from tapegraph.gluon import HybridBlock
from tapegraph.gluon.data.vision import transforms

nd = mx.nd


def f32(r, shape=(4, 3)):
    return nd.array(r.randn(*shape))


def ints(r, high, shape, dtype="float32"):
    return nd.array(r.randint(0, high, shape), dtype=dtype)


def special(r, shape=(4, 3)):
    x = r.randn(*shape)
    x[r.rand(*shape) < .25] = np.nan
    x[r.rand(*shape) < .25] = 0
    x[r.rand(*shape) < .2] = -np.inf
    x[r.rand(*shape) < .1] = -0.0
    return nd.array(x)


def np_fn(fn):
    """A forward calling mx.np function `fn` on the inputs seen as mx.np arrays, its
    results back as float32 legacy NDArrays."""
    def forward(F, *xs):
        res = fn(*[x.as_np_ndarray() for x in xs])
        res = res if isinstance(res, (list, tuple)) else [res]
        return [(r if hasattr(r, "as_nd_ndarray") else mx.np.array(r)).astype(
            "float32").as_nd_ndarray() for r in res]
    return forward


# name -> (forward(F, *inputs), inputs(rng))
COMPOSED = {
    # a HybridBlock over F.image.to_tensor (as in MXNet), called from the forward
    "transforms.ToTensor": (lambda F, x: _to_tensor_closure(F, x),
                            lambda r: (ints(r, 255, (3, 3, 1), "uint8"),)),
    "nd.softmax(use_length)": (
        lambda F, x, n: F.softmax(x, n, use_length=True, axis=1),
        lambda r: (f32(r), ints(r, 3, (4,), "int32") + 1)),
    "nd.contrib.allclose": (
        lambda F, x, y: F.contrib.allclose(x, x + y),
        lambda r: (special(r), f32(r) * float(r.rand() < .5))),
    "nd.contrib.index_copy": (
        lambda F, x, i, y: F.contrib.index_copy(x, i, y),
        lambda r: (f32(r, (5, 3)), nd.array(r.permutation(5)[:2]), f32(r, (2, 3)))),
    "nd.contrib.count_sketch": (
        lambda F, x, h, s: F.contrib.count_sketch(x, h, s, out_dim=4),
        lambda r: (f32(r, (2, 3)), ints(r, 4, (3,)), nd.array(r.choice([-1., 1.], 3)))),
    "nd.contrib.rand_zipfian": (
        lambda F, t: F.contrib.rand_zipfian(t, 3, 10)[1],
        lambda r: (ints(r, 10, (4,)),)),
    "nd.scatter_nd": (
        lambda F, d, i: F.scatter_nd(d, i, shape=(3, 3)),
        lambda r: (f32(r, (4,)), ints(r, 3, (2, 4)))),
    "nd.gather_nd": (
        lambda F, d, i: F.gather_nd(d, i),
        lambda r: (f32(r, (3, 3)), ints(r, 3, (2, 4)))),
    "nd.ravel_multi_index": (
        lambda F, i: F.ravel_multi_index(i, shape=(3, 3)),
        lambda r: (ints(r, 3, (2, 4)),)),
    "nd.unravel_index": (
        lambda F, i: F.unravel_index(i, shape=(3, 3)),
        lambda r: (ints(r, 9, (4,)),)),
    "NDArray.detach": (lambda F, x: x.detach() * 2, lambda r: (f32(r),)),
    "NDArray.as_nd_ndarray": (lambda F, x: x.as_nd_ndarray() * 2, lambda r: (f32(r),)),
    "nd.array(NDArray)": (lambda F, x: F.array(x, dtype="int32"), lambda r: (f32(r) * 3,)),
    "NDArray & (bool)": (
        lambda F, x, y: [(a & b).astype("float32") for a, b in
                         [((x > 0).astype("bool"), (y > 0).astype("bool"))]][0],
        lambda r: (f32(r), f32(r))),
    "np.array(ndarray)": (np_fn(lambda x: mx.np.array(x) * 2), lambda r: (f32(r),)),
    "np.isnan": (np_fn(mx.np.isnan), lambda r: (special(r),)),
    "np.isinf": (np_fn(mx.np.isinf), lambda r: (special(r),)),
    "np.isfinite": (np_fn(mx.np.isfinite), lambda r: (special(r),)),
    "np.logical_not": (np_fn(mx.np.logical_not), lambda r: (special(r),)),
    "np.count_nonzero": (np_fn(lambda x: mx.np.count_nonzero(x, axis=0)),
                         lambda r: (special(r),)),
    "np.all": (np_fn(lambda x: mx.np.all(x, axis=1)), lambda r: (special(r),)),
    "np.any": (np_fn(lambda x: mx.np.any(x, axis=0)), lambda r: (special(r) * 0,)),
    "ndarray.all": (np_fn(lambda x: x.all(axis=1)), lambda r: (special(r),)),
    "ndarray.any": (np_fn(lambda x: x.any(axis=0)), lambda r: (special(r) * 0,)),
    "np.isclose": (np_fn(lambda x, y: mx.np.isclose(x, y, atol=.5, equal_nan=True)),
                   lambda r: (special(r), special(r))),
    "np.where(bool condition)": (np_fn(lambda c, x: mx.np.where(c > 0, x, -x)),
                                 lambda r: (f32(r), f32(r))),
    "ndarray ~ (bool)": (np_fn(lambda x: ~(x > 0)), lambda r: (f32(r),)),
    "ndarray | (bool)": (np_fn(lambda x, y: (x > 0) | (y > 0)), lambda r: (f32(r), f32(r))),
    "npx.gather_nd": (np_fn(lambda x, i: mx.npx.gather_nd(x, i.astype("int64"))),
                      lambda r: (f32(r), ints(r, 3, (2, 4)))),
    # the registered _histogram (bin_cnt and range, or an edges array)
    "nd.histogram": (lambda F, x: F.histogram(x, bins=3, range=(-2, 2))[0],
                     lambda r: (f32(r),)),
    "nd.histogram(bins=array)": (lambda F, x, e: F.histogram(x, bins=e),
                                 lambda r: (f32(r), nd.array(np.sort(r.randn(4))))),
}


def _to_tensor_closure(F, x):
    return _TO_TENSOR[0](x) * 1  # (not a child: called from the forward)


_TO_TENSOR = [transforms.ToTensor()]

NOTED = {
    "nd.contrib.cond": (
        lambda F, p, x: F.contrib.cond(p, lambda: x * 2, lambda: x - 1),
        lambda r: (nd.array([r.randint(0, 2)]), f32(r))),
    "nd.contrib.while_loop": (
        lambda F, n, x: F.contrib.while_loop(
            lambda i, s: i < n, lambda i, s: (None, (i + 1, s * 2)), (nd.zeros((1,)), x),
            max_iterations=5)[1][1],
        lambda r: (nd.array([r.randint(0, 4)]), f32(r))),
    "nd.histogram (no range: NumPy's, as MXNet)": (lambda F, x: F.histogram(x, bins=3)[0],
                                                  lambda r: (f32(r),)),
    "NDArray[array, array]": (lambda F, x, i: x[i, i], lambda r: (f32(r, (4, 4)),
                                                                  ints(r, 4, (3,)))),
    "NDArray[:, array]": (lambda F, x, i: x[:, i], lambda r: (f32(r, (4, 4)),
                                                              ints(r, 4, (3,)))),
    "NDArray & (int)": (lambda F, x, y: (x & y).astype("float32"),
                        lambda r: (ints(r, 8, (4,), "int32"), ints(r, 8, (4,), "int32"))),
    "np.signbit": (np_fn(mx.np.signbit), lambda r: (special(r),)),
    "np.nonzero": (np_fn(lambda x: mx.np.nonzero(x)), lambda r: (special(r),)),
    "np.argwhere": (np_fn(mx.np.argwhere), lambda r: (special(r),)),
    "np.flatnonzero": (np_fn(mx.np.flatnonzero), lambda r: (special(r),)),
    "np.where(condition)": (np_fn(lambda c: mx.np.where(c > 0)[0]), lambda r: (f32(r),)),
    "np.allclose": (np_fn(lambda x, y: mx.np.array(float(mx.np.allclose(x, x + y)))),
                    lambda r: (f32(r), f32(r) * float(r.rand() < .5))),
    "np.array_equal": (np_fn(lambda x, y: mx.np.array(float(mx.np.array_equal(x, x + y)))),
                       lambda r: (f32(r), f32(r) * float(r.rand() < .5))),
    "np.unique (fallback)": (np_fn(lambda x: mx.np.unique(x.astype("int32"))),
                             lambda r: (f32(r) * 3,)),
    "np.bincount (fallback)": (np_fn(lambda x: mx.np.bincount(x.astype("int64"), minlength=5)),
                               lambda r: (ints(r, 5, (4,)),)),
    "ndarray[bool mask]": (np_fn(lambda x: x[x > 0]), lambda r: (f32(r),)),
    "ndarray ~ (int)": (np_fn(lambda x: ~x.astype("int32")), lambda r: (f32(r) * 4,)),
    "npx.nonzero": (np_fn(lambda x: mx.npx.nonzero(x > 0)), lambda r: (f32(r),)),
    "nd.all_finite": (lambda F, x: F.all_finite(x), lambda r: (f32(r) / (r.rand() < .5),)),
    "nd.multi_all_finite": (lambda F, x, y: F.multi_all_finite(x, y, num_arrays=2),
                            lambda r: (f32(r), f32(r) / (r.rand() < .5))),
}


class Fn(HybridBlock):
    def __init__(self, fn):
        super().__init__()
        self.fn = fn

    def hybrid_forward(self, F, *xs):
        return self.fn(F, *xs)


def _flat(out):
    return [a for o in out for a in _flat(o)] if isinstance(out, (list, tuple)) else [out]


def _agree(forward, inputs):
    eager, hybrid = Fn(forward), Fn(forward)
    hybrid.hybridize()
    rng = np.random.RandomState(0)
    for _ in range(4):
        args = inputs(rng)
        want = [a.asnumpy() for a in _flat(eager(*args))]
        got = [a.asnumpy() for a in _flat(hybrid(*args))]
        assert len(got) == len(want)
        for g, w in zip(got, want):
            assert g.shape == w.shape and g.dtype == w.dtype
            np.testing.assert_array_equal(g, w)
    return hybrid


@pytest.mark.parametrize("name", sorted(COMPOSED))
def test_composed_functions_are_graphs_following_each_call(name):
    hybrid = _agree(*COMPOSED[name])
    assert not hybrid._last.value_dependent  # a real graph, replayed for later calls


@pytest.mark.parametrize("name", sorted(NOTED))
def test_noted_host_reads_run_eagerly_after_tracing(name):
    hybrid = _agree(*NOTED[name])
    assert hybrid._last.value_dependent


def test_constraint_check_checks_every_call():
    block = Fn(lambda F, x: mx.npx.constraint_check(x.as_np_ndarray() > 0).astype(
        "float32").as_nd_ndarray())
    block.hybridize()
    block(nd.ones((3,)))
    with pytest.raises(ValueError):
        block(nd.array([1.0, -1.0, 1.0]))


def test_values():
    # scatter_nd: a later write to one position wins in the value; the gradient reaches
    # every write (MXNet 1.9.1's values)
    d = nd.array([1, 2, 3, 4])
    d.attach_grad()
    with mx.autograd.record():
        r = nd.scatter_nd(d, nd.array([[0, 1, 0, 2], [1, 1, 1, 0]]), shape=(3, 2))
    r.backward(nd.arange(6).reshape((3, 2)))
    assert r.asnumpy().tolist() == [[0, 3], [0, 2], [4, 0]]
    assert d.grad.asnumpy().tolist() == [1, 3, 1, 4]
    # index_copy: differentiable as in MXNet 1.9.1
    x, y = nd.zeros((4, 2)), nd.ones((1, 2))
    x.attach_grad()
    y.attach_grad()
    with mx.autograd.record():
        z = nd.contrib.index_copy(x, nd.array([2]), y * 3)
    z.backward(nd.arange(8).reshape((4, 2)))
    assert z.asnumpy().tolist() == [[0, 0], [0, 0], [3, 3], [0, 0]]
    assert x.grad.asnumpy().tolist() == [[0, 1], [2, 3], [0, 0], [6, 7]]
    assert y.grad.asnumpy().tolist() == [[12, 15]]
    # allclose: MXNet 1.9.1's kernel, |a - b| <= atol + rtol * |b| (so 5 ~ inf), a 0-d uint8
    inf = float("inf")
    for a, b, want in (([1, np.nan], [1, np.nan], 1), ([5.0], [inf], 1), ([inf], [5.0], 0),
                       ([inf, -inf], [inf, -inf], 1), ([1.0], [1.1], 0)):
        got = nd.contrib.allclose(nd.array(a), nd.array(b))
        assert (got.shape, got.dtype, int(got.asscalar())) == ((), np.uint8, want)
    # ravel / unravel: MXNet 1.9.1's arithmetic (no range check, C's remainder)
    assert nd.ravel_multi_index(nd.array([[1, -1], [3, 1]]), shape=(3, 4)).asnumpy() \
        .tolist() == [7, -3]
    assert nd.unravel_index(nd.array([5, 13, -1]), shape=(3, 4)).asnumpy().tolist() == \
        [[1, 3, 0], [1, 1, -1]]
    # mx.np predicates agree with NumPy, dtypes included
    v = np.array([1., np.nan, np.inf, -np.inf, 0, -0., -2, 5, np.inf])
    w = np.array([1., np.nan, np.inf, np.inf, 1e-9, 0, -2.00001, np.inf, 5])
    a, b = mx.np.array(v), mx.np.array(w)
    for equal_nan in (False, True):
        got = mx.np.isclose(a, b, equal_nan=equal_nan)
        np.testing.assert_array_equal(got.asnumpy(), np.isclose(v, w, equal_nan=equal_nan))
    for name in ("isnan", "isinf", "isfinite", "logical_not"):
        for x in (v, np.array([0, 3, -1], np.int32), np.array([True, False])):
            got = getattr(mx.np, name)(mx.np.array(x))
            assert got.dtype == np.bool_
            np.testing.assert_array_equal(got.asnumpy(), getattr(np, name)(x))
    m = np.array([[1, 0, np.nan], [0, 0, 3.]])
    for axis in (None, 0, 1):
        for keepdims in (False, True):
            for name in ("all", "any", "count_nonzero"):
                got = getattr(mx.np, name)(mx.np.array(m), axis=axis, keepdims=keepdims)
                want = getattr(np, name)(m, axis=axis, keepdims=keepdims)
                assert got.shape == np.shape(want)
                np.testing.assert_array_equal(got.asnumpy(), want)
    assert mx.np.all(mx.np.zeros((2, 0)), axis=1).asnumpy().tolist() == [True, True]
