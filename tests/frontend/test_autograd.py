"""MXNet autograd semantics: every gradient here comes from a derived backward graph."""
import numpy as np
import pytest

import tapegraph as mx
from tapegraph import autograd
from tapegraph.base import MXNetError


def arr(values, dtype="float32"):
    return mx.nd.array(values, dtype=dtype)


def test_seed_example_square_plus_one():
    x = arr([1, 2, 3, 4])
    x.attach_grad()
    with autograd.record():
        y = x * x + 1
    y.backward()
    assert x.grad.asnumpy().tolist() == [2, 4, 6, 8]
    assert repr(x.grad) == "\n[2. 4. 6. 8.]\n<NDArray 4 @cpu(0)>"


def test_grad_req_add_accumulates_and_write_overwrites():
    x = arr([1, 2, 3])
    x.attach_grad(grad_req="add")
    for _ in range(3):
        with autograd.record():
            y = x * x
        y.backward()
    assert x.grad.asnumpy().tolist() == [6, 12, 18]
    x.attach_grad()
    for _ in range(3):
        with autograd.record():
            y = x * x
        y.backward()
    assert x.grad.asnumpy().tolist() == [2, 4, 6]


def test_head_gradients_multiply():
    x = arr([1, 2, 3])
    x.attach_grad()
    with autograd.record():
        y = x * x
    y.backward(arr([1, 10, 100]))
    assert x.grad.asnumpy().tolist() == [2, 40, 600]


def test_none_entries_in_head_grads_mean_ones():
    x = arr([1, 2])
    x.attach_grad()
    with autograd.record():
        a = x * 2
        b = x * x
    autograd.backward([a, b], [None, arr([3, 3])])
    assert x.grad.asnumpy().tolist() == [2 + 6, 2 + 12]


def test_detach_cuts_the_graph():
    x = arr([1, 2, 3])
    x.attach_grad()
    with autograd.record():
        y = x * x
        u = y.detach()
        z = u * x
    z.backward()
    np.testing.assert_allclose(x.grad.asnumpy(), [1, 4, 9])


def test_attach_grad_on_internal_value_detaches_it():
    x = arr([0, 1, 2, 3])
    x.attach_grad()
    y = mx.nd.ones(4) * 2
    y.attach_grad()
    with autograd.record():
        u = x * y
        u.attach_grad()
        z = u + x
    z.backward()
    assert x.grad.asnumpy().tolist() == [1, 1, 1, 1]
    assert u.grad.asnumpy().tolist() == [1, 1, 1, 1]
    assert y.grad.asnumpy().tolist() == [0, 0, 0, 0]


def test_create_graph_seed_example_and_third_order():
    x = mx.nd.ones((1,))
    x.attach_grad()
    with autograd.record():
        z = mx.nd.elemwise_add(mx.nd.exp(x), x)
    dx = autograd.grad(z, [x], create_graph=True)
    np.testing.assert_allclose(dx[0].asnumpy(), [np.e + 1], rtol=1e-6)
    dx[0].backward()
    np.testing.assert_allclose(x.grad.asnumpy(), [np.e], rtol=1e-6)

    x = arr([0.5, 2.0], "float64")
    x.attach_grad()
    with autograd.record():
        y = mx.nd.log(x)
        g1 = autograd.grad(y, [x], create_graph=True)[0]
        g2 = autograd.grad(g1, [x], create_graph=True)[0]
    g2.backward()
    xs = np.array([0.5, 2.0])
    np.testing.assert_allclose(g1.asnumpy(), 1 / xs)
    np.testing.assert_allclose(g2.asnumpy(), -1 / xs ** 2)
    np.testing.assert_allclose(x.grad.asnumpy(), 2 / xs ** 3)


def test_mark_variables_uses_the_given_buffers():
    x = arr([1, 2, 3])
    gx = mx.nd.zeros(3)
    autograd.mark_variables([x], [gx])
    with autograd.record():
        y = (x * x).sum()
    y.backward()
    assert gx.asnumpy().tolist() == [2, 4, 6]
    assert x.grad is gx


def test_fresh_grad_flag():
    x = arr([1, 2])
    x.attach_grad()
    assert x._fresh_grad is False
    with autograd.record():
        y = x * 3
    y.backward()
    assert x._fresh_grad is True
    x._fresh_grad = False
    assert x._fresh_grad is False


