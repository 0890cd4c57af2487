"""Operators against values captured from Apache MXNet 1.9.1 (tests/data/mxnet/ops_golden.json).

Forward values and first-order gradients are compared with MXNet's. Second order is
compared with MXNet's value where MXNet computes it correctly, and otherwise (MXNet
raises, or is wrong) with the float64 finite-difference estimate captured next to it:
tapegraph differentiates every case to second order.
"""
from __future__ import annotations

import json
import os

import numpy as np
import pytest

import tapegraph as mx

HERE = os.path.dirname(__file__)
with open(os.path.join(HERE, "..", "data", "mxnet", "ops_golden.json")) as fh:
    GOLDEN = json.load(fh)
CASES = GOLDEN["cases"]

# Cases whose MXNet operator tapegraph does not provide, with the reason.
NOT_PROVIDED = {}


def decode(a):
    data = [np.nan if v is None else float(v) if isinstance(v, str) else v for v in a["data"]]
    return np.array(data, dtype=a["dtype"]).reshape(a["shape"])


def make_inputs(case, dtype=None):
    mod = mx.np if case["namespace"] == "np" else mx.nd
    out = {}
    for name, spec in case["inputs"].items():
        data = decode(spec)
        if dtype is not None:
            data = data.astype(dtype)
        arr = mod.array(data, dtype=data.dtype)
        arr.attach_grad()
        out[name] = arr
    return out


class _Float64Namespace:
    """`mx.nd` / `mx.np` whose constructors default to float64, to re-run a float32 case in
    float64 (MXNet's legacy operators refuse a float32 constant times a float64 input)."""
    MAKERS = ("array", "arange", "one_hot", "zeros", "ones", "full")

    def __init__(self, ns):
        self._ns = ns

    def __getattr__(self, name):
        fn = getattr(self._ns, name)
        if name in self.MAKERS:
            return lambda *a, **k: fn(*a, **{"dtype": "float64", **k})
        return fn


class _Float64Mx:
    nd = _Float64Namespace(mx.nd)
    np = _Float64Namespace(mx.np)

    def __getattr__(self, name):
        return getattr(mx, name)


def run(case, inputs, record=True):
    float64 = any(a.dtype == np.float64 for a in inputs.values())
    env = {"mx": _Float64Mx() if float64 else mx, **inputs}
    if record:
        with mx.autograd.record():
            exec(case["code"], env)
    else:
        exec(case["code"], env)
    return env["out"]


@pytest.fixture
def np_mode(request):
    yield
    mx.npx.reset_np()


def _tol(dtype):
    return (1e-4, 1e-5) if dtype == "float32" else (1e-7, 1e-9)


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_forward_and_first_order(case, np_mode):
    if case["id"] in NOT_PROVIDED:
        pytest.xfail(NOT_PROVIDED[case["id"]])
    if case["namespace"] == "np":
        mx.npx.set_np()
    inputs = make_inputs(case)
    out = run(case, inputs)
    want = decode(case["forward"])
    assert out.shape == want.shape
    rtol, atol = _tol(case["forward"]["dtype"])
    np.testing.assert_allclose(out.asnumpy(), want, rtol=rtol, atol=atol)
    if "out_repr" in case and np.array_equal(out.asnumpy(), want):
        assert repr(out) == case["out_repr"]  # printing (when kernels agree to the bit)
    out.backward()
    fd = case["fd_check"]
    for name, g in case["grads"].items():
        if g is None:
            continue
        if fd.get("first") is False:
            continue  # MXNet's gradient is wrong here; see test_first_order_where_mxnet_is_wrong
        rtol, atol = _tol(g["dtype"])
        np.testing.assert_allclose(inputs[name].grad.asnumpy(), decode(g), rtol=rtol,
                                   atol=max(atol, 1e-5), err_msg="gradient of " + name)


