"""pool-first: max pooling of relu(x) runs as relu of the max pooling (golden IR), with the
same values and gradients (ties, all-negative windows, padding), and hybridized blocks run
and differentiate the rewritten graph while showing and exporting the traced one."""
import numpy as np
import pytest

import tapegraph as mx
from tapegraph import autograd, gluon
from tapegraph.autodiff import engine
from tapegraph.gluon import nn
from tapegraph.ir import Builder, TensorType, Value, parse, print_graph, verify
from tapegraph.passes import dce, grad, pool_first, pool_grad_first
from tapegraph.runtime import execute

SWAPPED = ("""\
graph f(%x: f32[2,3,4,4]) -> (f32[2,3,2,2]) {
  %0: f32[2,3,4,4] = Activation(%x) {act_type='relu'}
  %1: f32[2,3,2,2] = Pooling(%0) {kernel=(2, 2), stride=(2, 2), pad=(0, 0)}
  return (%1)
}""", """\
graph f(%x: f32[2,3,4,4]) -> (f32[2,3,2,2]) {
  %0: f32[2,3,2,2] = Pooling(%x) {kernel=(2, 2), stride=(2, 2), pad=(0, 0)}
  %1: f32[2,3,2,2] = Activation(%0) {act_type='relu'}
  return (%1)
}""")

KEPT = {
    "relu read twice": """\
graph f(%x: f32[1,1,4,4]) -> (f32[1,1,2,2], f32[1,1,4,4]) {
  %0: f32[1,1,4,4] = relu(%x)
  %1: f32[1,1,2,2] = Pooling(%0) {kernel=(2, 2), stride=(2, 2), pad=(0, 0)}
  return (%1, %0)
}""",
    "average pooling": """\
graph f(%x: f32[1,1,4,4]) -> (f32[1,1,2,2]) {
  %0: f32[1,1,4,4] = relu(%x)
  %1: f32[1,1,2,2] = Pooling(%0) {kernel=(2, 2), pool_type='avg', stride=(2, 2), pad=(0, 0)}
  return (%1)
}""",
    "Activation(sigmoid)": """\
graph f(%x: f32[1,1,4,4]) -> (f32[1,1,2,2]) {
  %0: f32[1,1,4,4] = Activation(%x) {act_type='sigmoid'}
  %1: f32[1,1,2,2] = Pooling(%0) {kernel=(2, 2), stride=(2, 2), pad=(0, 0)}
  return (%1)
}""",
    "sigmoid": """\
graph f(%x: f32[1,1,4,4]) -> (f32[1,1,2,2]) {
  %0: f32[1,1,4,4] = sigmoid(%x)
  %1: f32[1,1,2,2] = Pooling(%0) {kernel=(2, 2), stride=(2, 2), pad=(0, 0)}
  return (%1)
}""",
    "windows of padding only": """\
graph f(%x: f32[1,1,4,4]) -> (f32[1,1,4,4]) {
  %0: f32[1,1,4,4] = relu(%x)
  %1: f32[1,1,4,4] = Pooling(%0) {kernel=(2, 2), stride=(2, 2), pad=(2, 2)}
  return (%1)
}""",
}


def test_golden_swap():
    source, expected = SWAPPED
    graph = parse(source)
    result = verify(pool_first(graph))
    assert print_graph(result) == expected
    assert print_graph(graph) == source  # the input is not mutated


@pytest.mark.parametrize("name", sorted(KEPT))
def test_left_alone(name):
    graph = parse(KEPT[name])
    assert pool_first(graph) is graph


GEOMETRIES = [
    (dict(kernel=(2, 2), stride=(2, 2)), (2, 3, 6, 6)),
    (dict(kernel=(3, 3), stride=(2, 2), pad=(1, 1)), (2, 2, 7, 7)),
    (dict(kernel=(3, 3), stride=(2, 2), pad=(1, 1), pooling_convention="full"), (1, 2, 6, 6)),
    (dict(kernel=(2, 2), stride=(1, 1), pad=(1, 1)), (1, 2, 5, 5)),
    (dict(kernel=(1, 1), global_pool=True), (2, 3, 3, 3)),
    (dict(kernel=(3,), stride=(2,), pad=(1,)), (2, 2, 9)),
]


def _relu_pool(attrs, shape, act):
    b = Builder()
    x = Value(TensorType.get(shape, "float32"), "x")
    r = b.op("Activation", x, act_type="relu") if act == "Activation" else b.op("relu", x)
    return b.graph("f", [x], [b.op("Pooling", r, **attrs)])


@pytest.mark.parametrize("attrs,shape", GEOMETRIES)
@pytest.mark.parametrize("act", ["Activation", "relu"])
def test_values_and_gradients_unchanged(attrs, shape, act):
    pooled = _relu_pool(attrs, shape, act)
    swapped = verify(pool_first(pooled))
    assert swapped is not pooled and [n.op for n in swapped.nodes][0] == "Pooling"
    rng = np.random.RandomState(3)
    # small integers: ties inside windows, windows of zeros and of negatives only
    x = rng.randint(-3, 3, shape).astype(np.float32)
    x[0, 0] = -1.0
    (want,) = execute(pooled, [x])
    (got,) = execute(swapped, [x])
    np.testing.assert_array_equal(got, want)
    head = rng.randn(*want.shape).astype(np.float32)
    (dwant,) = execute(grad(pooled, head_grads="input"), [x, head])
    (dgot,) = execute(grad(swapped, head_grads="input"), [x, head])
    np.testing.assert_array_equal(dgot, dwant)
    assert np.any(dwant != 0) and np.any((dwant == 0) & (x != 0))


