"""Saving and loading blocks without parameters, against MXNet 1.9.1.

    /tmp/mxnet-oracle/bin/python tools/capture_empty_params.py

Writes tests/data/mxnet/empty_params.json: the bytes of the `.params` file MXNet writes
for a block with no parameters (`export` and `Block.save`), what `mx.nd.load` returns for
it, the outputs of the block reloaded with `Block.load` and with `SymbolBlock.imports`
(on X), whether `ParameterDict.load` of an empty dictionary accepts the file, and the
error type `load_parameters` raises when the block has a parameter the file lacks.
"""
import json
import os
import tempfile

import mxnet as mx
from mxnet import gluon

OUT = os.path.join(os.path.dirname(__file__), "..", "tests", "data", "mxnet",
                   "empty_params.json")
X = [[1.0, -2.0, 3.5]]


class NoParams(gluon.HybridBlock):
    """A hybridized block without parameters."""

    def hybrid_forward(self, F, x):
        return F.relu(x * 2) + 1


class OneParam(gluon.HybridBlock):
    """A block with one parameter, `w`."""

    def __init__(self):
        super().__init__()
        with self.name_scope():
            self.w = self.params.get("w", shape=(3,), init="ones")

    def hybrid_forward(self, F, x, w):
        return x * w


def _error(fn):
    try:
        fn()
        return None
    except Exception as e:  # noqa: BLE001 - the captured fact is the error type
        return type(e).__name__


def main():
    doc = {"x": X}
    with tempfile.TemporaryDirectory() as d:
        net = NoParams()
        net.initialize()
        net.hybridize()
        net(mx.nd.array(X))
        net.export(os.path.join(d, "e"))
        net.save(os.path.join(d, "s"))
        with open(os.path.join(d, "e-0000.params"), "rb") as f:
            doc["export_params_hex"] = f.read().hex()
        with open(os.path.join(d, "s-model.params"), "rb") as f:
            doc["save_params_hex"] = f.read().hex()
        doc["nd_load"] = repr(mx.nd.load(os.path.join(d, "e-0000.params")))
        loaded = NoParams()
        loaded.load(os.path.join(d, "s"))
        doc["block_load"] = loaded(mx.nd.array(X)).asnumpy().tolist()
        imported = gluon.SymbolBlock.imports(os.path.join(d, "e-symbol.json"), ["data"],
                                             os.path.join(d, "e-0000.params"))
        doc["imports"] = imported(mx.nd.array(X)).asnumpy().tolist()
        doc["parameter_dict_load"] = _error(
            lambda: gluon.ParameterDict().load(os.path.join(d, "e-0000.params")))
        one = OneParam()
        one.initialize()
        doc["load_parameters_missing"] = _error(
            lambda: one.load_parameters(os.path.join(d, "e-0000.params")))
    with open(OUT, "w") as f:
        json.dump(doc, f, indent=1, sort_keys=True)


if __name__ == "__main__":
    main()
