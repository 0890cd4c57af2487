"""hybridize(): one trace per input signature, a compiled plan afterwards, ONE `_CachedOp`
node per call under record (so backward and higher order work), the traced graph
visible as IR, and the same values and gradients as the eager block."""
import numpy as np
import pytest

import tapegraph as mx
from tapegraph import autograd, gluon, ir, nd
from tapegraph.passes import PassManager


def _mlp(dropout=0.5, seed=1):
    with mx.name.NameManager():
        net = gluon.nn.HybridSequential()
        with net.name_scope():
            net.add(gluon.nn.Dense(8, activation="tanh"), gluon.nn.Dropout(dropout),
                    gluon.nn.Dense(3))
    mx.random.seed(seed)
    net.initialize(mx.init.Xavier(magnitude=3))
    return net


X = nd.array(np.random.RandomState(0).uniform(-1, 1, (4, 5)))


def _steps(net, n=3, seed=7):
    mx.random.seed(seed)
    out = []
    for _ in range(n):
        x = X.copy()
        x.attach_grad()
        with autograd.record():
            loss = (net(x) ** 2).sum()
        loss.backward()
        out.append([loss.asnumpy(), x.grad.asnumpy()] +
                   [p.grad().asnumpy().copy() for p in net.collect_params().values()])
    return out


def test_hybridized_training_steps_equal_eager_ones_with_dropout():
    eager = _steps(_mlp())
    hyb = _mlp()
    hyb.hybridize()
    for a, b in zip(eager, _steps(hyb)):
        for u, v in zip(a, b):
            np.testing.assert_allclose(u, v, rtol=1e-5, atol=1e-7)


def test_one_trace_per_signature_and_no_python_per_operator_afterwards():
    calls = []

    class Counted(gluon.HybridBlock):
        def __init__(self):
            super().__init__(prefix="c_")
            with self.name_scope():
                self.dense = gluon.nn.Dense(2, in_units=3)

        def hybrid_forward(self, F, x):
            calls.append(x.shape)
            return F.relu(self.dense(x)) * 2

    blk = Counted()
    blk.initialize()
    ref = blk(nd.ones((4, 3))).asnumpy()
    calls.clear()
    blk.hybridize()
    for _ in range(3):
        np.testing.assert_allclose(blk(nd.ones((4, 3))).asnumpy(), ref, rtol=1e-6)
    assert calls == [(4, 3)]  # traced once
    blk(nd.ones((5, 3)))  # a new signature retraces
    assert calls == [(4, 3), (5, 3)] and len(blk._cached) == 2
    with autograd.record():
        blk(nd.ones((4, 3)))  # train mode is part of the signature
    assert len(calls) == 3
    with autograd.record():
        y = blk(nd.ones((4, 3)))
    assert len(calls) == 3 and y._value.node.op == "_CachedOp"  # ONE node
    blk.hybridize(active=False)
    blk(nd.ones((4, 3)))
    assert len(calls) == 4  # eager again


def test_forward_graph_is_ir_that_prints_parses_and_optimises():
    with mx.name.NameManager():
        net = gluon.nn.HybridSequential()
        with net.name_scope():
            net.add(gluon.nn.Dense(3, activation="relu", in_units=2), gluon.nn.Dense(1, in_units=3))
    net.initialize()
    net.hybridize()
    assert net.forward_graph is None
    net(nd.ones((4, 2)))  # the traced call
    g = net.forward_graph
    # traced once per signature, so every node keeps the user's line (here: the call,
    # since the layers are tapegraph's own code)
    call = next(i for i, t in enumerate(open(__file__).read().splitlines(), 1)
                if t.endswith("# the traced call"))
    assert {str(n.meta["source"]) for n in g.nodes} == {"test_hybridize.py:%d" % call}
    assert ir.print_graph(g, provenance=False) == """\
graph hybridsequential0(%data: f32[4,2], %hybridsequential0_dense0_weight: f32[3,2], \
%hybridsequential0_dense0_bias: f32[3], %hybridsequential0_dense1_weight: f32[1,3], \
%hybridsequential0_dense1_bias: f32[1]) -> (f32[4,1]) {
  %0: f32[4,3] = FullyConnected(%data, %hybridsequential0_dense0_weight, \
%hybridsequential0_dense0_bias) {num_hidden=3}
  %1: f32[4,3] = Activation(%0) {act_type='relu'}
  %2: f32[4,1] = FullyConnected(%1, %hybridsequential0_dense1_weight, \
%hybridsequential0_dense1_bias) {num_hidden=1}
  return (%2)
}"""
    assert ir.parse(str(g)) == g
    fused = PassManager(["fuse"]).run(g)
    assert isinstance(fused, ir.Graph)
    assert net.graph(nd.ones((7, 2))).inputs[0].type.shape == (7, 2)


