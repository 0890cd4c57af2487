"""MXNet code imports names from implementation modules (`from mxnet.optimizer.optimizer
import SGD`, `from mxnet.symbol.symbol import Symbol`); the same statements work here,
for every name MXNet 1.9.1 defines in those modules (captured in api_names.json)."""
import importlib
import json
import os

import pytest

NAMES = os.path.join(os.path.dirname(__file__), "..", "data", "mxnet", "api_names.json")
with open(NAMES) as _fh:
    _MODULES = json.load(_fh)["modules"]
IMPLEMENTATION = ["mxnet.optimizer.optimizer", "mxnet.gluon.nn.basic_layers",
                  "mxnet.gluon.nn.conv_layers", "mxnet.gluon.rnn.rnn_cell",
                  "mxnet.ndarray.ndarray", "mxnet.symbol.symbol", "mxnet.numpy.multiarray",
                  "mxnet.image.image", "mxnet.io.io", "mxnet.executor", "mxnet.rnn.rnn_cell",
                  "mxnet.gluon.block", "mxnet.gluon.parameter"]


@pytest.mark.parametrize("module", IMPLEMENTATION)
def test_from_import_of_every_defined_name(module):
    names = _MODULES[module]
    assert names, module
    scope = {}
    exec("from %s import %s" % ("tapegraph" + module[len("mxnet"):], ", ".join(names)), scope)
    assert all(scope[n] is not None for n in names)


def test_forwarded_names_are_the_package_objects():
    from tapegraph.gluon.nn.basic_layers import BatchNorm
    from tapegraph.optimizer.optimizer import SGD, get_updater
    import tapegraph as mx
    assert BatchNorm is mx.gluon.nn.BatchNorm and SGD is mx.optimizer.SGD
    assert get_updater is mx.optimizer.get_updater
    assert "SGD" in dir(mx.optimizer.optimizer)
    with pytest.raises(AttributeError, match="no attribute 'Nope'"):
        mx.optimizer.optimizer.Nope  # noqa: B018


def test_module_aliases_are_the_modules():
    import tapegraph as mx
    for alias, target in (("tapegraph.symbol.symbol", mx.sym),
                          ("tapegraph.numpy.multiarray", mx.np),
                          ("tapegraph.rnn.rnn_cell", mx.rnn)):
        assert importlib.import_module(alias) is target
