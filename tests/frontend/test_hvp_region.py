"""create_graph records the gradient computation as one `_grad_region` node: values of
every order, what users see (get_symbol, exports), the Function fallback, cache keys."""
import numpy as np
import pytest

import tapegraph as mx
from tapegraph.autodiff import engine
from tapegraph.trace.values import TracedValue, VariableValue
from tapegraph.ir import Node, TensorType, parse


def _ops(head):
    return [n.op for n in engine.Collected([head._value]).nodes]


def test_third_order_through_recorded_regions():
    xs = np.array([0.3, -0.7, 1.1], dtype=np.float32)
    x = mx.nd.array(xs)
    x.attach_grad()
    with mx.autograd.record():
        y = mx.nd.sum(mx.nd.sin(x) * x)
        g1 = mx.autograd.grad(y, [x], create_graph=True)[0]  # sin + x cos
        g2 = mx.autograd.grad(mx.nd.sum(g1), [x], create_graph=True)[0]  # 2cos - x sin
        # a region reads what it uses (x, sin(x)) and the head it differentiates
        assert _ops(g1) == ["sin", "elemwise_mul", "sum", "_grad_region"]
        assert _ops(g2)[-3:] == ["_grad_region", "sum", "_grad_region"]
        z = mx.nd.sum(g2 * g2)
    z.backward()
    t = xs.astype(np.float64)
    d2 = 2 * np.cos(t) - t * np.sin(t)
    d3 = -3 * np.sin(t) - t * np.cos(t)
    np.testing.assert_allclose(g1.asnumpy(), np.sin(t) + t * np.cos(t), rtol=1e-5)
    np.testing.assert_allclose(g2.asnumpy(), d2, rtol=1e-5)
    np.testing.assert_allclose(x.grad.asnumpy(), 2 * d2 * d3, rtol=1e-4)


def test_gradient_of_a_recorded_head_gradient_flows_to_it():
    x = mx.nd.array([1.0, 2.0])
    u = mx.nd.array([3.0, -1.0])
    x.attach_grad()
    u.attach_grad()
    with mx.autograd.record():
        y = x * x
        hg = u * 2
        g = mx.autograd.grad(y, [x], head_grads=hg, create_graph=True)[0]  # 2x * 2u
        z = mx.nd.sum(g)
    z.backward()
    np.testing.assert_allclose(g.asnumpy(), [12.0, -8.0])
    np.testing.assert_allclose(x.grad.asnumpy(), [12.0, -4.0])
    np.testing.assert_allclose(u.grad.asnumpy(), [4.0, 8.0])


def test_constant_gradient_alone_still_reaches_the_variable():
    x = mx.nd.array([1.0, 2.0, 3.0])
    x.attach_grad()
    with mx.autograd.record():
        g = mx.autograd.grad(mx.nd.sum(x * 3.0), [x], create_graph=True)[0]
        z = mx.nd.sum(g)
    z.backward()  # MXNet: zeros, not "not in a computational graph"
    np.testing.assert_array_equal(x.grad.asnumpy(), [0, 0, 0])


def test_users_see_operators_not_regions():
    x = mx.nd.array([0.5, 1.5])
    x.attach_grad()
    with mx.autograd.record():
        g = mx.autograd.grad(mx.nd.sum(mx.nd.exp(x) * x), [x], create_graph=True)[0]
        z = mx.nd.sum(g * g)
    sym = mx.autograd.get_symbol(z)
    ops = [n.op for n in sym._graph.nodes]
    assert "_grad_region" not in ops and "exp" in ops and ops.count("elemwise_mul") >= 2
    assert "_grad_region" not in sym.tojson()
    for optimized in (False, True):
        graph = mx.autograd.backward_graph(z, [x], optimized=optimized)._graph
        assert "_grad_region" not in [n.op for n in graph.nodes]
    np.testing.assert_allclose(sym.eval(x=x)[0].asnumpy(), z.asnumpy(), rtol=1e-6)


class _Cube(mx.autograd.Function):
    def forward(self, x):
        self.save_for_backward(x)
        return x * x * x

    def backward(self, dy):
        x, = self.saved_tensors
        return dy * 3 * x * x


def test_function_backward_is_replayed_op_by_op_so_its_own_ops_are_recorded():
    x = mx.nd.array([1.0, -2.0])
    x.attach_grad()
    with mx.autograd.record():
        g = mx.autograd.grad(mx.nd.sum(_Cube()(x)), [x], create_graph=True)[0]
        assert "_grad_region" not in _ops(g)
        z = mx.nd.sum(g)
    z.backward()
    np.testing.assert_allclose(g.asnumpy(), [3.0, 12.0])
    np.testing.assert_allclose(x.grad.asnumpy(), [6.0, -12.0])


def test_nondifferentiable_op_inside_a_region_names_it():
    x = mx.nd.array([1.5, -0.5])
    x.attach_grad()
    with mx.autograd.record():
        g = mx.autograd.grad(mx.nd.sign(x), [x], create_graph=True)[0]
    with pytest.raises(mx.base.MXNetError, match="_backward_sign is non-differentiable"):
        g.backward()


def _region(text):
    return parse(text)


def _recorded(region):
    """A hand-built recorded graph: x -> _grad_region{region} -> out."""
    t = TensorType.get((3,), "float32")
    x = VariableValue(t, np.ones(3, np.float32), mx.nd.zeros(3), "write")
    out = TracedValue(t, None, np.ones(3, np.float32))
    out.node = Node("_grad_region", [x], [out], {}, region)
    return out


