"""Issue 14's clean-IR promises that span the frontend: printed graphs keep the user's
names after any pipeline (autograd's backward pipelines, written as strings with spaces
and pass options, and the transformation passes); second-order nodes keep naming the
first-order step they differentiate after optimization."""
from __future__ import annotations

import numpy as np
import pytest

import tapegraph as mx
from tapegraph import autograd
from tapegraph import transforms as T
from tapegraph.engine import set_default_pipeline
from tapegraph.passes import get_pass

nd = mx.nd
PIPELINES = ["dce", "dce, cse, simplify, dce", "fold, simplify{}, dce, prune-inputs",
             " fuse ,plan-memory", ["dce", ("simplify", {}), "fuse"], None]


@pytest.mark.parametrize("pipeline", PIPELINES, ids=repr)
def test_backward_graphs_keep_user_names_under_any_pipeline(pipeline):
    # (names are the caller's variable names: the recording is written out here)
    weight = nd.array(np.linspace(-1, 1, 9).reshape(3, 3))
    data = nd.array(np.linspace(0, 1, 6).reshape(2, 3))
    weight.attach_grad()
    with autograd.record():
        hidden = nd.tanh(nd.dot(data, weight))
        loss = (hidden * 2 * 0.125).sum()
    text = str(autograd.backward_graph(loss, [weight], pipeline=pipeline))
    for name in ("%weight", "%data", "%hidden"):
        assert name in text, (name, text)
    want = autograd.grad(loss, [weight], retain_graph=True)[0].asnumpy()
    autograd.backward(loss, pipeline=pipeline)  # the same string runs, spaces and all
    np.testing.assert_allclose(weight.grad.asnumpy(), want, rtol=1e-6)


def test_a_default_pipeline_with_options_and_spaces():
    previous = set_default_pipeline("dce, simplify{}, dce")
    try:
        weight = nd.array(np.linspace(-1, 1, 9).reshape(3, 3))
        weight.attach_grad()
        with autograd.record():
            hidden = nd.tanh(weight * 3)
            loss = hidden.sum()
        assert "%hidden" in str(autograd.backward_graph(loss, [weight]))
        loss.backward()
    finally:
        set_default_pipeline(previous)


@pytest.mark.parametrize("pipeline", PIPELINES, ids=repr)
def test_second_order_nodes_name_the_first_order_step_after_any_pipeline(pipeline):
    x = nd.array([1.0, 2.0, 3.0])
    x.attach_grad()
    with autograd.record():
        y = nd.log(x)
        (dx,) = autograd.grad(y, [x], create_graph=True, retain_graph=True)
    text = str(autograd.backward_graph(dx, [x], pipeline=pipeline))
    assert "# vjp of elemwise_div" in text and "%x" in text, text


def test_transformation_passes_keep_the_parameter_names():
    def f(inputs, weights):
        return nd.tanh(nd.dot(weights, inputs)).sum()
    g = T.make_graph(f, nd.ones((3,)), nd.ones((2, 3)))
    graphs = [get_pass("jvp")(g, wrt=[0]), get_pass("linearize")(g, wrt=[0]),
              get_pass("vmap")(g, size=4, in_axes=[0, None]),
              get_pass("checkpoint")(get_pass("grad")(g, wrt=[1], keep_outputs=True)),
              T.make_graph(T.checkpoint(f), nd.ones((3,)), nd.ones((2, 3)))]
    for out in graphs:
        text = str(out)
        # (a linear graph reads the tangent of `inputs`, named after it: %t_inputs)
        assert "inputs" in text and "%weights" in text, text
