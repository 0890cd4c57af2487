"""Random programs of registered operators: gradients of order 1 and 2 of each random
graph match finite differences, and every derived graph round-trips through the text
format. 8 programs by default, 200 with `--long`."""
from __future__ import annotations

import numpy as np
import pytest

from tapegraph.ir import Builder, Graph, TensorType, Value, parse
from tapegraph.passes import get_pass

from op_harness import check_gradient, scalarize

SMOOTH_UNARY = ["sin", "cos", "tanh", "sigmoid", "arctan", "erf", "square", "softsign_safe"]
SHAPED = [("softmax", {"axis": 1}), ("log_softmax", {"axis": 0}), ("cumsum", {"axis": 1}),
          ("reverse", {"axis": (0,)}), ("transpose2", {}), ("mean_back", {})]
BINARY = ["elemwise_mul", "elemwise_add", "elemwise_sub", "_maximum_soft"]


def _emit(b, rng, values):
    kind = rng.randint(3)
    x = values[rng.randint(len(values))]
    if kind == 0:
        name = SMOOTH_UNARY[rng.randint(len(SMOOTH_UNARY))]
        if name == "softsign_safe":  # softsign is smooth away from 0: shift first
            return b.op("softsign", b.op("_plus_scalar", b.op("square", x), scalar=0.5))
        return b.op(name, x)
    if kind == 1:
        name, attrs = SHAPED[rng.randint(len(SHAPED))]
        if name == "transpose2":
            return b.op("transpose", b.op("transpose", x))
        if name == "mean_back":
            m = b.op("mean", x, axis=(1,), keepdims=True)
            return b.op("elemwise_mul", x, b.op("broadcast_to", m, shape=x.type.shape))
        return b.op(name, x, **attrs)
    y = values[rng.randint(len(values))]
    name = BINARY[rng.randint(len(BINARY))]
    if name == "_maximum_soft":  # a smooth stand-in: hypot with a positive offset
        return b.op("_hypot", x, b.op("_plus_scalar", b.op("square", y), scalar=1.0))
    return b.op(name, x, y)


def random_graph(seed: int):
    rng = np.random.RandomState(seed)
    inputs = [Value(TensorType.get((3, 4), "float64"), "x%d" % i) for i in range(2)]
    b = Builder()
    values = list(inputs)
    for _ in range(rng.randint(2, 7)):
        values.append(_emit(b, rng, values))
    return Graph("random%d" % seed, inputs, b.nodes, [values[-1]]), rng


@pytest.fixture
def budget(request):
    return 200 if request.config.getoption("--long") else 8


def test_random_programs_second_order(budget):
    grad = get_pass("grad")
    for seed in range(budget):
        graph, rng = random_graph(seed)
        arrays = [rng.uniform(-1, 1, (3, 4)) for _ in graph.inputs]
        feed, wrt = list(arrays), [0, 1]
        for order in (1, 2):
            s, extra = scalarize(graph, rng)
            feed = feed + extra
            graph = grad(s, wrt=wrt, head_grads="ones")
            check_gradient(s, feed, graph, wrt)
            assert parse(str(graph)) == graph, "seed %d order %d" % (seed, order)
