"""Sampling operators: MXNet's `_random_*` (scalar parameters as attributes),
`_sample_*` (one distribution per element of array parameters), `_random_*_like` and
`_sample_multinomial`, and the process-wide generator they draw from.

Randomness in the IR. A sampling node is *effectful* (`random=True`): every run of a plan
draws fresh numbers from the generator below (`mx.random.seed` reseeds it), in the order
the nodes appear, so passes never merge two draws (cse), fold a draw, fuse it or recompute
it (checkpoint) — but dce still drops a draw nobody reads. This is MXNet's model (random
operators are stateful, reading the engine's random resource), not JAX's (an explicit key
makes every draw a pure function of the key, and `split` threads keys through the
program). The key-free model keeps MXNet's API and its exported graphs as they are; the
price is that a node's value is fixed only by the generator's state when it runs.

Gradients: a sample is not differentiable with respect to its parameters (zero, as in
MXNet). `_sample_multinomial {get_prob=True}` also returns log p[sample], whose gradient
with respect to the probabilities is that of `log(pick(p, sample))`.
"""
from __future__ import annotations

from typing import Any, Callable, Dict, List

import numpy as np

from tapegraph.ir.errors import MXNetError, ShapeError
from tapegraph.ir.registry import register
from tapegraph.ir.types import TensorType

from ._emit import broadcast, div, reshape
from .rules import check_shape_attr, fmt_shape


class _State:
    """The generator every sampling kernel (and the frontend's samplers) draws from.
    Seeded at start-up as MXNet's: the same draws in every fresh process until `seed`."""
    generator = np.random.default_rng(0)


def generator() -> np.random.Generator:
    """The process-wide random generator."""
    return _State.generator


def seed(value: int) -> None:
    """Reseed the process-wide generator: the same seed gives the same draws."""
    _State.generator = np.random.default_rng(int(value))


def _cast(values: Any, dtype: str) -> np.ndarray:
    a = np.asarray(values).astype(dtype, copy=False)
    return a if a.flags.c_contiguous else a.copy()  # (ascontiguousarray makes 0-d 1-d)


# name -> (parameter names with their MXNet defaults, draw(generator, *params, size))
_DISTRIBUTIONS: Dict[str, Any] = {}


def _gnb(g, mu, alpha, size):
    # a Poisson with a Gamma-distributed rate (mean mu, variance mu + alpha * mu^2)
    if np.all(np.asarray(alpha) == 0):
        return g.poisson(mu, size)
    safe = np.where(np.asarray(alpha) == 0, 1.0, alpha)
    lam = g.gamma(1.0 / safe, np.asarray(mu) * safe, size)
    lam = np.where(np.asarray(alpha) == 0, np.broadcast_to(mu, np.shape(lam)), lam)
    return g.poisson(lam)


_DISTRIBUTIONS.update({
    "uniform": ((("low", 0.0), ("high", 1.0)), lambda g, lo, hi, s: g.uniform(lo, hi, s)),
    "normal": ((("loc", 0.0), ("scale", 1.0)), lambda g, m, sd, s: g.normal(m, sd, s)),
    "exponential": ((("lam", 1.0),), lambda g, lam, s: g.exponential(1.0 / lam, s)),
    "gamma": ((("alpha", 1.0), ("beta", 1.0)), lambda g, a, b, s: g.gamma(a, b, s)),
    "poisson": ((("lam", 1.0),), lambda g, lam, s: g.poisson(lam, s)),
    "negative_binomial": ((("k", 1), ("p", 1.0)),
                          lambda g, k, p, s: g.negative_binomial(k, p, s)),
    "generalized_negative_binomial": ((("mu", 1.0), ("alpha", 1.0)), _gnb),
})


def _no_gradient(b, node, g) -> List[Any]:
    """A sample is not differentiable with respect to its parameters (zero, as MXNet)."""
    return [None] * len(node.inputs)


def _zero_tangent(b, node, t) -> List[Any]:
    return [None] * len(node.outputs)


