"""Blocks without parameters saved and loaded as in MXNet 1.9.1 (an empty `.params` file
is both an empty list and an empty dictionary). Captured by tools/capture_empty_params.py."""
import json
import os
import sys

import numpy as np
import pytest

import tapegraph as mx
from tapegraph import gluon

sys.path.insert(0, os.path.dirname(os.path.dirname(__file__)))
from capture_tools import capture_module  # noqa: E402

DATA = os.path.join(os.path.dirname(__file__), "..", "data", "mxnet", "empty_params.json")
with open(DATA) as _f:
    CAPTURED = json.load(_f)


# the blocks the capture saved and loaded in MXNet
_TOOL = capture_module("capture_empty_params")
NoParams, OneParam = _TOOL.NoParams, _TOOL.OneParam


@pytest.fixture
def saved(tmp_path):
    net = NoParams()
    net.initialize()
    net.hybridize()
    net(mx.nd.array(CAPTURED["x"]))
    net.export(str(tmp_path / "e"))
    net.save(str(tmp_path / "s"))
    return tmp_path


def test_empty_params_files_are_mxnets(saved):
    for name, key in (("e-0000.params", "export_params_hex"),
                      ("s-model.params", "save_params_hex")):
        with open(str(saved / name), "rb") as f:
            assert f.read().hex() == CAPTURED[key]


def test_block_load_of_a_block_without_parameters(saved):
    loaded = NoParams()
    loaded.load(str(saved / "s"))
    out = loaded(mx.nd.array(CAPTURED["x"]))
    np.testing.assert_array_equal(out.asnumpy(), CAPTURED["block_load"])


def test_symbolblock_imports_with_an_empty_params_file(saved):
    block = gluon.SymbolBlock.imports(str(saved / "e-symbol.json"), ["data"],
                                      str(saved / "e-0000.params"))
    out = block(mx.nd.array(CAPTURED["x"]))
    np.testing.assert_array_equal(out.asnumpy(), CAPTURED["imports"])


def test_parameter_dict_load_of_an_empty_file(saved):
    assert CAPTURED["parameter_dict_load"] is None  # MXNet accepts it
    params = gluon.ParameterDict()
    params.load(str(saved / "e-0000.params"))
    assert list(params.keys()) == []


def test_a_missing_parameter_is_a_clear_error_and_changes_nothing(saved):
    # MXNet 1.9.1 crashes here (AttributeError: 'list' object has no attribute 'keys');
    # tapegraph names the missing parameter instead.
    assert CAPTURED["load_parameters_missing"] == "AttributeError"
    one = OneParam()
    one.initialize()
    with pytest.raises(AssertionError, match="Parameter 'w' is missing"):
        one.load_parameters(str(saved / "e-0000.params"))
    np.testing.assert_array_equal(one.w.data().asnumpy(), [1, 1, 1])
