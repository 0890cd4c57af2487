"""`_image_to_tensor`, `_image_normalize` and the (random) flips are registered operators,
against MXNet 1.9.1 (tests/data/mxnet/image_tensor_ops/, captured by capture.py there):
values bit for bit in every dtype MXNet takes, gradients, MXNet's own exported files
loaded with SymbolBlock.imports, tapegraph's exports writing MXNet's nodes, and the random
flips drawing anew at every run of a compiled plan."""
import json
import os

import numpy as np
import pytest

import tapegraph as mx
from tapegraph import autograd, gluon
from tapegraph.gluon.data.vision import transforms as T
from tapegraph.ir import REGISTRY, parse
from tapegraph.passes import PassManager
from tapegraph.runtime import Plan

DATA = os.path.join(os.path.dirname(__file__), "..", "data", "mxnet", "image_tensor_ops")
MX = dict(np.load(os.path.join(DATA, "values.npz")))
DTYPES = ("uint8", "int8", "int32", "int64", "float16", "float32", "float64")
MEAN, STD = (0.1, 0.2, 0.3), (0.7, 0.3, 1.9)
OPS = ("_image_to_tensor", "_image_normalize", "_image_flip_left_right",
       "_image_flip_top_bottom", "_image_random_flip_left_right",
       "_image_random_flip_top_bottom")


def _same(got, want):
    got = got.asnumpy()
    assert got.dtype == want.dtype and got.shape == want.shape
    np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("dtype", DTYPES)
def test_values_are_mxnets_bit_for_bit(dtype):
    """float32 arithmetic, double for float64, float16 rounding after each operation, and
    C conversions to integers (truncated, wrapped: uint8 (0 - 150.5) / 0.3 is 245)."""
    x = mx.nd.array(MX["in_" + dtype], dtype=dtype)
    _same(mx.nd.image.to_tensor(x), MX["to_tensor_" + dtype])
    _same(mx.nd.image.to_tensor(mx.nd.array(MX["in_batch_" + dtype], dtype=dtype)),
          MX["to_tensor_batch_" + dtype])
    chw = x.transpose((2, 0, 1))
    _same(mx.nd.image.normalize(chw, mean=MEAN, std=STD), MX["normalize_" + dtype])
    _same(mx.nd.image.normalize(chw.reshape((1, 3, 6, 8)), mean=150.5, std=0.3),
          MX["normalize_scalar_" + dtype])
    _same(mx.nd.image.flip_left_right(x), MX["flip_left_right_" + dtype])
    _same(mx.nd.image.flip_top_bottom(x), MX["flip_top_bottom_" + dtype])


def test_each_function_records_one_node_of_its_operator():
    x = mx.nd.array(MX["u8"], dtype="uint8")
    for fn, op in ((lambda a: mx.nd.image.to_tensor(a), "_image_to_tensor"),
                   (lambda a: mx.nd.image.normalize(mx.nd.image.to_tensor(a), 0.5, 2.0),
                    "_image_normalize"),
                   (mx.nd.image.flip_left_right, "_image_flip_left_right"),
                   (mx.nd.image.random_flip_top_bottom, "_image_random_flip_top_bottom")):
        blk = gluon.nn.HybridLambda(lambda F, a, fn=fn: fn(a))
        blk.hybridize()
        blk(x)
        assert [n.op for n in blk.forward_graph.nodes][-1] == op
    assert all(op in REGISTRY for op in OPS)
    assert {REGISTRY.get(op).mxnet_np for op in OPS} == {
        op.replace("_image_", "_npx__image_") for op in OPS}


def test_gradients_are_mxnets():
    x = mx.nd.array(MX["normalize_grad_x"])
    x.attach_grad()
    with autograd.record():
        y = mx.nd.image.normalize(x, mean=MEAN, std=STD)
    y.backward(mx.nd.array(MX["normalize_grad_head"]))
    np.testing.assert_allclose(x.grad.asnumpy(), MX["normalize_grad"], rtol=1e-6)
    # a flip's gradient is the head flipped (MXNet's `_copy` passes it unchanged, which
    # tapegraph keeps only for the random flips, whose rule cannot see the draw)
    image = mx.nd.array(MX["in_float32"])
    image.attach_grad()
    head = mx.nd.array(np.arange(image.size).reshape(image.shape))
    for name, expected in (("flip_left_right", np.flip(head.asnumpy(), 1)),
                           ("flip_top_bottom", np.flip(head.asnumpy(), 0)),
                           ("random_flip_left_right", head.asnumpy()),
                           ("random_flip_top_bottom", head.asnumpy())):
        with autograd.record():
            y = getattr(mx.nd.image, name)(image)
        y.backward(head)
        np.testing.assert_array_equal(image.grad.asnumpy(), expected)
    with autograd.record():
        y = mx.nd.image.to_tensor(image)
    with pytest.raises(mx.MXNetError, match="_image_to_tensor is non-differentiable"):
        y.backward()


