"""Capture output layers (SoftmaxOutput and the regression outputs) from Apache MXNet 1.9.1:
forward values and the gradient `backward(head)` leaves in x (run under the oracle venv:
/tmp/mxnet-oracle/bin/python capture_loss_layers.py > loss_layers_golden.json)."""
import json

import numpy as np
import mxnet as mx

rng = np.random.RandomState(7)
CASES = [
    ("SoftmaxOutput", (3, 4), [0, 2, 1], {}),
    ("SoftmaxOutput", (3, 4), [0, 2, 1], {"grad_scale": 2.0, "normalization": "batch"}),
    ("SoftmaxOutput", (4, 3), [0, 2, 1, 2], {"use_ignore": True, "ignore_label": 2,
                                            "normalization": "valid"}),
    ("SoftmaxOutput", (3, 4), [3, 2, 1], {"out_grad": True}),
    ("SoftmaxOutput", (2, 3, 4), [[0, 1, 2], [3, 3, 0]], {"preserve_shape": True}),
    ("LinearRegressionOutput", (3, 4), None, {}),
    ("LinearRegressionOutput", (3, 2), None, {"grad_scale": 0.5}),
    ("LogisticRegressionOutput", (3, 4), None, {}),
    ("MAERegressionOutput", (3, 4), None, {"grad_scale": 2.0}),
]
out = {"captured_with": "mxnet " + mx.__version__, "cases": []}
for op, shape, label, attrs in CASES:
    x = rng.uniform(-1, 1, shape)
    lab = np.array(label, dtype=np.float64) if label is not None else rng.uniform(-1, 1, shape)
    head = rng.uniform(0.5, 1.5, shape)
    X = mx.nd.array(x, dtype="float64")
    X.attach_grad()
    with mx.autograd.record():
        y = getattr(mx.nd, op)(X, mx.nd.array(lab, dtype="float64"), **attrs)
    y.backward(mx.nd.array(head, dtype="float64"))
    out["cases"].append({"op": op, "attrs": attrs, "x": x.tolist(), "label": lab.tolist(),
                         "head": head.tolist(), "forward": y.asnumpy().tolist(),
                         "grad": X.grad.asnumpy().tolist()})
print(json.dumps(out))
