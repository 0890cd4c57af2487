"""Shape-specialised traces: a hybridized block draws new random numbers at every call
(F.random.*, mx.np.random.*, npx.random.*, Dropout), consuming the generator exactly as
its eager forward does, and builds shape-dependent values (zero begin states, *_like)
for each new input signature. (MXNet 1.9.1 draws afresh per call too:
tests/data/mxnet/gluon_features/features.json "hybrid_random".)"""
import json
import os

import numpy as np
import pytest

import tapegraph as mx
from tapegraph import autograd, gluon
from tapegraph.base import MXNetError

DATA = os.path.join(os.path.dirname(__file__), "..", "data", "mxnet", "gluon_features")


class Noisy(gluon.HybridBlock):
    def hybrid_forward(self, F, x):
        return x * (1 + 2 * F.random.uniform(shape=(2, 3))) + F.random.normal(shape=(1, 3))


def _calls(block, n, shape=(2, 3)):
    mx.random.seed(11)
    return [block(mx.nd.ones(shape)).asnumpy() for _ in range(n)]


def test_random_draws_are_fresh_each_call_and_match_the_eager_stream():
    assert json.load(open(os.path.join(DATA, "features.json")))["hybrid_random"] == {
        "fresh_per_call": True}
    eager = _calls(Noisy(), 3)
    blk = Noisy()
    blk.hybridize()
    hybrid = _calls(blk, 3)
    assert not np.array_equal(hybrid[1], hybrid[2])  # frozen into the trace would repeat
    for e, h in zip(eager, hybrid):
        np.testing.assert_allclose(h, e, rtol=1e-6)
    ops = [n.op for n in blk.forward_graph.nodes]  # the draws are nodes of the graph
    assert ops.count("_random_uniform") == 1 and ops.count("_random_normal") == 1
    assert [v.hint for v in blk.forward_graph.inputs] == ["data"]


def test_random_draws_under_record_differentiate_through_the_cached_op():
    blk = Noisy()
    blk.hybridize()
    x = mx.nd.ones((2, 3))
    x.attach_grad()
    grads = []
    for _ in range(2):
        with autograd.record():
            y = blk(x)
        y.backward()
        grads.append(x.grad.asnumpy().copy())
    assert not np.array_equal(grads[0], grads[1])  # d/dx = 1 + 2u with a fresh u
    assert np.all((grads[1] >= 1) & (grads[1] <= 3))


class NumpyNoise(gluon.HybridBlock):
    def hybrid_forward(self, F, x):
        return x + mx.np.random.uniform(size=(3,)) + mx.npx.random.bernoulli(0.5, size=(3,))


def test_np_and_npx_samplers_are_fresh_too():
    mx.npx.set_np()
    try:
        blk = NumpyNoise()
        blk.hybridize()
        outs = [blk(mx.np.zeros((3,))).asnumpy() for _ in range(4)]
    finally:
        mx.npx.reset_np()
    assert len({o.tobytes() for o in outs}) == 4


class Shaped(gluon.HybridBlock):
    def hybrid_forward(self, F, x):
        batch = F.ones_like(x).sum(axis=0, keepdims=True)  # the batch size, per signature
        return F.zeros_like(x) + x / batch + F.random.uniform_like(x) * 0


def test_like_values_follow_each_new_batch_size():
    blk = Shaped()
    blk.hybridize()
    for n in (2, 5, 2):
        x = mx.nd.array(np.arange(3 * n).reshape(n, 3))
        np.testing.assert_allclose(blk(x).asnumpy(), x.asnumpy() / n, rtol=1e-6)
    assert len(blk._cached) == 2


@pytest.mark.parametrize("layer", [gluon.rnn.RNN, gluon.rnn.LSTM, gluon.rnn.GRU])
def test_recurrent_layers_without_begin_state_retrace_per_batch_size(layer):
    mx.random.seed(0)
    net = layer(4, num_layers=2, dropout=0.0)
    net.initialize()
    ref = [net(mx.nd.array(np.random.RandomState(n).standard_normal((3, n, 2))))
           for n in (2, 5)]
    net.hybridize()
    for n, want in zip((2, 5, 2), ref + [ref[0]]):
        out = net(mx.nd.array(np.random.RandomState(n).standard_normal((3, n, 2))))
        assert out.shape == (3, n, 4)
        np.testing.assert_allclose(out.asnumpy(), want.asnumpy(), rtol=1e-5, atol=1e-6)


def test_dropout_draws_new_masks_each_call():
    net = gluon.nn.Dropout(0.5)
    net.hybridize()
    with autograd.train_mode():
        outs = [net(mx.nd.ones((50,))).asnumpy() for _ in range(3)]
    assert len({o.tobytes() for o in outs}) == 3


class InputDependentSampler(gluon.HybridBlock):
    def hybrid_forward(self, F, x):
        return F.random.normal(loc=x, scale=F.ones_like(x))


def test_sampler_with_traced_parameters_is_traced_and_matches_eager():
    mx.random.seed(5)
    eager = [InputDependentSampler()(mx.nd.array([0.0, 10.0])).asnumpy() for _ in range(2)]
    blk = InputDependentSampler()
    blk.hybridize()
    mx.random.seed(5)
    hybrid = [blk(mx.nd.array([0.0, 10.0])).asnumpy() for _ in range(2)]
    np.testing.assert_allclose(hybrid, eager, rtol=1e-6)
    assert "_sample_normal" in [n.op for n in blk.forward_graph.nodes]
    assert mx.random.set_sample_observer(None) is None  # the tracer's observer is gone


class NumpySamplerOfInputs(gluon.HybridBlock):
    def hybrid_forward(self, F, x):
        return mx.np.random.gamma(x, 1.0, size=(2,))


def test_np_sampler_with_traced_parameters_is_a_clear_error_and_nothing_is_lost():
    mx.npx.set_np()
    try:
        blk = NumpySamplerOfInputs()
        assert blk(mx.np.zeros((2,))).shape == (2,)
        blk.hybridize()
        with pytest.raises(MXNetError, match="distribution parameters are computed from"):
            blk(mx.np.zeros((2,)))
        assert blk._cached == {}
        assert mx.random.set_sample_observer(None) is None
    finally:
        mx.npx.reset_np()


def test_export_of_an_np_sampling_block_is_a_clear_error(tmp_path):
    mx.npx.set_np()
    try:
        blk = NumpyNoise()
        blk.hybridize()
        blk(mx.np.zeros((3,)))
        with pytest.raises(MXNetError, match="mx.np.random"):
            blk.export(str(tmp_path / "noisy"))
    finally:
        mx.npx.reset_np()
