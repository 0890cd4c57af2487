"""Capture Deconvolution forward values and gradients from Apache MXNet 1.9.1 (run under
the oracle venv: /tmp/mxnet-oracle/bin/python capture_deconvolution.py > deconvolution_golden.json)."""
import mxnet as mx, numpy as np, json
rng = np.random.RandomState(0)
cases = []
for attrs, xs, ws, bias in [
    (dict(kernel=(3, 3), num_filter=2), (1, 3, 4, 4), (3, 2, 3, 3), False),
    (dict(kernel=(3, 3), stride=(2, 2), pad=(1, 1), adj=(1, 1), num_filter=2, no_bias=False), (2, 2, 3, 3), (2, 2, 3, 3), True),
    (dict(kernel=(2, 2), stride=(2, 1), dilate=(1, 2), num_filter=4, num_group=2), (1, 2, 3, 3), (2, 2, 2, 2), False),
]:
    x = rng.uniform(-1, 1, xs); w = rng.uniform(-1, 1, ws); b = rng.uniform(-1, 1, (attrs['num_filter'],))
    X, W, B = mx.nd.array(x, dtype='float64'), mx.nd.array(w, dtype='float64'), mx.nd.array(b, dtype='float64')
    for a in (X, W, B): a.attach_grad()
    head = rng.uniform(-1, 1, (1,))
    with mx.autograd.record():
        args = [X, W] + ([B] if bias else [])
        out = mx.nd.Deconvolution(*args, **attrs)
        y = (out * out).sum()
    y.backward()
    cases.append({"attrs": {k: list(v) if isinstance(v, tuple) else v for k, v in attrs.items()},
                  "x": x.tolist(), "w": w.tolist(), "b": b.tolist() if bias else None,
                  "out": out.asnumpy().tolist(), "dx": X.grad.asnumpy().tolist(),
                  "dw": W.grad.asnumpy().tolist(), "db": B.grad.asnumpy().tolist() if bias else None})
print(json.dumps({"captured_with": "mxnet " + mx.__version__, "program": "y = sum(Deconvolution(x, w[, b], **attrs) ** 2); y.backward(); float64", "cases": cases}))