def test_function_with_two_inputs_and_outputs():
    class Split(autograd.Function):
        def forward(self, a, b):
            return a * b, a + b

        def backward(self, d_prod, d_sum):
            return d_prod * 2, d_sum * 3

    a, b = arr([1, 2]), arr([3, 4])
    a.attach_grad()
    b.attach_grad()
    with autograd.record():
        p, s = Split()(a, b)
        out = p + s
    out.backward()
    assert a.grad.asnumpy().tolist() == [2, 2]
    assert b.grad.asnumpy().tolist() == [3, 3]


def test_function_is_differentiable_again_when_its_backward_uses_operators():
    class Cube(autograd.Function):
        def forward(self, x):
            self.save_for_backward(x)
            return x * x * x

        def backward(self, dy):
            x, = self.saved_tensors
            return dy * 3 * x * x

    x = arr([1.0, 2.0], "float64")
    x.attach_grad()
    with autograd.record():
        y = Cube()(x)
        g = autograd.grad(y, [x], create_graph=True)[0]
    g.backward()
    np.testing.assert_allclose(g.asnumpy(), [3, 12])
    np.testing.assert_allclose(x.grad.asnumpy(), [6, 12])


def test_dropout_train_and_predict_modes():
    mx.random.seed(1)
    x = mx.nd.ones((2000,))
    with autograd.train_mode():
        y = mx.nd.Dropout(x, p=0.25)
    values = np.unique(y.asnumpy())
    np.testing.assert_allclose(values, [0.0, 1 / 0.75], rtol=1e-6)
    assert 0.15 < (y.asnumpy() == 0).mean() < 0.35
    with autograd.predict_mode():
        assert (mx.nd.Dropout(x, p=0.25).asnumpy() == 1).all()


def test_dropout_gradient_uses_the_same_mask():
    x = mx.nd.ones((500,))
    x.attach_grad()
    with autograd.record():
        y = mx.nd.Dropout(x * 1, p=0.5)
    y.backward()
    np.testing.assert_array_equal(x.grad.asnumpy(), y.asnumpy())


def test_batchnorm_train_uses_batch_stats_and_updates_moving_stats_in_backward():
    # MXNet 1.9.1 (CPU) updates the moving statistics when the backward runs through
    # BatchNorm: not in the recorded forward, not in a train-mode forward unrecorded.
    data = arr(np.arange(12).reshape(4, 3))
    data.attach_grad()
    gamma, beta = mx.nd.ones(3), mx.nd.zeros(3)
    mm, mv = mx.nd.zeros(3), mx.nd.ones(3)
    with autograd.train_mode():
        mx.nd.BatchNorm(data, gamma, beta, mm, mv, eps=1e-5)
    with autograd.record():
        out = mx.nd.BatchNorm(data, gamma, beta, mm, mv, eps=1e-5)
    d = np.arange(12, dtype=np.float32).reshape(4, 3)
    expect = (d - d.mean(0)) / np.sqrt(d.var(0) + 1e-5)
    np.testing.assert_allclose(out.asnumpy(), expect, rtol=1e-5)
    assert mm.asnumpy().tolist() == [0, 0, 0] and mv.asnumpy().tolist() == [1, 1, 1]
    out.backward(retain_graph=True)
    np.testing.assert_allclose(mm.asnumpy(), 0.1 * d.mean(0), rtol=1e-6)
    np.testing.assert_allclose(mv.asnumpy(), 0.9 + 0.1 * d.var(0), rtol=1e-6)
    out.backward()  # each backward through the operator updates again, as in MXNet
    np.testing.assert_allclose(mm.asnumpy(), 0.19 * d.mean(0), rtol=1e-6)
    out_predict = mx.nd.BatchNorm(data, gamma, beta, mm, mv, eps=1e-5)
    expect_p = (d - mm.asnumpy()) / np.sqrt(mv.asnumpy() + 1e-5)
    np.testing.assert_allclose(out_predict.asnumpy(), expect_p, rtol=1e-5)


def test_backward_twice_without_retain_graph_raises_and_keeps_grads():
    x = arr([1, 2, 3])
    x.attach_grad()
    with autograd.record():
        y = x * x
    y.backward(retain_graph=True)
    y.backward()
    with pytest.raises(MXNetError, match="retain_graph=True"):
        y.backward()
    assert x.grad.asnumpy().tolist() == [2, 4, 6]