def _scalar_fd(case, inputs64, name, eps=1e-6):
    base = {k: v.asnumpy() for k, v in inputs64.items()}
    mod = mx.np if case["namespace"] == "np" else mx.nd
    grad = np.zeros_like(base[name])
    for k in range(grad.size):
        vals = []
        for t in (eps, -eps):
            shifted = {n: mod.array(a.copy(), dtype=a.dtype) for n, a in base.items()}
            shifted[name]._data.reshape(-1)[k] += t
            vals.append(float(run(case, shifted, record=False).asnumpy().sum()))
        grad.reshape(-1)[k] = (vals[0] - vals[1]) / (2 * eps)
    return grad


WRONG_FIRST = [c for c in CASES if c["fd_check"].get("first") is False]


@pytest.mark.parametrize("case", WRONG_FIRST, ids=[c["id"] for c in WRONG_FIRST])
def test_first_order_where_mxnet_is_wrong(case, np_mode):
    """MXNet's first derivative is wrong (selu, BatchNorm in predict mode): tapegraph's
    must match float64 finite differences instead."""
    inputs = make_inputs(case, "float64")
    out = run(case, inputs)
    out.backward()
    for name in case["inputs"]:
        np.testing.assert_allclose(inputs[name].grad.asnumpy(), _scalar_fd(case, inputs, name),
                                   rtol=1e-5, atol=1e-6, err_msg="gradient of " + name)


    check_second_order_numerically(case)


def check_second_order_numerically(case):
    names = list(case["inputs"])

    def f(*arrays):
        return run(case, dict(zip(names, arrays)), record=False)
    inputs = make_inputs(case, "float64")
    assert mx.test_utils.gradcheck(f, [inputs[n] for n in names], order=2)


# The captured `second_fd` differentiates MXNet's own first derivative numerically, so it
# is the truth only where that first derivative is right.
SECOND = [c for c in CASES if "second_fd" in c["fd_check"] and c["id"] not in NOT_PROVIDED
          and c["fd_check"].get("first") is not False]


@pytest.mark.parametrize("case", SECOND, ids=[c["id"] for c in SECOND])
def test_second_order(case, np_mode):
    if case["namespace"] == "np":
        mx.npx.set_np()
    mxnet_is_right = "error" not in case["second"] and case["fd_check"].get("second") is True
    inputs = make_inputs(case, None if mxnet_is_right else "float64")
    names = list(case["inputs"])
    try:
        with mx.autograd.record():
            env = {"mx": mx if mxnet_is_right else _Float64Mx(), **inputs}
            exec(case["code"], env)
            grads = mx.autograd.grad(env["out"], [inputs[n] for n in names],
                                     create_graph=True, retain_graph=True)
            s = grads[0].sum()
            for g in grads[1:]:
                s = s + g.sum()
        s.backward()
    except mx.MXNetError as e:
        # MXNet raises here too: `backward()` of a head that depends on no variable (the
        # second derivative is identically zero), or sign's _backward_sign.
        assert "error" in case["second"], "MXNet computes this second order: %s" % e
        assert case["second"]["error"] in str(e) or "There are no inputs" in str(e) or \
            "not in a computational graph" in str(e)
        for name in names:
            assert not np.any(decode(case["fd_check"]["second_fd"][name]))
        return
    for name in names:
        got = inputs[name].grad.asnumpy()
        if mxnet_is_right:
            want = decode(case["second"][name])
            np.testing.assert_allclose(got, want, rtol=1e-3, atol=1e-4, err_msg=name)
        else:
            # second_fd is a finite-difference estimate from float32 data: ~1e-3 accurate
            want = decode(case["fd_check"]["second_fd"][name])
            np.testing.assert_allclose(got, want, rtol=5e-3, atol=2e-3, err_msg=name)


with open(os.path.join(HERE, "..", "data", "mxnet", "deconvolution_golden.json")) as fh:
    DECONV = json.load(fh)["cases"]


@pytest.mark.parametrize("case", DECONV, ids=[str(i) for i in range(len(DECONV))])
def test_deconvolution_against_mxnet(case):
    attrs = {k: tuple(v) if isinstance(v, list) else v for k, v in case["attrs"].items()}
    arrays = [mx.nd.array(case[k], dtype="float64") for k in ("x", "w", "b") if case[k]]
    for a in arrays:
        a.attach_grad()
    with mx.autograd.record():
        out = mx.nd.Deconvolution(*arrays, **attrs)
        y = (out * out).sum()
    y.backward()
    np.testing.assert_allclose(out.asnumpy(), case["out"], rtol=1e-10, atol=1e-12)
    for a, k in zip(arrays, ("dx", "dw", "db")):
        np.testing.assert_allclose(a.grad.asnumpy(), case[k], rtol=1e-10, atol=1e-12)


