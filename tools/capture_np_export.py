"""np-mode export (npx.set_np, a HybridBlock using F.np / F.npx) against MXNet 1.9.1.

    /tmp/mxnet-oracle/bin/python tools/capture_np_export.py capture
    .venv/bin/python tools/capture_np_export.py write DIR
    /tmp/mxnet-oracle/bin/python tools/capture_np_export.py check DIR

`capture` writes tests/data/mxnet/np_export/: `mxnet-symbol.json` and `mxnet-0000.params`
(MXNet's export of `NpBlock` with the weights of `set_weights`), and `mxnet.json`: the
block's output on X, and `canonical`: for each np name of `names.txt` (the `mxnet_np` names
of tapegraph's operators), the name MXNet writes in symbol JSON (its operator's own name:
`_npi_maximum_scalar` is an alias of `_maximum_scalar`). `write` exports the same block
with tapegraph into DIR; `check` loads that file with MXNet's `SymbolBlock.imports`, runs
it on X and writes tests/data/mxnet/np_export/import.json.
"""
import ctypes
import json
import os
import sys

import numpy as np

OUT = os.path.join(os.path.dirname(__file__), "..", "tests", "data", "mxnet", "np_export")
X = [[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]]


def np_block(gluon):
    """A small np-mode block: Dense, a 0-d sum broadcast into a binary op, scalar ops."""
    class NpBlock(gluon.HybridBlock):
        def __init__(self):
            super().__init__()
            with self.name_scope():
                self.dense = gluon.nn.Dense(4)

        def hybrid_forward(self, F, x):
            y = self.dense(x)
            z = y + x.sum() * 2 - F.np.exp(y) / (y * y + 1)
            return F.npx.relu(z) + F.np.tanh(y) ** 2 + F.np.maximum(y, 0.5) - 3

    return NpBlock()


def set_weights(net, mx):
    """Fixed weights, so both libraries compute the same numbers."""
    net(mx.np.array(X))
    net.dense.weight.set_data(mx.np.array(np.arange(12).reshape(4, 3) * 0.1 - 0.5))
    net.dense.bias.set_data(mx.np.array([0.1, -0.2, 0.3, -0.4]))


def _canonical(names):
    from mxnet.base import _LIB, c_str, py_str, mx_uint
    out = {}
    for n in names:
        h = ctypes.c_void_p()
        if _LIB.NNGetOpHandle(c_str(n), ctypes.byref(h)) != 0 or not h.value:
            out[n] = None
            continue
        name, desc, kv, rt = (ctypes.c_char_p() for _ in range(4))
        num = mx_uint()
        an, at, ad = (ctypes.POINTER(ctypes.c_char_p)() for _ in range(3))
        _LIB.MXSymbolGetAtomicSymbolInfo(h, ctypes.byref(name), ctypes.byref(desc),
                                         ctypes.byref(num), ctypes.byref(an), ctypes.byref(at),
                                         ctypes.byref(ad), ctypes.byref(kv), ctypes.byref(rt))
        out[n] = py_str(name.value)
    return out


def _build(mx):
    mx.npx.set_np()
    net = np_block(mx.gluon)
    net.initialize()
    net.hybridize()
    set_weights(net, mx)
    return net


def capture():
    import mxnet as mx
    net = _build(mx)
    out = net(mx.np.array(X))
    net.export(os.path.join(OUT, "mxnet"))
    with open(os.path.join(OUT, "names.txt")) as f:
        names = f.read().split()
    doc = {"x": X, "output": out.asnumpy().tolist(), "canonical": _canonical(names)}
    with open(os.path.join(OUT, "mxnet.json"), "w") as f:
        json.dump(doc, f, indent=1, sort_keys=True)


def write(directory):
    import tapegraph as mx
    net = _build(mx)
    net(mx.np.array(X))
    net.export(os.path.join(directory, "tapegraph"))


def check(directory):
    import mxnet as mx
    mx.npx.set_np()
    block = mx.gluon.SymbolBlock.imports(os.path.join(directory, "tapegraph-symbol.json"),
                                         ["data"], os.path.join(directory,
                                                                "tapegraph-0000.params"))
    out = block(mx.np.array(X))
    with open(os.path.join(OUT, "import.json"), "w") as f:
        json.dump({"output": out.asnumpy().tolist()}, f, indent=1)


if __name__ == "__main__":
    {"capture": capture, "write": write, "check": check}[sys.argv[1]](*sys.argv[2:])
