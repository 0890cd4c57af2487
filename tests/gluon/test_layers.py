"""gluon.nn layers against MXNet 1.9.1 (tests/data/mxnet/gluon_layers/layers.json): forward
values, gradients with respect to inputs and parameters with fixed weights, running
statistics, parameter names and reprs; imperative and hybridized."""
import os
import sys

import numpy as np
import pytest

import tapegraph as mx

sys.path.insert(0, os.path.dirname(__file__))
from gluon_golden import build, check_case, close, decode, load, nn, suffixes  # noqa: E402

CASES = load("layers")
IDS = [c["id"] for c in CASES]


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_layer_matches_mxnet(case):
    block = check_case(case)
    assert repr(block) == case["repr_after"]


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_hybridized_layer_matches_mxnet(case):
    check_case(case, hybridize=True)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_parameter_names_and_repr_before_initialisation(case):
    block = build(case["ctor"])
    assert repr(block) == case["repr_before"]
    assert block.prefix == case["prefix"]
    assert list(block.collect_params().keys()) == case["default_names"]
    for suffix, p in suffixes(block).items():
        assert p.grad_req == case["params"][suffix]["grad_req"], suffix


def test_selu_and_predict_mode_batchnorm_gradients_are_derivatives():
    """Where MXNet 1.9.1's gradient is not the derivative of its forward (gluon_golden's
    MXNET_DIFFERS), tapegraph's is: checked to second order against finite differences."""
    rng = np.random.RandomState(4)
    x = rng.uniform(-1, 1, (3, 4))
    mx.test_utils.gradcheck(lambda v: nn.SELU()(v), [x], order=2)
    bn = nn.BatchNorm(in_channels=3)
    bn.initialize()
    stats = [rng.uniform(-1, 1, 3), rng.uniform(0.5, 1.5, 3)]

    def predict(v, gamma, beta):
        with mx.autograd.predict_mode():
            return bn.hybrid_forward(mx.nd, v, gamma, beta,
                                     *[mx.nd.array(s, dtype="float64") for s in stats])
    mx.test_utils.gradcheck(predict, [rng.uniform(-1, 1, (2, 3, 2)), rng.uniform(0.5, 1, 3),
                                      rng.uniform(-1, 1, 3)], order=2)


def test_conv_and_batchnorm_second_order_gradients_match_finite_differences():
    rng = np.random.RandomState(5)
    conv = nn.Conv2D(2, 3, padding=1, in_channels=2, activation="tanh")
    mx.test_utils.gradcheck(lambda v, w, b: conv.hybrid_forward(mx.nd, v, w, b),
                            [rng.uniform(-1, 1, (1, 2, 4, 4)), rng.uniform(-1, 1, (2, 2, 3, 3)),
                             rng.uniform(-1, 1, 2)], order=2)
    bn = nn.BatchNorm(in_channels=3)
    mean, var = mx.nd.zeros(3, dtype="float64"), mx.nd.ones(3, dtype="float64")

    def train(v, gamma, beta):
        with mx.autograd.train_mode():
            return bn.hybrid_forward(mx.nd, v, gamma, beta, mean, var)
    mx.test_utils.gradcheck(train, [rng.uniform(-1, 1, (4, 3)), rng.uniform(0.5, 1, 3),
                                    rng.uniform(-1, 1, 3)], order=2)


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_layer_called_on_a_symbol_builds_the_same_computation(case):
    block = build(case["ctor"])
    sym = block(mx.sym.var("data"))
    args, aux = sym.list_arguments(), sym.list_auxiliary_states()
    assert args[0] == "data"
    assert sorted(args[1:] + aux) == sorted(case["default_names"])
    if "BatchNorm" in case["ctor"]:
        return  # evaluated in predict mode, the captured forward ran in train mode
    values = {"data": decode(case["inputs"]["x"])}
    values.update({block.prefix + k: decode(v["value"]) for k, v in case["params"].items()})
    out = sym.eval(**{k: mx.nd.array(v) for k, v in values.items()})[0]
    close(out, decode(case["outputs"][0]), case["id"])


