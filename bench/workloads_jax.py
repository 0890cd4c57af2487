"""JAX (CPU) implementations: W1-W4 are jitted; W5 runs eagerly.

W5 is a chain of up to 100,000 primitive ops: jitting it would measure XLA's
compile time for a 100k-node program, so it runs op-by-op under ``jax.vjp``
(the "recorded forward" is the vjp's residuals).
"""
from __future__ import annotations

import sys

import numpy as np

import common

try:
    import jax
    import jax.numpy as jnp
except Exception as e:  # pragma: no cover - reported as n/a
    common.unavailable("jax", "%s: %s" % (type(e).__name__, e))
    sys.exit(0)


def _apply(op, x):
    return common.w1_apply(op, x, jnp)


def _w1(x):
    for op in common.w1_ops():
        x = _apply(op, x)
    return jnp.sum(x)


def _w2(ps, x, lab):
    W1, b1, W2, b2, W3, b3 = ps
    h = jax.nn.relu(x @ W1.T + b1)
    h = jax.nn.relu(h @ W2.T + b2)
    logp = jax.nn.log_softmax(h @ W3.T + b3, axis=-1)
    return -jnp.mean(jnp.take_along_axis(logp, lab[:, None], axis=1))


def _w3(x):
    return jnp.sum(jnp.sin(x) * jnp.exp(-x ** 2) + jnp.tanh(x) * 0.5 + x ** 3)


def _w4(A, w, v):
    grad_f = jax.grad(lambda w_: jnp.sum(jnp.tanh(A @ w_)))
    return jax.jvp(grad_f, (w,), (v,))[1]


def _chain(x, n):
    return jnp.sum(common.w5_chain(x, n))


def _ready(gs):
    return [g.block_until_ready() for g in gs]


def build(wid, data, n=None):
    """Return a step() doing one forward+backward and returning the gradients."""
    d = {k: jnp.asarray(v) for k, v in data.items()}
    if wid == "W1":
        f = jax.jit(jax.grad(_w1))
        return lambda: _ready([f(d["x"])])
    if wid == "W2":
        f = jax.jit(jax.grad(_w2))
        ps = [d[k] for k in ("W1", "b1", "W2", "b2", "W3", "b3")]
        lab = d["label"].astype(jnp.int32)
        return lambda: _ready(list(f(ps, d["x"], lab)))
    if wid == "W3":
        f = jax.jit(jax.grad(_w3))
        return lambda: _ready([f(d["x"])])
    if wid == "W4":
        f = jax.jit(_w4)
        return lambda: _ready([f(d["A"], d["w"], d["v"])])
    if wid == "W5":
        def step():
            y, vjp = jax.vjp(lambda x: _chain(x, n), d["x"])
            return _ready(list(vjp(jnp.ones_like(y))))
        return step
    raise KeyError(wid)


def forward(data, n):
    """Eager W5 forward under vjp; the vjp closure holds the residuals."""
    return jax.vjp(lambda x: _chain(x, n), jnp.asarray(data["x"]))


def to_numpy(grads):
    return [np.asarray(g) for g in grads]


if __name__ == "__main__":
    common.main("jax", sys.modules[__name__],
                {"version": jax.__version__, "backend": jax.default_backend(),
                 "note": "W1-W4 jitted; W5 eager (op-by-op) under jax.vjp"})
