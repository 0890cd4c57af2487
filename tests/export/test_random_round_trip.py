"""Random recorded programs: their forward and backward graphs survive MXNet JSON export
and reload exactly (equal graphs, equal values). 40 programs by default, 400 with --long."""
import numpy as np

import tapegraph as mx
from tapegraph import autograd
from tapegraph.passes import dce

UNARY = [mx.nd.tanh, mx.nd.sigmoid, mx.nd.exp, lambda a: a * 0.5 + 1, lambda a: -a,
         mx.nd.relu, lambda a: a ** 2]


def random_program(rng):
    """A few operations on two inputs of shapes (3, 4) and (4,), recorded."""
    x = mx.nd.array(rng.uniform(-1, 1, (3, 4)))
    b = mx.nd.array(rng.uniform(-1, 1, (4,)))
    x.attach_grad()
    b.attach_grad()
    with autograd.record():
        values = [x, b]
        for _ in range(rng.randint(2, 7)):
            kind = rng.randint(0, 6)
            a = values[rng.randint(len(values))]
            if kind <= 1:
                out = UNARY[rng.randint(len(UNARY))](a)
            elif kind == 2:
                c = values[rng.randint(len(values))]
                try:
                    np.broadcast_shapes(a.shape, c.shape)
                except ValueError:
                    continue
                out = a * c if rng.rand() < 0.5 else a + c  # broadcasting when shapes differ
            elif kind == 3 and a.ndim == 2:
                out = a[1:3] if rng.rand() < 0.5 else a.T
            elif kind == 4 and a.ndim == 2:
                out = mx.nd.sum(a, axis=int(rng.randint(2)), keepdims=bool(rng.rand() < 0.5))
            else:
                out = a.reshape((-1,))
            values.append(out)
        y = values[-1].sum() + (x * b).sum()  # both inputs reach the head
    return x, b, y


def test_random_programs_round_trip_through_mxnet_json(request):
    count = 400 if request.config.getoption("--long") else 40
    rng = np.random.RandomState(12345)
    for k in range(count):
        x, b, y = random_program(rng)
        for sym in (autograd.get_symbol(y),
                    autograd.backward_graph(y, [x, b], optimized=False),
                    autograd.backward_graph(y, [x, b], pipeline="dce,cse,simplify")):
            text = sym.tojson()
            again = mx.sym.load_json(text)
            # equal up to dead nodes (MXNet files hold what the outputs need)
            assert again.graph == dce(sym.graph), "program %d:\n%s" % (k, sym)
            feed = {v.hint: None for v in sym.graph.inputs}
            if set(feed) <= {"x", "b"}:
                args = {"x": x, "b": b}
                for got, want in zip(again.eval(**{n: args[n] for n in feed}),
                                     sym.eval(**{n: args[n] for n in feed})):
                    np.testing.assert_allclose(got.asnumpy(), want.asnumpy(), rtol=1e-6)
