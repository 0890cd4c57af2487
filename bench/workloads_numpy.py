"""The NumPy floor: hand-written forward + backward for every workload.

This is the speed floor (no tape, no dispatch beyond NumPy itself) and the
gradient reference for all other frameworks. Its own gradients are checked
against the same code run in float64.
"""
from __future__ import annotations

import numpy as np

import common

_UNARY = {"sin": np.sin, "tanh": np.tanh, "exp": np.exp}


def _w1(x):
    """100 elementwise ops, then the gradient of sum() by reverse sweep."""
    tape = []
    for op in common.w1_ops():
        if op == "mul":
            tape.append((op, None))
            x = x * x.dtype.type(common.W1_MUL)
        elif op == "add":
            tape.append((op, None))
            x = x + x.dtype.type(common.W1_ADD)
        else:
            tape.append((op, x))
            x = _UNARY[op](x)
            if op != "sin":
                tape[-1] = (op, x)      # tanh/exp backward use the output
    g = np.ones_like(x)
    for op, saved in reversed(tape):
        if op == "mul":
            g = g * g.dtype.type(common.W1_MUL)
        elif op == "sin":
            g = g * np.cos(saved)
        elif op == "tanh":
            g = g * (1 - saved * saved)
        elif op == "exp":
            g = g * saved
    return [g]


def _w2(d):
    """MLP 784-512-512-10, relu, softmax cross-entropy (mean over batch)."""
    x, W1, b1, W2, b2, W3, b3 = (d[k] for k in ("x", "W1", "b1", "W2", "b2", "W3", "b3"))
    h1 = np.maximum(x @ W1.T + b1, 0)
    h2 = np.maximum(h1 @ W2.T + b2, 0)
    z = h2 @ W3.T + b3
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    p = e / e.sum(axis=1, keepdims=True)
    bsz = x.shape[0]
    rows, lab = np.arange(bsz), d["label"].astype(np.int64)
    _loss = -np.mean(np.log(p[rows, lab]))
    dz = p
    dz[rows, lab] -= 1
    dz /= bsz
    dW3, db3 = dz.T @ h2, dz.sum(0)
    dh2 = (dz @ W3) * (h2 > 0)
    dW2, db2 = dh2.T @ h1, dh2.sum(0)
    dh1 = (dh2 @ W2) * (h1 > 0)
    dW1, db1 = dh1.T @ x, dh1.sum(0)
    return [dW1, db1, dW2, db2, dW3, db3]


def _w3(x):
    """sum(sin(x)*exp(-x**2) + tanh(x)*0.5 + x**3) and its gradient."""
    x2 = x * x
    s, e, t = np.sin(x), np.exp(-x2), np.tanh(x)
    _y = np.sum(s * e + t * 0.5 + x2 * x)
    g = np.cos(x)
    g -= 2 * x * s
    g *= e
    g += 3 * x2 + 0.5
    g -= 0.5 * t * t
    return [g]


def _w4(A, w, v):
    """Hessian-vector product of f(w) = sum(tanh(A @ w))."""
    t = np.tanh(A @ w)
    _g = A.T @ (1 - t * t)
    return [A.T @ (-2 * t * (1 - t * t) * (A @ v))]


def _w5_forward(x, n):
    for op in common.w5_ops(n):
        if op == "mul":
            x = x * x.dtype.type(common.W5_C)
        elif op == "mulinv":
            x = x * x.dtype.type(1 / common.W5_C)
        elif op == "add":
            x = x + x.dtype.type(0.01)
        else:
            x = x - x.dtype.type(0.01)
    return x


def _w5(x, n):
    y = _w5_forward(x, n)
    g = np.ones_like(y)
    for op in reversed(common.w5_ops(n)):
        if op == "mul":
            g = g * g.dtype.type(common.W5_C)
        elif op == "mulinv":
            g = g * g.dtype.type(1 / common.W5_C)
    return [g]


def reference(wid, data, n=None):
    """Reference gradients for a workload (list of arrays, same dtype as data)."""
    if wid == "W1":
        return _w1(data["x"])
    if wid == "W2":
        return _w2(data)
    if wid == "W3":
        return _w3(data["x"])
    if wid == "W4":
        return _w4(data["A"], data["w"], data["v"])
    if wid == "W5":
        return _w5(data["x"], n)
    raise KeyError(wid)


def build(wid, data, n=None):
    """The floor's step is simply its reference computation."""
    return lambda: reference(wid, data, n)


def forward(data, n):
    """The floor keeps no tape for W5; the output alone is what stays alive."""
    return _w5_forward(data["x"], n)


def to_numpy(grads):
    return grads


def _reference64(wid, data, n=None):
    return reference(wid, {k: v.astype(np.float64) for k, v in data.items()}, n)


def _info():
    info = {"numpy": np.__version__}
    try:
        from threadpoolctl import threadpool_info
        info["blas"] = [{k: p.get(k) for k in ("internal_api", "version", "architecture",
                                               "num_threads", "threading_layer")}
                        for p in threadpool_info() if p.get("user_api") == "blas"]
    except Exception as e:  # threadpoolctl missing: fall back to numpy's config
        info["blas"] = "threadpoolctl unavailable (%s)" % e
    return info


if __name__ == "__main__":
    common.main("numpy", __import__("workloads_numpy"), _info(),
                hooks={"reference": _reference64})
