"""The operator facts passes and the runtime read (`OpDef.view`, `ufunc`, `fill`,
`reduction`, `reshape`, `writes_into`) are true of the kernels, checked on
every sample of op_samples.py: a fact that drifted from its kernel would make the memory
plan free a buffer a view still reads, or fused code compute something else."""
from __future__ import annotations

from collections import defaultdict

import numpy as np
import pytest

from tapegraph.ir import REGISTRY, get_op

from op_harness import draw_inputs
from op_samples import SAMPLES

KERNEL_SAMPLES = [s for s in SAMPLES if s.build is None]
# samples of operators that declare a ufunc or fill form, the facts the fuser reads
UFUNC_SAMPLES = [s for s in KERNEL_SAMPLES
                 if get_op(s.op).ufunc is not None or get_op(s.op).fill is not None]
UFUNC_IDS = ["%s#%d" % (s.id, i) for i, s in enumerate(UFUNC_SAMPLES)]


def _run(sample):
    arrays = draw_inputs(sample)
    opdef = get_op(sample.op)
    attrs = opdef.complete_attrs(sample.attrs)
    result = opdef.kernel(*arrays, **attrs)
    return opdef, arrays, attrs, result if isinstance(result, tuple) else (result,)


def _views():
    """Operator -> whether some sample's kernel returned memory shared with an input."""
    shared = defaultdict(bool)
    for sample in KERNEL_SAMPLES:
        _, arrays, _, results = _run(sample)
        shared[sample.op] |= any(isinstance(r, np.ndarray) and np.shares_memory(r, arrays[0])
                                 for r in results if arrays)
    return shared


def test_view_is_declared_exactly_where_a_kernel_returns_a_view():
    shared = _views()
    undeclared = sorted(op for op, s in shared.items() if s and not get_op(op).view)
    stale = sorted(op.name for op in REGISTRY if op.view and not shared.get(op.name))
    assert not undeclared, "kernels returning views of their input: declare view=True"
    assert not stale, "view=True but no sample's kernel returns a view (add a sample)"


@pytest.mark.parametrize("sample", UFUNC_SAMPLES, ids=UFUNC_IDS)
def test_ufunc_and_fill_compute_what_the_kernel_computes(sample):
    opdef, arrays, attrs, results = _run(sample)
    if opdef.fill is not None:
        expected = np.full_like(arrays[0], opdef.fill)
    else:
        name, operands = opdef.ufunc
        ufunc = getattr(np, name)
        assert isinstance(ufunc, np.ufunc), name
        args = [arrays[a] if isinstance(a, int) else
                np.array(attrs[a], dtype=arrays[0].dtype) for a in operands]
        expected = ufunc(*args)
        if expected.dtype == bool:  # comparisons: 0/1 in the kernel's dtype
            expected = expected.astype(results[0].dtype)
    np.testing.assert_allclose(results[0], expected, rtol=1e-6, atol=1e-12)
    assert results[0].dtype == expected.dtype


def test_reductions_and_reshapes_are_what_they_claim():
    for op in REGISTRY:
        if op.reduction is not None:
            x = np.arange(1.0, 7.0).reshape(2, 3)
            attrs = op.complete_attrs({})
            full = np.add.reduce(x, axis=None)
            want = full / x.size if op.reduction == "mean" else full
            np.testing.assert_allclose(np.asarray(op.kernel(x, **attrs)).ravel(), [want])
        if op.reshape:
            assert op.view and op.num_inputs == 1, op.name


def test_only_fused_kernels_take_output_buffers():
    assert {op.name for op in REGISTRY if op.writes_into} == {"fused"}
