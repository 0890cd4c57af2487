"""np-mode export writes MXNet's np operators (`_npi_add`, `_np_sum`, ...), checked against
the JSON MXNet 1.9.1 writes for the same block (tools/capture_np_export.py), and files
load both ways: MXNet ran ours (import.json), tapegraph runs MXNet's."""
import json
import os

import numpy as np
import pytest

import tapegraph as mx
from tapegraph.symbol.formats.json_writer import NP_CANONICAL

HERE = os.path.dirname(__file__)
DATA = os.path.join(HERE, "..", "data", "mxnet", "np_export")
TOOL = os.path.join(HERE, "..", "..", "tools", "capture_np_export.py")


def _captured(name):
    with open(os.path.join(DATA, name)) as f:
        return json.load(f)


def _tool():
    scope = {"__name__": "capture_np_export", "__file__": TOOL}
    with open(TOOL) as f:
        exec(compile(f.read(), TOOL, "exec"), scope)
    return scope


def _operators(doc):
    """(op, attrs) of each operator node, MXNet's `__*__` keys aside."""
    return [(n["op"], {k: v for k, v in n.get("attrs", {}).items() if not k.startswith("__")})
            for n in doc["nodes"] if n["op"] != "null"]


@pytest.fixture
def np_mode():
    mx.npx.set_np()
    yield
    mx.npx.reset_np()


def test_np_export_writes_what_mxnet_writes(np_mode, tmp_path):
    tool = _tool()
    tool["write"](str(tmp_path))
    with open(str(tmp_path / "tapegraph-symbol.json")) as f:
        ours = json.load(f)
    with open(os.path.join(DATA, "mxnet-symbol.json")) as f:
        theirs = json.load(f)
    mine, mxnets = _operators(ours), _operators(theirs)
    assert [op for op, _ in mine] == [op for op, _ in mxnets]
    for (op, attrs), (_, want) in zip(mine, mxnets):  # (MXNet also writes some defaults)
        assert attrs == {k: want.get(k) for k in attrs}, op
    assert ours["attrs"]["is_np_shape"] == ["int", 1]
    back = mx.gluon.SymbolBlock.imports(str(tmp_path / "tapegraph-symbol.json"), ["data"],
                                        str(tmp_path / "tapegraph-0000.params"))
    np.testing.assert_allclose(back(mx.np.array(tool["X"])).asnumpy(),
                               _captured("mxnet.json")["output"], rtol=1e-5)


def test_mxnet_ran_our_np_export_and_we_run_theirs(np_mode):
    want = _captured("mxnet.json")["output"]
    np.testing.assert_allclose(_captured("import.json")["output"], want, rtol=1e-5)
    block = mx.gluon.SymbolBlock.imports(os.path.join(DATA, "mxnet-symbol.json"), ["data"],
                                         os.path.join(DATA, "mxnet-0000.params"))
    out = block(mx.np.array(_tool()["X"]))
    np.testing.assert_allclose(out.asnumpy(), want, rtol=1e-5)


def test_np_canonical_names_are_mxnets():
    captured = _captured("mxnet.json")["canonical"]
    assert NP_CANONICAL == {k: v for k, v in captured.items() if v is not None and k != v}
