"""Any-order gradients through the user-facing namespaces (mx.nd, mx.np, mx.npx), with
broadcasting, indexing and custom Functions, checked by `mx.test_utils.gradcheck` (orders
1 to 3 against float64 finite differences); plus the legacy (1,)-shape rule."""
from __future__ import annotations

import numpy as np
import pytest

import tapegraph as mx
from tapegraph.test_utils import gradcheck

rng = np.random.RandomState(3)
A, B = rng.uniform(-1, 1, (2, 3)), rng.uniform(0.5, 1.5, (3,))
M = rng.uniform(-1, 1, (3, 4))

S3 = rng.uniform(-1, 1, (3, 3))


def _eye(ns=mx.nd):
    return ns.array(np.eye(3), dtype="float64")


def _spd(s, ns=mx.nd):
    """A symmetric positive-definite matrix from any s."""
    return ns.dot(s, s.T) + 2 * _eye(ns)


def _sep(s, ns=mx.nd):
    """A symmetric matrix with eigenvalues well apart."""
    return 0.2 * (s + s.T) + ns.array(np.diag([1.0, 2.5, 4.0]), dtype="float64")


PROGRAMS = {
    "broadcast_arith": (lambda a, b: (a * b - a / b) ** 2 + 2 ** a, [A, B]),
    "maximum_hypot_where": (lambda a, b: mx.nd.hypot(a, b) * mx.nd.maximum(a, b)
                            + mx.nd.where(a > 0, a * a, b * a), [A, B]),
    "reductions": (lambda m: mx.nd.norm(m, axis=1) * mx.nd.max(m, axis=1)
                   + mx.nd.prod(m + 2, axis=1), [M]),
    "softmax_pick": (lambda m: -mx.nd.pick(mx.nd.log_softmax(m), mx.nd.array([1, 3, 0])), [M]),
    "layer_norm_fc": (lambda m, w: mx.nd.tanh(mx.nd.FullyConnected(
        mx.nd.LayerNorm(m, mx.nd.ones(4, dtype="float64"), mx.nd.zeros(4, dtype="float64")),
        w, num_hidden=2, no_bias=True)), [M, rng.uniform(-1, 1, (2, 4))]),
    "basic_indexing": (lambda m: m[1:, ::-2] * m[0, 1] + m[-1, 1:3], [M]),
    "advanced_indexing": (lambda m: m[[0, 2, 2]] ** 2 + m[mx.nd.array([1, 0, 1]), 1:3].sum(),
                          [M]),
    "boolean_mask": (lambda m: (m[m._data > 0] ** 3).sum(), [M]),
    "conv_pool": (lambda x, w: mx.nd.Pooling(mx.nd.Convolution(
        x, w, kernel=(2, 2), num_filter=2, no_bias=True) ** 2, kernel=(2, 2), pool_type="max"),
                  [rng.uniform(-1, 1, (1, 1, 4, 4)), rng.uniform(-1, 1, (2, 1, 2, 2))]),
    "np_matmul_cumsum": (lambda a, m: mx.np.cumsum(mx.np.matmul(a, m) ** 2, axis=1),
                         [A, M]),
    "np_stack_concat_take": (lambda m: mx.np.take(mx.np.concatenate(
        [m, mx.np.stack([m[0], m[1]], axis=0)], axis=0), [1, 4], axis=0) * m[:2], [M]),
    "npx_nn": (lambda m: mx.npx.softmax(mx.npx.leaky_relu(m, act_type="gelu")), [M]),
    "np_tensordot_sort_var": (lambda a, m: mx.np.tensordot(mx.np.sort(a, axis=0), m, axes=1)
                              ** 2 + mx.np.outer(a[0], m[:, 0]).sum()
                              + mx.np.var(m, axis=0).sum(), [A, M]),
    "deconv_upsample_diag": (lambda x, w: mx.nd.diag(mx.nd.UpSampling(mx.nd.Deconvolution(
        x, w, kernel=(2, 2), stride=(2, 2), num_filter=1), scale=2).reshape((8, 8))) ** 2,
                             [rng.uniform(-1, 1, (1, 2, 2, 2)), rng.uniform(-1, 1, (2, 1, 2, 2))]),
    "gather_nd_pad_moments": (lambda m: mx.nd.gather_nd(mx.nd.pad(
        m.reshape((1, 1, 3, 4)), mode="constant", pad_width=(0, 0, 0, 0, 1, 0, 0, 1)).reshape(
            (4, 5)), mx.nd.array([[0, 1, 1], [4, 2, 2]])) * mx.nd.moments(m, axes=(1,))[1],
                              [M]),
    "sequence_ops": (lambda m: mx.nd.SequenceLast(mx.nd.SequenceReverse(mx.nd.SequenceMask(
        m.reshape((3, 2, 2)), mx.nd.array([1, 3]), use_sequence_length=True, value=0.5),
        mx.nd.array([2, 3]), use_sequence_length=True), mx.nd.array([3, 2]),
        use_sequence_length=True) ** 3, [M]),
    "softmin_depth_moveaxis_gemm": (lambda m: mx.nd.linalg_gemm2(mx.nd.moveaxis(
        mx.nd.depth_to_space(mx.nd.softmin(m).reshape((1, 4, 3, 1)), 2), 1, 3).reshape((6, 2)),
        m[:2], alpha=0.5), [M]),
    "nd_linalg_gp": (lambda s, b: mx.nd.linalg.sumlogdiag(mx.nd.linalg.potrf(_spd(s)))
                     + mx.nd.linalg.trsm(mx.nd.linalg.potrf(_spd(s)), b, transpose=True).sum()
                     + mx.nd.linalg.potri(mx.nd.linalg.potrf(_spd(s)))[0].sum()
                     + mx.nd.linalg.gelqf(b)[1].sum() + mx.nd.linalg.syevd(_sep(s))[0][1]
                     .sum() * mx.nd.linalg.syevd(_sep(s))[1].sum(), [S3, M]),
    "np_linalg": (lambda s, m: mx.np.linalg.inv(_spd(s, mx.np)).sum(axis=0)
                  * mx.np.linalg.det(_spd(s, mx.np)) + mx.np.linalg.slogdet(s + 3 * _eye(
                      mx.np))[1] + mx.np.linalg.cholesky(_spd(s, mx.np))[2]
                  + mx.np.linalg.eigh(_sep(s, mx.np))[1][1] * mx.np.linalg.eigvalsh(
                      _sep(s, mx.np)) + mx.np.linalg.qr(m.T)[0][1]
                  + mx.np.linalg.solve(_spd(s, mx.np), m[:, 0])
                  + mx.np.linalg.matrix_power(0.3 * _spd(s, mx.np), -3)[0], [S3, M]),
    "np_svd": (lambda m, s: mx.np.matmul(mx.np.linalg.svd(m)[0], mx.np.linalg.svd(m)[2]).sum(0)
               * mx.np.linalg.svd(m)[1].sum() + mx.np.linalg.pinv(m)[:, 0]
               + mx.np.linalg.norm(m, 2) * mx.np.linalg.norm(m.T, "nuc")
               + mx.np.linalg.norm(m, -2) + mx.np.linalg.lstsq(m, s[0] + 1, rcond=None)[0]
               .sum() + mx.np.linalg.svd(m.T)[2][0, 1], [M, S3]),
    "topk_sort": (lambda m: mx.nd.topk(m, k=2, ret_typ="value") * mx.nd.sort(m, axis=1)[:, 1:3],
                  [M]),
}


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_third_order_gradients(name):
    f, inputs = PROGRAMS[name]
    np_style = name.startswith(("np", "npx"))
    arrays = [mx.np.array(a, dtype="float64") if np_style else mx.nd.array(a, dtype="float64")
              for a in inputs]
    assert gradcheck(f, arrays, order=3)