def _lenet_like():
    net = nn.HybridSequential()
    net.add(nn.Conv2D(4, 3, activation="relu"), nn.MaxPool2D(2), nn.Flatten(), nn.Dense(3))
    net.initialize(mx.init.Xavier())
    return net


def test_hybridized_block_runs_the_swapped_graph_and_shows_the_traced_one():
    mx.random.seed(0)
    eager, hybrid = _lenet_like(), _lenet_like()
    x = mx.nd.random.normal(shape=(2, 1, 8, 8))
    eager(x)
    hybrid(x)
    for (_, p), (_, q) in zip(sorted(eager.collect_params().items()),
                              sorted(hybrid.collect_params().items())):
        q.set_data(p.data())
    hybrid.hybridize()
    loss = gluon.loss.SoftmaxCrossEntropyLoss()
    label = mx.nd.array([0, 2])
    grads = []
    for net in (eager, hybrid):
        with autograd.record():
            out = loss(net(x), label)
        out.backward()
        grads.append([p.grad().asnumpy() for _, p in sorted(net.collect_params().items())])
        grads[-1].append(out.asnumpy())
    for a, b in zip(*grads):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    shown = [n.op for n in hybrid.forward_graph.nodes]
    assert shown.index("Activation") < shown.index("Pooling")  # as traced and exported
    ran = [n.op for n in hybrid.lowered_graph.nodes]
    assert ran.index("Pooling") < ran.index("Activation")
    recorded = [n.op for n in hybrid._last.region.nodes]
    assert recorded.index("Pooling") < recorded.index("Activation")


# ---------------------------------------------------------------- pool-grad-first

JOINT = """\
graph grad_f(%x: f32[2,3,4,4], %head_grad0: f32[2,3,2,2]) -> (f32[2,3,2,2], f32[2,3,4,4]) {
  %0: f32[2,3,4,4] = Activation(%x) {act_type='relu'}
  %1: f32[2,3,2,2] = Pooling(%0) {kernel=(2, 2), stride=(2, 2), pad=(0, 0)}
  %2: f32[2,3,4,4] = _pool_max_scatter(%0, %head_grad0) {kernel=(2, 2), stride=(2, 2), pad=(0, 0)}
  %3: f32[2,3,4,4] = _greater_scalar(%x) {scalar=0.0}
  %4: f32[2,3,4,4] = elemwise_mul(%2, %3)
  return (%1, %4)
}"""

JOINT_REWRITTEN = """\
graph grad_f(%x: f32[2,3,4,4], %head_grad0: f32[2,3,2,2]) -> (f32[2,3,2,2], f32[2,3,4,4]) {
  %0: f32[2,3,4,4] = Activation(%x) {act_type='relu'}
  %1: f32[2,3,2,2] = Pooling(%0) {kernel=(2, 2), stride=(2, 2), pad=(0, 0)}
  %2: f32[2,3,2,2] = _greater_scalar(%1) {scalar=0.0}
  %3: f32[2,3,2,2] = elemwise_mul(%head_grad0, %2)
  %4: f32[2,3,4,4] = _pool_max_scatter(%x, %3) {kernel=(2, 2), stride=(2, 2), pad=(0, 0)}
  return (%1, %4)
}"""


def test_golden_backward_masks_the_pooled_cotangent():
    graph = parse(JOINT)
    assert print_graph(dce(verify(pool_grad_first(graph)))) == JOINT_REWRITTEN
    assert print_graph(graph) == JOINT


def test_backward_without_the_forward_pooling_is_left_alone():
    no_pool = parse(JOINT.replace(
        "  %1: f32[2,3,2,2] = Pooling(%0) {kernel=(2, 2), stride=(2, 2), pad=(0, 0)}\n", "")
        .replace("return (%1, %4)", "return (%0, %4)").replace(
            "-> (f32[2,3,2,2], f32[2,3,4,4])", "-> (f32[2,3,4,4], f32[2,3,4,4])"))
    assert pool_grad_first(no_pool) is no_pool


@pytest.mark.parametrize("attrs,shape", GEOMETRIES)
@pytest.mark.parametrize("act", ["Activation", "relu"])
def test_backward_gradients_unchanged(attrs, shape, act):
    joint = grad(_relu_pool(attrs, shape, act), head_grads="input", keep_outputs=True)
    rewritten = verify(pool_grad_first(joint))
    assert rewritten is not joint
    rng = np.random.RandomState(5)
    x = rng.randint(-3, 3, shape).astype(np.float32)
    x[0, 0] = -1.0
    head = rng.randn(*joint.outputs[0].type.shape).astype(np.float32)
    want = execute(joint, [x, head])
    got = execute(dce(rewritten), [x, head])
    for a, b in zip(got, want):
        np.testing.assert_array_equal(a, b)


def test_eager_backward_runs_it_and_a_pipeline_without_it_agrees():
    rng = np.random.RandomState(1)
    x = mx.nd.array(rng.randint(-3, 3, (2, 3, 6, 6)))
    w = mx.nd.array(rng.randn(2, 3, 3, 3))
    x.attach_grad()
    grads = []
    for pipeline in (None, "dce,cse,simplify,fuse,plan-memory"):
        with autograd.record():
            y = mx.nd.Pooling(mx.nd.relu(x), kernel=(2, 2), stride=(2, 2), pool_type="max")
            loss = (y * w).sum()
        compiled = engine.compile_for([loss], [x], pipeline=pipeline)
        autograd.backward([loss], pipeline=pipeline)
        grads.append(x.grad.asnumpy().copy())
        ran = [r.name for r in compiled.history]
        assert ("pool-grad-first" in ran) == (pipeline is None)
        assert [n.op for n in compiled.joint.nodes].count("_pool_max_scatter") == 1
    np.testing.assert_array_equal(grads[0], grads[1])
    assert np.any(grads[0] != 0)
