"""The names and behaviours of MXNet 1.9.1's API surface that `import tapegraph as mx` code
meets: mx.nd.np / mx.nd.npx, mx.np.bool, mx.np.set_printoptions (printing captured from
MXNet), the mx.operator module names, and NDArray / mx.np.ndarray methods on edge cases
(keyword arguments, defaults, out=, negative axes, 0-d arrays), every case captured from
MXNet (tools/capture_api_surface.py -> tests/data/mxnet/api_surface.json)."""
import array
import ctypes
import json
import os
import sys

import numpy as np
import pytest

import tapegraph as mx
from tapegraph.base import MXNetError

sys.path.insert(0, os.path.dirname(os.path.dirname(__file__)))
from capture_tools import capture_module, load_table  # noqa: E402

TABLE = load_table("api_surface.json")
CAPTURE = capture_module("capture_api_surface")

# Cases where MXNet 1.9.1 fails and tapegraph computes NumPy's result, and why.
SUPERSET = {
    "a.flip(axis=-1)": "MXNet's flip rejects negative axes",
    "b.cumsum(axis=-1)": "MXNet's np cumsum rejects negative axes",
    "w.sort()": "MXNet's mx.np.ndarray.sort raises a broken TypeError",
    "z[...]": "MXNet's 0-d arrays accept only () as index; NumPy also takes ...",
    "b.expand_dims(-1)": "tapegraph's mx.np.ndarray keeps the legacy expand_dims method",
    "b.flip(0)": "tapegraph's mx.np.ndarray keeps the legacy flip method",
    "b.ravel()": "tapegraph's mx.np.ndarray has NumPy's ravel",
    "mx.np.flip(b, axis=-1)": "MXNet's np flip rejects negative axes",
    "float(s)": "MXNet's legacy NDArray has no __float__; tapegraph's converts size-1 arrays",
    "int(s)": "MXNet's legacy NDArray has no __int__; tapegraph's converts size-1 arrays",
    "mx.nd.zeros((0, 3)).shape": "MXNet's legacy arrays refuse zero-size shapes outside "
                                 "NumPy mode; tapegraph's hold them",
    "mx.nd.zeros((0, 3)).sum(axis=0)": "(as above: zero-size legacy arrays)",
    "a.cumsum(axis=1)": "tapegraph's NDArray has cumsum (mx.nd.cumsum) as a method",
    "mx.nd.add(a, a, out=mx.nd.zeros((2, 3)))": "MXNet's Python mx.nd.add has no out=; "
                                                "tapegraph's functions all take one",
}
ERRORS = {"MXNetError": MXNetError, "TypeError": TypeError, "IndexError": IndexError,
          "ValueError": ValueError, "AttributeError": AttributeError,
          "NotImplementedError": NotImplementedError}


def _same(got, want):
    if "error" in want:
        return got.get("error") == want["error"]
    if "error" in got:
        return False
    if "list" in want:
        return "list" in got and len(got["list"]) == len(want["list"]) and all(
            _same(g, w) for g, w in zip(got["list"], want["list"]))
    if "value" in want:
        return ("value" in got and got["type"] == want["type"]
                and got["dtype"] == want["dtype"] and got["shape"] == want["shape"]
                and np.allclose(np.array(got["value"], np.float64),
                                np.array(want["value"], np.float64), rtol=1e-5, atol=1e-5,
                                equal_nan=True))
    return json.loads(json.dumps(got)) == want  # (tuples are lists in JSON)


def _tapegraph_error_name(e):
    for name, cls in ERRORS.items():
        if isinstance(e, cls):
            return name
    return type(e).__name__


# errors named by the MXNet class they are (tapegraph's ShapeError is an MXNetError)
CAPTURE.refusal = lambda e: {"error": _tapegraph_error_name(e), "message": str(e)}


@pytest.fixture(autouse=True)
def _print_options():
    saved = np.get_printoptions()
    yield
    np.set_printoptions(**saved)


