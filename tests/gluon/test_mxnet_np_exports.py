"""A numpy-mode Gluon block exported by MXNet 1.9.1 (tests/data/mxnet/np_exports, made by
its capture.py under the oracle): `_npi_concatenate` (axis), `_np_max` (initial),
`_npi_flip`, `_np_reshape`, `_npx_relu`, ... with MXNet's np-mode attribute names. It
loads in np mode with MXNet's output and parameter gradients (train mode: BatchNorm uses
the batch statistics)."""
import os
import sys

import numpy as onp
import pytest

import tapegraph as mx

sys.path.insert(0, os.path.dirname(__file__))
from mxnet_captures import check_like_mxnet  # noqa: E402

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
        check_like_mxnet(net, [mx.np.array(v["x"])], v)


OPS = ["split", "transpose", "where", "act", "take", "reshape", "bdot", "where_s", "stats",
       "stack", "logic", "diag", "tdot"]


@pytest.mark.parametrize("name", OPS)
def test_np_mode_operators_mxnet_wrote_load_with_its_values(name):
    """`_npx_sigmoid`, `_npx_reshape` codes (also from integer indexing), `_npi_full_like`,
    `_npi_norm`'s flag, `_split_v2`, `_npx_arange_like`, where with scalars, std/var,
    stacking, moveaxis, isnan/any/all with MXNet's promotion of mixed dtypes (bool + float),
    diag/trace/roll, tensordot, ... (capture.py's OPS)."""
    path = os.path.join(DATA, "ops-" + name)
    v = dict(onp.load(path + "-values.npz"))
    with mx.util.np_shape(True), mx.util.np_array(True):
        net = mx.gluon.SymbolBlock.imports(path + "-symbol.json", ["data"])
        y = net(mx.np.array(v["x"]))
    onp.testing.assert_allclose(y.asnumpy(), v["y"], rtol=1e-5, atol=1e-6)


# MXNet 1.9.1's npx.reshape(np.ones(shape), codes, reverse=...).shape (captured)
NPX_RESHAPE = [
    ((2, 3, 8), (-2, -2, 2, -1), False, (2, 3, 2, 4)),
    ((8, 3, 3, 3, 4, 4), (-6, 2, -1, -4), False, (2, 4, 3, 3, 3, 4, 4)),
    ((8, 3, 3, 3, 4, 4), (-5, -4), False, (24, 3, 3, 4, 4)),
    ((8, 1, 1, 1, 3), (-2, -3, -3, -3, -2), False, (8, 3)),
    ((8, 3, 3, 3, 3, 8), (-4, -5), True, (8, 3, 3, 3, 24)),
    ((8, 3, 2, 4, 8), (-4, -1, 2, -6), True, (8, 3, 2, 4, 4, 2)),
    ((1, 4), (-3, -4), False, (4,)),
    ((2, 3, 4), (-1, 2, -2), False, (3, 2, 4)),
    ((2, 3, 4), (6, -1), False, (6, 4)),
    ((2, 3, 4), (-2, -1), True, (3, 8)),
    ((2, 12), (-2, -6, 4, -1), False, (2, 4, 3)),
    ((2, 3, 4), (-5, -2), True, (6, 4)),
    ((4, 6), (-6, -1, 3, -2), False, None),  # MXNet: an error (4 does not split by 3)
]


@pytest.mark.parametrize("shape,codes,reverse,want", NPX_RESHAPE)
def test_npx_reshape_codes_are_mxnets(shape, codes, reverse, want):
    with mx.util.np_shape(True), mx.util.np_array(True):
        x = mx.np.ones(shape)
        if want is None:
            with pytest.raises(mx.base.MXNetError, match="cannot split dimension 4"):
                mx.npx.reshape(x, codes, reverse=reverse)
            return
        assert mx.npx.reshape(x, codes, reverse=reverse).shape == want


# MXNet 1.9.1's np.ones(2, dtype=a) + np.ones(2, dtype=b) dtypes (captured; its uint8 + int8
# infers int32 but fails when computed: tests/data/mxnet/dtype_promotion.json, so refused)
PROMOTIONS = [("int32", "float32", "float32"), ("int64", "float16", "float16"),
              ("float16", "float32", "float32"), ("bool", "int32", "int32"),
              ("int8", "int32", "int32"), ("bool", "float16", "float16"),
              ("uint8", "int8", None), ("int32", "int64", "int64"),
              ("bool", "uint8", "uint8"), ("float32", "float64", "float64"),
              ("int64", "float32", "float32")]


@pytest.mark.parametrize("a,b,want", PROMOTIONS)
def test_np_mode_binary_operators_in_files_promote_as_mxnet(a, b, want):
    doc = ('{"nodes": [{"op": "null", "name": "a", "inputs": []}, {"op": "null", "name": "b", '
           '"inputs": []}, {"op": "_npi_add", "name": "add0", "inputs": [[0, 0, 0], [1, 0, 0]]}],'
           ' "arg_nodes": [0, 1], "node_row_ptr": [0, 1, 2, 3], "heads": [[2, 0, 0]], '
           '"attrs": {"mxnet_version": ["int", 10901]}}')
    sym = mx.sym.load_json(doc)
    if want is None:
        with pytest.raises(mx.base.MXNetError, match="uint8 with int8 is not supported"):
            sym.eval(a=mx.nd.ones((2,), dtype=a), b=mx.nd.ones((2,), dtype=b))
        return
    out = sym.eval(a=mx.nd.ones((2,), dtype=a), b=mx.nd.ones((2,), dtype=b))[0]
    assert onp.dtype(out.dtype).name == want and out.asnumpy().tolist() == [2, 2]


def test_np_mode_true_division_of_integers_in_files_is_float32_as_mxnet():
    doc = ('{"nodes": [{"op": "null", "name": "a", "inputs": []}, {"op": "null", "name": "b", '
           '"inputs": []}, {"op": "_npi_true_divide", "name": "div0", "inputs": [[0, 0, 0], '
           '[1, 0, 0]]}], "arg_nodes": [0, 1], "node_row_ptr": [0, 1, 2, 3], '
           '"heads": [[2, 0, 0]], "attrs": {"mxnet_version": ["int", 10901]}}')
    out = mx.sym.load_json(doc).eval(a=mx.nd.array([7], dtype="int32"),
                                     b=mx.nd.array([2], dtype="int32"))[0]
    # MXNet 1.9.1: np.array([7], dtype='int32') / np.array([2], dtype='int32') -> [3.5] float32
    assert onp.dtype(out.dtype).name == "float32" and out.asnumpy().tolist() == [3.5]