with open(os.path.join(HERE, "..", "data", "mxnet", "forward_golden.json")) as fh:
    FORWARD = json.load(fh)["cases"]


@pytest.mark.parametrize("expr", sorted(FORWARD))
def test_more_forward_values_against_mxnet(expr):
    """Shapes, dtypes and values of more mx.nd expressions (attributes, modes, indexing)."""
    x = mx.nd.array(np.random.RandomState(5).uniform(-1, 1, (3, 4)))
    got = eval(expr, {"mx": mx, "x": x})
    want = FORWARD[expr]
    assert list(got.shape) == want["shape"] and got.asnumpy().dtype.name == want["dtype"]
    np.testing.assert_allclose(got.asnumpy().ravel(), np.array(want["data"], dtype=np.float64),
                               rtol=1e-5, atol=1e-6)


with open(os.path.join(HERE, "..", "data", "mxnet", "np_forward_golden.json")) as fh:
    NP_FORWARD = json.load(fh)["cases"]


@pytest.mark.parametrize("expr", sorted(NP_FORWARD))
def test_np_forward_values_against_mxnet(expr, np_mode):
    """Shapes, dtypes (int64 indices, NumPy dtype promotion) and values of mx.np / mx.npx."""
    mx.npx.set_np()
    x = mx.np.array(np.random.RandomState(5).uniform(-1, 1, (3, 4)), dtype="float32")
    got = eval(expr, {"mx": mx, "x": x}).asnumpy()
    want = NP_FORWARD[expr]
    assert list(got.shape) == want["shape"] and got.dtype.name == want["dtype"]
    np.testing.assert_allclose(got.ravel(), np.array(want["data"], dtype=np.float64),
                               rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("source, dtype", [(np.zeros(2), "float64"),
                                           (np.zeros(2, dtype=np.int32), "int32"),
                                           (np.float64(3.0), "float64"), ([1, 2], "float32"),
                                           (3, "float32")])
def test_np_array_keeps_numpy_dtypes(source, dtype):
    """MXNet 1.9.1: mx.np.array keeps a NumPy input's dtype; Python data is float32."""
    assert mx.np.array(source).dtype == np.dtype(dtype)


with open(os.path.join(HERE, "..", "data", "mxnet", "loss_layers_golden.json")) as fh:
    LOSS_LAYERS = json.load(fh)["cases"]


@pytest.mark.parametrize("case", LOSS_LAYERS, ids=[
    "%s-%d" % (c["op"], i) for i, c in enumerate(LOSS_LAYERS)])
def test_output_layers_against_mxnet(case):
    """MXNet's loss-layer gradients: the loss gradient, ignoring the head unless out_grad."""
    x = mx.nd.array(case["x"], dtype="float64")
    x.attach_grad()
    with mx.autograd.record():
        y = getattr(mx.nd, case["op"])(x, mx.nd.array(case["label"], dtype="float64"),
                                       **case["attrs"])
    y.backward(mx.nd.array(case["head"], dtype="float64"))
    # MXNet keeps some intermediates of these layers in float32 even for float64 data
    np.testing.assert_allclose(y.asnumpy(), case["forward"], rtol=1e-6, atol=1e-9)
    want = np.array(case["grad"])
    if case["attrs"].get("out_grad"):
        # MXNet 1.9.1 multiplies by the softmax output instead of the head gradient here
        # (imperative mode); tapegraph multiplies by the head gradient, as documented.
        p, hot = y.asnumpy(), np.eye(y.shape[-1])[np.array(case["label"], dtype=int)]
        np.testing.assert_allclose(want, (p - hot) * p, rtol=1e-6, atol=1e-9)
        want = (p - hot) * np.array(case["head"])
    np.testing.assert_allclose(x.grad.asnumpy(), want, rtol=1e-6, atol=1e-9)
