"""Sequence operators read their lengths in the graph: a hybridized block follows the
lengths of each call (they were host constants of the first trace before), mx.sym builds
them, and their gradients hold to any order."""
import json

import numpy as np
import pytest

import tapegraph as mx
from tapegraph import autograd
from tapegraph.gluon import HybridBlock, rnn


class Seq(HybridBlock):
    def __init__(self, op, **kw):
        super().__init__()
        self.op, self.kw = op, kw

    def hybrid_forward(self, F, x, lengths):
        return getattr(F, self.op)(x, sequence_length=lengths, use_sequence_length=True,
                                   **self.kw)


CASES = [("SequenceMask", {"value": -1.0}), ("SequenceMask", {"axis": 1}),
         ("SequenceLast", {}), ("SequenceLast", {"axis": 1}), ("SequenceReverse", {})]


@pytest.mark.parametrize("op,kw", CASES)
def test_hybridized_block_follows_each_calls_lengths(op, kw):
    x = mx.nd.array(np.arange(24.0).reshape(4, 3, 2) if kw.get("axis") != 1
                    else np.arange(24.0).reshape(3, 4, 2))
    block = Seq(op, **kw)
    block.hybridize()
    for lengths in ([1, 2, 3], [4, 1, 2], [2, 2, 4]):
        n = mx.nd.array(lengths)
        want = getattr(mx.nd, op)(x, sequence_length=n, use_sequence_length=True, **kw)
        np.testing.assert_array_equal(block(x, n).asnumpy(), want.asnumpy())
    ops = [node.op for node in block.forward_graph.nodes]
    assert ops == [op]


def test_lstm_unroll_with_valid_length_hybridized_matches_eager_per_call():
    mx.random.seed(2)
    cell = rnn.LSTMCell(3, input_size=2)
    cell.initialize()

    class Unroll(HybridBlock):
        def __init__(self):
            super().__init__()
            self.cell = cell

        def hybrid_forward(self, F, x, valid):
            out, _ = self.cell.unroll(4, x, layout="NTC", merge_outputs=True,
                                      valid_length=valid)
            return out

    eager, hybrid = Unroll(), Unroll()
    hybrid.hybridize()
    x = mx.nd.random.normal(shape=(2, 4, 2))
    for valid in ([1, 4], [3, 2]):
        v = mx.nd.array(valid)
        np.testing.assert_allclose(hybrid(x, v).asnumpy(), eager(x, v).asnumpy(), rtol=1e-6)


def test_symbol_api_builds_and_runs_them():
    data, lengths = mx.sym.var("data"), mx.sym.var("lengths")
    out = mx.sym.SequenceLast(mx.sym.SequenceMask(data, lengths, use_sequence_length=True,
                                                  value=5.0), lengths,
                              use_sequence_length=True)
    nodes = json.loads(out.tojson())["nodes"]
    assert [n["op"] for n in nodes if n["op"] != "null"] == ["SequenceMask", "SequenceLast"]
    x = np.arange(12.0).reshape(3, 2, 2)
    (got,) = out.eval(data=mx.nd.array(x), lengths=mx.nd.array([2, 3]))
    np.testing.assert_array_equal(got.asnumpy(), [x[1, 0], x[2, 1]])


def test_second_order_through_sequence_last_and_mask():
    x = mx.nd.array(np.linspace(-1, 1, 24).reshape(4, 3, 2))
    n = mx.nd.array([2, 4, 1])
    x.attach_grad()
    with autograd.record():
        y = mx.nd.SequenceLast(mx.nd.SequenceMask(x, n, True) ** 3, n, True)
        (g,) = autograd.grad(y.sum(), [x], create_graph=True)
        z = g.sum()
    z.backward()
    last = np.array([1, 3, 0])
    want = np.zeros((4, 3, 2))
    want[last, np.arange(3)] = 6 * x.asnumpy()[last, np.arange(3)]
    np.testing.assert_allclose(x.grad.asnumpy(), want, rtol=1e-6)


def test_bad_lengths_name_the_operator():
    x = mx.nd.ones((4, 3))
    with pytest.raises(mx.base.MXNetError, match="SequenceMask.*sequence_length"):
        mx.nd.SequenceMask(x, mx.nd.array([1, 2]), use_sequence_length=True)
    with pytest.raises(mx.base.MXNetError, match="SequenceReverse.*axis"):
        mx.nd.SequenceReverse(x, mx.nd.array([1, 2, 3]), use_sequence_length=True, axis=1)


@pytest.mark.parametrize("op,kw", CASES)
def test_vmap_of_the_gradient_batches_per_example_lengths(op, kw):
    from tapegraph import transforms
    from tapegraph.passes.vmap_rules import batching
    assert batching(op) == "rule" and batching("_sequence_last_scatter") == "rule"
    rng = np.random.RandomState(4)
    shape = (5, 3, 4, 2) if kw.get("axis") == 1 else (5, 4, 3, 2)
    xs = rng.randn(*shape)
    ns = rng.randint(1, 5, (5, 3)).astype(float)

    def f(x, n):
        y = getattr(mx.nd, op)(x, n, use_sequence_length=True, **kw)
        return (y * y * y).sum()

    got = transforms.vmap(transforms.grad(f))(mx.nd.array(xs), mx.nd.array(ns)).asnumpy()
    for i in range(5):
        want = transforms.grad(f)(mx.nd.array(xs[i]), mx.nd.array(ns[i])).asnumpy()
        np.testing.assert_allclose(got[i], want, rtol=1e-6)