def test_non_differentiable_operator_error_names_the_node():
    x = arr([1.5, -0.5])
    x.attach_grad()
    with autograd.record():
        y = mx.nd.sign(x)
        g = autograd.grad(y, [x], create_graph=True, retain_graph=True)[0]
    before = x.grad.asnumpy().copy()
    with pytest.raises(MXNetError) as info:
        g.backward()
    msg = str(info.value)
    assert "Operator _backward_sign is non-differentiable because it didn't register " \
           "FGradient attribute" in msg
    assert "_backward_sign(%" in msg
    assert (x.grad.asnumpy() == before).all()


def test_grad_wrt_unmarked_array_and_invalid_grad_req():
    x, w = arr([1, 2]), arr([1, 1])
    x.attach_grad()
    with autograd.record():
        y = x * w
    with pytest.raises(MXNetError, match="does not require gradient"):
        autograd.grad(y, [w])
    with pytest.raises(KeyError):
        x.attach_grad(grad_req="sometimes")
    assert x.grad_req == "write"


def test_scopes_restore_state_when_the_body_raises():
    for scope in (autograd.record(), autograd.pause(), autograd.train_mode(),
                  autograd.predict_mode()):
        before = (autograd.is_recording(), autograd.is_training())
        with pytest.raises(ZeroDivisionError):
            with scope:
                1 / 0
        assert (autograd.is_recording(), autograd.is_training()) == before


def test_gradients_of_core_operators_match_finite_differences():
    rng = np.random.RandomState(0)
    weight = mx.nd.array(rng.randn(4, 3), dtype="float64")
    bias = mx.nd.array(rng.randn(4), dtype="float64")
    cases = {
        "exp": lambda x: mx.nd.exp(x),
        "log": lambda x: mx.nd.log(x + 3),
        "sin_cos": lambda x: mx.nd.sin(x) * mx.nd.cos(x),
        "tanh_sigmoid": lambda x: mx.nd.tanh(x) + mx.nd.sigmoid(x),
        "sqrt_square": lambda x: mx.nd.sqrt(x + 3) + mx.nd.square(x),
        "div_pow": lambda x: (x / (x * x + 1)) ** 3 + 2 ** x - 1 / (x + 4),
        "relu_abs": lambda x: mx.nd.relu(x) + mx.nd.abs(x),
        "reduce": lambda x: mx.nd.sum(x * x, axis=1) * mx.nd.mean(x, axis=1, keepdims=False),
        "dot": lambda x: mx.nd.dot(x, x, transpose_b=True),
        "reshape_transpose": lambda x: mx.nd.transpose(x.reshape((3, 2))) * x.reshape((2, 3)),
        "slice_split": lambda x: x[1:, ::2] * mx.nd.split(x, num_outputs=3, axis=1)[0][1:],
        "fully_connected": lambda x: mx.nd.FullyConnected(x, weight, bias, num_hidden=4),
        "activation": lambda x: sum(mx.nd.Activation(x, act_type=t) for t in
                                    ("relu", "sigmoid", "tanh", "softrelu", "softsign")),
        "broadcast": lambda x: x * mx.nd.array([[1.0], [2.0]], dtype="float64") + x[0],
    }
    x0 = rng.uniform(0.2, 1.5, size=(2, 3))
    for name, f in cases.items():
        x = arr(x0, "float64")
        x.attach_grad()
        with autograd.record():
            y = f(x)
        head = rng.randn(*y.shape)
        y.backward(arr(head, "float64"))
        numeric = np.zeros_like(x0)
        eps = 1e-6
        for i in np.ndindex(*x0.shape):
            plus, minus = x0.copy(), x0.copy()
            plus[i] += eps
            minus[i] -= eps
            fp = (f(arr(plus, "float64")).asnumpy() * head).sum()
            fm = (f(arr(minus, "float64")).asnumpy() * head).sum()
            numeric[i] = (fp - fm) / (2 * eps)
        np.testing.assert_allclose(x.grad.asnumpy(), numeric, rtol=1e-5, atol=1e-7,
                                   err_msg=name)


def test_np_namespace_defaults_and_reprs():
    mx.npx.set_np()
    x = mx.np.array([[1, 2], [3, 4]])
    assert x.dtype == np.float32
    assert repr(x) == "array([[1., 2.],\n       [3., 4.]])"
    assert repr(mx.np.array([1, 2], dtype="int32")) == "array([1, 2], dtype=int32)"
    x.attach_grad()
    with autograd.record():
        y = mx.np.sum(2 * x * x)
    y.backward()
    assert repr(x.grad) == "array([[ 4.,  8.],\n       [12., 16.]])"
