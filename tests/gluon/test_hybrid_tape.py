"""A hybridized block's recorded call (one _CachedOp node whose residual outputs no array
exposes) leaves the tape readable as the graph of the loss: backward reads it off instead
of walking, with the same key, values and gradients as the walk."""
import numpy as np

import tapegraph as mx
from tapegraph import autograd, gluon
from tapegraph.gluon import nn
from tapegraph.trace.collect import Collected, TapeCollected, collect


def _net():
    net = nn.HybridSequential()
    net.add(nn.Dense(5, activation="relu"), nn.Dense(3))
    net.initialize(mx.init.Xavier())
    return net


def test_hybridized_call_then_loss_reads_off_the_tape():
    x = mx.nd.array(np.random.RandomState(0).randn(4, 6))
    label = mx.nd.array([0, 2, 1, 2])
    loss_fn = gluon.loss.SoftmaxCrossEntropyLoss()
    grads = {}
    for hybrid in (False, True):
        net = _net()
        net(x)
        for p, seed in zip(net.collect_params().values(), range(10)):
            p.set_data(mx.nd.array(np.random.RandomState(seed).randn(*p.shape)))
        if hybrid:
            net.hybridize()
            net(x)  # traced; the next calls run the plan
        with autograd.record():
            loss = loss_fn(net(x), label)
        col = collect([loss._value])
        assert isinstance(col, TapeCollected), hybrid
        walk = Collected([loss._value])
        assert col.key == walk.key and col.nodes == walk.nodes
        assert col.values == walk.values
        loss.backward()
        grads[hybrid] = [p.grad().asnumpy() for p in net.collect_params().values()]
    for eager, hybridized in zip(grads[False], grads[True]):
        np.testing.assert_allclose(hybridized, eager, rtol=1e-5, atol=1e-6)


def test_an_unused_visible_output_still_falls_back_to_the_walk():
    class Two(gluon.HybridBlock):
        def hybrid_forward(self, F, x):
            return F.relu(x) * 2, F.sin(x)

    block = Two()
    block.hybridize()
    x = mx.nd.array([0.5, -1.0, 2.0])
    x.attach_grad()
    block(x)
    with autograd.record():
        a, _ = block(x)  # the second output is never consumed: an open end
        y = (a * a).sum()
    assert not isinstance(collect([y._value]), TapeCollected)
    y.backward()
    np.testing.assert_allclose(x.grad.asnumpy(), 8 * np.maximum(x.asnumpy(), 0))


def test_twin_hybridized_blocks_do_not_compare_their_regions_again(monkeypatch):
    """Two blocks of the same structure record structurally equal regions, which meet in
    the plan cache's keys: a lookup compares them, and that must not rebuild either's
    structure at every backward (it did, at ~0.3 ms per LeNet step)."""
    import tapegraph.ir.graph as graph_module
    x = mx.nd.array(np.random.RandomState(0).randn(4, 6))
    nets = [_net(), _net()]
    for net in nets:
        net.hybridize()

    def step(net):
        with autograd.record():
            y = net(x).sum()
        y.backward()
        return [p.grad().asnumpy().copy() for p in net.collect_params().values()]

    for net in nets:
        step(net)
        step(net)
    built = []
    real = graph_module.structural_key
    monkeypatch.setattr(graph_module, "structural_key", lambda g: built.append(g) or real(g))
    for _ in range(3):
        for net in nets:
            step(net)
    assert built == []
    a, b = nets
    with autograd.record():
        ya, yb = a(x), b(x)
    ra, rb = ya._value.node.region, yb._value.node.region
    assert ra is not rb and ra == rb and hash(ra) == hash(rb)
    assert ra.name != rb.name  # each block's own graph (names, provenance) is kept
