"""mx.np functions MXNet 1.9.1 serves on the host (or as separate operators) against values,
dtypes and autograd behaviour captured from MXNet 1.9.1
(tests/data/mxnet/np_fallback_golden.json, written by capture_np_fallback.py)."""
import json
import os
import re

import numpy as onp
import pytest

import tapegraph as mx
from tapegraph.ir.errors import NonDifferentiableError
from tapegraph.numpy.traced_common import TRACED

GOLDEN = os.path.join(os.path.dirname(__file__), "..", "data", "mxnet",
                      "np_fallback_golden.json")
with open(GOLDEN) as f:
    DATA = json.load(f)
CASES = DATA["cases"]
# MXNet 1.9.1 fails on these (its operator or fallback refuses an argument NumPy takes):
# tapegraph follows NumPy, checked against NumPy's values
NUMPY_REFERENCE = sorted(e for e, c in CASES.items() if "error" in c)


def _host(spec):
    data = [onp.nan if t is None else t for t in spec["data"]]
    return onp.array(data, dtype="float64").reshape(spec["shape"]).astype(spec["dtype"])


def _inputs(attach=False):
    env = {"np": mx.np, "onp": onp}
    for name, spec in DATA["inputs"].items():
        env[name] = mx.np.array(_host(spec), dtype=spec["dtype"])
        if attach and env[name].dtype.kind == "f":
            env[name].attach_grad()
    return env


def _check(got, want, where):
    if "items" in want:
        assert isinstance(got, (list, tuple)) and len(got) == len(want["items"]), where
        for i, (g, w) in enumerate(zip(got, want["items"])):
            _check(g, w, "%s[%d]" % (where, i))
        return
    value = got.asnumpy() if hasattr(got, "asnumpy") else onp.asarray(got)
    if want["kind"] in ("mx", "onp"):
        expect, dtype = _host(want), want["dtype"]
    else:  # a NumPy scalar (MXNet's fallbacks return them for 0-d results)
        expect = onp.asarray(eval(want["repr"], {"nan": onp.nan, "inf": onp.inf}))
        dtype = {"bool_": "bool"}.get(want["kind"], want["kind"])
    assert str(value.dtype) == dtype, "%s: dtype %s, MXNet %s" % (where, value.dtype, dtype)
    assert value.shape == expect.shape, "%s: shape %s, MXNet %s" % (where, value.shape,
                                                                    expect.shape)
    onp.testing.assert_allclose(value.astype("float64"), expect.astype("float64"),
                                rtol=2e-6, atol=1e-6, equal_nan=True, err_msg=where)


@pytest.mark.parametrize("expr", sorted(e for e in CASES if e not in NUMPY_REFERENCE))
def test_forward_values_and_dtypes_match_mxnet(expr):
    _check(eval(expr, _inputs()), CASES[expr]["result"], expr)


def _numpy_value(expr):
    env = {"np": onp, "onp": onp}
    env.update({name: _host(spec) for name, spec in DATA["inputs"].items()})
    return eval(expr, env)


@pytest.mark.parametrize("expr", [e for e in NUMPY_REFERENCE
                                  if not e.startswith("np.roots")])
def test_arguments_mxnet_refuses_follow_numpy(expr):
    try:
        want = _numpy_value(expr)
    except (TypeError, ValueError, IndexError) as err:  # NumPy refuses too: the same error
        with pytest.raises(type(err)):
            eval(expr, _inputs())
        return
    got = eval(expr, _inputs())
    for g, w in zip(got if isinstance(got, (list, tuple)) else [got],
                    want if isinstance(want, (list, tuple)) else [want]):
        onp.testing.assert_allclose(g.asnumpy().astype("float64"),
                                    onp.asarray(w, dtype="float64"), rtol=2e-6, atol=1e-6)


def _name(expr):
    return expr[len("np."):expr.index("(")]


def _outputs(value):
    return [v for item in value for v in _outputs(item)] \
        if isinstance(value, (list, tuple)) else [value]


