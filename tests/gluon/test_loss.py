"""gluon.loss against MXNet 1.9.1 (tests/data/mxnet/gluon_layers/losses.json): per-sample
values, gradients with respect to predictions (and labels where MXNet gives one), reprs;
imperative and hybridized; gradients of gradients against finite differences."""
import os
import sys

import numpy as np
import pytest

import tapegraph as mx
from tapegraph import autograd, gluon, nd

sys.path.insert(0, os.path.dirname(__file__))
from gluon_golden import build, close, decode, load  # noqa: E402

CASES = load("losses")


def _run(case, hybridize=False):
    loss = build(case["ctor"])
    if hybridize:
        loss.hybridize()
    xs = [(i["name"], nd.array(decode(i))) for i in case["inputs"]]
    for name, x in xs:
        if name in case["grads"]:
            x.attach_grad()
    with autograd.record():
        out = loss(*[x for _, x in xs])
    if case["grads"]:
        out.backward(nd.array(decode(case["head"])))
    return loss, dict(xs), out


@pytest.mark.parametrize("hybridize", [False, True], ids=["imperative", "hybridized"])
@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_loss_matches_mxnet(case, hybridize):
    loss, xs, out = _run(case, hybridize)
    assert out.shape == tuple(case["output"]["shape"])
    close(out, decode(case["output"]), case["id"] + ": value")
    for name, want in case["grads"].items():
        close(xs[name].grad, decode(want), "%s: gradient of %s" % (case["id"], name))
    assert repr(loss) == case["repr"]


def test_poisson_full_has_gradients_mxnet_cannot_record():
    # MXNet 1.9.1 raises for PoissonNLLLoss(compute_full=True) under record (an in-place
    # *=), and its value is nan for a zero target; here it records, the zero target adds
    # nothing, and the Stirling term (of the target only) adds nothing to the gradient.
    loss = gluon.loss.PoissonNLLLoss(from_logits=False, compute_full=True)
    pred = nd.array([[0.5, 2.0], [1.5, 3.0]])
    target = nd.array([[0.0, 3.0], [1.0, 4.0]])
    pred.attach_grad()
    with autograd.record():
        out = loss(pred, target)
    out.backward()
    p, t = pred.asnumpy(), target.asnumpy()
    close(pred.grad, (1 - t / (p + 1e-8)) / p.size, "gradient")
    stirling = np.where(t > 1, t * np.log(np.maximum(t, 1)) - t
                        + 0.5 * np.log(2 * np.pi * np.maximum(t, 1)), 0)
    close(out, [(p - t * np.log(p + 1e-8) + stirling).mean()], "value")


def _fd_second_order(f, inputs):
    mx.test_utils.gradcheck(f, inputs, order=2, rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("ctor,extra", [
    ("gluon.loss.SoftmaxCrossEntropyLoss(sparse_label=False)", "prob"),
    ("gluon.loss.SigmoidBCELoss()", "binary"),
    ("gluon.loss.HuberLoss(rho=0.5)", "float"),
    ("gluon.loss.LogisticLoss()", "sign"),
    ("gluon.loss.KLDivLoss(from_logits=False)", "prob"),
    ("gluon.loss.CosineEmbeddingLoss(margin=0.2)", "cos"),
    ("gluon.loss.CTCLoss()", "ctc"),
], ids=["softmax_ce_dense", "sigmoid_bce", "huber", "logistic", "kldiv", "cosine", "ctc"])
def test_second_order_gradients_match_finite_differences(ctor, extra):
    rng = np.random.RandomState(3)
    loss = build(ctor)
    if extra == "cos":
        a, b = rng.uniform(-1, 1, (3, 4)), rng.uniform(-1, 1, (3, 4))
        label = nd.array([1, -1, -1], dtype="float64")
        _fd_second_order(lambda x, y: loss(x, y, label), [a, b])
        return
    if extra == "ctc":
        label = nd.array([[0, 1], [2, -1]])
        _fd_second_order(lambda x: loss(x, label), [rng.uniform(-1, 1, (2, 4, 4))])
        return
    pred = rng.uniform(-2, 2, (3, 4))
    if extra == "prob":
        p = rng.uniform(0.1, 1, (3, 4))
        label = nd.array(p / p.sum(axis=1, keepdims=True), dtype="float64")
    elif extra == "binary":
        label = nd.array(rng.randint(0, 2, (3, 4)), dtype="float64")
    elif extra == "sign":
        label = nd.array(rng.randint(0, 2, (3, 4)) * 2 - 1, dtype="float64")
    else:
        label = nd.array(rng.uniform(-1, 1, (3, 4)), dtype="float64")
    _fd_second_order(lambda x: loss(x, label), [pred])


def test_ctc_rejects_unknown_layouts():
    with pytest.raises(ValueError, match="'NTC' and 'TNC'"):
        gluon.loss.CTCLoss(layout="NCT")
    with pytest.raises(ValueError, match="'NT' and 'TN'"):
        gluon.loss.CTCLoss(label_layout="TT")


def test_weight_must_be_a_number():
    loss = gluon.loss.L1Loss(weight=nd.array([2.0]))
    with pytest.raises(TypeError, match="weight must be a number"):
        loss(nd.ones((2, 3)), nd.zeros((2, 3)))
