"""`vmap` over the operator sample table: for each entry, the batched graph run on a batch
of 3 examples equals the graph run on each example, with every float input batched (at
axis 0, and at the last axis), with only one of them batched, and with every input
batched (index, label and mask inputs too, different in each example). Gradients and
tangents of the batched graph are each example's. No operator takes the per-example slow
path, which stays the documented fallback for operators without a rule."""
from __future__ import annotations

import itertools

import numpy as np
import pytest

from tapegraph.ir import REGISTRY, Builder, Graph, TensorType, Value
from tapegraph.passes import get_pass
from tapegraph.passes import vmap_rules
from tapegraph.passes.vmap_rules import batching
from tapegraph.runtime import Plan

from op_harness import diff_positions, draw_inputs, one_node_graph
from op_samples import SAMPLES, Const, S, nz, pos, x

IDS = ["%s#%d" % (s.id, i) for i, s in enumerate(SAMPLES)]
vmap, grad, jvp = get_pass("vmap"), get_pass("grad"), get_pass("jvp")
B = 3

# Branches of the batching rules the operator table does not reach.
EXTRA = [
    S("topk", [x(3, 4)], None, k=2, ret_typ="mask", axis=0),
    S("argmax", [x(3, 4)], None, keepdims=True),
    S("norm", [x(2, 3, 2)], None, axis=(0, 1, 2), keepdims=True),
    S("norm", [nz()], None, ord=1),
    S("_np_dot", [x(), x(3, 2)], None),
    S("_np_dot", [x(4), x(4)], None),
    S("broadcast_to", [x(2, 1)], None, shape=(4, 2, 3)),
    S("LayerNorm", [x(3, 2), pos(3), x(3)], None, axis=0),
    S("LeakyReLU", [nz(2, 3, 2), x(1)], None, act_type="prelu"),
    S("LeakyReLU", [nz(4), x(1)], None, act_type="prelu"),
    S("BatchNorm", [x(4, 2, 3), pos(3), x(3), pos(3), pos(3)], None, axis=-1, training=True,
      fix_gamma=False),
    S("take", [x(4, 3), Const(np.array([[2.0, -1.0], [1.0, -4.0]]))], None, mode="raise"),
    S("take", [x(4, 3), Const(np.array([5.0, -1.5, 1.0]))], None, axis=1, mode="wrap"),
    S("_take_scatter", [x(2, 4), Const(np.array([5.0, -1.0, 1.0, -4.0]))], None, shape=(2, 3),
      axis=1, mode="wrap"),
]
ALL = SAMPLES + EXTRA
ALL_IDS = IDS + ["extra:%s#%d" % (s.id, i) for i, s in enumerate(EXTRA)]


def _example_inputs(sample, k, vary_constants):
    """Example k's inputs: float ones drawn anew; constants (indices, labels, masks)
    rolled by k so each example has its own, still valid, values."""
    arrays = draw_inputs(sample, salt="vmap%d" % k)
    if vary_constants:
        for i in set(range(len(arrays))) - set(diff_positions(sample)):
            arrays[i] = np.roll(arrays[i].reshape(-1), k).reshape(arrays[i].shape)
    return arrays


def _check(sample, batched_positions, axis=0, vary_constants=False):
    draws = [_example_inputs(sample, k, vary_constants) for k in range(B)]
    base = draws[0]
    graph = one_node_graph(sample, base)
    examples = [[d[i] if i in batched_positions else base[i] for i in range(len(base))]
                for d in draws]
    in_axes = [axis if i in batched_positions else None for i in range(len(base))]
    batch = [np.stack([e[i] for e in examples], axis=axis) if i in batched_positions
             else base[i] for i in range(len(base))]
    g = vmap(graph, size=B, in_axes=in_axes, out_axes=axis)
    got = Plan(g).run(batch)
    plan = Plan(graph)
    want = [plan.run(e) for e in examples]
    for k, r in enumerate(got):
        np.testing.assert_allclose(r, np.stack([w[k] for w in want], axis=axis),
                                   rtol=1e-10, atol=1e-12)
    return g


def _slow(g):
    """The operators batched per example, inside regions too."""
    found = set()
    for n in g.nodes:
        if (n.meta or {}).get("vmap_rule") == "per-example":
            found.add(n.meta["vmap_of"].op)
        if n.region is not None:
            found |= _slow(n.region)
    return found


