"""`linearize` and `transpose` over the operator sample table: the linear graph run on the
primal graph's residuals gives the `jvp` tangents, and transpose(linearize(f)) gives the
same cotangents as the direct `grad` pass (VJP = transpose of the linearization)."""
from __future__ import annotations

import zlib

import numpy as np
import pytest

from tapegraph.ir import verify
from tapegraph.passes import get_pass
from tapegraph.runtime import Plan

from op_harness import diff_positions, draw_inputs, one_node_graph, scalarize
from op_samples import SAMPLES

IDS = ["%s#%d" % (s.id, i) for i, s in enumerate(SAMPLES)]
jvp, linearize, transpose, grad = (get_pass(n) for n in ("jvp", "linearize", "transpose",
                                                         "grad"))


@pytest.mark.parametrize("sample", SAMPLES, ids=IDS)
def test_vjp_is_transpose_of_linearize(sample):
    wrt = diff_positions(sample)
    if not wrt or sample.grad_ref is not None:
        pytest.skip("no float inputs" if not wrt else
                    "output layer: its VJP is the loss gradient MXNet defines")
    feed = draw_inputs(sample)
    graph = one_node_graph(sample, feed)
    rng = np.random.RandomState(zlib.crc32(("lt" + sample.id).encode()))
    lin = linearize(graph, wrt=wrt)
    verify(lin)
    primal = lin.meta["primal"]
    verify(primal)
    k = lin.meta["num_residuals"]
    n_out = len(graph.outputs)
    res = Plan(primal).run(feed)
    outs, residuals = res[:n_out], res[n_out:]
    assert len(residuals) == k
    dirs = [rng.uniform(-1, 1, feed[i].shape) for i in wrt]
    want = Plan(jvp(graph, wrt=wrt)).run(feed + dirs)
    for got, w in zip(list(outs) + Plan(lin).run(list(residuals) + dirs), want):
        np.testing.assert_allclose(got, w, rtol=1e-10, atol=1e-12)
    t = transpose(lin)
    verify(t)
    s, weights = scalarize(graph, rng)
    direct = Plan(grad(s, wrt=wrt)).run(feed + weights)
    via_transpose = Plan(t).run(list(residuals) + weights)
    for got, w in zip(via_transpose, direct):
        np.testing.assert_allclose(got, w, rtol=1e-10, atol=1e-12)
