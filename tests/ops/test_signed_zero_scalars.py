"""Scalar operands 0.0 and -0.0 compare equal but compute differently (x * -0.0, x + 0.0
on -0.0): no cache of scalars (the 0-d operand cache, the shared attribute dicts, the
constants of generated kernels) may hand one out for the other."""
import numpy as np

import tapegraph as mx
from tapegraph.ir import Graph, Node, TensorType, Value
from tapegraph.runtime import FusedKernel

X = np.array([-0.0, 1.0, -2.0], dtype=np.float32)


def _signs(a):
    return np.signbit(np.asarray(a)).tolist()


def test_eager_scalar_ops_keep_the_sign_of_zero_whatever_ran_before():
    x = mx.nd.array(X)
    for first, second in [(-0.0, 0.0), (0.0, -0.0)]:
        for op in (lambda a, s: a * s, lambda a, s: a + s, lambda a, s: a - s):
            a, b = op(x, first), op(x, second)
            assert _signs(a.asnumpy()) == _signs(op(X, np.float32(first)))
            assert _signs(b.asnumpy()) == _signs(op(X, np.float32(second)))


def test_fused_kernel_constants_keep_the_sign_of_zero():
    t = TensorType.get((3,), "float32")
    x = Value(t)
    a, b, c = Value(t), Value(t), Value(t)
    region = Graph("region", [x], [Node("_plus_scalar", [x], [a], {"scalar": -0.0}),
                                   Node("_plus_scalar", [x], [b], {"scalar": 0.0}),
                                   Node("elemwise_mul", [a, b], [c])], [a, b, c])
    outer = [Value(t) for _ in range(3)]
    kernel = FusedKernel(Node("fused", [Value(t)], outer, {}, region))
    got_a, got_b, _ = kernel(X)
    assert _signs(got_a) == _signs(X + np.float32(-0.0))
    assert _signs(got_b) == _signs(X + np.float32(0.0))
