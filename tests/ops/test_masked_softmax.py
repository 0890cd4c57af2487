"""Softmax with a length mask (`use_length=True`) in mx.npx and mx.nd, against values,
gradients and refusals captured from MXNet 1.9.1 (tests/ops/test_masked_softmax.py
records them; no oracle is needed to run them)."""
import numpy as np
import pytest

import tapegraph as mx
from tapegraph.base import MXNetError

X = [[1., 2., 3., 4.], [0.5, -1., 2., 0.]]
W = [[1., 2., 3., 4.], [5., 6., 7., 8.]]

# MXNet 1.9.1: y = mx.npx.softmax(x, length=[2, 3] (int32), use_length=True,
# temperature=T); (y * W).sum().backward()
CAPTURED = {
    None: ([[0.26894143, 0.7310586, 0., 0.], [0.17529039, 0.03911257, 0.785597, 0.]],
           [[-0.1966119408607483, 0.1966119259595871, 0.0, 0.0],
            [-0.28227129578590393, -0.023870665580034256, 0.30614185333251953, 0.0]]),
    2.0: ([[0.37754068, 0.62245935, 0., 0.], [0.2786007, 0.13160165, 0.5897977, 0.]],
          [[-0.1175018772482872, 0.11750183254480362, 0.0, 0.0],
           [-0.18265023827552795, -0.020477037876844406, 0.20312711596488953, 0.0]]),
}


