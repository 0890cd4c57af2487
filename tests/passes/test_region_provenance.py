"""Second-order nodes name the first-order step they differentiate, not only the recorded
region that holds it."""
import tapegraph as mx
from tapegraph import autograd
from tapegraph.passes import inline


def test_second_order_nodes_name_the_first_order_step():
    x = mx.nd.array([1.0, 2.0, 3.0])
    x.attach_grad()
    with autograd.record():
        y = mx.nd.log(x)
        (dx,) = autograd.grad(y, [x], create_graph=True, retain_graph=True)
    joint = inline(autograd.backward_graph(dx, [x], optimized=False).graph)
    second = [n for n in joint.nodes if n.meta and n.meta.get("region_of") is not None]
    assert second, str(joint)
    assert {n.meta["vjp_of"].op for n in second} == {"elemwise_div"}
    assert all(n.meta["region_of"].op == "_grad_region" for n in second)
    assert "# vjp of elemwise_div" in str(joint)