def test_mxnets_exported_files_load_and_compute_its_values():
    u8 = mx.nd.array(MX["u8"], dtype="uint8")
    blk = gluon.SymbolBlock.imports(os.path.join(DATA, "pipeline-symbol.json"), ["data"])
    np.testing.assert_allclose(blk(u8).asnumpy(), MX["pipeline"], rtol=1e-6)
    assert [n.op for n in blk.forward_graph.nodes] == ["_image_to_tensor", "_image_normalize"]
    flipped = gluon.SymbolBlock.imports(os.path.join(DATA, "augment-symbol.json"), ["data"])
    base = ((MX["u8"].transpose(2, 0, 1) / np.float32(255)) - 0.5) / 0.25
    variants = [np.flip(base, axes) if axes else base for axes in ((), (1,), (2,), (1, 2))]
    seen = set()
    for _ in range(24):
        out = flipped(u8).asnumpy()
        seen.update(i for i, v in enumerate(variants) if np.allclose(out, v, atol=1e-6))
    assert seen == {0, 1, 2, 3}
    mx.npx.set_np()
    try:
        blk = gluon.SymbolBlock.imports(os.path.join(DATA, "np_pipeline-symbol.json"), ["data"])
        out = blk(mx.np.array(MX["u8"], dtype="uint8")).asnumpy()
    finally:
        mx.npx.reset_np()
    assert any(np.allclose(out, w, rtol=1e-6) for w in (MX["pipeline"],
                                                        np.flip(MX["pipeline"], 2)))


def _nodes(path):
    with open(path) as f:
        doc = json.load(f)
    return [(n["op"], n["name"], {k: v for k, v in n.get("attrs", {}).items()
                                  if not k.startswith("__")}) for n in doc["nodes"]], doc


def test_exports_write_the_nodes_mxnet_writes(tmp_path):
    with mx.name.NameManager():  # block prefixes as in MXNet's fresh process
        pipeline = T.Compose([T.ToTensor(), T.Normalize(mean=MEAN, std=STD)])
        augment = gluon.nn.HybridSequential()
        augment.add(T.RandomFlipLeftRight(), T.RandomFlipTopBottom(), T.ToTensor(),
                    T.Normalize(0.5, 0.25))
    augment.hybridize()
    u8 = mx.nd.array(MX["u8"], dtype="uint8")
    for name, blk in (("pipeline", pipeline[0]), ("augment", augment)):
        blk(u8)
        blk.export(str(tmp_path / name))
        ours, _ = _nodes(str(tmp_path / name) + "-symbol.json")
        theirs, _ = _nodes(os.path.join(DATA, name + "-symbol.json"))
        assert ours == theirs, name
    mx.npx.set_np()
    try:
        blk = gluon.nn.HybridSequential()
        blk.add(T.RandomFlipLeftRight(), T.ToTensor(), T.Normalize(mean=MEAN, std=STD))
        blk.hybridize()
        blk(mx.np.array(MX["u8"], dtype="uint8"))
        blk.export(str(tmp_path / "np"))
    finally:
        mx.npx.reset_np()
    ours, doc = _nodes(str(tmp_path / "np-symbol.json"))
    theirs, _ = _nodes(os.path.join(DATA, "np_pipeline-symbol.json"))
    assert [n[0] for n in ours] == [n[0] for n in theirs]  # `_image_*`, not `_npx__image_*`
    assert ours[-1][2] == theirs[-1][2] and doc["attrs"]["is_np_shape"] == ["int", 1]


def test_random_flips_draw_at_every_run_of_a_compiled_plan():
    graph = parse("""graph f(%x: f32[2,2,1]) -> (f32[2,2,1]) {
  %0: f32[2,2,1] = _image_random_flip_left_right(%x)
  %1: f32[2,2,1] = _image_random_flip_left_right(%x)
  %2: f32[2,2,1] = elemwise_sub(%0, %1)
  return (%2)
}""")
    assert REGISTRY.get("_image_random_flip_left_right").effects == {"random"}
    plan = Plan(PassManager(["cse", "fold", "fuse", "plan-memory"], verify=True).run(graph))
    x = np.array([[[1.0], [2.0]], [[3.0], [4.0]]], np.float32)
    mx.random.seed(5)
    runs = [plan.run([x])[0].copy() for _ in range(12)]
    assert len({r.tobytes() for r in runs}) > 1  # two draws per run, fresh at every run
    mx.random.seed(5)
    np.testing.assert_array_equal([plan.run([x])[0] for _ in range(12)], runs)


def test_symbols_infer_types_without_shapes_and_check_shapes():
    data = mx.sym.var("data")
    pipeline = mx.sym.image.normalize(mx.sym.image.to_tensor(data), MEAN, STD)
    assert pipeline.infer_type(data="uint8")[1] == [np.float32]
    assert mx.sym.image.flip_left_right(data).infer_type(data="int8")[1] == [np.int8]
    assert pipeline.infer_shape(data=(5, 4, 6, 3))[1] == [(5, 3, 4, 6)]
    with pytest.raises(mx.MXNetError, match=r"mean must have either 1 or 1 elements"):
        mx.sym.image.normalize(data, mean=(1, 2)).infer_shape_partial(data=(1, 2, 2))
    defaults = json.loads(mx.sym.image.normalize(data).tojson())["nodes"][1]
    assert "attrs" not in defaults  # MXNet's defaults (4 values), as MXNet writes them
    with pytest.raises(mx.MXNetError, match=r"but got \[0,0,0,0\]"):
        mx.sym.image.normalize(data).eval(data=mx.nd.zeros((3, 2, 2)))
