"""A numpy-mode Gluon block exported by MXNet 1.9.1 (tests/data/mxnet/np_exports, made by
its capture.py under the oracle): `_npi_concatenate` (axis), `_np_max` (initial),
`_npi_flip`, `_np_reshape`, `_npx_relu`, ... with MXNet's np-mode attribute names. It
loads in np mode with MXNet's output and parameter gradients (train mode: BatchNorm uses
the batch statistics)."""
import os

import numpy as onp
import pytest

import tapegraph as mx
from tapegraph import autograd

DATA = os.path.join(os.path.dirname(__file__), "..", "data", "mxnet", "np_exports")


@pytest.mark.parametrize("hybridize", [False, True])
def test_an_np_mode_block_mxnet_exported_loads_as_in_mxnet(hybridize):
    path = os.path.join(DATA, "npnet")
    v = dict(onp.load(path + "-values.npz"))
    with mx.util.np_shape(True), mx.util.np_array(True):
        net = mx.gluon.SymbolBlock.imports(path + "-symbol.json", ["data"],
                                           path + "-0000.params")
        if hybridize:
            net.hybridize()
        for _ in range(2):
            with autograd.record():
                y = net(mx.np.array(v["x"]))
                loss = (y * mx.np.array(v["weights"])).sum()
            loss.backward()
            onp.testing.assert_allclose(y.asnumpy(), v["y"], rtol=1e-5, atol=1e-6)
            grads = {p.name: p.grad().asnumpy() for p in net.collect_params().values()
                     if p.grad_req != "null"}
            for key, want in v.items():
                if key.startswith("grad:"):
                    onp.testing.assert_allclose(grads[key[5:]], want, rtol=1e-4, atol=1e-6,
                                                err_msg=key)