def _random_infer(ins: List[TensorType], attrs: Dict[str, Any]) -> List[TensorType]:
    return [TensorType.get(check_shape_attr(attrs["shape"], "random"), attrs["dtype"])]


def _register_random(dist: str, params, draw: Callable) -> None:
    names = [p for p, _ in params]

    def kernel(**attrs):
        values = [attrs[p] for p in names]
        return _cast(draw(generator(), *values, tuple(attrs["shape"])), attrs["dtype"])
    kernel.__doc__ = "Samples of the %s distribution (parameters %s as attributes)." % (
        dist, ", ".join(names))
    attrs = dict(params)
    attrs.update(shape=(), dtype="float32")
    op = register("_random_" + dist, _random_infer, attrs=attrs, num_inputs=0,
                  random=True)(kernel)
    op.gradient(_no_gradient)
    op.jvp(_zero_tangent)

    def like(data, **attrs):
        values = [attrs[p] for p in names]
        return _cast(draw(generator(), *values, data.shape), data.dtype)
    like.__doc__ = ("Samples of the %s distribution with the shape and dtype of `data`."
                    % dist)
    op = register("_random_%s_like" % dist, _like_infer, attrs=dict(params), num_inputs=1,
                  random=True)(like)
    op.gradient(_no_gradient)
    op.jvp(_zero_tangent)

    def per_element(*arrays, shape, dtype):
        extra = tuple(shape)
        base = arrays[0].shape
        values = [a.astype(np.float64).reshape(base + (1,) * len(extra)) for a in arrays]
        return _cast(draw(generator(), *values, base + extra), dtype)
    per_element.__doc__ = ("Per-element samples of the %s distribution: shape "
                           "`params.shape + shape`." % dist)
    op = register("_sample_" + dist, _sample_infer, attrs={"shape": (), "dtype": "float32"},
                  num_inputs=len(names), random=True)(per_element)
    op.gradient(_no_gradient)
    op.jvp(_zero_tangent)


def _like_infer(ins: List[TensorType], attrs: Dict[str, Any]) -> List[TensorType]:
    if ins[0].dtype not in ("float16", "float32", "float64"):
        raise ShapeError("random *_like: data must be floating point, not %s" % ins[0].dtype)
    return [ins[0]]


def _sample_infer(ins: List[TensorType], attrs: Dict[str, Any]) -> List[TensorType]:
    for t in ins[1:]:
        if t.shape != ins[0].shape:
            raise ShapeError("sample: distribution parameters must have one shape, got %s"
                             % " and ".join(fmt_shape(t.shape) for t in ins))
    extra = check_shape_attr(attrs["shape"], "sample")
    return [TensorType.get(ins[0].shape + extra, attrs["dtype"])]


for _dist, (_params, _draw) in _DISTRIBUTIONS.items():
    _register_random(_dist, _params, _draw)


def _randint_infer(ins: List[TensorType], attrs: Dict[str, Any]) -> List[TensorType]:
    if int(attrs["high"]) <= int(attrs["low"]):
        raise ShapeError("_random_randint: low must be less than high, got low=%s high=%s"
                         % (attrs["low"], attrs["high"]))
    return [TensorType.get(check_shape_attr(attrs["shape"], "_random_randint"),
                           attrs["dtype"])]


@register("_random_randint", _randint_infer, num_inputs=0, random=True,
          attrs={"low": 0, "high": 1, "shape": (), "dtype": "int32"})
def random_randint(low, high, shape, dtype):
    """Integers drawn uniformly from [low, high)."""
    return generator().integers(int(low), int(high), tuple(shape)).astype(dtype)


random_randint.gradient(_no_gradient)
random_randint.jvp(_zero_tangent)


# ---------------------------------------------------------------- multinomial


