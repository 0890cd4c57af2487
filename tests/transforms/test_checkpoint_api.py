"""tapegraph.transforms.checkpoint: a marked function is one `_checkpoint` node in the
printed graph; gradients (transforms.grad, backward, jacrev, hessian, vmap of grad) are
those of the unmarked function; fewer forward values are saved for the backward, and
the backward recomputes the rest."""
from __future__ import annotations

import numpy as np
import pytest

import tapegraph as mx
from tapegraph import autograd
from tapegraph import transforms as T
from tapegraph.ir import MXNetError, parse, print_graph, verify
from tapegraph.passes import checkpoint as checkpoint_pass, grad, plan_memory
from tapegraph.runtime import Plan

nd = mx.nd
RNG = np.random.RandomState(5)
X = RNG.uniform(-1, 1, (4, 3))
W1, W2 = RNG.uniform(-1, 1, (3, 3)), RNG.uniform(-1, 1, (3, 3))


def arr(a):
    return nd.array(a, dtype="float64")


def block(x, w):
    z = nd.dot(x, w)
    return nd.tanh(z) * nd.sigmoid(z)


def plain(x, w1, w2):
    return block(block(x, w1), w2).sum()


def marked(policy):
    def f(x, w1, w2):
        h = T.checkpoint(block, policy=policy)(x, w1)
        return T.checkpoint(block, policy=policy)(h, w2).sum()
    return f


def _saved(fn):
    """The forward values the backward of `fn` reads: (how many, bytes)."""
    joint = grad(T.make_graph(fn, arr(X), arr(W1), arr(W2)), wrt=[1, 2], keep_outputs=True)
    k = joint.meta["forward_nodes"]
    forward = {v for n in joint.nodes[:k] for v in n.outputs}
    read = {v for n in joint.nodes[k:] for v in n.inputs if v in forward}
    return len(read), sum(v.type.size for v in read), joint


def test_the_marked_function_is_one_node_in_the_printed_graph():
    g = T.make_graph(marked("dots"), arr(X), arr(W1), arr(W2))
    verify(g)
    nodes = [n for n in g.nodes if n.op == "_checkpoint"]
    assert len(nodes) == 2 and all(n.attrs["policy"] == "dots" for n in nodes)
    # "dots" saves the matrix product: an extra output of the region
    assert [v.type.shape for v in nodes[0].region.outputs] == [(4, 3), (4, 3)]
    assert nodes[0].region.outputs[1] is nodes[0].region.nodes[0].outputs[0]
    text = print_graph(g)
    assert "_checkpoint(%x, %w1) {policy='dots'} region" in text
    assert print_graph(parse(text)) == text


@pytest.mark.parametrize("policy", ["nothing", "dots", "everything",
                                    lambda node: node.op == "tanh"])
def test_gradients_equal_those_of_the_unmarked_function(policy):
    f = marked(policy)
    want = T.grad(plain, argnums=(0, 1, 2))(arr(X), arr(W1), arr(W2))
    got = T.grad(f, argnums=(0, 1, 2))(arr(X), arr(W1), arr(W2))
    for a, b in zip(got, want):
        np.testing.assert_allclose(a.asnumpy(), b.asnumpy(), rtol=1e-13, atol=1e-15)
    ws = [arr(W1), arr(W2)]
    for w in ws:
        w.attach_grad()
    with autograd.record():
        y = f(arr(X), *ws)
    y.backward()
    for w, b in zip(ws, want[1:]):
        np.testing.assert_allclose(w.grad.asnumpy(), b.asnumpy(), rtol=1e-13, atol=1e-15)


def test_higher_order_and_batched_gradients_go_through_the_region():
    hess = T.hessian(lambda w: marked("nothing")(arr(X), w, arr(W2)))(arr(W1)).asnumpy()
    want = T.hessian(lambda w: plain(arr(X), w, arr(W2)))(arr(W1)).asnumpy()
    np.testing.assert_allclose(hess, want, rtol=1e-10, atol=1e-12)
    xs = RNG.uniform(-1, 1, (3, 4, 3))
    per = T.vmap(T.grad(marked("dots"), argnums=1), in_axes=(0, None, None))(
        arr(xs), arr(W1), arr(W2)).asnumpy()
    for k in range(3):
        np.testing.assert_allclose(
            per[k], T.grad(plain, argnums=1)(arr(xs[k]), arr(W1), arr(W2)).asnumpy(),
            rtol=1e-12, atol=1e-14)


def test_fewer_values_are_saved_and_the_backward_recomputes_them():
    n_plain, bytes_plain, joint_plain = _saved(plain)
    n_nothing, bytes_nothing, joint = _saved(marked("nothing"))
    n_dots, bytes_dots, _ = _saved(marked("dots"))
    n_all, _, _ = _saved(marked("everything"))
    # without checkpoint: z, tanh(z), sigmoid(z) of both layers and the first layer's
    # output; "nothing" keeps only the first region's result
    assert n_nothing < n_dots < n_plain and bytes_nothing < bytes_plain
    assert n_all >= n_plain - 1
    k = joint.meta["forward_nodes"]
    recomputed = [n.op for n in joint.nodes[k:] if n.op in ("dot", "tanh", "sigmoid")
                  and all(v not in joint.inputs[1:] for v in n.inputs[1:2])]
    assert {"tanh", "sigmoid"} <= set(recomputed)
    # the peak of live intermediates goes down too
    peak = plan_memory(joint).meta["memory_plan"].peak_before
    assert peak < plan_memory(joint_plain).meta["memory_plan"].peak_before
    # and the checkpoint pass treats the region's outputs as saved
    again = checkpoint_pass(joint, policy="nothing")
    feed = [X, W1, W2]
    for a, b in zip(Plan(again).run(feed), Plan(joint_plain).run(feed)):
        np.testing.assert_allclose(a, b, rtol=1e-12)


def test_not_recording_it_is_the_function_and_bad_policies_are_named():
    out = T.checkpoint(block)(arr(X), arr(W1))
    np.testing.assert_allclose(out.asnumpy(), block(arr(X), arr(W1)).asnumpy())
    with pytest.raises(MXNetError, match="unknown policy 'some'"):
        T.checkpoint(block, policy="some")
