"""Implicit broadcasting of sampler parameters in MXNet 1.9.1 symbol files.

    /tmp/mxnet-oracle/bin/python tools/capture_np_sampler_broadcast.py

MXNet's np samplers (`_npi_normal`, `_npi_uniform`) broadcast their array parameters
(and to `size`); its legacy `_sample_*` operators require equal shapes. Writes
tests/data/mxnet/np_sampler_broadcast/: `mxnet-symbol.json` / `mxnet-0000.params`
(MXNet's export of `block()` in np mode, whose parameters have shapes (2, 1), (3,) and
(2, 3)) and `mxnet.json`: the input, the output shapes MXNet computes, and the error MXNet
raises for `_sample_normal` with parameters of shapes (2, 3) and (3,).
"""
import json
import os

import mxnet as mx

OUT = os.path.join(os.path.dirname(__file__), "..", "tests", "data", "mxnet",
                   "np_sampler_broadcast")
X = [[1.0, 2.0, 3.0], [-1.0, -2.0, -3.0]]


def block(gluon):
    """normal(loc (2, 3), scale (3,)) with scale 0 (so the draw is loc), uniform(low (2, 1),
    high (3,)), and normal(loc (2, 1), scale (3,), size (4, 2, 3))."""
    class Broadcasting(gluon.HybridBlock):
        def hybrid_forward(self, F, x):
            col = F.np.sum(x, axis=1, keepdims=True)           # (2, 1)
            row = F.np.abs(F.np.sum(x, axis=0)) + 10            # (3,), all > col
            exact = F.np.random.normal(x, row * 0)              # == x
            between = F.np.random.uniform(col, row)             # (2, 3), col <= . < row
            sized = F.np.random.normal(col, row, size=(4, 2, 3))
            return exact, between, sized

    return Broadcasting()


def main():
    os.makedirs(OUT, exist_ok=True)
    mx.npx.set_np()
    net = block(mx.gluon)
    net.initialize()
    net.hybridize()
    outs = net(mx.np.array(X))
    net.export(os.path.join(OUT, "mxnet"))
    doc = {"x": X, "shapes": [list(o.shape) for o in outs]}
    mx.npx.reset_np()
    try:
        mx.nd.sample_normal(mx.nd.ones((2, 3)), mx.nd.ones((3,)))
        doc["sample_normal_error"] = None
    except mx.base.MXNetError as e:
        doc["sample_normal_error"] = [ln for ln in str(e).splitlines() if "MXNetError" in ln][-1]
    with open(os.path.join(OUT, "mxnet.json"), "w") as f:
        json.dump(doc, f, indent=1, sort_keys=True)


if __name__ == "__main__":
    main()
