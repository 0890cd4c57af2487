"""`node_row_ptr` of symbols built with mx.sym counts the hidden outputs MXNet 1.9.1
counts (captured from the oracle: `json.loads(sym.tojson())["node_row_ptr"]`)."""
import json

import pytest

import tapegraph as mx

D = mx.sym.var("d")
CAPTURED = {  # code -> MXNet 1.9.1's node_row_ptr
    "mx.sym.LRN(D, nsize=3)": [0, 1, 3],
    "mx.sym.Crop(D, h_w=(1, 1))": [0, 1, 2],
    "mx.sym.SequenceMask(D)": [0, 1, 2],
    "mx.sym.SequenceLast(D)": [0, 1, 2],
    "mx.sym.SequenceReverse(D)": [0, 1, 2],
    "mx.sym.Pooling(D, kernel=(2, 2))": [0, 1, 3],
    "mx.sym.Dropout(D)": [0, 1, 3],
    "mx.sym.LeakyReLU(D, act_type='rrelu')": [0, 1, 3],
    "mx.sym.LeakyReLU(D, act_type='leaky')": [0, 1, 2],
    "mx.sym.LeakyReLU(D, act_type='elu')": [0, 1, 2],
    "mx.sym.InstanceNorm(D, mx.sym.var('g'), mx.sym.var('b'))": [0, 1, 2, 3, 6],
    "mx.sym.LayerNorm(D, mx.sym.var('g'), mx.sym.var('b'))": [0, 1, 2, 3, 6],
    "mx.sym.GroupNorm(D, mx.sym.var('g'), mx.sym.var('b'))": [0, 1, 2, 3, 6],
}


@pytest.mark.parametrize("code", sorted(CAPTURED))
def test_node_row_ptr_counts_mxnets_hidden_outputs(code):
    sym = eval(code, {"mx": mx, "D": D})
    assert json.loads(sym.tojson())["node_row_ptr"] == CAPTURED[code]
