"""Pooling against Apache MXNet 1.9.1 (tests/data/mxnet/pooling_golden.json, captured by
capture_pooling.py): the 'full' convention in 1-D, 2-D and 3-D (max, avg with and without
count_include_pad, sum; windows clipped at the border, one lying wholly in the padding)
and max-pooling ties (the cotangent goes to each window's first maximum), values and
gradients; then the same cases through Gluon's ceil_mode layers, and the conventions
MXNet refuses."""
import json
import os

import numpy as np
import pytest

import tapegraph as mx
from tapegraph.gluon import nn

HERE = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(HERE, "..", "data", "mxnet", "pooling_golden.json")) as fh:
    CASES = json.load(fh)["cases"]


def _attrs(case):
    return {k: tuple(v) if isinstance(v, list) else v for k, v in case["attrs"].items()}


def _id(case):
    a = case["attrs"]
    return "%dd-%s-%s%s" % (len(np.shape(case["x"])) - 2, a["pool_type"],
                            a.get("pooling_convention", "valid"),
                            "-exclude" if a.get("count_include_pad") is False else "")


@pytest.mark.parametrize("case", CASES, ids=[_id(c) for c in CASES])
def test_pooling_values_and_gradients_match_mxnet(case):
    dtype = case["dtype"]
    x = mx.nd.array(case["x"], dtype=dtype)
    x.attach_grad()
    with mx.autograd.record():
        out = mx.nd.Pooling(x, **_attrs(case))
    out.backward(mx.nd.array(case["head"], dtype=dtype))
    assert out.dtype == np.dtype(dtype) and x.grad.dtype == np.dtype(dtype)
    tol = dict(rtol=1e-6, atol=1e-6) if dtype == "float32" else dict(rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(out.asnumpy(), np.array(case["out"], dtype), **tol)
    np.testing.assert_allclose(x.grad.asnumpy(), np.array(case["dx"], dtype), **tol)


_LAYERS = {("max", 1): nn.MaxPool1D, ("max", 2): nn.MaxPool2D, ("max", 3): nn.MaxPool3D,
           ("avg", 1): nn.AvgPool1D, ("avg", 2): nn.AvgPool2D, ("avg", 3): nn.AvgPool3D}
CEIL = [c for c in CASES if c["attrs"].get("pooling_convention") == "full"
        and c["attrs"]["pool_type"] != "sum"]


@pytest.mark.parametrize("hybridize", [False, True])
@pytest.mark.parametrize("case", CEIL, ids=[_id(c) for c in CEIL])
def test_gluon_ceil_mode_layers_match_mxnet(case, hybridize):
    a = case["attrs"]
    kwargs = dict(pool_size=tuple(a["kernel"]), strides=tuple(a["stride"]),
                  padding=tuple(a.get("pad", (0,) * len(a["kernel"]))), ceil_mode=True)
    if "count_include_pad" in a:
        kwargs["count_include_pad"] = a["count_include_pad"]
    layer = _LAYERS[a["pool_type"], len(a["kernel"])](**kwargs)
    if hybridize:
        layer.hybridize()
    dtype = case["dtype"]
    x = mx.nd.array(case["x"], dtype=dtype)
    x.attach_grad()
    with mx.autograd.record():
        out = layer(x)
    out.backward(mx.nd.array(case["head"], dtype=dtype))
    np.testing.assert_allclose(out.asnumpy(), np.array(case["out"], dtype), rtol=1e-6)
    np.testing.assert_allclose(x.grad.asnumpy(), np.array(case["dx"], dtype), rtol=1e-6,
                               atol=1e-12)


def test_ceil_mode_layer_builds_one_pooling_symbol():
    net = nn.MaxPool2D(pool_size=2, ceil_mode=True)
    sym = net(mx.sym.var("data"))
    ops = [n["op"] for n in json.loads(sym.tojson())["nodes"] if n["op"] != "null"]
    assert ops == ["Pooling"] and "'full'" in sym.tojson().replace('"full"', "'full'")


def test_same_convention_is_refused_as_mxnet_does():
    with pytest.raises(mx.base.MXNetError, match="pooling_convention='same'"):
        mx.nd.Pooling(mx.nd.ones((1, 1, 5)), kernel=(2,), stride=(2,),
                      pooling_convention="same")
    with pytest.raises(mx.base.MXNetError, match="'valid' or 'full'"):
        mx.nd.Pooling(mx.nd.ones((1, 1, 5)), kernel=(2,), pooling_convention="ceil")