# The configurations batched per example: SoftmaxOutput's loss gradient divides by the
# number of valid labels of the example, which differs between examples only when labels
# are per example and ignorable; no single node has that gradient. MultiBoxTarget and
# MultiBoxDetection share one anchor set across their batch (MXNet refuses per-sample
# anchors): examples with anchors of their own need a call each.
_ANCHOR_INPUT = {"_contrib_MultiBoxTarget": 0, "_contrib_MultiBoxDetection": 2}


def _per_example_by_design(sample, positions):
    a = sample.attrs
    return (sample.op == "SoftmaxOutput" and a.get("normalization") == "valid"
            and a.get("use_ignore") and 1 in positions) or (
        sample.op == "MakeLoss" and a.get("normalization") == "valid") or (
        _ANCHOR_INPUT.get(sample.op, -1) in positions)


@pytest.mark.parametrize("sample", ALL, ids=ALL_IDS)
def test_vmap_matches_per_example_runs_without_the_slow_path(sample):
    wrt = diff_positions(sample)
    everything = set(range(len(sample.inputs)))
    configs = [(set(wrt), 0, False), (set(wrt), -1, False), (everything, 0, True)]
    configs += [({i}, 0, True) for i in everything] if len(everything) > 1 else []
    for positions, axis, vary in configs:
        if not positions:
            continue
        slow = _slow(_check(sample, positions, axis, vary))
        want = {sample.op} if _per_example_by_design(sample, positions) else set()
        assert slow == want, "per-example slow path for %s (batched inputs %s)" % (
            sorted(slow), sorted(positions))


def _scalar(graph, weights):
    """sum_k sum(w_k * out_k) over the float outputs, the weights as extra inputs (an
    integer output's, ROIPooling's positions, unused)."""
    b = Builder()
    ws, total = [], None
    for out in graph.outputs:
        w = Value(out.type, "w%d" % len(ws))
        ws.append(w)
        if not out.type.dtype.startswith("float"):
            continue
        term = b.op("sum", b.op("elemwise_mul", out, w))
        total = term if total is None else b.op("elemwise_add", total, term)
    return Graph("s", list(graph.inputs) + ws, list(graph.nodes) + b.nodes, [total])


@pytest.mark.parametrize("sample", ALL, ids=ALL_IDS)
def test_gradients_and_tangents_of_the_batched_graph_are_per_example(sample):
    wrt = diff_positions(sample)
    if not wrt or sample.op in ("argsort", "argmax", "topk") or sample.stop_gradient:
        pytest.skip("nothing to differentiate")
    draws = [_example_inputs(sample, k, True) for k in range(B)]
    graph = one_node_graph(sample, draws[0])
    batch = [np.stack([d[i] for d in draws]) for i in range(len(draws[0]))]
    g = vmap(graph, size=B, in_axes=0)
    rng = np.random.RandomState(len(sample.id))
    weights = [rng.uniform(-1, 1, (B,) + o.type.shape).astype(o.type.dtype)
               for o in graph.outputs]
    tangents = [rng.uniform(-1, 1, batch[i].shape) for i in wrt]
    for batched, single, extra in (
            (grad(_scalar(g, weights), wrt=wrt, head_grads="ones"),
             grad(_scalar(graph, weights), wrt=wrt, head_grads="ones"), weights),
            (jvp(g, wrt=wrt), jvp(graph, wrt=wrt), tangents)):
        got = Plan(batched).run(batch + extra)
        plan = Plan(single)
        want = [plan.run(d + [e[k] for e in extra]) for k, d in enumerate(draws)]
        for m, r in enumerate(got):
            np.testing.assert_allclose(r, np.stack([w[m] for w in want]), rtol=1e-9,
                                       atol=1e-11)


