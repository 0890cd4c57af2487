"""vmap composed with forward and reverse mode through layers whose batching rules fold
the batch into channels or indices: per-example convolution filters, BatchNorm in
training, gathers with per-example indices. jacfwd of a vmapped function is the
block-diagonal of the per-example Jacobians; a Hessian through vmap matches finite
differences of the gradient."""
from __future__ import annotations

import numpy as np

import tapegraph as mx
from tapegraph import transforms as T

nd = mx.nd
RNG = np.random.RandomState(3)


def arr(a):
    return nd.array(a, dtype="float64")


def conv(x, w):
    """One example: a (1, 2, 5) signal through its own (3, 2, 2) filters, then tanh."""
    y = nd.Convolution(x, w, kernel=(2,), num_filter=3, no_bias=True)
    return nd.tanh(y).sum(axis=(0, 2))


def test_jacfwd_of_vmap_is_the_per_example_jacobians():
    xs, ws = RNG.uniform(-1, 1, (4, 1, 2, 5)), RNG.uniform(-1, 1, (4, 3, 2, 2))
    jac = T.jacfwd(T.vmap(conv), argnums=1)(arr(xs), arr(ws)).asnumpy()  # (4, 3, 4, 3, 2, 2)
    per = T.vmap(T.jacfwd(conv, argnums=1))(arr(xs), arr(ws)).asnumpy()  # (4, 3, 3, 2, 2)
    for i in range(4):
        for j in range(4):
            want = per[i] if i == j else np.zeros_like(per[i])
            np.testing.assert_allclose(jac[i, :, j], want, atol=1e-12)


def bn_loss(xs, gamma):
    """Per-example BatchNorm in training over each example's own batch of 3 rows."""
    def one(x):
        with mx.autograd.train_mode():  # batch statistics
            y = nd.BatchNorm(x, gamma, nd.zeros_like(gamma), nd.zeros_like(gamma),
                             nd.ones_like(gamma), fix_gamma=False)
        return (nd.sin(y) * y).sum()
    return T.vmap(one, in_axes=0)(xs).sum()


def test_hessian_through_vmap_of_batch_norm_matches_finite_differences():
    xs, gamma = RNG.uniform(-1, 1, (2, 3, 2)), RNG.uniform(0.5, 2, 2)
    hess = T.hessian(bn_loss, argnums=1)(arr(xs), arr(gamma)).asnumpy()
    grad = T.grad(bn_loss, argnums=1)
    eps = 1e-5
    fd = np.zeros((2, 2))
    for k in range(2):
        d = np.zeros(2)
        d[k] = eps
        fd[:, k] = (grad(arr(xs), arr(gamma + d)).asnumpy()
                    - grad(arr(xs), arr(gamma - d)).asnumpy()) / (2 * eps)
    np.testing.assert_allclose(hess.reshape(2, 2), fd, rtol=1e-6, atol=1e-8)
    # each example normalises its own rows: batch statistics do not mix the examples
    one = [T.grad(lambda x, g: bn_loss(x[None], g), argnums=1)(arr(x), arr(gamma)).asnumpy()
           for x in xs]
    np.testing.assert_allclose(grad(arr(xs), arr(gamma)).asnumpy(), sum(one), rtol=1e-12)


def test_per_example_gradients_through_a_gather_with_per_example_indices():
    table = RNG.uniform(-1, 1, (5, 3))
    idx = np.array([[0.0, 4.0], [2.0, 2.0], [1.0, 3.0]])

    def f(w, i):
        return nd.tanh(nd.take(w, i)).sum()

    per = T.vmap(T.grad(f), in_axes=(None, 0))(arr(table), arr(idx)).asnumpy()
    for k, row in enumerate(idx):
        want = np.zeros_like(table)
        for r in row.astype(int):
            want[r] += 1 - np.tanh(table[r]) ** 2
        np.testing.assert_allclose(per[k], want, rtol=1e-12)
