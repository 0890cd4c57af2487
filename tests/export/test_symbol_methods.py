"""Symbol's fluent methods against MXNet 1.9.1 (tools/capture_symbol_methods.py)."""
import json
import os
import re

import numpy as np
import pytest

import tapegraph as mx
from tapegraph import gluon
from tapegraph.symbol.api.fluent import FLUENT, REFUSED, UNSUPPORTED

DATA = os.path.join(os.path.dirname(__file__), "..", "data", "mxnet", "symbol_methods",
                    "mxnet.json")
with open(DATA) as _f:
    CAPTURED = json.load(_f)
PAD_SHAPE = (1, 1, 2, 3)


def _call(case):
    x = mx.sym.var("x")
    if case["method"] == "pad":
        x = x.reshape(PAD_SHAPE)
    kwargs = dict(case["kwargs"])
    for k in ("indices", "index"):
        if k in kwargs:
            kwargs[k] = mx.sym.var("i")
    args = [tuple(a) if isinstance(a, list) else a for a in case["args"]]
    kwargs = {k: tuple(v) if isinstance(v, list) else v for k, v in kwargs.items()}
    return getattr(x, case["method"])(*args, **kwargs)


@pytest.mark.parametrize("case", CAPTURED["cases"],
                         ids=["%s-%d" % (c["method"], k) for k, c in enumerate(CAPTURED["cases"])])
def test_fluent_method_writes_and_computes_what_mxnet_does(case):
    out = _call(case)
    nodes = [{"op": n["op"], "name": re.sub(r"\d+$", "", n["name"]), "attrs": n.get("attrs", {})}
             for n in json.loads(out.tojson())["nodes"] if n["op"] != "null"]
    assert nodes == case["nodes"]
    feed = {"x": mx.nd.array(CAPTURED["x"])}
    if "i" in out.list_arguments():
        feed["i"] = mx.nd.array(CAPTURED["i"])
    values = out.eval(**feed)
    assert [np.dtype(v.dtype).name for v in values] == case["dtypes"]
    for got, want in zip(values, case["outputs"]):
        np.testing.assert_allclose(got.asnumpy().astype("float64"), want, rtol=1e-3, atol=1e-6)


def test_every_mxnet_symbol_method_exists():
    ours = set(dir(mx.sym.Symbol))
    internal = {"handle"}  # MXNet's C handle
    missing = sorted(set(CAPTURED["dir"]) - ours - internal)
    assert missing == []
    assert set(FLUENT) | set(UNSUPPORTED) | set(REFUSED) <= ours


@pytest.mark.parametrize("call", [lambda s: s.optimize_for("MKLDNN"),
                                  lambda s: s.get_backend_symbol("MKLDNN")])
def test_partitioning_backends_are_refused_with_a_reason(call):
    with pytest.raises(mx.base.MXNetError, match="not supported"):
        call(mx.sym.relu(mx.sym.var("x")))


@pytest.mark.parametrize("method", sorted(CAPTURED["refused"]))
def test_ndarray_only_methods_are_refused_as_in_mxnet(method):
    assert CAPTURED["refused"][method] == "NotImplementedForSymbol"
    with pytest.raises(mx.base.MXNetError, match="not implemented for Symbol"):
        getattr(mx.sym.var("x"), method)()


# MXNet 1.9.1's nodes for these methods (op, name in a fresh process, attrs)
METHOD_NODES = [
    ("d.broadcast_axes(axis=0, size=2)", "broadcast_axis", "broadcast_axes0",
     {"axis": "0", "size": "2"}),
    ("d.softmin()", "softmin", "softmin0", None),
    ("d.nansum()", "nansum", "nansum0", None),
    ("d.broadcast_like(e)", "broadcast_like", "broadcast_like0", None),
    ("d.depth_to_space(2)", "depth_to_space", "depth_to_space0", {"block_size": "2"}),
    ("d.argmax_channel()", "argmax_channel", "argmax_channel0", None),
]


@pytest.mark.parametrize("code,op,name,attrs", METHOD_NODES, ids=[c[0] for c in METHOD_NODES])
def test_methods_build_mxnets_node(code, op, name, attrs, monkeypatch):
    with mx.name.NameManager():  # a fresh process's names
        sym = eval(code, {"d": mx.sym.var("d"), "e": mx.sym.var("e")})
    node = json.loads(sym.tojson())["nodes"][-1]
    assert (node["op"], node["name"], node.get("attrs")) == (op, name, attrs)


def test_block_save_of_a_forward_calling_astype(tmp_path):
    class Cast(gluon.HybridBlock):
        def __init__(self):
            super().__init__()
            with self.name_scope():
                self.w = self.params.get("w", shape=(3,), init="ones")

        def hybrid_forward(self, F, x, w):
            return F.broadcast_mul(x * 2, w).astype("float16")

    with mx.name.NameManager():  # "cast0" (symbols' Cast nodes count "cast" too, as in MXNet)
        net = Cast()
    net.initialize()
    net.hybridize()
    want = net(mx.nd.array(CAPTURED["x"]))
    net.save(str(tmp_path / "m"))
    with open(str(tmp_path / "m-model.json")) as f:
        model = json.load(f)
    symbol = json.loads(model["cast0"]["symbol"])
    assert [n["op"] for n in symbol["nodes"] if n["op"] != "null"] == [
        "_mul_scalar", "broadcast_mul", "Cast"]
    x = mx.nd.array(CAPTURED["x"])
    got = mx.sym.load_json(model["cast0"]["symbol"]).eval(data=x, cast0_w=net.w.data())[0]
    assert got.dtype == want.dtype == np.float16
    np.testing.assert_array_equal(got.asnumpy(), want.asnumpy())