def test_backward_differentiates_the_region_to_higher_order():
    def second_order(net):
        x = X.copy()
        x.attach_grad()
        with autograd.record(train_mode=False):
            y = (net(x) ** 2).sum()
            (g,) = autograd.grad(y, [x], create_graph=True)
            z = (g * g).sum()
        z.backward()
        return g.asnumpy(), x.grad.asnumpy(), net[0].weight.grad().asnumpy()

    eager = second_order(_mlp(dropout=0.0))
    hyb = _mlp(dropout=0.0)
    hyb.hybridize()
    for a, b in zip(eager, second_order(hyb)):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-7)
    assert np.abs(eager[1]).max() > 1e-3


def test_a_recorded_call_keeps_only_the_residuals_its_gradient_reads():
    def build():
        with mx.name.NameManager():
            net = gluon.nn.HybridSequential()
            net.add(gluon.nn.Dense(6, activation="relu"),
                    gluon.nn.Dense(6, activation="softrelu"), gluon.nn.Dense(2))
        net.initialize()
        net(X)
        rng = np.random.RandomState(3)  # (a hybridized net draws its weights in another order)
        for p in net.collect_params().values():
            p.set_data(nd.array(rng.uniform(-1, 1, p.shape)))
        return net

    def grads(net):
        x = X.copy()
        x.attach_grad()
        with autograd.record():
            y = (net(x) ** 2).sum()
            (g,) = autograd.grad(y, [x], create_graph=True)
            z = (g * g).sum() + y
        z.backward()
        return [x.grad.asnumpy()] + [p.grad().asnumpy()
                                     for p in net.collect_params().values()]

    hyb = build()
    hyb.hybridize()
    want = grads(build())
    got = grads(hyb)  # (second order: the region's gradient differentiated again)
    for a, b in zip(want, got):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-7)
    traced = hyb._last
    kept = traced.region.outputs[len(traced.lowered.outputs):]
    made_by = {v: n for n in traced.lowered.nodes for v in n.outputs}
    # relu's gradient reads its output, softrelu's its input, each Dense its input: the
    # first Dense's output (relu's input) dies in the forward
    assert [(made_by[v].op, made_by[v].attrs.get("act_type")) for v in kept] == [
        ("Activation", "relu"), ("FullyConnected", None), ("Activation", "softrelu")]


def test_batchnorm_moving_statistics_update_as_eager():
    class BN(gluon.HybridBlock):
        def __init__(self):
            super().__init__(prefix="bn_")
            with self.name_scope():
                self.gamma = self.params.get("gamma", shape=(3,), init="ones")
                self.beta = self.params.get("beta", shape=(3,), init="zeros")
                self.running_mean = self.params.get("running_mean", shape=(3,),
                                                    init="zeros", grad_req="null")
                self.running_var = self.params.get("running_var", shape=(3,), init="ones",
                                                   grad_req="null")

        def hybrid_forward(self, F, x, gamma, beta, running_mean, running_var):
            return F.BatchNorm(x, gamma, beta, running_mean, running_var, fix_gamma=False)

    x = nd.array(np.random.RandomState(3).normal(2, 3, (6, 3)))
    results = []
    for hyb in (False, True):
        blk = BN()
        blk.initialize()
        if hyb:
            blk.hybridize()
        for _ in range(3):
            with autograd.record():
                y = blk(x)
            y.backward()
        pred = blk(x).asnumpy()
        results.append([blk.running_mean.data().asnumpy(), blk.running_var.data().asnumpy(),
                        blk.gamma.grad().asnumpy(), pred])
    for a, b in zip(*results):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    assert abs(results[0][0][0]) > 0.1


def test_shape_mismatch_at_first_forward_names_block_and_parameter():
    d = gluon.nn.Dense(2, in_units=3, prefix="fc_")
    d.initialize()
    d.hybridize()
    with pytest.raises(mx.MXNetError) as info:
        d(nd.ones((4, 5)))
    assert "fc (Dense)" in str(info.value) and "fc_weight (2, 3)" in str(info.value)
    assert d._cached == {}  # nothing cached by the failed trace
    assert d(nd.ones((4, 3))).shape == (4, 2)


def test_hybridized_children_of_a_plain_block_and_deferred_init():
    net = gluon.nn.Sequential()
    net.add(gluon.nn.Dense(4), gluon.nn.Dense(2))
    net.initialize()
    with pytest.warns(UserWarning, match="Consider using HybridSequential"):
        net.hybridize()
    assert net(nd.ones((3, 6))).shape == (3, 2)
    assert net[0].weight.shape == (4, 6) and net[0].forward_graph is not None


def test_blocks_returning_tuples_and_taking_several_inputs():
    class Two(gluon.HybridBlock):
        def hybrid_forward(self, F, a, b):
            return a + b, a * b

    blk = Two()
    blk.hybridize()
    s, p = blk(nd.array([1.0, 2.0]), nd.array([3.0, 4.0]))
    np.testing.assert_array_equal(s.asnumpy(), [4, 6])
    np.testing.assert_array_equal(p.asnumpy(), [3, 8])
    assert [v.hint for v in blk.forward_graph.inputs] == ["data0", "data1"]


