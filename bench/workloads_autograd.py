"""HIPS autograd implementations (tracing autodiff over NumPy)."""
from __future__ import annotations

import sys

import common

try:
    import autograd.numpy as anp
    from autograd import grad, make_vjp
except Exception as e:  # pragma: no cover - reported as n/a
    common.unavailable("autograd", "%s: %s" % (type(e).__name__, e))
    sys.exit(0)


def _apply(op, x):
    return common.w1_apply(op, x, anp)


def _w1(x):
    for op in common.w1_ops():
        x = _apply(op, x)
    return anp.sum(x)


def _w2(ps, x, lab):
    W1, b1, W2, b2, W3, b3 = ps
    h = anp.maximum(anp.dot(x, W1.T) + b1, 0.0)
    h = anp.maximum(anp.dot(h, W2.T) + b2, 0.0)
    z = anp.dot(h, W3.T) + b3
    z = z - anp.max(z, axis=1, keepdims=True)
    logp = z - anp.log(anp.sum(anp.exp(z), axis=1, keepdims=True))
    return -anp.mean(logp[anp.arange(x.shape[0]), lab])


def _w3(x):
    return anp.sum(anp.sin(x) * anp.exp(-x ** 2) + anp.tanh(x) * 0.5 + x ** 3)


def _chain(x, n):
    return anp.sum(common.w5_chain(x, n))


def build(wid, data, n=None):
    """Return a step() doing one forward+backward and returning the gradients."""
    d = data
    if wid == "W1":
        g = grad(_w1)
        return lambda: [g(d["x"])]
    if wid == "W2":
        g = grad(_w2)
        ps = [d[k] for k in ("W1", "b1", "W2", "b2", "W3", "b3")]
        lab = d["label"].astype("int64")
        return lambda: list(g(ps, d["x"], lab))
    if wid == "W3":
        g = grad(_w3)
        return lambda: [g(d["x"])]
    if wid == "W4":
        A, v = d["A"], d["v"]
        gf = grad(lambda w: anp.sum(anp.tanh(anp.dot(A, w))))
        hvp = grad(lambda w: anp.dot(gf(w), v))
        return lambda: [hvp(d["w"])]
    if wid == "W5":
        g = grad(lambda x: _chain(x, n))
        return lambda: [g(d["x"])]
    raise KeyError(wid)


def forward(data, n):
    """Recorded W5 forward: the vjp closure keeps autograd's trace alive."""
    return make_vjp(lambda x: _chain(x, n))(data["x"])


def to_numpy(grads):
    return grads


if __name__ == "__main__":
    common.main("autograd", sys.modules[__name__],
                {"version": common.dist_version("autograd")})