SIN = "graph r(%a: f32[3]) -> (f32[3]) {\n  %0: f32[3] = sin(%a)\n  return (%0)\n}"
COS = "graph r(%a: f32[3]) -> (f32[3]) {\n  %0: f32[3] = cos(%a)\n  return (%0)\n}"


def test_cache_key_tells_regions_apart_structurally():
    sin1, sin2, cos = _region(SIN), _region(SIN), _region(COS)
    key = lambda r: engine.Collected([_recorded(r)]).key  # noqa: E731
    assert key(sin1) == key(sin2)  # distinct objects, same structure: one plan
    assert key(sin1) != key(cos)
    assert hash(key(sin1)) == hash(key(sin2))


def test_plain_head_gradients_float64_and_np_arrays():
    x = mx.nd.array(np.array([1.0, 2.0]), dtype="float64")
    x.attach_grad()
    with mx.autograd.record():
        y = x * x * x
        g = mx.autograd.grad(y, [x], head_grads=np.array([1.0, -1.0]), create_graph=True)[0]
        z = mx.nd.sum(g)
    assert g.dtype == np.float64 and _ops(g)[-1] == "_grad_region"
    z.backward()
    np.testing.assert_allclose(g.asnumpy(), [3.0, -12.0])
    np.testing.assert_allclose(x.grad.asnumpy(), [6.0, -12.0])
    mx.npx.set_np()
    try:
        a = mx.np.array([0.5, 1.5])
        a.attach_grad()
        with mx.autograd.record():
            ga = mx.autograd.grad(mx.np.sum(mx.np.exp(a)), [a], create_graph=True)[0]
            s = (ga * ga).sum()
        s.backward()
        assert isinstance(ga, mx.np.ndarray)
        np.testing.assert_allclose(a.grad.asnumpy(), 2 * np.exp(2 * np.array([0.5, 1.5])),
                                   rtol=1e-5)
    finally:
        mx.npx.reset_np()


def test_a_failing_region_leaves_the_graph_and_buffers_as_they_were():
    x = mx.nd.array([1.0, 2.0])
    x.attach_grad()
    with mx.autograd.record():
        y = mx.nd.sum(x * x)
    before = engine.Collected([y._value]).key
    with pytest.raises(mx.base.MXNetError):
        mx.autograd.grad(y, [x], head_grads=[np.ones(3)], create_graph=True)
    assert engine.Collected([y._value]).key == before
    np.testing.assert_array_equal(x.grad.asnumpy(), [0, 0])


def _hvp_program(pipeline):
    x = mx.nd.array([0.5, 1.0, 2.0])
    x.attach_grad()
    v = mx.nd.array([1.0, -1.0, 0.5])
    with mx.autograd.record():
        f = mx.nd.sum(mx.nd.sin(x) * mx.nd.sin(x))
        g = mx.autograd.grad(f, [x], create_graph=True, pipeline=pipeline)[0]
        z = mx.nd.sum(g * v)
    return x, z


def test_the_tape_describes_a_recorded_region_and_keys_it_like_the_walk():
    from tapegraph.trace.collect import TapeCollected, collect
    (xa, za), (xb, zb) = _hvp_program(None), _hvp_program(["dce"])
    ca, cb = collect([za._value]), collect([zb._value])
    assert type(ca) is TapeCollected and type(cb) is TapeCollected  # no walk
    region_a, region_b = [[n.region for n in c.nodes if n.region is not None][0]
                          for c in (ca, cb)]
    assert region_a != region_b  # the same forward, two different recorded backwards...
    assert ca.key != cb.key  # ...never share a plan
    assert ca.key == engine.Collected([za._value]).key
    assert cb.key == engine.Collected([zb._value]).key
    za.backward()
    zb.backward()
    np.testing.assert_allclose(xa.grad.asnumpy(), xb.grad.asnumpy(), rtol=1e-6)


def test_a_region_compiled_again_is_the_same_object():
    from tapegraph.runtime import PLAN_CACHE
    regions = []
    for _ in range(2):
        PLAN_CACHE.clear()  # (as after an eviction: everything compiles again)
        x, z = _hvp_program(None)
        regions.append([n.region for n in engine.Collected([z._value]).nodes
                        if n.region is not None][0])
    assert regions[0] is regions[1]  # so cache keys holding it compare by identity


def test_one_region_records_the_gradients_of_several_variables():
    x = mx.nd.array([0.5, -1.0])
    y = mx.nd.array([2.0, 0.25])
    x.attach_grad()
    y.attach_grad()
    with mx.autograd.record():
        gx, gy = mx.autograd.grad(mx.nd.sum(x * x * y), [x, y], create_graph=True)
        assert gx._value.node is gy._value.node and gx._value.node.op == "_grad_region"
        z = mx.nd.sum(gx * gy)  # 2xy * x^2 = 2 x^3 y
    z.backward()
    xs, ys = np.array([0.5, -1.0]), np.array([2.0, 0.25])
    np.testing.assert_allclose(gx.asnumpy(), 2 * xs * ys, rtol=1e-6)
    np.testing.assert_allclose(x.grad.asnumpy(), 6 * xs ** 2 * ys, rtol=1e-6)
    np.testing.assert_allclose(y.grad.asnumpy(), 2 * xs ** 3, rtol=1e-6)
