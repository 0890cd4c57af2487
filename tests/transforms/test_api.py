"""tapegraph.transforms: make_graph, jvp, linearize, vjp, grad, vmap, jacfwd, jacrev,
hessian, hvp on NDArray functions, checked against finite differences and NumPy, and
composed with each other and with autograd."""
from __future__ import annotations

import numpy as np
import pytest

import tapegraph as mx
from tapegraph import transforms as T
from tapegraph.ir import MXNetError, verify

nd = mx.nd
RNG = np.random.RandomState(0)
X = RNG.uniform(-1, 1, 3)
W = RNG.uniform(-1, 1, (2, 3))


def f(x, w):
    return nd.tanh(nd.dot(w, x)).sum()


def f_np(x, w):
    return np.tanh(w @ x).sum()


def arr(a):
    return nd.array(a, dtype="float64")


def fd_grad(fn, x, eps=1e-6):
    g = np.zeros_like(x)
    for i in range(x.size):
        d = np.zeros_like(x)
        d.flat[i] = eps
        g.flat[i] = (fn(x + d) - fn(x - d)) / (2 * eps)
    return g


def test_make_graph_names_parameters_and_verifies():
    g = T.make_graph(f, arr(X), arr(W))
    verify(g)
    assert [v.hint for v in g.inputs] == ["x", "w"]
    assert [n.op for n in g.nodes] == ["dot", "tanh", "sum", "Reshape"]


def test_make_graph_keeps_constants_as_inputs():
    c = arr([1.0, 2.0, 3.0])
    g = T.make_graph(lambda x: (x * c).sum(), arr(X))
    assert len(g.inputs) == 2 and g.inputs[1].hint == "c0"


def test_jvp_linearize_vjp_grad_agree():
    x, w, t = arr(X), arr(W), arr(RNG.uniform(-1, 1, 3))
    out, tan = T.jvp(f, (x, w), (t, nd.zeros((2, 3), dtype="float64")))
    g = fd_grad(lambda v: f_np(v, W), X)
    np.testing.assert_allclose(out.asnumpy(), [f_np(X, W)], rtol=1e-12)
    np.testing.assert_allclose(tan.asnumpy(), [g @ t.asnumpy()], rtol=1e-6)
    y, f_jvp = T.linearize(f, x, w)
    np.testing.assert_allclose(f_jvp(t, nd.zeros((2, 3), dtype="float64")).asnumpy(),
                               tan.asnumpy(), rtol=1e-12)
    y, f_vjp = T.vjp(f, x, w)
    gx, gw = f_vjp(nd.ones((1,), dtype="float64"))
    np.testing.assert_allclose(gx.asnumpy(), g, rtol=1e-6)
    np.testing.assert_allclose(gw.asnumpy(), fd_grad(lambda v: f_np(X, v), W), rtol=1e-6)
    np.testing.assert_allclose(T.grad(f)(x, w).asnumpy(), g, rtol=1e-6)
    assert "transpose" in f_vjp.graph.name and "lin" in f_jvp.graph.name


def test_jacobians_and_hessian():
    x, w = arr(X), arr(W)
    jf = T.jacfwd(lambda x: nd.tanh(nd.dot(w, x)))(x)
    jr = T.jacrev(lambda x: nd.tanh(nd.dot(w, x)))(x)
    want = (1 - np.tanh(W @ X) ** 2)[:, None] * W
    np.testing.assert_allclose(jf.asnumpy(), want, rtol=1e-12)
    np.testing.assert_allclose(jr.asnumpy(), want, rtol=1e-12)
    h = T.hessian(lambda x: f(x, w))(x).asnumpy().reshape(3, 3)
    z = np.tanh(W @ X)
    np.testing.assert_allclose(h, W.T @ np.diag(-2 * z * (1 - z * z)) @ W, rtol=1e-12)
    np.testing.assert_allclose(h, h.T, rtol=1e-12)
    v = arr(RNG.uniform(-1, 1, 3))
    np.testing.assert_allclose(T.hvp(lambda x: f(x, w), (x,), (v,)).asnumpy(),
                               h @ v.asnumpy(), rtol=1e-10)


def test_vmap_and_per_example_gradients():
    xs = RNG.uniform(-1, 1, (4, 3))
    batched = T.vmap(f, in_axes=(0, None))
    out = batched(arr(xs), arr(W)).asnumpy()
    np.testing.assert_allclose(out[:, 0], [f_np(x, W) for x in xs], rtol=1e-12)
    assert batched.graph.inputs[0].type.shape == (4, 3)
    per_example = T.vmap(T.grad(f, argnums=1), in_axes=(0, None))(arr(xs), arr(W))
    for i, x in enumerate(xs):
        np.testing.assert_allclose(per_example.asnumpy()[i],
                                   fd_grad(lambda v: f_np(x, v), W), rtol=1e-6)
    g = T.make_graph(T.vmap(f, in_axes=(0, None)), arr(xs), arr(W))
    assert g.inputs[0].type.shape == (4, 3)
    assert not any((n.meta or {}).get("vmap_rule") for n in batched.graph.nodes)


def test_composes_with_autograd_grad_create_graph():
    def g(x):
        with mx.autograd.record():
            y = (x * x * x).sum()
        return mx.autograd.grad(y, [x], create_graph=True)[0]  # 3 x^2
    x, t = arr(X), arr([1.0, 0.0, 2.0])
    out, tan = T.jvp(g, (x,), (t,))
    np.testing.assert_allclose(out.asnumpy(), 3 * X ** 2, rtol=1e-12)
    np.testing.assert_allclose(tan.asnumpy(), 6 * X * t.asnumpy(), rtol=1e-12)


def test_autograd_differentiates_a_transformed_function():
    x, t = arr(X), arr([1.0, 2.0, 3.0])
    x.attach_grad()
    with mx.autograd.record():
        _, tan = T.jvp(lambda v: (nd.sin(v)).sum(), (x,), (t,))  # sum(cos(x) t)
    tan.backward()
    np.testing.assert_allclose(x.grad.asnumpy(), -np.sin(X) * t.asnumpy(), rtol=1e-12)


def test_bad_tangents_are_named():
    with pytest.raises(MXNetError, match=r"tangent 0 has shape \(2,\), expected \(3,\)"):
        T.jvp(f, (arr(X), arr(W)), (arr([1.0, 2.0]), arr(W)))
    with pytest.raises(MXNetError, match="must return NDArrays"):
        T.jvp(lambda x: 3.0, (arr(X),), (arr(X),))


def test_vmap_of_hessian_and_jacfwd_of_vmap():
    g = lambda x: mx.np.tanh(x * x).sum()
    xs = RNG.uniform(-1, 1, (4, 3))
    hs = T.vmap(T.hessian(g))(mx.np.array(xs)).asnumpy()
    for i in range(4):
        want = T.hessian(g)(mx.np.array(xs[i])).asnumpy()
        np.testing.assert_allclose(hs[i], want, rtol=1e-12)
        x = xs[i]  # d2/dx2 tanh(x^2) = 2 sech^2 (1 - 4 x^2 tanh)
        t = np.tanh(x * x)
        np.testing.assert_allclose(np.diag(want), 2 * (1 - t * t) * (1 - 4 * x * x * t),
                                   rtol=1e-10)
    j = T.jacfwd(T.vmap(mx.np.sin))(mx.np.array(xs)).asnumpy()
    assert j.shape == (4, 3, 4, 3)
    np.testing.assert_allclose(j.reshape(12, 12), np.diag(np.cos(xs).reshape(-1)), atol=1e-15)
