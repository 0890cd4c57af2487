"""Result dtypes, values and refusals of every binary operator for every dtype pair, in
legacy `mx.nd` and numpy mode `mx.np`, against the table captured from MXNet 1.9.1
(tools/capture_dtypes.py -> tests/data/mxnet/dtype_promotion.json)."""
import numpy as np
import pytest

import tapegraph as mx
from tapegraph.ir.errors import MXNetError
from tapegraph.ir.promotion import binary_dtypes

from dtype_table import TABLE, cases, rule_op

INPUTS = TABLE["inputs"]
OPERATORS = {
    "+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b,
    "/": lambda a, b: a / b, "%": lambda a, b: a % b, "**": lambda a, b: a ** b,
    "==": lambda a, b: a == b, "!=": lambda a, b: a != b, ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b, "<": lambda a, b: a < b, "<=": lambda a, b: a <= b,
}
GROUPS = sorted({(section, op) for _, section, op, _, _, _ in cases()})


def test_the_table_covers_every_operator_and_pair():
    assert TABLE["mxnet"] == "1.9.1"
    assert len(GROUPS) == 26 + 19 + 30
    for section, ops in TABLE.items():
        if section in ("nd", "np"):
            assert all(len(e) == 8 * 8 + 2 * 8 * 3 for e in ops.values())


def test_the_rule_gives_every_captured_dtype_and_refusal():
    wrong = []
    for mode, section, op, lhs, rhs, want in cases():
        try:
            got = binary_dtypes(mode, rule_op(op), lhs, rhs).out
        except MXNetError:
            got = "refused"
        if got != want.get("dtype", "refused"):
            wrong.append((section, op, lhs, rhs, want, got))
    assert not wrong, wrong[:5]


def _operand(mod, kind, values, bool_values):
    if kind in INPUTS["scalars"]:
        return INPUTS["scalars"][kind]
    data = np.array(bool_values if kind == "bool" else values).astype(kind)
    return mod.array(data, dtype=kind)


def _call(section, op):
    if op in OPERATORS:
        return OPERATORS[op]
    mod = mx.np if section == "np" else mx.nd
    return getattr(mod, op)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("section,op", GROUPS, ids=["%s:%s" % g for g in GROUPS])
def test_operator_matches_mxnet_for_every_dtype_pair(section, op):
    mod = mx.np if section == "np" else mx.nd
    fn = _call(section, op)
    wrong = []
    for key, want in sorted(TABLE[section][op].items()):
        lhs_kind, rhs_kind = key.split("|")
        lhs = _operand(mod, lhs_kind, INPUTS["lhs"], INPUTS["lhs_bool"])
        rhs = _operand(mod, rhs_kind, INPUTS["rhs"], INPUTS["rhs_bool"])
        if "error" in want:
            try:
                fn(lhs, rhs)
            except MXNetError as e:
                assert lhs_kind in str(e) or "bool" in str(e) or "dtype" in str(e), str(e)
                continue
            wrong.append((key, "not refused"))
            continue
        out = fn(lhs, rhs)
        got = out.asnumpy()
        if np.dtype(out.dtype).name != want["dtype"]:
            wrong.append((key, want["dtype"], np.dtype(out.dtype).name))
        elif not np.allclose(got.astype(np.float64), np.array(want["value"], np.float64),
                             rtol=2e-7, atol=0, equal_nan=True):
            wrong.append((key, want["value"], got.tolist()))
    assert not wrong, wrong[:6]


def test_numpy_mode_int64_plus_float32_is_float32_and_differentiable():
    x = mx.np.array([1.0, 2.0, 3.0])
    n = mx.np.array([1, 2, 3], dtype="int64")
    x.attach_grad()
    with mx.autograd.record():
        y = n * x + n
    assert y.dtype == np.float32
    y.backward()
    np.testing.assert_allclose(x.grad.asnumpy(), [1.0, 2.0, 3.0])
    assert x.grad.dtype == np.float32


def test_legacy_refusal_names_the_dtypes_and_keeps_the_graph():
    x = mx.nd.array([1.0, 2.0])
    x.attach_grad()
    with mx.autograd.record():
        y = x * 2
        with pytest.raises(MXNetError, match="float32 and int64"):
            y + mx.nd.array([1, 2], dtype="int64")
        z = y.sum()
    z.backward()
    np.testing.assert_allclose(x.grad.asnumpy(), [2.0, 2.0])


def test_modulo_by_zero_is_zero_as_in_mxnet():
    a = mx.nd.array([5.0, -3.0, 2.5])
    np.testing.assert_array_equal((a % mx.nd.zeros(3)).asnumpy(), [0, 0, 0])
    np.testing.assert_array_equal((a % 0).asnumpy(), [0, 0, 0])
    np.testing.assert_array_equal((2 % mx.nd.array([0.0, 1.0, 0.0])).asnumpy(), [0, 0, 0])
    np.testing.assert_array_equal((a % mx.nd.array([2.0, 2.0, -2.0])).asnumpy(),
                                  [1.0, 1.0, -1.5])


UNARY = {"-x": lambda m, a: -a, "abs": lambda m, a: m.abs(a), "sqrt": lambda m, a: m.sqrt(a),
         "exp": lambda m, a: m.exp(a), "square": lambda m, a: m.square(a),
         "floor": lambda m, a: m.floor(a), "sum": lambda m, a: m.sum(a),
         "mean": lambda m, a: m.mean(a), "prod": lambda m, a: m.prod(a),
         "max": lambda m, a: m.max(a), "x.sum()": lambda m, a: a.sum(),
         "x.mean()": lambda m, a: a.mean()}


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("section", ["unary_nd", "unary_np"])
def test_unary_operators_and_reductions_match_mxnet_dtypes(section):
    mod = mx.np if section == "unary_np" else mx.nd
    assert sorted(TABLE[section]) == sorted(UNARY)
    wrong = []
    for name, entries in sorted(TABLE[section].items()):
        for dtype, want in sorted(entries.items()):
            values = INPUTS["lhs_bool"] if dtype == "bool" else INPUTS["lhs"]
            x = mod.array(np.array(values).astype(dtype), dtype=dtype)
            if "error" in want:
                # MXNet 1.9.1 has no bool kernel for unary math ("Unknown type enum 7"):
                # tapegraph refuses these too (tests/api/test_dtype_facts.py has them all)
                assert "Unknown type enum" in want["message"] and dtype == "bool"
                with pytest.raises(MXNetError, match="bool"):
                    UNARY[name](mod, x)
                continue
            out = UNARY[name](mod, x)
            got = np.dtype(out.dtype).name
            if got != want["dtype"] or not np.allclose(
                    out.asnumpy().astype(np.float64).ravel(), want["value"], rtol=1e-3):
                wrong.append((name, dtype, want, got, out.asnumpy().tolist()))
    assert not wrong, wrong[:5]
