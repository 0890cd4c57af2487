"""Capture Pooling values and gradients from Apache MXNet 1.9.1, 'full' convention (1-D, 2-D,
3-D; max, avg with and without count_include_pad, sum) and max-pooling ties:

    /tmp/mxnet-oracle/bin/python capture_pooling.py > pooling_golden.json

Program: y = sum(Pooling(x, **attrs) * head); y.backward() -> out, dx (= vjp of head)."""
import json

import mxnet as mx
import numpy as np

rng = np.random.RandomState(3)
CASES = [
    # (attrs, input shape, dtype, integer data with ties)
    (dict(kernel=(3,), stride=(2,), pool_type="max", pooling_convention="full"), (2, 3, 7), "float64", False),
    (dict(kernel=(3,), stride=(2,), pad=(1,), pool_type="avg", pooling_convention="full"), (2, 2, 6), "float64", False),
    (dict(kernel=(3,), stride=(2,), pad=(1,), pool_type="avg", pooling_convention="full", count_include_pad=False), (2, 2, 6), "float64", False),
    (dict(kernel=(2,), stride=(3,), pad=(1,), pool_type="max", pooling_convention="full"), (1, 2, 5), "float32", False),
    (dict(kernel=(2,), stride=(3,), pad=(1,), pool_type="avg", pooling_convention="full"), (1, 2, 5), "float64", False),
    (dict(kernel=(2, 2), stride=(2, 2), pool_type="max", pooling_convention="full"), (1, 2, 5, 5), "float64", False),
    (dict(kernel=(3, 3), stride=(2, 2), pad=(1, 1), pool_type="max", pooling_convention="full"), (1, 2, 6, 7), "float64", False),
    (dict(kernel=(3, 3), stride=(2, 2), pad=(1, 1), pool_type="avg", pooling_convention="full"), (2, 2, 5, 6), "float64", False),
    (dict(kernel=(3, 3), stride=(2, 2), pad=(1, 1), pool_type="avg", pooling_convention="full", count_include_pad=False), (2, 2, 5, 6), "float64", False),
    (dict(kernel=(2, 3), stride=(2, 2), pool_type="sum", pooling_convention="full"), (1, 1, 5, 6), "float64", False),
    (dict(kernel=(2, 2, 2), stride=(2, 2, 2), pool_type="max", pooling_convention="full"), (1, 2, 3, 4, 5), "float64", False),
    (dict(kernel=(3, 2, 2), stride=(2, 2, 3), pad=(1, 0, 1), pool_type="avg", pooling_convention="full"), (1, 1, 5, 3, 4), "float64", False),
    (dict(kernel=(3, 2, 2), stride=(2, 2, 3), pad=(1, 0, 1), pool_type="avg", pooling_convention="full", count_include_pad=False), (1, 1, 5, 3, 4), "float64", False),
    # ties: the cotangent goes to the first maximum of each window (row-major)
    (dict(kernel=(2, 2), stride=(2, 2), pool_type="max"), (2, 2, 4, 6), "float32", True),
    (dict(kernel=(3, 3), stride=(1, 1), pad=(1, 1), pool_type="max"), (1, 2, 5, 5), "float32", True),
    (dict(kernel=(2, 2), stride=(2, 2), pool_type="max", pooling_convention="full"), (1, 1, 5, 5), "float32", True),
    (dict(kernel=(2,), stride=(1,), pool_type="max"), (1, 2, 6), "float32", True),
    (dict(kernel=(2, 2, 2), stride=(1, 2, 2), pool_type="max"), (1, 1, 3, 4, 4), "float32", True),
    (dict(kernel=(1, 1), global_pool=True, pool_type="max"), (2, 2, 3, 3), "float32", True),
]
cases = []
for attrs, shape, dtype, ties in CASES:
    x = rng.randint(0, 3, shape).astype(dtype) if ties else rng.uniform(-1, 1, shape).astype(dtype)
    X = mx.nd.array(x, dtype=dtype)
    X.attach_grad()
    with mx.autograd.record():
        out = mx.nd.Pooling(X, **attrs)
    head = rng.uniform(-1, 1, out.shape).astype(dtype)
    out.backward(mx.nd.array(head, dtype=dtype))
    cases.append({"attrs": {k: list(v) if isinstance(v, tuple) else v for k, v in attrs.items()},
                  "dtype": dtype, "x": x.tolist(), "head": head.tolist(),
                  "out": out.asnumpy().tolist(), "dx": X.grad.asnumpy().tolist()})
print(json.dumps({"captured_with": "mxnet " + mx.__version__,
                  "program": "out = Pooling(x, **attrs); out.backward(head)", "cases": cases}))
