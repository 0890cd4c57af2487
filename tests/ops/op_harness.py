"""Build one-node graphs from the sample table, derive gradients of any order with the
`grad` pass, run them with the runtime, and compare with central finite differences.

Order k is checked against finite differences of a scalar built from order k-1, so a
mistake at any order shows up at that order.
"""
from __future__ import annotations

import zlib
from typing import List, Sequence, Tuple

import numpy as np

from tapegraph.ir import Builder, Graph, TensorType, Value, get_op
from tapegraph.ir.types import is_float
from tapegraph.passes import get_pass
from tapegraph.runtime import Plan

from op_samples import Const, Sample

FD_EPS = 1e-5


def draw_inputs(sample: Sample, salt: str = "") -> List[np.ndarray]:
    rng = np.random.RandomState(zlib.crc32((sample.id + salt).encode()))
    return [spec.draw(rng) for spec in sample.inputs]


def diff_positions(sample: Sample) -> List[int]:
    return [i for i, spec in enumerate(sample.inputs) if not isinstance(spec, Const)]


def one_node_graph(sample: Sample, arrays: Sequence[np.ndarray]) -> Graph:
    inputs = [Value(TensorType.of(a), "in%d" % i) for i, a in enumerate(arrays)]
    if sample.build is not None:
        return sample.build(inputs)
    b = Builder()
    out = b.op(sample.op, *inputs, **sample.attrs)
    outs = list(out) if isinstance(out, tuple) else [out]
    return b.graph(sample.op, inputs, outs)


def scalarize(graph: Graph, rng: np.random.RandomState) -> Tuple[Graph, List[np.ndarray]]:
    """sum_i sum(w_i * out_i) over the float outputs, with new weight inputs w_i (one per
    output; an integer output's is zero and unused); returns the graph and the w_i."""
    b = Builder()
    weights, arrays, total = [], [], None
    for out in graph.outputs:
        w = Value(out.type, "w%d" % len(weights))
        weights.append(w)
        if not is_float(out.type.dtype):  # an integer output (ROIPooling's positions): no
            arrays.append(np.zeros(out.type.shape, out.type.dtype))  # term, a zero weight
            continue
        arrays.append(rng.uniform(-1, 1, out.type.shape).astype(out.type.dtype))
        term = b.op("sum", b.op("elemwise_mul", out, w))
        total = term if total is None else b.op("elemwise_add", total, term)
    return Graph("s_" + graph.name, list(graph.inputs) + weights, list(graph.nodes) + b.nodes,
                 [total]), arrays


def derive(sample: Sample, arrays: Sequence[np.ndarray], order: int):
    """[(scalar graph S_k, its extra weight arrays, gradient graph G_k+1)] for k < order."""
    grad = get_pass("grad")
    rng = np.random.RandomState(zlib.crc32(("w" + sample.id).encode()))
    graph = one_node_graph(sample, arrays)
    wrt = diff_positions(sample)
    feed = list(arrays)
    steps = []
    for _ in range(order):
        s, extra = scalarize(graph, rng)
        feed = feed + extra
        graph = grad(s, wrt=wrt, head_grads="ones")
        steps.append((s, list(feed), graph))
    return steps


def numeric_gradient(plan: Plan, feed: List[np.ndarray], wrt: Sequence[int],
                     rng: np.random.RandomState, max_coords: int = 24):
    """Central differences of the scalar `plan` along coordinates (small inputs) or along
    random directions (larger ones). Returns [(direction per wrt input, derivative)]."""
    total = sum(feed[i].size for i in wrt)
    if total <= max_coords:
        dirs = []
        for i in wrt:
            for k in range(feed[i].size):
                d = [np.zeros_like(feed[j]) for j in wrt]
                d[wrt.index(i)].reshape(-1)[k] = 1.0
                dirs.append(d)
    else:
        dirs = [[rng.standard_normal(feed[j].shape) for j in wrt] for _ in range(6)]
    out = []
    for d in dirs:
        def at(t):
            shifted = list(feed)
            for j, dj in zip(wrt, d):
                shifted[j] = feed[j] + t * dj
            return float(np.asarray(plan.run(shifted)[0]).sum())
        out.append((d, (at(FD_EPS) - at(-FD_EPS)) / (2 * FD_EPS)))
    return out


def check_gradient(s: Graph, feed: List[np.ndarray], g: Graph, wrt: Sequence[int],
                   tol: float = 1e-5) -> None:
    """Assert that `g` (the gradient graph of scalar graph `s`) matches finite differences."""
    grads = Plan(g).run(feed)
    rng = np.random.RandomState(7)
    for d, fd in numeric_gradient(Plan(s), feed, list(wrt), rng):
        exact = sum(float((np.asarray(gi) * di).sum()) for gi, di in zip(grads, d))
        assert abs(exact - fd) <= tol * max(1.0, abs(fd), abs(exact)), (
            "analytic %r vs finite differences %r" % (exact, fd))


def opdef_of(sample: Sample):
    return get_op(sample.op)
