"""Forward mode over the whole operator sample table (tests/ops/op_samples.py): for every
entry, `jvp` matches central finite differences at order 1, 2 and 3 (jvp of jvp of jvp,
each order checked against finite differences of the graph of the order below), and
agrees with reverse mode: <J t, w> = <t, J^T w> with J^T w from the `grad` pass."""
from __future__ import annotations

import zlib

import numpy as np
import pytest

from tapegraph.ir import REGISTRY, is_float
from tapegraph.passes import get_pass
from tapegraph.runtime import Plan

from op_harness import diff_positions, draw_inputs, one_node_graph, scalarize
from op_samples import EXEMPT, SAMPLES

IDS = ["%s#%d" % (s.id, i) for i, s in enumerate(SAMPLES)]
EPS = 1e-5
jvp = get_pass("jvp")
grad = get_pass("grad")


def _rng(sample, salt):
    return np.random.RandomState(zlib.crc32((salt + sample.id).encode()))


def _fd(plan, feed, wrt, dirs):
    def at(h):
        shifted = list(feed)
        for i, d in zip(wrt, dirs):
            shifted[i] = feed[i] + h * d
        return [np.asarray(r, dtype=np.float64) for r in plan.run(shifted)]
    return [(p - m) / (2 * EPS) for p, m in zip(at(EPS), at(-EPS))]


def _close(got, want, tol=1e-5):
    got = np.asarray(got, dtype=np.float64)
    scale = max(1.0, float(np.max(np.abs(want), initial=0.0)))
    assert got.shape == want.shape
    err = float(np.max(np.abs(got - want), initial=0.0))
    assert err <= tol * scale, "jvp %r vs finite differences %r" % (got, want)


def test_every_differentiable_operator_is_in_the_table():
    covered = {s.op for s in SAMPLES}
    missing = [op.name for op in REGISTRY
               if op.differentiable and op.name not in covered and op.name not in EXEMPT]
    assert not missing


@pytest.mark.parametrize("sample", SAMPLES, ids=IDS)
def test_jvp_matches_finite_differences_to_order_3(sample):
    wrt = diff_positions(sample)
    if not wrt:
        pytest.skip("no float inputs")
    feed = draw_inputs(sample)
    graph = one_node_graph(sample, feed)
    rng = _rng(sample, "t")
    orders = 1 if sample.stop_gradient else sample.max_order
    for order in range(1, orders + 1):
        j = jvp(graph, wrt=wrt)
        n_in, n_out = len(graph.inputs), len(graph.outputs)
        assert len(j.inputs) == n_in + len(wrt) and len(j.outputs) == 2 * n_out
        dirs = [rng.uniform(-1, 1, feed[i].shape) for i in wrt]
        out = Plan(j).run(feed + dirs)
        base = Plan(graph)
        for got, want in zip(out[:n_out], base.run(feed)):
            np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)
        if sample.stop_gradient:
            assert all(not np.any(t) for t in out[n_out:])
            return
        for got, want in zip(out[n_out:], _fd(base, feed, wrt, dirs)):
            _close(got, want)
        # the next order differentiates this graph along all its float inputs
        wrt = wrt + list(range(n_in, n_in + len(dirs)))
        feed = feed + dirs
        graph = j


@pytest.mark.parametrize("sample", SAMPLES, ids=IDS)
def test_jvp_agrees_with_reverse_mode(sample):
    wrt = diff_positions(sample)
    if not wrt or sample.grad_ref is not None:
        pytest.skip("no float inputs" if not wrt else
                    "output layer: its VJP is the loss gradient MXNet defines")
    feed = draw_inputs(sample)
    graph = one_node_graph(sample, feed)
    rng = _rng(sample, "r")
    dirs = [rng.uniform(-1, 1, feed[i].shape) for i in wrt]
    out = Plan(jvp(graph, wrt=wrt)).run(feed + dirs)
    s, weights = scalarize(graph, rng)
    ct = Plan(grad(s, wrt=wrt)).run(feed + weights)
    forward = sum(float((np.asarray(t, np.float64) * w).sum())
                  for t, w, o in zip(out[len(graph.outputs):], weights, graph.outputs)
                  if is_float(o.type.dtype))
    reverse = sum(float((np.asarray(g) * d).sum()) for g, d in zip(ct, dirs))
    assert abs(forward - reverse) <= 1e-9 * max(1.0, abs(forward))


COMMON = ["negative", "exp", "log", "sin", "tanh", "sigmoid", "relu", "sqrt", "elemwise_add",
          "elemwise_mul", "elemwise_div", "_power", "_mul_scalar", "_plus_scalar",
          "_rdiv_scalar", "dot", "_np_dot", "batch_dot", "FullyConnected", "sum", "mean",
          "Reshape", "transpose", "broadcast_to", "slice", "slice_axis", "Concat", "stack",
          "SliceChannel", "expand_dims", "squeeze", "Flatten", "softmax", "log_softmax",
          "Activation", "LeakyReLU", "Cast", "take", "Embedding", "where"]


def test_common_operators_have_their_own_rules():
    missing = [name for name in COMMON if REGISTRY.get(name).jvp_rule is None]
    assert not missing


def test_derived_rules_are_stamped():
    from tapegraph.ir import Builder, Graph, TensorType, Value
    x = Value(TensorType.get((3, 4), "float64"), "x")
    b = Builder()
    y = b.op("prod", x, axis=1)  # no JVP rule of its own: derived from its VJP
    j = jvp(Graph("f", [x], b.nodes, [y]))
    stamped = [n for n in j.nodes if (n.meta or {}).get("jvp_rule") == "derived"]
    assert stamped and all(n.meta["jvp_of"] is b.nodes[0] for n in stamped)