def _multinomial_infer(ins: List[TensorType], attrs: Dict[str, Any]) -> List[TensorType]:
    p = ins[0]
    if p.ndim == 0 or p.shape[-1] == 0:
        raise ShapeError("_sample_multinomial: data must hold probabilities in its last "
                         "axis, got shape %s" % fmt_shape(p.shape))
    shape = p.shape[:-1] + check_shape_attr(attrs["shape"], "_sample_multinomial")
    out = [TensorType.get(shape, attrs["dtype"])]
    if attrs["get_prob"]:
        out.append(TensorType.get(shape, p.dtype))
    return out


def _multinomial_outputs(attrs: Dict[str, Any]) -> int:
    return 2 if attrs["get_prob"] else 1


def _inverse_cdf(batch: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Row r's j-th category index for uniforms u[r, j] in [0, 1): the first k with
    u < cdf[r, k], all rows at once. The cdf is the cumulative sum divided by its last
    entry, so it is exactly 1 from the last non-zero probability on (a category of
    probability 0 is never drawn). Seed semantics: with `mx.random.seed(s)`, the draws
    of one node are `np.random.default_rng(s).random((rows, count))` (after the draws
    that ran before it) mapped through each row's cdf, row-major."""
    c = np.cumsum(batch, axis=1)
    total = c[:, -1:]
    if np.any(total <= 0) or not np.all(np.isfinite(total)):
        raise MXNetError("_sample_multinomial: each distribution's probabilities must have "
                         "a positive finite sum")
    rows, k = batch.shape
    offset = np.arange(rows, dtype=np.float64)[:, None] * 2.0  # rows apart: one search
    cdf = (c / total + offset).ravel()
    found = np.searchsorted(cdf, (u + offset).ravel(), side="right").reshape(u.shape)
    return np.minimum(found - np.arange(rows)[:, None] * k, k - 1)


@register("_shuffle", lambda ins, attrs: [ins[0]], num_inputs=1, random=True,
          nondiff_note="MXNet 1.9.1 registers no gradient for _shuffle (its backward "
                       "refuses the operator)")
def shuffle(data):
    """A copy of `data` with its first axis randomly permuted."""
    return generator().permutation(data) if data.ndim else data.copy()


@register("_sample_multinomial", _multinomial_infer, num_outputs=_multinomial_outputs,
          attrs={"shape": (), "get_prob": False, "dtype": "int32"}, random=True)
def sample_multinomial(data, shape, get_prob, dtype):
    """Category indices drawn from the distributions in the last axis of `data` (`shape`
    draws each); with `get_prob`, also log data[index] of each draw."""
    extra = tuple(shape)
    batch = data.astype(np.float64).reshape(-1, data.shape[-1])
    count = int(np.prod(extra)) if extra else 1
    g = generator()
    if np.any(batch < 0):
        raise MXNetError("_sample_multinomial: probabilities must be non-negative")
    draws = _inverse_cdf(batch, g.random((batch.shape[0], count)))
    out_shape = data.shape[:-1] + extra
    idx = draws.reshape(out_shape).astype(dtype)
    if not get_prob:
        return idx
    with np.errstate(divide="ignore"):
        logp = np.log(np.take_along_axis(batch, draws, axis=1)).reshape(out_shape)
    return idx, logp.astype(data.dtype)


@sample_multinomial.gradient
def _multinomial_vjp(b, n, g):
    # d/dp of log(pick(p, sample)); the indices themselves have no gradient
    if len(g) < 2 or g[1] is None:
        return [None]
    p, s = n.inputs[0], n.outputs[0]
    batch, k = p.type.shape[:-1], p.type.shape[-1]
    extra = tuple(n.attrs["shape"])
    full = batch + extra + (k,)
    spread = broadcast(b, reshape(b, p, batch + (1,) * len(extra) + (k,)), full)
    picked = b.op("pick", spread, s, axis=-1)
    d = div(b, g[1], picked)
    grad = b.op("_pick_scatter", d, s, shape=full, axis=-1, keepdims=False, mode="clip")
    if extra:
        axes = tuple(range(len(batch), len(batch) + len(extra)))
        grad = b.op("sum", grad, axis=axes, keepdims=False, exclude=False)
    return [reshape(b, grad, p.type.shape)]