def test_every_operator_has_a_batching_rule():
    """Every built-in operator is batched by a rule, or reads no input (a constant,
    never batched); only user code (autograd.Function) runs per example."""
    kinds = {op.name: batching(op.name) for op in REGISTRY}
    # a sampler of array parameters draws per example; one of attributes only is drawn
    # once for the whole batch (as JAX with an unbatched key)
    random = {op.name for op in REGISTRY if op.random}
    per_example = sorted(k for k, v in kinds.items() if v == "per-example" and k not in random)
    assert set(per_example) <= {"_CustomFunction", "_CustomFunctionBackward"}, per_example
    assert sorted(k for k, v in kinds.items() if v == "constant" and k not in random) == [
        "_arange", "_eye", "_full", "_linspace"]
    tested = {s.op for s in ALL}
    assert not [k for k, v in kinds.items() if v == "rule" and k not in tested
                and REGISTRY.get(k).differentiable]


def test_a_constant_stays_unbatched_until_it_meets_a_batched_value():
    b = Builder()
    xv = Value(TensorType.get((2,), "float64"), "x")
    c = b.op("_full", shape=(2,), value=3.0, dtype="float64")
    g = b.graph("f", [xv], [b.op("elemwise_mul", xv, c), c])
    out = vmap(g, size=4, in_axes=0, out_axes=[0, None])
    full = [n for n in out.nodes if n.op == "_full"]
    assert [n.outputs[0].type.shape for n in full] == [(2,)]
    y, const = Plan(out).run([np.arange(8.0).reshape(4, 2)])
    np.testing.assert_allclose(y, 3 * np.arange(8.0).reshape(4, 2))
    np.testing.assert_allclose(const, [3.0, 3.0])


def test_the_slow_path_is_the_fallback_and_is_stamped(monkeypatch):
    sample = next(s for s in SAMPLES if s.op == "pick")
    monkeypatch.delitem(vmap_rules.RULES, "pick")  # as an operator without a rule
    assert batching("pick") == "per-example"
    g = _check(sample, set(diff_positions(sample)), 0)
    assert _slow(g) == {"pick"}
    assert sum(1 for n in g.nodes if n.op == "pick") == B


def test_per_example_convolution_filters_are_one_grouped_convolution():
    sample = next(s for s in SAMPLES if s.op == "Convolution")
    g = _check(sample, {0, 1, 2}, 0)
    convs = [n for n in g.nodes if n.op == "Convolution"]
    assert len(convs) == 1 and convs[0].attrs["num_group"] == B * sample.attrs.get(
        "num_group", 1)


def test_batch_norm_in_training_normalises_each_example_on_its_own():
    sample = next(s for s in SAMPLES if s.op == "BatchNorm" and s.attrs["training"])
    g = _check(sample, {0}, 0)
    assert [n.op for n in g.nodes].count("BatchNorm") == 1


@pytest.mark.parametrize("op", ["fused", "_grad_region", "_CachedOp"])
def test_region_nodes_batch_their_region(op):
    sample = next(s for s in SAMPLES if s.op == op)
    for positions in itertools.chain([set(diff_positions(sample))],
                                     ({i} for i in diff_positions(sample))):
        g = _check(sample, positions, 0)
        (node,) = [n for n in g.nodes if n.region is not None]
        assert node.op == op
        assert node.outputs[0].type.shape[0] == B


def test_a_fused_region_with_a_reduction_epilogue_is_inlined_when_batched():
    """The fuser runs a full reduction as the epilogue of its region; batched, the
    reduction keeps the batch axis, which no fused kernel computes: the batched region's
    nodes are inlined (and can be fused again by a later pipeline)."""
    t = TensorType.get((2, 3), "float64")
    xv, yv = Value(t, "x"), Value(t, "y")
    b = Builder()
    total = b.op("sum", b.op("elemwise_mul", b.op("exp", xv), yv))
    g = get_pass("fuse")(b.graph("f", [xv, yv], [total]))
    assert [n.op for n in g.nodes if n.region is not None] == ["fused"]
    rng = np.random.RandomState(1)
    xs, ys = rng.uniform(-1, 1, (3, 2, 3)), rng.uniform(-1, 1, (3, 2, 3))
    bg = vmap(g, size=3, in_axes=[0, None])
    assert "fused" not in [n.op for n in bg.nodes] and not _slow(bg)
    want = (np.exp(xs) * ys[0]).sum(axis=(1, 2))
    np.testing.assert_allclose(np.ravel(Plan(bg).run([xs, ys[0]])[0]), want, rtol=1e-12)
