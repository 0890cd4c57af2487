"""Operators named in a hybridized forward (`F.op(..., name='fwd')`, as Gluon's layers do)
are exported as `<block prefix><name>`, the names MXNet gives them (captured in
tests/data/mxnet/scripts/export_node_names.out); outside a trace, names are not kept."""
import json

from tapegraph import autograd, nd
from tapegraph.gluon import nn


class Scaled(nn.HybridBlock):
    def hybrid_forward(self, F, x):
        return F.relu(x * 2, name="act") + 1


def test_named_operator_of_a_custom_block_is_exported_under_its_prefix(tmp_path):
    net = nn.HybridSequential()
    net.add(nn.Dense(3, in_units=2), Scaled(prefix="scaled_"))
    net.initialize()
    net.hybridize()
    net(nd.ones((1, 2)))
    net.export(str(tmp_path / "m"))
    with open(tmp_path / "m-symbol.json") as f:
        names = [n["name"] for n in json.load(f)["nodes"] if n["op"] != "null"]
    assert "scaled_act" in names and any(n.endswith("_fwd") for n in names)


def test_names_outside_a_trace_are_not_recorded():
    x = nd.ones((2, 2))
    x.attach_grad()
    with autograd.record():
        y = nd.relu(x, name="act")
        z = y * 2
    assert y._value.node.meta is None and z._value.node.meta is None
