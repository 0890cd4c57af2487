"""The proof that every operator is differentiable to any order, driven by op_samples.py.

For every entry: the kernel matches its NumPy reference, the shape rule matches the
kernel's result, gradients of order 1, 2 and 3 match central finite differences in
float64, and each derived gradient graph survives a print/parse round trip. The registry
is walked so that a new operator without an entry fails the suite, and the gradient
rules are checked to emit only registered, differentiable operators.
"""
from __future__ import annotations

import numpy as np
import pytest

from tapegraph.ir import REGISTRY, NonDifferentiableError, TensorType, get_op, parse
from tapegraph.passes import get_pass
from tapegraph.runtime import Plan

from op_harness import check_gradient, derive, diff_positions, draw_inputs, one_node_graph
from op_samples import EXEMPT, SAMPLES

IDS = ["%s#%d" % (s.id, i) for i, s in enumerate(SAMPLES)]
# `sign`'s rule emits _backward_sign on purpose (MXNet compatibility, see its nondiff_note).
CLOSURE_EXCEPTIONS = {"_backward_sign"}


def test_every_differentiable_operator_has_a_sample():
    covered = {s.op for s in SAMPLES}
    missing = [op.name for op in REGISTRY
               if op.differentiable and op.name not in covered and op.name not in EXEMPT]
    assert not missing, "add entries to tests/ops/op_samples.py for: %s" % ", ".join(missing)


def test_samples_name_registered_operators():
    unknown = [s.op for s in SAMPLES if s.op not in REGISTRY]
    assert not unknown


@pytest.mark.parametrize("sample", SAMPLES, ids=IDS)
def test_kernel_and_shape_rule(sample):
    arrays = draw_inputs(sample)
    if sample.build is not None:  # a region operator: run the graph it appears in
        graph = one_node_graph(sample, arrays)
        results = Plan(graph).run(arrays)
        assert [(r.shape, r.dtype.name) for r in results] == \
            [(v.type.shape, v.type.dtype) for v in graph.outputs]
        np.testing.assert_allclose(results[0], sample.ref(*arrays), rtol=1e-6, atol=1e-9)
        return
    opdef = get_op(sample.op)
    attrs = opdef.complete_attrs(sample.attrs)
    types = opdef.infer([TensorType.of(a) for a in arrays], attrs)
    result = opdef.kernel(*arrays, **attrs)
    results = result if isinstance(result, tuple) else (result,)
    assert [(np.shape(r), np.asarray(r).dtype.name) for r in results] == \
        [(t.shape, t.dtype) for t in types]
    expected = sample.ref(*arrays)
    expected = expected if isinstance(expected, tuple) else (expected,)
    for got, want in zip(results, expected):
        np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-9)


@pytest.fixture
def draws(request):
    """Input draws per sample: 1 by default, 6 with --long."""
    return 6 if request.config.getoption("--long") else 1


@pytest.mark.parametrize("sample", SAMPLES, ids=IDS)
def test_gradients_match_finite_differences(sample, draws):
    wrt = diff_positions(sample)
    if not wrt:
        pytest.skip("no float inputs")  # only one_hot: output depends on indices only
    for k in range(draws):
        _check_orders(sample, draw_inputs(sample, salt="" if k == 0 else str(k)), wrt)


def _check_orders(sample, arrays, wrt):
    steps = derive(sample, arrays, sample.max_order)
    for order, (s, feed, g) in enumerate(steps, start=1):
        if sample.stop_gradient:
            assert all(not np.any(r) for r in Plan(g).run(feed))
        elif order == 1 and sample.grad_ref is not None:  # a loss layer's defined gradient
            got = Plan(g).run(feed)[0]
            want = sample.grad_ref(*(feed if sample.grad_ref_weights else arrays))
            np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)
        else:
            check_gradient(s, feed, g, wrt)
        assert parse(str(g)) == g, "order %d gradient graph does not round-trip" % order


@pytest.mark.parametrize("sample", [s for s in SAMPLES if s.max_order < 3],
                         ids=[s.id for s in SAMPLES if s.max_order < 3])
def test_limited_order_is_deliberate(sample):
    assert sample.note, "a sample with max_order < 3 must say why"
    with pytest.raises(NonDifferentiableError, match="non-differentiable"):
        derive(sample, draw_inputs(sample), sample.max_order + 1)


@pytest.mark.parametrize("sample", SAMPLES, ids=IDS)
def test_gradient_rules_emit_registered_differentiable_ops(sample):
    arrays = draw_inputs(sample)
    graph = one_node_graph(sample, arrays)
    wrt = diff_positions(sample)
    if not wrt:
        return
    g = get_pass("grad")(graph, wrt=wrt, head_grads="input")
    for node in g.nodes[len(graph.nodes):]:
        assert node.op in REGISTRY
        if sample.op == "sign" and node.op in CLOSURE_EXCEPTIONS:
            continue
        assert get_op(node.op).differentiable, (
            "gradient rule of %s emits %s, which has no gradient rule" % (sample.op, node.op))


def test_backward_sign_is_the_only_nondifferentiable_emission():
    """The exception in the closure test stays documented on the operator."""
    assert "MXNet compatibility" in get_op("_backward_sign").nondiff_note
    assert not get_op("_backward_sign").differentiable


def test_gradient_graphs_execute_with_float64():
    sample = next(s for s in SAMPLES if s.op == "Convolution")
    arrays = draw_inputs(sample)
    (_, feed, g), = derive(sample, arrays, 1)
    assert all(np.asarray(r).dtype == np.float64 for r in Plan(g).run(feed))


# tapegraph-only operators (adjoints and internals); everything else exports under a name
# that Apache MXNet 1.9.1 registers.
TAPEGRAPH_ONLY = {"_CustomFunctionBackward", "_pick_scatter", "_polygamma", "_put_along_axis",
                  "_slice_scatter", "_take_along_axis", "_take_scatter", "fused",
                  "_grad_region", "_CachedOp", "_conv_weight_grad", "_pool_max_scatter",
                  "_pool_max_gather", "_pool_scatter", "_checkpoint", "_sequence_last_scatter",
                  "_roi_align_scatter", "_psroi_pooling_scatter", "_rroi_align_scatter"}


def test_mxnet_names_are_registered_in_mxnet():
    import json
    import os
    path = os.path.join(os.path.dirname(__file__), "..", "data", "mxnet",
                        "registered_operators.json")
    with open(path) as fh:
        known = set(json.load(fh)["operators"])
    bad = []
    for op in REGISTRY:
        for name in (op.mxnet, op.mxnet_np):
            if name and name not in known and op.name not in TAPEGRAPH_ONLY:
                bad.append("%s -> %s" % (op.name, name))
    assert not bad, "not MXNet 1.9.1 operator names: %s" % ", ".join(bad)