class Cube(mx.autograd.Function):
    """x**3 with a backward written with tapegraph operators."""

    def forward(self, x):
        self.save_for_backward(x)
        return x * x * x

    def backward(self, dy):
        x, = self.saved_tensors
        return dy * 3 * x * x


def test_custom_function_any_order():
    assert gradcheck(lambda x: Cube()(mx.nd.sin(x)), [A], order=3)


def test_gradcheck_catches_a_wrong_derivative():
    class Wrong(Cube):
        def backward(self, dy):
            x, = self.saved_tensors
            return dy * 2.9 * x * x
    with pytest.raises(AssertionError, match="order-1"):
        gradcheck(lambda x: Wrong()(x), [A], order=1)


def test_identically_zero_derivative_is_zeros():
    x = mx.nd.array(A, dtype="float64")
    x.attach_grad()
    with mx.autograd.record():
        y = mx.nd.floor(x) + 3 * x
        g = mx.autograd.grad(y, [x], create_graph=True)[0]
    np.testing.assert_array_equal(g.asnumpy(), np.full(A.shape, 3.0))


def test_nondifferentiable_operator_names_the_ir_line():
    x = mx.nd.array(A)
    x.attach_grad()
    with mx.autograd.record():
        g = mx.autograd.grad(mx.nd.sign(x) * x, [x], create_graph=True)[0]
    with pytest.raises(mx.MXNetError, match=r"Operator _backward_sign is non-differentiable "
                       r"because it didn't register FGradient attribute.*_backward_sign\(%"):
        g.backward()


