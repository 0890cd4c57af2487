"""MXNet 1.9.1's tests/python/unittest/test_contrib_autograd.py, re-typed from the MXNet
sources (the sdist is not on PyPI) with only the import changed: `import tapegraph as mx`.
They use MXNet's star-import of mx.test_utils and mx.contrib.autograd."""
import functools

import tapegraph as mx
from tapegraph.contrib.autograd import *  # noqa: F401,F403
from tapegraph.contrib.autograd import test_section as _test_section
from tapegraph.ndarray import zeros_like
from tapegraph.test_utils import *  # noqa: F401,F403


def autograd_assert(*args, **kwargs):
    func = kwargs["func"]
    grad_f = kwargs["grad_func"]
    argnum = kwargs["argnum"] if "argnum" in kwargs else None

    grad_func = grad_and_loss(func, argnum)
    grad_vals, output = grad_func(*args)
    res = func(*args)
    assert same(output.asnumpy(), res.asnumpy())
    grad_res = grad_f(*args)
    assert len(grad_vals) == len(grad_res)
    for a, b in zip(grad_vals, grad_res):
        assert same(a.asnumpy(), b.asnumpy())


def test_unary_func():
    x = mx.nd.uniform(shape=(4, 5))
    f_exp = lambda x: mx.nd.exp(x)
    f_exp_grad = lambda x: [mx.nd.exp(x)]
    autograd_assert(x, func=f_exp, grad_func=f_exp_grad)
    f_half = lambda x: x / 2
    f_half_grad = lambda x: [mx.nd.ones(x.shape) * 0.5]
    autograd_assert(x, func=f_half, grad_func=f_half_grad)
    f_square = lambda x: x ** 2
    f_square_grad = lambda x: [2 * x]
    autograd_assert(x, func=f_square, grad_func=f_square_grad)


def test_binary_func():
    x = mx.nd.uniform(shape=(4, 5))
    y = mx.nd.uniform(shape=(4, 5))
    f_add = lambda x, y: x + y
    f_add_grad = lambda x, y: [mx.nd.ones(x.shape), mx.nd.ones(y.shape)]
    autograd_assert(x, y, func=f_add, grad_func=f_add_grad)
    f_mul = lambda x, y: x * y
    f_mul_grad = lambda x, y: [y, x]
    autograd_assert(x, y, func=f_mul, grad_func=f_mul_grad)
    f_compose = lambda x, y: x + x * y
    f_compose_grad = lambda x, y: [mx.nd.ones(x.shape) + y, x]
    autograd_assert(x, y, func=f_compose, grad_func=f_compose_grad)


def test_operator_with_state():
    def f_fc(a, b, weight, bias):
        x = a * b
        fc = mx.nd.FullyConnected(x, weight, bias, num_hidden=32)
        return fc

    a = mx.nd.uniform(shape=(64, 50))
    b = mx.nd.uniform(shape=(64, 50))
    weight = mx.nd.uniform(shape=(32, 50))
    bias = mx.nd.uniform(shape=(32, ))

    grad_func = grad_and_loss(f_fc)
    grad_vals, outputs = grad_func(a, b, weight, bias)
    # (TODO) assert


def test_argnum():
    def f_with_mode(a, b, mode):
        if mode:
            return a + b
        else:
            return a * b

    a = mx.nd.uniform(shape=(3, 2))
    b = mx.nd.uniform(shape=(3, 2))
    f_add_grad = lambda x, y, mode: [mx.nd.ones(x.shape), mx.nd.ones(y.shape)]
    f_mul_grad = lambda x, y, mode: [y, x]
    autograd_assert(a, b, True,
                    argnum=[0, 1], func=f_with_mode, grad_func=f_add_grad)
    autograd_assert(a, b, False,
                    argnum=[0, 1], func=f_with_mode, grad_func=f_mul_grad)


def test_training():
    x = mx.nd.ones((10, 10))
    with train_section():
        y = mx.nd.Dropout(x, p=0.5)
        assert not (y.asnumpy() == x.asnumpy()).all()
        with _test_section():
            y = mx.nd.Dropout(x, p=0.5)
            assert (y.asnumpy() == x.asnumpy()).all()


def test_out_grads():
    x = mx.nd.ones((3, 5))
    dx = mx.nd.zeros_like(x)
    mark_variables([x], [dx])
    da = None
    db = mx.nd.array([1, 2, 3, 4, 5])
    dc = mx.nd.array([5, 4, 3, 2, 1])

    with train_section():
        a, b, c = mx.nd.split(x, axis=0, num_outputs=3, squeeze_axis=True)
        backward([a, b, c], [da, db, dc])

    assert (dx.asnumpy() == np.array(
        [[1, 1, 1, 1, 1],
         [1, 2, 3, 4, 5],
         [5, 4, 3, 2, 1]])).all()


def test_detach_updated_grad():
    x = mx.nd.ones((2, 2))
    dx = mx.nd.zeros_like(x)
    y = mx.nd.ones_like(x)
    dy = mx.nd.zeros_like(x)
    mark_variables([x, y], [dx, dy])
    assert x._fresh_grad == False
    assert y._fresh_grad == False

    with train_section():
        x2 = x + 2
        y2 = x2 + y
        y2.backward()
    assert (dx.asnumpy() == 1).all()
    assert x._fresh_grad == True
    assert y._fresh_grad == True

    dx[:] = 0
    x._fresh_grad = False
    y._fresh_grad = False
    assert x._fresh_grad == False
    assert y._fresh_grad == False
    with train_section():
        x2 = x + 2
        x2 = x2.detach()
        y2 = x2 + y
        y2.backward()
    assert (dx.asnumpy() == 0).all()
    assert y._fresh_grad == True
    assert x._fresh_grad == False


def test_retain_grad():
    x = mx.nd.ones((2, 2))
    dx = mx.nd.zeros((2, 2))
    mark_variables([x], [dx], grad_reqs="add")
    with train_section():
        y = x + 1
        y.backward(retain_graph=False)
    assert (dx.asnumpy() == 1).all()

    dx[:] = 0
    with train_section():
        y = x + 1
        y.backward(retain_graph=True)
        y.backward(retain_graph=False)
    assert (dx.asnumpy() == 2).all()

    try:
        with train_section():
            y = x + 1
            y.backward()
            y.backward()
    except Exception:
        return

    raise AssertionError(
        "differentiating the same graph twice without retain_graph should fail")


def test_attach_grad():
    x = mx.nd.zeros((10,))
    assert x.grad is None
    x.attach_grad()
    with train_section():
        y = x * 2
        assert y.grad is None
        y.backward()
    assert (x.grad.asnumpy() == 2).all()


del test_section  # imported by the star import; a context manager, not a test
