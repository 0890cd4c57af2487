"""plot_network draws MXNet's standard layers as MXNet 1.9.1 does: the DOT source real
MXNet wrote for tests/data/mxnet/viz/net-symbol.json (captured by capture_plot_network.py)
against the one tapegraph writes for the same file.

tapegraph departs from MXNet on purpose in two places, checked here too: generic operators
are labelled by operator (`mul_scalar 2`) and name, where MXNet shows only the node name,
and boxes widen to fit their label instead of clipping it."""
import json
import os
import re

import tapegraph as mx

HERE = os.path.join(os.path.dirname(os.path.dirname(__file__)), "data", "mxnet", "viz")
NODE = re.compile(r'^\t(\S+) \[label=("(?:[^"\\]|\\.)*"|\S+) fillcolor="(#\w+)"', re.M)
EDGE = re.compile(r'^\t(\S+) -> (\S+) \[label=("[^"]*"|\S+)', re.M)
# operators MXNet draws with a label and colour of their own
MXNET_LOOKS = ("Convolution", "FullyConnected", "BatchNorm", "Activation", "LeakyReLU",
               "Pooling", "Concat", "Flatten", "Reshape", "Softmax", "null")


def _nodes(source):
    return {name: (label.strip('"'), fill) for name, label, fill in NODE.findall(source)}


def _draw():
    sym = mx.sym.load(os.path.join(HERE, "net-symbol.json"))
    return mx.viz.plot_network(sym, shape={"data": (1, 3, 8, 8)}, hide_weights=True).source


def test_layers_have_mxnets_labels_colours_and_edge_shapes():
    with open(os.path.join(HERE, "plot_network.dot")) as f:
        expected = f.read()
    with open(os.path.join(HERE, "net-symbol.json")) as f:
        ops = {n["name"]: n["op"] for n in json.load(f)["nodes"]}
    want, got = _nodes(expected), _nodes(_draw())
    assert set(got) == set(want)
    for name, (label, fill) in want.items():
        assert got[name][1] == fill, name                   # every colour is MXNet's
        if ops[name] in MXNET_LOOKS:
            assert got[name][0] == label, name
    assert EDGE.findall(_draw()) == EDGE.findall(expected)


def test_generic_operators_name_their_operator():
    got = _nodes(_draw())
    assert got["_mulscalar0"][0] == "mul_scalar 2\n_mulscalar0"
    label, fill = got["softmax_out"]
    assert label.endswith("\nsoftmax_out") and fill == "#fccde5"  # only `Softmax` is green