@pytest.mark.parametrize("expr, shape", [
    ("mx.nd.sum(x)", (1,)), ("x.sum()", (1,)), ("x.mean()", (1,)), ("mx.nd.max(x)", (1,)),
    ("mx.nd.norm(x)", (1,)), ("x[1, 2]", (1,)), ("mx.nd.argmax(x)", (1,)),
    ("mx.nd.sum(x, axis=1)", (2,)),
])
def test_legacy_arrays_have_no_zero_dim(expr, shape):
    x = mx.nd.array(A)  # noqa: F841  (read by `eval(expr)`)
    assert eval(expr).shape == shape


@pytest.mark.parametrize("expr", ["mx.np.sum(x)", "x.sum()", "x[1, 2]", "mx.np.max(x)",
                                  "mx.np.linalg.norm(x)"])
def test_np_arrays_keep_zero_dim(expr):
    x = mx.np.array(A)  # noqa: F841  (read by `eval(expr)`)
    assert eval(expr).shape == ()


def test_float64_stays_float64():
    x = mx.nd.array(A, dtype="float64")
    x.attach_grad()
    with mx.autograd.record():
        y = mx.nd.softmax(mx.nd.exp(x) * 2 + x)
    y.backward()
    assert y.dtype == np.float64 and x.grad.dtype == np.float64


def test_advanced_index_gradient_adds_repeats():
    x = mx.nd.array(M)
    x.attach_grad()
    with mx.autograd.record():
        y = x[[0, 2, 2]]
    y.backward()
    np.testing.assert_array_equal(x.grad.asnumpy(), np.array([[1.0] * 4, [0] * 4, [2] * 4]))


@pytest.mark.parametrize("expr, message", [
    ("mx.nd.take(x, mx.nd.array([0]), mode='bogus')", "mode must be one of clip, wrap, raise"),
    ("mx.nd.pick(x, mx.nd.array([0, 1, 2]))", "index of shape"),
    ("mx.nd.Convolution(x, x, kernel=(3, 3), num_filter=1)", "expected 3 inputs"),
    ("mx.nd.topk(x, k=7)", "k=7 must be in"),
    ("mx.nd.where(mx.nd.ones((4,)), x, x)", "does not broadcast"),
    ("mx.nd.LeakyReLU(x, act_type='rrelu')", "not supported"),
    ("mx.nd.Deconvolution(x.reshape((1, 1, 2, 3)), mx.nd.ones((1, 1, 2, 2)), kernel=(2, 2), "
     "num_filter=1, adj=(1, 1))", "adj"),
])
def test_bad_operator_input_names_the_problem(expr, message):
    x = mx.nd.ones((2, 3))  # noqa: F841  (read by `eval(expr)`)
    with pytest.raises(mx.MXNetError, match=message):
        eval(expr)


def test_np_ndarray_numpy_methods():
    x = mx.np.array(np.arange(6.0).reshape(2, 3))
    assert x.flatten().shape == (6,) and x.ravel().shape == (6,)
    np.testing.assert_allclose(x.var(), np.arange(6.0).var(), rtol=1e-6)
    np.testing.assert_allclose(x.std(axis=0).asnumpy(), [1.5, 1.5, 1.5], rtol=1e-6)
    assert x.dot(x.T).shape == (2, 2)
    assert gradcheck(lambda v: v.var(axis=0) * v.std() + v.dot(v.T).sum(),
                     [mx.np.array(A)], order=2)


@pytest.mark.parametrize("expr", ["x * 2", "mx.nd.reshape(x, shape=(2, 1))", "mx.nd.floor(x)",
                                  "mx.nd.sum(x)", "x[1:]"])
def test_identically_zero_second_derivative_is_zeros(expr):
    x = mx.nd.array([1.0, 2.0])
    x.attach_grad()
    with mx.autograd.record():
        y = eval(expr)
        g = mx.autograd.grad(y, [x], create_graph=True)[0]
        s = g.sum()
    second = mx.autograd.grad(s, [x])[0]
    np.testing.assert_array_equal(second.asnumpy(), [0.0, 0.0])
