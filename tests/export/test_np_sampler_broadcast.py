"""MXNet-written files whose np samplers broadcast their parameters load and run; legacy
`_sample_*` operators refuse parameters of different shapes, as MXNet 1.9.1 does
(tools/capture_np_sampler_broadcast.py)."""
import json
import os

import numpy as np
import pytest

import tapegraph as mx

DATA = os.path.join(os.path.dirname(__file__), "..", "data", "mxnet", "np_sampler_broadcast")
with open(os.path.join(DATA, "mxnet.json")) as _f:
    CAPTURED = json.load(_f)


@pytest.fixture
def np_mode():
    mx.npx.set_np()
    yield
    mx.npx.reset_np()


def test_np_samplers_broadcast_their_parameters(np_mode):
    block = mx.gluon.SymbolBlock.imports(os.path.join(DATA, "mxnet-symbol.json"), ["data"],
                                         os.path.join(DATA, "mxnet-0000.params"))
    x = np.array(CAPTURED["x"], dtype="float32")
    exact, between, sized = block(mx.np.array(x))
    assert [list(o.shape) for o in (exact, between, sized)] == CAPTURED["shapes"]
    np.testing.assert_array_equal(exact.asnumpy(), x)  # scale 0: the draw is loc
    low = x.sum(axis=1, keepdims=True)
    high = np.abs(x.sum(axis=0)) + 10
    got = between.asnumpy()
    assert (got >= low).all() and (got < high).all()
    assert len(np.unique(sized.asnumpy())) == sized.size


def test_legacy_samplers_need_parameters_of_one_shape():
    assert "inferring shapes failed" in CAPTURED["sample_normal_error"]
    s = mx.sym.sample_normal(mx.sym.var("a"), mx.sym.var("b"))
    with pytest.raises(mx.base.MXNetError, match="shape"):
        s.infer_shape(a=(2, 3), b=(3,))
