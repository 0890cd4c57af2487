"""A hybridized network of conv, norm, pooling (ceil mode), padding, PReLU, LSTM
(bidirectional), GRU and Dense layers exports files MXNet 1.9.1 loads with
SymbolBlock.imports and evaluates to tapegraph's values
(tools/capture_gluon_layers_export.py wrote and checked tests/data/.../export/)."""
import json
import os
import sys

import numpy as np

import tapegraph as mx

sys.path.insert(0, os.path.dirname(__file__))
from layers_export_net import build_net, example_input  # noqa: E402

DATA = os.path.join(os.path.dirname(__file__), "..", "data", "mxnet", "gluon_layers", "export")


def _mxnet_output():
    with open(os.path.join(DATA, "mxnet_output.json")) as f:
        d = json.load(f)
    return np.array(d["data"], dtype=np.float32).reshape(d["shape"])


def _net():
    """The network with the exported parameters (full names; the extra entries are the
    constants the trace captured, such as ceil-mode average pooling's window counts)."""
    net = build_net(mx)
    net.collect_params().load(os.path.join(DATA, "net-0000.params"), ignore_extra=True)
    net.hybridize()
    return net


def test_hybridized_network_gives_the_values_mxnet_computed_from_its_export():
    out = _net()(mx.nd.array(example_input()))
    np.testing.assert_allclose(out.asnumpy(), _mxnet_output(), rtol=1e-4, atol=1e-5)


def test_todays_export_is_the_file_mxnet_evaluated(tmp_path):
    net = _net()
    net(mx.nd.array(example_input()))
    net.export(str(tmp_path / "net"), 0)
    with open(tmp_path / "net-symbol.json") as f:
        today = json.load(f)
    with open(os.path.join(DATA, "net-symbol.json")) as f:
        checked = json.load(f)
    assert today == checked
    ops = {n["op"] for n in today["nodes"]}
    assert "RNN" not in ops and {"GroupNorm", "Pad", "Pooling", "FullyConnected"} <= ops
