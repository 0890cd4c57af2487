"""Shortcuts of the eager operator path (a reduction over one int axis, `x.mean()` and
`-x`, a HybridBlock's eager forward): each gives what the general path gives, records
the same graph, and keeps its errors."""
import numpy as np
import pytest

import tapegraph as mx
from tapegraph import autograd, gluon
from tapegraph.gluon import nn
from tapegraph.trace.collect import Collected

nd = mx.nd


def _recorded(fn, x):
    x = nd.array(x)
    x.attach_grad()
    with autograd.record():
        y = fn(x)
    return y, Collected([y._value]).key, y._value.node.attrs


@pytest.mark.parametrize("shape", [(5,), (4, 3), (2, 3, 2)])
@pytest.mark.parametrize("axis", [0, -1, 1])
@pytest.mark.parametrize("keepdims,exclude", [(False, False), (True, False), (False, True),
                                              (True, True)])
def test_one_axis_reduction_matches_the_general_path(shape, axis, keepdims, exclude):
    if axis >= len(shape):
        return
    data = np.arange(np.prod(shape), dtype=np.float32).reshape(shape) * 0.5
    for name in ("mean", "sum"):
        fn = getattr(nd, name)
        for _ in range(2):  # the second call takes the remembered attributes
            fast = _recorded(lambda x: fn(x, axis=axis, keepdims=keepdims, exclude=exclude),
                             data)
            # an axis given as a 1-tuple takes the general path: same node, same value
            general = _recorded(lambda x: fn(x, axis=(axis,), keepdims=keepdims,
                                             exclude=exclude), data)
            np.testing.assert_array_equal(fast[0].asnumpy(), general[0].asnumpy())
            assert fast[0].shape == general[0].shape
            assert fast[2]["keepdims"] == general[2]["keepdims"]
            assert fast[2]["exclude"] is exclude and fast[2]["axis"] == axis


def test_one_axis_reduction_keeps_its_errors():
    with pytest.raises(mx.MXNetError, match="out of range"):
        nd.mean(nd.ones((2, 3)), axis=2)
    with pytest.raises(mx.MXNetError, match="out of range"):
        nd.mean(nd.ones((2, 3)), axis=2)  # again: failures are not remembered


def test_vector_mean_method_unrecorded_and_recorded():
    v = np.array([1.0, 2.0, 4.5], dtype=np.float32)
    out = nd.array(v).mean()
    assert out.shape == (1,) and out.asscalar() == np.float32(np.mean(v))
    assert isinstance(out.asscalar(), np.float32)
    # recorded, the method's graph is as before: the mean, then the reshape to (1,)
    y, _, _ = _recorded(lambda x: x.mean(), v)
    assert y._value.node.op == "Reshape" and y._value.node.inputs[0].node.op == "mean"
    y.backward()
    np.testing.assert_allclose(np.asarray(y.asnumpy()), [np.mean(v)], rtol=1e-6)
    m = nd.array(np.ones((2, 3), np.float32)).mean()
    assert m.shape == (1,) and m.asscalar() == 1.0


def test_negation_of_floats_bools_and_ints():
    y, _, _ = _recorded(lambda x: -x, np.array([1.0, -2.0], np.float32))
    assert y._value.node.op == "negative"
    np.testing.assert_array_equal(y.asnumpy(), [-1.0, 2.0])
    b = -nd.array([1, 0]).astype("bool")
    assert b.dtype == np.int64 and list(b.asnumpy()) == [-1, 0]  # MXNet: x * -1
    i = -nd.array([3, 4], dtype="int32")
    assert i.dtype == np.int32 and list(i.asnumpy()) == [-3, -4]


def test_eager_block_forward_hooks_params_and_contexts():
    net = nn.Dense(3, in_units=2)
    net.initialize(ctx=mx.cpu(1))  # a parameter on another context than the input's
    with pytest.raises(RuntimeError, match="not initialized on context cpu\\(0\\)"):
        net(nd.ones((1, 2)))
    dense = nn.Dense(3, in_units=2)
    dense.initialize()
    seen = []
    dense.register_forward_pre_hook(lambda blk, args: seen.append("pre"))
    dense.register_forward_hook(lambda blk, args, out: seen.append(out.shape))
    out = dense(nd.ones((4, 2)))
    assert seen == ["pre", (4, 3)] and out.shape == (4, 3)
    loss = gluon.loss.SoftmaxCrossEntropyLoss()  # a block without parameters
    value = loss(nd.array([[1.0, 2.0, 3.0]]), nd.array([2]))
    np.testing.assert_allclose(value.asnumpy(), [-np.log(np.exp(3) / np.exp([1, 2, 3]).sum())],
                               rtol=1e-6)


class _Scale(gluon.HybridBlock):
    """x * w (+ y): a parameter, and an optional second input."""

    def __init__(self, **kw):
        super().__init__(**kw)
        self.w = self.params.get("w", shape=(2,), init=mx.init.Constant(3.0))

    def hybrid_forward(self, F, x, *args, w):
        out = F.broadcast_mul(x, w)
        return out + args[0] if args else out


class _Twice(gluon.HybridBlock):
    def hybrid_forward(self, F, x, *args):
        return (x * 2, len(args))


def test_eager_forward_passes_parameters_and_inputs_in_every_form():
    blk = _Scale()
    blk.initialize()
    x = nd.array([1.0, 2.0])
    np.testing.assert_array_equal(blk(x).asnumpy(), [3.0, 6.0])
    np.testing.assert_array_equal(blk(x, nd.ones((2,))).asnumpy(), [4.0, 7.0])
    out, n = _Twice()(x)
    assert n == 0 and list(out.asnumpy()) == [2.0, 4.0]
    assert _Twice()(x, x, x)[1] == 2