@pytest.mark.parametrize("temperature", [None, 2.0])
def test_npx_softmax_length_values_and_gradient(temperature):
    x = mx.np.array(X)
    x.attach_grad()
    with mx.autograd.record():
        y = mx.npx.softmax(x, length=mx.np.array([2, 3], dtype="int32"), use_length=True,
                           temperature=temperature)
        (y * mx.np.array(W)).sum().backward()
    want_y, want_grad = CAPTURED[temperature]
    assert isinstance(y, mx.np.ndarray) and y.dtype == np.float32
    np.testing.assert_allclose(y.asnumpy(), want_y, rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(x.grad.asnumpy(), want_grad, rtol=1e-5, atol=1e-7)


def test_npx_softmax_length_is_second_positional():
    # MXNet 1.9.1's signature: npx.softmax(data, length=None, axis=-1, ...)
    y = mx.npx.softmax(mx.np.array(X), mx.np.array([2, 3], dtype="int64"), use_length=True)
    np.testing.assert_allclose(y.asnumpy(), CAPTURED[None][0], rtol=1e-6, atol=1e-7)


def test_npx_softmax_length_inner_axis_float64_gradient():
    # MXNet 1.9.1, float64 data (2, 3, 4), axis=1, int64 lengths, temperature 0.5,
    # (y * arange(24)).sum().backward()
    x = mx.np.arange(24).reshape(2, 3, 4).astype("float64") / 10
    x.attach_grad()
    with mx.autograd.record():
        y = mx.npx.softmax(x, axis=1, length=mx.np.array([[1, 2, 3, 0], [3, 2, 1, 1]],
                                                         dtype="int64"),
                           use_length=True, temperature=0.5)
        (y * mx.np.arange(24).reshape(2, 3, 4)).sum().backward()
    assert y.dtype == np.float64
    np.testing.assert_allclose(y.asnumpy(), [
        [[1.0, 0.31002551887238755, 0.12227071358930017, 0.0],
         [0.0, 0.6899744811276125, 0.2721184774489677, 0.0],
         [0.0, 0.0, 0.6056108089617322, 0.0]],
        [[0.12227071358930015, 0.3100255188723876, 1.0, 1.0],
         [0.2721184774489677, 0.6899744811276125, 0.0, 0.0],
         [0.6056108089617321, 0.0, 0.0, 0.0]]], rtol=1e-12)
    np.testing.assert_allclose(x.grad.asnumpy(), [
        [[0.0, -1.7112775721623559, -1.4509524156544629, 0.0],
         [0.0, 1.7112775721623545, -1.052206166742281, 0.0],
         [0.0, 0.0, 2.503158582396742, 0.0]],
        [[-1.4509524156544622, -1.7112775721623563, 0.0, 0.0],
         [-1.05220616674228, 1.7112775721623539, 0.0, 0.0],
         [2.5031585823967433, 0.0, 0.0, 0.0]]], rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("ns", ["nd", "npx"])
def test_zero_and_negative_lengths_give_zero_rows(ns):
    # MXNet 1.9.1: a row of length 0 (or -1) is all 0, and so is its gradient (not NaN)
    lengths = [0, 4]
    if ns == "nd":
        x, n = mx.nd.array(X), mx.nd.array(lengths, dtype="int32")
        fn, w = mx.nd.softmax, mx.nd.array(W)
    else:
        x, n = mx.np.array(X), mx.np.array(lengths, dtype="int32")
        fn, w = mx.npx.softmax, mx.np.array(W)
    x.attach_grad()
    with mx.autograd.record():
        y = fn(x, length=n, use_length=True)
        (y * w).sum().backward()
    np.testing.assert_allclose(y.asnumpy(), [
        [0., 0., 0., 0.], [0.15844470262527466, 0.03535379096865654, 0.7100998759269714,
                           0.09610156714916229]], rtol=1e-6)
    np.testing.assert_allclose(x.grad.asnumpy(), [
        [0., 0., 0., 0.], [-0.27630510926246643, -0.02629821188747883, 0.18188616633415222,
                           0.12071718275547028]], rtol=1e-5, atol=1e-7)
    neg = fn(x, length=n * 0 - 1, use_length=True)
    assert neg.asnumpy().tolist() == [[0.] * 4] * 2


def test_refusals_as_mxnet():
    x, n = mx.np.array(X), mx.np.array([2, 3], dtype="int32")
    # MXNet 1.9.1: "Operator softmax expects 1 inputs, but got 2 instead"
    with pytest.raises(MXNetError, match="use_length"):
        mx.npx.softmax(x, length=n)
    with pytest.raises(MXNetError, match="use_length"):
        mx.nd.softmax(x.as_nd_ndarray(), length=n.as_nd_ndarray())
    # "... expects 2 inputs, but got 1 instead"
    with pytest.raises(MXNetError, match="length"):
        mx.npx.softmax(x, use_length=True)
    # "This operation only support integer types, not float32"
    with pytest.raises(MXNetError, match="integer"):
        mx.npx.softmax(x, length=mx.np.array([2., 3.]), use_length=True)
    # "Shape inconsistent, Provided = [3], inferred shape=[2]"
    with pytest.raises(MXNetError, match="shape"):
        mx.npx.softmax(x, length=mx.np.array([2, 3, 1], dtype="int32"), use_length=True)


def test_npx_log_softmax_takes_no_length():
    # MXNet 1.9.1's log_softmax has no length input: length= is "Cannot find argument
    # 'length'", use_length=True fails "in_attrs->size() == ... (1 vs. 2)"; not ignored
    x, n = mx.np.array(X), mx.np.array([2, 3], dtype="int32")
    with pytest.raises(MXNetError, match="length"):
        mx.npx.log_softmax(x, length=n)
    with pytest.raises(MXNetError, match="length"):
        mx.npx.log_softmax(x, length=n, use_length=True)
    with pytest.raises(MXNetError, match="length"):
        mx.npx.log_softmax(x, use_length=True)
    # the second positional argument is the axis
    np.testing.assert_allclose(mx.npx.log_softmax(x, 0).asnumpy(), [
        [-0.474077, -0.04858733, -0.31326166, -0.01814996],
        [-0.974077, -3.0485873, -1.3132616, -4.01815]], rtol=1e-6)


def test_npx_softmax_length_hybridized_follows_each_call():
    class Net(mx.gluon.HybridBlock):
        def hybrid_forward(self, F, x, n):
            return mx.npx.softmax(x.as_np_ndarray(), n.as_np_ndarray(), use_length=True)

    net = Net()
    net.hybridize()
    x = mx.nd.array(X)
    for lengths in ([2, 3], [1, 4], [4, 2]):
        n = mx.nd.array(lengths, dtype="int32")
        got = net(x, n)
        want = mx.npx.softmax(x.as_np_ndarray(), n.as_np_ndarray(), use_length=True)
        np.testing.assert_allclose(got.asnumpy(), want.asnumpy(), rtol=1e-6)
    assert not net._last.value_dependent
