"""Sampler blocks exported by MXNet 1.9.1 (tests/data/mxnet/sampler_exports, made by its
capture.py under the oracle): a spatial transformer network (`SpatialTransformer` of the
image at the affine parameters of a localisation net) and a warp (`GridGenerator` warp and
affine grids read by `BilinearSampler`) load as registered operators, with MXNet's outputs
and gradients (the image's and every parameter's), eagerly and hybridized; MXNet's saved
symbol holding two `_histogram` nodes (bin_cnt + range, and an edges input) gives MXNet's
counts and edges. A spatial transformer hybridized here is a fixed graph (not
value-dependent): later calls follow their own inputs, and its export loads back."""
import json
import os
import sys

import numpy as np
import pytest

import tapegraph as mx
from tapegraph import autograd
from tapegraph.gluon import nn

sys.path.insert(0, os.path.dirname(__file__))
from mxnet_captures import check_like_mxnet  # noqa: E402

DATA = os.path.join(os.path.dirname(__file__), "..", "data", "mxnet", "sampler_exports")


def _imported(name, names=("data",)):
    path = os.path.join(DATA, name)
    net = mx.gluon.SymbolBlock.imports(path + "-symbol.json", list(names),
                                       path + "-0000.params")
    return net, dict(np.load(path + "-values.npz"))


@pytest.mark.parametrize("name", ["stn", "warp"])
@pytest.mark.parametrize("hybridize", [False, True])
def test_mxnets_sampler_blocks_load_and_differentiate_as_in_mxnet(name, hybridize):
    net, values = _imported(name)
    if hybridize:
        net.hybridize()
    x = mx.nd.array(values["x"])
    x.attach_grad()
    check_like_mxnet(net, [x], values, x=x, grad_atol=1e-5)


def test_mxnets_exports_hold_mxnets_operators():
    for name, want in (("stn", {"SpatialTransformer"}),
                       ("warp", {"BilinearSampler", "GridGenerator"})):
        with open(os.path.join(DATA, name + "-symbol.json")) as f:
            ops = {n["op"] for n in json.load(f)["nodes"]}
        assert want <= ops


@pytest.mark.parametrize("hybridize", [False, True])
def test_mxnets_histogram_symbol_gives_mxnets_counts(hybridize):
    net, values = _imported("hist", ("data0", "data1"))
    if hybridize:
        net.hybridize()
    for _ in range(2):
        y = net(mx.nd.array(values["x"]), mx.nd.array(values["extra"]))
        np.testing.assert_allclose(y.asnumpy(), values["y"], rtol=1e-6)
    internals = mx.sym.load(os.path.join(DATA, "hist-symbol.json")).get_internals()
    assert "_histogram0_output0" in internals.list_outputs()


class STN(nn.HybridBlock):
    """A spatial transformer as the captured one."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        with self.name_scope():
            self.loc = nn.Dense(6, bias_initializer=mx.init.Constant(
                mx.nd.array([0.8, 0.05, 0.03, -0.04, 0.75, 0.02])))
            self.head = nn.Conv2D(2, 3, padding=1)

    def hybrid_forward(self, F, x):
        theta = self.loc(x)
        warped = F.SpatialTransformer(x, theta, target_shape=(5, 6), transform_type="affine",
                                      sampler_type="bilinear")
        return self.head(warped)


def test_a_hybridized_spatial_transformer_is_a_fixed_graph_that_exports(tmp_path):
    rng = np.random.RandomState(5)
    net = STN(prefix="stn_")
    net.initialize(mx.init.Uniform(0.2))
    xs = [mx.nd.array(rng.uniform(0, 1, (2, 3, 8, 8))) for _ in range(3)]
    eager = [net(x).asnumpy() for x in xs]
    net.hybridize()
    for x, want in zip(xs, eager):
        np.testing.assert_allclose(net(x).asnumpy(), want, rtol=1e-5, atol=1e-6)
    assert not net._last.value_dependent
    assert "SpatialTransformer" in {n.op for n in net.forward_graph.nodes}
    net.export(str(tmp_path / "stn"))
    loaded = mx.gluon.SymbolBlock.imports(str(tmp_path / "stn-symbol.json"), ["data"],
                                          str(tmp_path / "stn-0000.params"))
    np.testing.assert_allclose(loaded(xs[2]).asnumpy(), eager[2], rtol=1e-5, atol=1e-6)
    # the head's gradient reaches the localisation net through the sampling grid
    with autograd.record():
        y = net(xs[0])
    y.backward()
    assert np.abs(net.loc.weight.grad().asnumpy()).sum() > 0