@pytest.mark.parametrize("expr", sorted(e for e in CASES if e not in NUMPY_REFERENCE))
def test_inside_autograd_record(expr):
    """Traced names record their float results; a host function's integer or boolean result,
    or one MXNet also computes while recording, is constant data; the others raise
    NonDifferentiableError (MXNet 1.9.1 refuses them while recording too)."""
    env = _inputs(attach=True)
    name = _name(expr)
    try:
        with mx.autograd.record():
            value = eval(expr, env)
    except NonDifferentiableError:
        assert name not in TRACED and CASES[expr]["record"] != "ok", expr
        return
    floats = [v for v in _outputs(value) if hasattr(v, "_value") and v.dtype.kind == "f"]
    uses_graph = any(re.search(r"\b%s\b" % n, expr) for n, v in env.items()
                     if hasattr(v, "_value") and v.dtype.kind == "f")
    if name in TRACED and uses_graph and name not in ("spacing", "divmod", "frexp"):
        assert all(v._value is not None for v in floats), expr
    elif name not in TRACED:
        assert all(v._value is None for v in _outputs(value) if hasattr(v, "_value")), expr


def test_traced_results_show_their_operators_in_the_exported_symbol():
    x = mx.np.array(_host(DATA["inputs"]["x"]))
    x.attach_grad()
    with mx.autograd.record():
        y = mx.np.percentile(mx.np.pad(mx.np.rot90(x), ((1, 1), (0, 2)), mode="reflect"), 30,
                             axis=0)
    ops = {node.op for node in mx.autograd.get_symbol(y).graph.nodes}
    assert {"reverse", "transpose", "take", "sort", "_take_along_axis"} <= ops
    y.backward()
    assert onp.abs(x.grad.asnumpy()).sum() > 0


def test_pad_constant_values_are_used():
    """MXNet 1.9.1's np.pad drops constant_values (pads zeros); tapegraph pads the value, as
    NumPy and MXNet's documentation do."""
    x = onp.arange(6.0, dtype="float32").reshape(2, 3)
    got = mx.np.pad(mx.np.array(x), ((1, 0), (2, 1)), constant_values=7.5).asnumpy()
    onp.testing.assert_array_equal(got, onp.pad(x, ((1, 0), (2, 1)), constant_values=7.5))


@pytest.mark.parametrize("call, error", [
    (lambda x: mx.np.pad(x, ((1, 1), (1, 1)), mode="median"), ValueError),
    (lambda x: mx.np.pad(x, ((1, 1), (1, 1)), mode="reflect", reflect_type="odd"), ValueError),
    (lambda x: mx.np.pad(x, ((1.5, 1), (1, 1))), TypeError),
    (lambda x: mx.np.pad(x, ((-1, 1), (1, 1)), mode="edge"), ValueError),
    (lambda x: mx.np.percentile(x, 101), ValueError),
    (lambda x: mx.np.quantile(x, 0.5, method="weibull"), ValueError),
    (lambda x: mx.np.nanargmax(x * mx.np.nan, axis=1), ValueError),
    (lambda x: mx.np.choose(mx.np.array([0, 3, 1, 0], dtype="int64"), [x, x]), ValueError),
    (lambda x: mx.np.rot90(x, axes=(0, 0)), ValueError),
    (lambda x: mx.np.fliplr(x[0]), ValueError),
    (lambda x: mx.np.correlate(x, x[0]), ValueError),
])
def test_bad_arguments_raise_clear_errors(call, error):
    x = mx.np.array(_host(DATA["inputs"]["x"]))
    x.attach_grad()
    with pytest.raises(error):
        with mx.autograd.record():
            call(x)
    assert x.grad.asnumpy().sum() == 0


def test_docs_list_the_traced_and_constant_names():
    from tapegraph.numpy import fallback
    with open(os.path.join(os.path.dirname(__file__), "..", "..", "docs",
                           "numpy-fallbacks.md")) as f:
        text = f.read()
    traced_block = text[text.index("**Traced**"):text.index("How they are built")]
    constant_block = text[text.index("**Host, constant data**"):
                          text.index("**Host, refused")]
    listed = set(re.findall(r"\b[a-z_0-9]+\b", traced_block.split("\n\n", 1)[1]))
    assert listed == set(TRACED) & set(fallback.FALLBACK_FUNCTIONS)
    assert "(%d names" % len(listed) in traced_block
    for name in fallback.RECORDS_AS_CONSTANT:
        assert re.search(r"\b%s\b" % name, constant_block), name
