"""Functions that read traced values on the host (tapegraph.trace.host_reads: a
`contrib.cond` predicate, `histogram`, boolean-mask indexing, `np.unique`, ...) under the
transformations.

`vmap` traces once, on the first example, and runs that graph on every example, and
`make_graph` returns a graph meant to stand for the function: both refuse such a function
with an MXNetError naming the transformation (like JAX's ConcretizationTypeError) instead
of freezing the values read into the graph. The differentiation transformations (grad,
vjp, jvp, linearize, jacfwd/jacrev, hessian, hvp) and checkpoint trace at every call on
that call's own arguments, so what they read is that call's values: they give eager
autograd's results, also when calls take different branches.

As for hybridize, `detach()` and `array(x)` of a traced array record a stop-gradient
during these traces, so vmap applies them to each example."""
from __future__ import annotations

import numpy as np
import pytest

import tapegraph as mx
from tapegraph import transforms as T
from tapegraph.ir import MXNetError
from tapegraph.trace import host_reads

nd = mx.nd


def cond_fn(x):
    return nd.contrib.cond(x.sum() > 0, lambda: x * x, lambda: x * 3)


def mask_fn(x):
    return (x[x > 0] ** 3).sum()


REFUSED = {
    "cond": (cond_fn, lambda: nd.array([[1., 2.], [-1., -2.]]), "contrib.cond"),
    "histogram": (lambda x: nd.histogram(x, bins=3)[0],  # no range: NumPy's, as MXNet
                  lambda: nd.array([[1., 1., 2.], [0., 2., 2.]]), "histogram"),
    "boolean mask": (mask_fn, lambda: mx.np.array([[1., -2., 3.], [-1., 2., 3.]]),
                     "__getitem__"),
    "np.unique": (lambda x: mx.np.unique(x).sum(),
                  lambda: mx.np.array([[1., 1., 3.], [2., 5., 3.]]), "fallback"),
}


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_vmap_refuses_host_reads(name):
    fn, batch, reader = REFUSED[name]
    with pytest.raises(MXNetError, match="transforms.vmap: .*reads traced values on the "
                                         "host .*%s" % reader):
        T.vmap(fn)(batch())
    assert not host_reads.tracing()  # the trace's state is undone after the error


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_make_graph_refuses_host_reads(name):
    fn, batch, _ = REFUSED[name]
    with pytest.raises(MXNetError, match="transforms.make_graph: .*reads traced values"):
        T.make_graph(fn, batch()[0])


def test_vmap_of_a_differentiation_transform_refuses_host_reads():
    with pytest.raises(MXNetError, match="transforms.vmap: grad_mask_fn"):
        T.vmap(T.grad(mask_fn))(mx.np.array([[1., -2., 3.], [-1., 2., 3.]]))


def eager_grad(fn, x):
    x = x.copy()
    x.attach_grad()
    with mx.autograd.record():
        y = fn(x)
    y.backward()
    return y, x.grad


@pytest.mark.parametrize("values", [[1., 2.], [-1., -2.]])
def test_differentiation_transforms_read_each_calls_values(values):
    x = nd.array(values)
    y, g = eager_grad(lambda a: cond_fn(a).sum(), x)
    np.testing.assert_allclose(T.grad(lambda a: cond_fn(a).sum())(x).asnumpy(),
                               g.asnumpy())
    out, f_vjp = T.vjp(cond_fn, x)
    np.testing.assert_allclose(out.asnumpy(), cond_fn(x).asnumpy())
    np.testing.assert_allclose(f_vjp(nd.ones((2,)))[0].asnumpy(), g.asnumpy())
    out, tangent = T.jvp(cond_fn, [x], [nd.ones((2,))])
    np.testing.assert_allclose(tangent.asnumpy(), g.asnumpy())
    np.testing.assert_allclose(T.jacrev(cond_fn)(x).asnumpy(), np.diag(g.asnumpy()))
    np.testing.assert_allclose(T.jacfwd(cond_fn)(x).asnumpy(), np.diag(g.asnumpy()))


@pytest.mark.parametrize("values", [[1., -2., 3.], [-1., 2., -3.]])
def test_boolean_mask_under_grad_and_hvp(values):
    x = mx.np.array(values)
    v = np.array(values)
    np.testing.assert_allclose(T.grad(mask_fn)(x).asnumpy(), 3 * v ** 2 * (v > 0))
    hv = T.hvp(mask_fn, [x], [mx.np.ones((3,))])
    np.testing.assert_allclose(hv.asnumpy(), 6 * v * (v > 0))


def test_checkpoint_reads_each_calls_values():
    fn = T.checkpoint(cond_fn)
    for values, want in (([1., -2., 3.], [2., -4., 6.]), ([-1., -2., 1.], [3., 3., 3.])):
        _, g = eager_grad(fn, nd.array(values))
        assert g.asnumpy().tolist() == want


def test_vmap_applies_detach_and_array_to_each_example():
    batch = nd.array([[1., 2.], [3., 4.]])
    want = [[1., 4.], [9., 16.]]
    assert T.vmap(lambda x: x.detach() * x)(batch).asnumpy().tolist() == want
    assert T.vmap(lambda x: nd.array(x) * x)(batch).asnumpy().tolist() == want
    got = T.vmap(lambda x: mx.np.array(x, dtype="float64") * x)(batch.as_np_ndarray())
    assert got.dtype == np.float64 and got.asnumpy().tolist() == want


def test_detach_is_a_recorded_stop_gradient_in_traces():
    g = T.make_graph(lambda x: x.detach() * x, nd.array([1., 2.]))
    assert [n.op for n in g.nodes] == ["BlockGrad", "elemwise_mul"]
    assert len(g.inputs) == 1  # not a constant copy of the trace's values
    x = nd.array([1., 2.])
    # the gradient does not flow through the detached factor, as with autograd
    assert T.grad(lambda a: (a.detach() * a).sum())(x).asnumpy().tolist() == [1., 2.]
    _, tangent = T.jvp(lambda a: a.detach() * a, [x], [nd.ones((2,))])
    assert tangent.asnumpy().tolist() == [1., 2.]
    h = T.hessian(lambda a: (a.detach() * a * a).sum())(x)
    assert h.asnumpy().reshape(2, 2).tolist() == [[2., 0.], [0., 4.]]
    _, f_vjp = T.vjp(lambda a: nd.array(a, dtype="float64") * a, x.astype("float64"))
    assert f_vjp(nd.ones((2,), dtype="float64"))[0].asnumpy().tolist() == [1., 2.]