def test_conv_batchnorm_pool_dropout_network_hybridized_equals_eager():
    def lenet():
        with mx.name.NameManager():
            net = gluon.nn.HybridSequential()
            with net.name_scope():
                net.add(gluon.nn.Conv2D(6, 5), gluon.nn.BatchNorm(),
                        gluon.nn.Activation("relu"), gluon.nn.MaxPool2D(2),
                        gluon.nn.Conv2D(16, 5, activation="relu"),
                        gluon.nn.GlobalAvgPool2D(), gluon.nn.Dropout(0.3), gluon.nn.Dense(10))
        mx.random.seed(3)
        net.initialize(mx.init.Xavier())
        return net

    x = nd.array(np.random.RandomState(0).randn(4, 1, 16, 16))
    runs = []
    for hyb in (False, True):
        net = lenet()
        if hyb:
            net.hybridize()
        mx.random.seed(5)
        out = []
        for _ in range(3):
            with autograd.record():
                loss = (net(x) ** 2).sum()
            loss.backward()
            out.append([loss.asnumpy()] + [
                (p.grad() if p.grad_req != "null" else p.data()).asnumpy().copy()
                for p in net.collect_params().values()])  # moving statistics too
        out.append([net(x).asnumpy()])
        runs.append(out)
    for a, b in zip(*runs):
        for u, v in zip(a, b):
            np.testing.assert_allclose(u, v, rtol=1e-5, atol=1e-6)


def test_large_inputs_integer_inputs_and_bad_outputs():
    class Big(gluon.HybridBlock):
        def hybrid_forward(self, F, x):
            return F.sin(x) * 2 + 1

    big = Big()
    big.hybridize()
    xb = nd.ones((1200, 1000))  # element-wise work on arrays this large is deferred
    xb.attach_grad()
    with autograd.record():
        y = big(xb).sum()
    y.backward()
    np.testing.assert_allclose(xb.grad[0, 0].asscalar(), 2 * np.cos(1), rtol=1e-6)
    emb = gluon.nn.Embedding(10, 3)
    emb.initialize()
    emb.hybridize()
    with autograd.record():
        out = emb(nd.array([[1, 2], [3, 4]])).sum()
    out.backward()
    np.testing.assert_array_equal(emb.weight.grad().asnumpy().sum(axis=1),
                                  [0, 3, 3, 3, 3, 0, 0, 0, 0, 0])

    class Bad(gluon.HybridBlock):
        def hybrid_forward(self, F, x):
            return 3

    bad = Bad(prefix="bad_")
    bad.hybridize()
    with pytest.raises(mx.MXNetError, match=r"hybridize: bad \(Bad\) returned 3"):
        bad(nd.ones((2,)))
    assert not autograd.is_recording()


@pytest.mark.parametrize("hybridize", [False, True])
def test_parameters_on_another_context_are_named(hybridize):
    d = gluon.nn.Dense(2, in_units=3, prefix="far_")
    d.initialize(ctx=mx.cpu(1))
    if hybridize:
        d.hybridize()
    with pytest.raises(RuntimeError, match=r"Parameter 'far_weight' was not initialized on "
                                           r"context cpu\(0\)"):
        d(nd.ones((1, 3)))
    d.collect_params().reset_ctx(mx.cpu(0))
    assert d(nd.ones((1, 3))).shape == (1, 2)
    with pytest.raises(mx.MXNetError, match="partitioning backends are not supported"):
        d.optimize_for(nd.ones((1, 3)), backend="TensorRT")


@pytest.mark.parametrize("recording", [False, True])
def test_a_traced_block_sees_parameters_moved_or_replaced(recording):
    """The lean binding of a traced call reads each parameter's data at every call and
    checks its context again whenever the context list changed."""
    d = gluon.nn.Dense(2, in_units=3, prefix="moved_")
    d.initialize(mx.init.One())
    d.hybridize()
    x = nd.ones((1, 3))
    scope = autograd.record if recording else autograd.pause
    with scope():
        assert d(x).asnumpy().tolist() == [[3.0, 3.0]]
    d.weight.set_data(nd.full((2, 3), 2.0))
    with scope():
        assert d(x).asnumpy().tolist() == [[6.0, 6.0]]
    d.collect_params().reset_ctx(mx.cpu(1))
    with pytest.raises(RuntimeError, match=r"Parameter 'moved_weight' was not initialized on "
                                           r"context cpu\(0\)"):
        with scope():
            d(x)
    d.collect_params().reset_ctx(mx.cpu(0))
    with scope():
        y = d(x)
    assert y.asnumpy().tolist() == [[6.0, 6.0]]
    if recording:
        y.backward()
        assert d.weight.grad().asnumpy().tolist() == [[1.0] * 3] * 2

def test_a_block_keeps_a_bounded_number_of_traces(monkeypatch):
    from tapegraph.gluon import hybrid
    monkeypatch.setattr(hybrid, "MAX_TRACES", 3)
    d = gluon.nn.Dense(2, in_units=3)
    d.initialize()
    d.hybridize()
    for n in range(1, 6):
        d(nd.ones((n, 3)))
    assert [k[0][0][0][0] for k in d._cached] == [3, 4, 5]
