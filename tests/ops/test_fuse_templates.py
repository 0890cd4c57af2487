"""Every elementwise operator's `fuse=` template computes what its kernel computes: each
sample of op_samples.py is run fused (op followed by `negative`, grouped by the `fuse`
pass into one generated kernel) and unfused."""
from __future__ import annotations

import numpy as np
import pytest

from tapegraph.ir import Builder, Graph, TensorType, Value, get_op
from tapegraph.passes import get_pass
from tapegraph.runtime import Plan

from op_harness import draw_inputs
from op_samples import SAMPLES


def _fusible(s):
    op = get_op(s.op)
    return op.elementwise and op.fuse and s.build is None


CASES = [s for s in SAMPLES if _fusible(s)]


@pytest.mark.parametrize("sample", CASES, ids=["%s#%d" % (s.id, i) for i, s in enumerate(CASES)])
def test_fused_template_matches_kernel(sample):
    arrays = [a.astype(np.float64) for a in draw_inputs(sample)]
    inputs = [Value(TensorType.of(a), "in%d" % i) for i, a in enumerate(arrays)]
    b = Builder()
    out = b.op("negative", b.op(sample.op, *inputs, **sample.attrs))
    graph = Graph("f", inputs, b.nodes, [out])
    fused = get_pass("fuse")(graph)
    if all(n.op != "fused" for n in fused.nodes):
        pytest.skip("not fused (inputs of other types or shapes)")
    want = Plan(graph).run(arrays)[0]
    got = Plan(fused).run(arrays)[0]
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)
    assert got.dtype == want.dtype
