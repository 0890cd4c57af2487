"""create_graph records the compiled backward graph as one `_grad_region` node
(`tapegraph.autodiff.replay`): inlined, it is the graph `invoke` records op by op, the second order
is right, and a steady Hessian-vector loop hits the plan cache for both backwards."""
import numpy as np

import tapegraph as mx
from tapegraph.autodiff import engine
from tapegraph import runtime
from tapegraph.trace.tape import STATE
from tapegraph.autodiff.function import replay_node
from tapegraph.passes import dce, inline


def _hvp(A, w, v):
    with mx.autograd.record():
        f = mx.nd.sum(mx.nd.tanh(mx.nd.dot(A, w)))
        g = mx.autograd.grad(f, [w], create_graph=True, retain_graph=True)[0]
        z = mx.nd.sum(g * v)
    z.backward()
    return g, z


def _data(n=8, seed=0):
    rng = np.random.RandomState(seed)
    A = rng.randn(n, n).astype("f4") / np.sqrt(n)
    w = rng.randn(n).astype("f4")
    v = rng.randn(n).astype("f4")
    return A, w, v


def test_hessian_vector_product_matches_closed_form():
    A, w, v = _data()
    Am, wm, vm = mx.nd.array(A), mx.nd.array(w), mx.nd.array(v)
    wm.attach_grad()
    g, _ = _hvp(Am, wm, vm)
    t = np.tanh(A.astype("f8") @ w)
    np.testing.assert_allclose(g.asnumpy(), A.T @ (1 - t ** 2), rtol=1e-4, atol=1e-5)
    hv = A.T @ (-2 * t * (1 - t ** 2) * (A @ v))
    np.testing.assert_allclose(wm.grad.asnumpy(), hv, rtol=1e-4, atol=1e-5)


def _recorded(head, inline_regions=True):
    graph = engine.Collected([head._value]).graph()
    return dce(inline(graph)) if inline_regions else graph  # (as get_symbol shows it)


def _replay_by_invoke(compiled, col, heads, head_grads, head_data=None):
    """The reference: every backward node through `invoke`, recorded one by one."""
    cls = type(heads[0])
    env = {}
    for v, (kind, i) in zip(compiled.graph.inputs, compiled.sources):
        if kind == "h":
            env[v] = head_grads[i]
        else:
            arr = cls._wrap(col.values[i].data)
            arr._value = col.values[i]
            env[v] = arr
    previous, STATE.recording = STATE.recording, True
    try:
        for node in compiled.graph.nodes:
            for v, o in zip(node.outputs, replay_node(node, [env[v] for v in node.inputs],
                                                      cls)):
                env[v] = o
    finally:
        STATE.recording = previous
    return [env[v] for v in compiled.graph.outputs]


def test_create_graph_records_one_region_equal_to_the_op_by_op_recording(monkeypatch):
    A, w, v = _data(seed=1)
    results = []
    for record in (engine._record, _replay_by_invoke):
        monkeypatch.setattr(engine, "_record", record)
        Am, wm = mx.nd.array(A), mx.nd.array(w)
        wm.attach_grad()
        with mx.autograd.record():
            f = mx.nd.sum(mx.nd.tanh(mx.nd.dot(Am, wm)) * mx.nd.sin(wm))
            g = mx.autograd.grad(f, [wm], create_graph=True, retain_graph=True)[0]
        results.append((_recorded(g, inline_regions=False), _recorded(g), g.asnumpy()))
    (raw, inlined, value), (ref_raw, ref, ref_value) = results
    assert [n.op for n in raw.nodes].count("_grad_region") == 1
    assert "_grad_region" not in [n.op for n in ref_raw.nodes]
    assert len(raw.nodes) < len(ref_raw.nodes)
    assert inlined == ref  # structurally: the same operators, attributes and wiring
    np.testing.assert_array_equal(value, ref_value)


def test_steady_hessian_vector_loop_hits_the_cache():
    A, w, v = _data(seed=2)
    Am, wm, vm = mx.nd.array(A), mx.nd.array(w), mx.nd.array(v)
    wm.attach_grad()
    _hvp(Am, wm, vm)
    first = wm.grad.asnumpy().copy()
    before = dict(runtime.plan_cache_stats())
    for _ in range(3):
        _hvp(Am, wm, vm)
    after = runtime.plan_cache_stats()
    assert after["misses"] == before["misses"]
    assert after["hits"] == before["hits"] + 6  # first and second backward, 3 steps
    np.testing.assert_array_equal(wm.grad.asnumpy(), first)


def test_replay_of_a_constant_gradient_keeps_the_link_to_the_variable():
    # f linear in x: the gradient is constant but, as in MXNet, still recorded, so a
    # second backward gives zeros rather than "not in a graph".
    x = mx.nd.array(np.arange(4, dtype="f4"))
    x.attach_grad()
    with mx.autograd.record():
        y = mx.nd.sum(x * 3.0)
        g = mx.autograd.grad(y, [x], create_graph=True, retain_graph=True)[0]
        z = mx.nd.sum(g * x)
    z.backward()
    np.testing.assert_allclose(g.asnumpy(), [3, 3, 3, 3])
    np.testing.assert_allclose(x.grad.asnumpy(), [3, 3, 3, 3])