def test_ndarray_level_numpy_modules_are_mx_np_and_mx_npx():
    assert mx.nd.np is mx.nd.numpy is mx.np
    assert mx.nd.npx is mx.nd.numpy_extension is mx.npx
    assert {"np", "npx", "numpy", "numpy_extension"} <= set(dir(mx.nd))
    with pytest.raises(AttributeError):
        mx.nd.no_such_module  # noqa: B018


def test_contrib_uniform_is_the_random_one():
    assert mx.nd.contrib.uniform is mx.nd.random.uniform
    mx.random.seed(3)
    a = mx.nd.contrib.uniform(0, 1, shape=(4,))
    mx.random.seed(3)
    assert np.array_equal(a.asnumpy(), mx.nd.random.uniform(0, 1, shape=(4,)).asnumpy())


def test_np_bool_is_pythons_bool_as_in_mxnet():
    assert mx.np.bool is bool
    assert mx.np.array([1, 0, 2]).astype(mx.np.bool).dtype == np.bool_
    assert mx.np.bool_ is np.bool_


def test_operator_module_names_are_mxnets():
    op = mx.operator
    assert op.NDArray is mx.nd.NDArray and op.is_np_array is mx.util.is_np_array
    assert op.array is array.array  # MXNet's module-level `from array import array`
    assert op.c_int_p is ctypes.POINTER(ctypes.c_int)
    args = op.OperatorArguments(2, ["data", "op_type"], ["NDArray-or-Symbol[]", "string"])
    assert args.narg == 2 and args._fields == ("narg", "names", "types")


@pytest.mark.parametrize("case", TABLE["printing"]["cases"],
                         ids=[c["expression"] for c in TABLE["printing"]["cases"]])
def test_set_printoptions_prints_as_mxnet(case):
    mx.np.set_printoptions(**case["options"])
    value = eval(case["expression"], {"mx": mx})
    assert str(value) == case["str"]
    assert repr(value) == case["repr"]


@pytest.mark.parametrize("expression", sorted(TABLE["printing"]["errors"]))
def test_set_printoptions_refuses_what_mxnet_refuses(expression):
    want = TABLE["printing"]["errors"][expression]
    before = np.get_printoptions()
    with pytest.raises(ERRORS[want["error"]], match="precision and threshold"):
        eval(expression, {"mx": mx})
    assert np.get_printoptions() == before


@pytest.mark.parametrize("section", ["methods", "np_methods"])
def test_methods_on_edge_cases_match_mxnet(section):
    wrong = []
    for expression, want in sorted(TABLE[section].items()):
        got = CAPTURE.evaluate(expression, section == "np_methods")
        if expression in SUPERSET:
            assert "error" in want, "%s now works in MXNet too" % expression
            assert "error" not in got, (expression, got)
            continue
        if not _same(got, want):
            wrong.append((expression, want, got))
    assert not wrong, "%d differences from MXNet, e.g. %s" % (len(wrong), wrong[:6])


def test_errors_are_classified_by_their_tapegraph_class():
    with pytest.raises(MXNetError, match="out has shape"):
        mx.nd.ones((2, 3)).sum(out=mx.nd.zeros((2,)))
    with pytest.raises(TypeError):
        mx.np.ones((2, 3)).sum(initial=1)
    with pytest.raises(MXNetError, match="cannot reshape array of size 6"):
        mx.np.ones((2, 3)).reshape((0, -1))
    with pytest.raises(ValueError):
        mx.np.clip(mx.np.ones(2), None, None)


def test_integer_variance_is_truncated_to_the_input_dtype_and_still_differentiable():
    x = mx.np.array([1.0, 2.0, 4.0])
    x.attach_grad()
    with mx.autograd.record():
        y = mx.np.std(x, dtype="float64")
    y.backward()
    assert y.dtype == np.float64
    want = (x.asnumpy() - x.asnumpy().mean()) / (3 * x.asnumpy().std())
    np.testing.assert_allclose(x.grad.asnumpy(), want, rtol=1e-5)
