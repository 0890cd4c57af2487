"""`vmap` over the operator sample table: for each entry, the batched graph run on a batch
of 3 examples equals the graph run on each example, with every float input batched (at
axis 0, and at the last axis), and with only the first one batched. The operators that
must have a real batching rule (not the per-example slow path) are listed."""
from __future__ import annotations

import numpy as np
import pytest

from tapegraph.passes import get_pass
from tapegraph.runtime import Plan

from op_harness import diff_positions, draw_inputs, one_node_graph
from op_samples import SAMPLES

IDS = ["%s#%d" % (s.id, i) for i, s in enumerate(SAMPLES)]
vmap = get_pass("vmap")
B = 3


def _check(sample, batched_positions, axis):
    draws = [draw_inputs(sample, salt="vmap%d" % k) for k in range(B)]
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
    return sorted({n.meta["vmap_of"].op for n in g.nodes
                   if (n.meta or {}).get("vmap_rule") == "per-example"})


@pytest.mark.parametrize("sample", SAMPLES, ids=IDS)
def test_vmap_matches_per_example_runs(sample):
    wrt = diff_positions(sample)
    if not wrt:
        pytest.skip("no float inputs")
    _check(sample, set(wrt), 0)
    _check(sample, set(wrt), -1)
    if len(wrt) > 1:
        _check(sample, {wrt[0]}, 0)


REAL_RULES = {"negative", "exp", "sin", "tanh", "relu", "elemwise_add", "elemwise_mul",
              "_mul_scalar", "_power_scalar", "where", "Activation", "Cast", "sum", "mean",
              "prod", "max", "min", "norm", "softmax", "log_softmax", "cumsum", "argmax",
              "Reshape", "transpose", "broadcast_to", "slice", "slice_axis", "Concat", "stack",
              "SliceChannel", "expand_dims", "squeeze", "Flatten", "SwapAxis", "tile",
              "reverse", "dot", "batch_dot", "FullyConnected", "take", "pick", "Embedding",
              "Dropout", "LeakyReLU", "sort", "argsort", "topk", "_take_along_axis",
              "_put_along_axis", "_slice_scatter"}


def test_common_operators_use_real_batching_rules():
    slow = set()
    for sample in SAMPLES:
        if sample.op in REAL_RULES and diff_positions(sample):
            if sample.op == "LeakyReLU" and sample.attrs.get("act_type") == "prelu":
                continue
            slow.update(_slow(_check(sample, set(diff_positions(sample)), 0)))
    assert not slow, "per-example slow path for %s" % sorted(slow)


def test_slow_path_is_stamped():
    sample = next(s for s in SAMPLES if s.op == "BatchNorm" and s.attrs["training"])
    g = _check(sample, set(diff_positions(sample)), 0)
    assert _slow(g) == ["BatchNorm"]


MERGED = {"Convolution", "Deconvolution", "Pooling", "UpSampling", "_im2col", "InstanceNorm",
          "GroupNorm", "L2Normalization", "Pad", "LayerNorm"}


def test_layers_with_shared_weights_use_real_batching_rules():
    slow, seen = set(), set()
    for sample in SAMPLES:
        if sample.op in MERGED or (sample.op == "BatchNorm" and not sample.attrs["training"]):
            seen.add(sample.op)
            slow.update(_slow(_check(sample, {diff_positions(sample)[0]}, 0)))
    assert seen >= MERGED and not slow, "per-example slow path for %s" % sorted(slow)
