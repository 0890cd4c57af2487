"""Capture what JAX computes for the programs of docs/transformations.md, so the tutorial
(and its test) can show tapegraph's results side by side with JAX's without depending on
JAX. Run with a throwaway environment that has JAX:

    python3 -m venv /tmp/jaxvenv && /tmp/jaxvenv/bin/pip install jax jaxlib
    /tmp/jaxvenv/bin/python tools/capture_jax.py

Writes tests/data/jax/transformations.json: the inputs, each transformation's values
and JAX's jaxpr text for it.
"""
import json
import os

import jax
import jax.numpy as jnp
import numpy as np

jax.config.update("jax_enable_x64", True)

OUT = os.path.join(os.path.dirname(__file__), "..", "tests", "data", "jax",
                   "transformations.json")

RNG = np.random.RandomState(0)
X = RNG.uniform(-1, 1, 3)
W = RNG.uniform(-1, 1, (2, 3))
T = np.array([1.0, 0.5, -1.0])
XS = RNG.uniform(-1, 1, (4, 3))


def f(x, w):
    """The tutorial's program: sum(tanh(W x))."""
    return jnp.sum(jnp.tanh(w @ x))


def layer(x, w):
    return jnp.tanh(w @ x)


def main():
    x, w, t, xs = map(jnp.asarray, (X, W, T, XS))
    out, tan = jax.jvp(f, (x, w), (t, jnp.zeros_like(w)))
    y, f_jvp = jax.linearize(lambda x: f(x, w), x)
    y, f_vjp = jax.vjp(f, x, w)
    gx, gw = f_vjp(1.0)
    values = {
        "x": X.tolist(), "w": W.tolist(), "t": T.tolist(), "xs": XS.tolist(),
        "f": float(f(x, w)),
        "jvp": [float(out), float(tan)],
        "linearize": float(f_jvp(t)),
        "vjp": [np.asarray(gx).tolist(), np.asarray(gw).tolist()],
        "grad": np.asarray(jax.grad(f)(x, w)).tolist(),
        "jacfwd": np.asarray(jax.jacfwd(layer)(x, w)).tolist(),
        "jacrev": np.asarray(jax.jacrev(layer)(x, w)).tolist(),
        "hessian": np.asarray(jax.hessian(f)(x, w)).tolist(),
        "hvp": np.asarray(jax.jvp(jax.grad(f), (x, w), (t, jnp.zeros_like(w)))[1]).tolist(),
        "vmap": np.asarray(jax.vmap(f, in_axes=(0, None))(xs, w)).tolist(),
        "per_example_grads": np.asarray(
            jax.vmap(jax.grad(f, argnums=1), in_axes=(0, None))(xs, w)).tolist(),
    }
    jaxprs = {
        "f": str(jax.make_jaxpr(f)(x, w)),
        "jvp": str(jax.make_jaxpr(lambda x, w, t: jax.jvp(f, (x, w), (t, jnp.zeros_like(w))))(
            x, w, t)),
        "linearize": str(jax.make_jaxpr(f_jvp)(t)),
        "vjp": str(jax.make_jaxpr(f_vjp)(1.0)),
        "vmap": str(jax.make_jaxpr(jax.vmap(f, in_axes=(0, None)))(xs, w)),
    }
    with open(OUT, "w") as fh:
        json.dump({"jax_version": jax.__version__, "values": values, "jaxprs": jaxprs}, fh,
                  indent=1)
        fh.write("\n")


if __name__ == "__main__":
    main()
