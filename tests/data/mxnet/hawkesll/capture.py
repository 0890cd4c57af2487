"""Captures contrib.hawkesll from MXNet 1.9.1 (log-likelihood, memory, gradients with
respect to lda, alpha, beta and state): `/tmp/mxnet-oracle/bin/python capture.py >
golden.json`. tests/api_ops/test_hawkesll.py runs the same `run()` with tapegraph as
`mxnet`."""
import json

import numpy as np
import mxnet as mx

GRADS = 4  # lda, alpha, beta, state; MXNet refuses a gradient for lags (req must be null)


def inputs():
    rng = np.random.RandomState(3)
    n, t, k = 4, 5, 3
    return {"lda": rng.uniform(0.5, 2.0, (n, k)), "alpha": rng.uniform(0.1, 0.6, k),
            "beta": rng.uniform(0.5, 3.0, k), "state": rng.uniform(0, 1, (n, k)),
            "lags": rng.uniform(0.1, 1.0, (n, t)),
            "marks": rng.randint(0, k, (n, t)).astype(np.int32),
            "valid_length": np.array([0, 2, 5, 3.0]), "max_time": np.array([6., 7., 8., 9.])}


def run():
    x = inputs()
    arrs = [mx.nd.array(x[k], dtype="float64")
            for k in ("lda", "alpha", "beta", "state", "lags")]
    for a in arrs[:GRADS]:
        a.attach_grad()
    with mx.autograd.record():
        ll, s = mx.nd.contrib.hawkesll(*arrs, mx.nd.array(x["marks"], dtype="int32"),
                                       mx.nd.array(x["valid_length"], dtype="float64"),
                                       mx.nd.array(x["max_time"], dtype="float64"))
        z = ll.sum()
    z.backward()
    return {"ll": ll.asnumpy().tolist(), "s": s.asnumpy().tolist(),
            "grads": [a.grad.asnumpy().tolist() for a in arrs[:GRADS]]}


if __name__ == "__main__":
    print(json.dumps(run()))
