"""Capture MXNet 1.9.1's `mx.sym.Custom`: symbols of the custom operators of
tests/api_ops/custom_op_examples.py (MXNet's documented CustomOp examples) — their JSON,
argument / output / auxiliary names, inferred shapes, and executor forward and backward
values.

    /tmp/mxnet-oracle/bin/python tools/capture_custom_symbol.py \
        > tests/data/mxnet/custom_symbol.json

The test runs the same functions with `import tapegraph as mx`.
"""
import json
import os
import sys

import mxnet as mx
import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "api_ops"))
import custom_op_examples  # noqa: E402

X = [[0.5, 1.0, -1.0, 2.0], [0.1, 0.2, 0.3, -0.4], [3.0, 1.0, 0.0, 1.0]]
LABEL = [1, 3, 0]
A, B = [1.0, -2.0, 0.5], [0.5, 4.0, -1.0]


def softmax(mx):
    return mx.sym.Custom(mx.sym.var("data"), mx.sym.var("label"), op_type="softmax",
                         name="sm")


def softmax_label_created(mx):
    fc = mx.sym.FullyConnected(mx.sym.var("data"), num_hidden=4, name="fc")
    return mx.sym.Custom(fc, op_type="softmax", name="sm")


def scale_mul(mx):
    return mx.sym.Custom(a=mx.sym.var("a"), b=mx.sym.var("b"), op_type="scale_mul", scale=3,
                         name="sc")


def sqr(mx):
    return mx.sym.Custom(data=mx.sym.var("x"), op_type="sqr", name="q")


def chain(mx):
    """A Custom output used by ordinary operators, and their gradient through it."""
    sc = scale_mul(mx)
    return mx.sym.sum(sc[0] * 2 + sc[1] * sc[1], name="total")


SYMBOLS = {"softmax": softmax, "softmax_label_created": softmax_label_created,
           "scale_mul": scale_mul, "sqr": sqr, "chain": chain}
SHAPES = {"softmax": {"data": (3, 4)}, "softmax_label_created": {"data": (3, 4)},
          "scale_mul": {"a": (3,), "b": (3,)}, "sqr": {"x": (2, 3)},
          "chain": {"a": (3,), "b": (3,)}}
# (arguments, head gradients) for bind / forward(is_train=True) / backward
RUNS = {
    "softmax": ({"data": X, "label": LABEL}, None),
    "scale_mul": ({"a": A, "b": B}, [[1.0, 2.0, 3.0], [0.5, -1.0, 2.0]]),
    "sqr": ({"x": [[1.0, -2.0, 3.0], [0.5, 0.25, -1.5]]}, [[[1.0, -2.0, 0.5], [1.0, 1.0, 1.0]]]),
    "chain": ({"a": A, "b": B}, [[1.0]]),
}


def run(mx, name):
    """(outputs, gradients of every argument) of bind + forward(is_train=True) + backward."""
    sym = SYMBOLS[name](mx)
    values, heads = RUNS[name]
    args = {k: mx.nd.array(v) for k, v in values.items()}
    grads = {k: mx.nd.zeros(np.array(v).shape) for k, v in values.items()}
    aux = {n: mx.nd.zeros(s) for n, s in zip(sym.list_auxiliary_states(),
                                              sym.infer_shape(**{k: np.array(v).shape for k, v
                                                                 in values.items()})[2])}
    ex = sym.bind(mx.cpu(), args=args, args_grad=grads, aux_states=aux)
    outs = ex.forward(is_train=True)
    ex.backward(None if heads is None else [mx.nd.array(h) for h in heads])
    return ([o.asnumpy().tolist() for o in outs],
            {k: g.asnumpy().tolist() for k, g in ex.grad_dict.items()})


def describe(mx, name):
    sym = SYMBOLS[name](mx)
    arg_shapes, out_shapes, aux_shapes = sym.infer_shape(**SHAPES[name])
    return {"json": json.loads(sym.tojson()), "arguments": sym.list_arguments(),
            "outputs": sym.list_outputs(), "aux": sym.list_auxiliary_states(),
            "infer_shape": [[list(s) for s in arg_shapes], [list(s) for s in out_shapes],
                            [list(s) for s in aux_shapes]]}


# calls MXNet refuses
ERRORS = {
    "mixed": lambda mx: mx.sym.Custom(mx.sym.var("a"), b=mx.sym.var("b"), op_type="scale_mul"),
    "unregistered": lambda mx: mx.sym.Custom(mx.sym.var("a"), op_type="no_such_op"),
}


def refusal(mx, name):
    try:
        ERRORS[name](mx).tojson()
    except Exception as e:  # record MXNet's refusal as it is
        return type(e).__name__
    return None


def main():
    custom_op_examples.define(mx)
    result = {"mxnet": mx.__version__,
              "symbols": {name: describe(mx, name) for name in SYMBOLS},
              "errors": {name: refusal(mx, name) for name in ERRORS},
              "runs": {}}
    for name in RUNS:
        outs, grads = run(mx, name)
        result["runs"][name] = {"outputs": outs, "grads": grads}
    json.dump(result, sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
