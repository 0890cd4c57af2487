"""`mx.sym.random`: MXNet's samplers as Symbols — `_random_<dist>` nodes for number
parameters, `_sample_<dist>` nodes for Symbol parameters (MXNet's `_random_helper`), the
`*_like` samplers, `randint` and `multinomial`. The operators are tapegraph's sampling
operators (tapegraph.ir.ops.random), so a HybridBlock's `hybrid_forward` that samples
with `F.random.*` builds its Symbol too (`Block.save`, `infer_shape`)."""
from __future__ import annotations

from typing import Any, Sequence

from ..ir import MXNetError
from .api.op_functions import make_op_function
from .api.symbol import Symbol

__all__ = ["shuffle", "uniform", "normal", "randn", "exponential", "gamma", "poisson",
           "negative_binomial", "generalized_negative_binomial", "randint", "multinomial",
           "uniform_like", "normal_like", "exponential_like", "gamma_like", "poisson_like",
           "negative_binomial_like", "generalized_negative_binomial_like"]


def _helper(dist: str, names: Sequence[str], params: Sequence[Any], shape, dtype,
            kwargs) -> Symbol:
    extra = {} if dtype is None else {"dtype": dtype}
    extra.update(kwargs)
    if isinstance(params[0], Symbol):
        if not all(isinstance(p, Symbol) for p in params):
            raise MXNetError("Distribution parameters must all have the same type, but got "
                             "both %s." % " and ".join(sorted({type(p).__name__
                                                               for p in params})))
        if shape is not None:
            extra["shape"] = shape
        return make_op_function("_sample_" + dist)(*params, **extra)
    if any(isinstance(p, Symbol) for p in params):
        raise MXNetError("Distribution parameters must all have the same type, but got "
                         "both %s." % " and ".join(sorted({type(p).__name__ for p in params})))
    attrs = dict(zip(names, params))
    attrs["shape"] = (1,) if shape is None else shape  # as mx.nd.random's default
    attrs.update(extra)
    return make_op_function("_random_" + dist)(**attrs)


def uniform(low=0, high=1, shape=None, dtype=None, **kwargs) -> Symbol:
    """Samples from U[low, high)."""
    return _helper("uniform", ("low", "high"), (low, high), shape, dtype, kwargs)


def normal(loc=0, scale=1, shape=None, dtype=None, **kwargs) -> Symbol:
    """Samples from N(loc, scale^2)."""
    return _helper("normal", ("loc", "scale"), (loc, scale), shape, dtype, kwargs)


def randn(*shape, loc=0, scale=1, dtype=None, **kwargs) -> Symbol:
    """Standard-normal samples of shape `shape` (positional dimensions)."""
    return normal(loc, scale, shape or None, dtype, **kwargs)


def exponential(scale=1, shape=None, dtype=None, **kwargs) -> Symbol:
    """Samples from the exponential distribution with mean `scale` (MXNet's operators take
    the rate, 1/scale)."""
    return _helper("exponential", ("lam",), (1.0 / scale,), shape, dtype, kwargs)


def gamma(alpha=1, beta=1, shape=None, dtype=None, **kwargs) -> Symbol:
    """Samples from Gamma(shape alpha, scale beta)."""
    return _helper("gamma", ("alpha", "beta"), (alpha, beta), shape, dtype, kwargs)


def poisson(lam=1, shape=None, dtype=None, **kwargs) -> Symbol:
    """Samples from Poisson(lam)."""
    return _helper("poisson", ("lam",), (lam,), shape, dtype, kwargs)


def negative_binomial(k=1, p=1, shape=None, dtype=None, **kwargs) -> Symbol:
    """Failures before the k-th success with success probability p."""
    return _helper("negative_binomial", ("k", "p"), (k, p), shape, dtype, kwargs)


def generalized_negative_binomial(mu=1, alpha=1, shape=None, dtype=None, **kwargs) -> Symbol:
    """Samples with mean mu and variance mu + alpha * mu^2."""
    return _helper("generalized_negative_binomial", ("mu", "alpha"), (mu, alpha), shape,
                   dtype, kwargs)


def randint(low, high, shape=None, dtype=None, **kwargs) -> Symbol:
    """Integers drawn uniformly from [low, high)."""
    attrs = {"low": int(low), "high": int(high), "shape": (1,) if shape is None else shape}
    if dtype is not None:
        attrs["dtype"] = dtype
    return make_op_function("_random_randint")(**attrs, **kwargs)


def multinomial(data, shape=None, get_prob=False, dtype="int32", **kwargs) -> Symbol:
    """Category indices drawn from the distributions in the last axis of `data`; with
    `get_prob` also their log-probabilities (a Symbol of two outputs)."""
    attrs = {"get_prob": bool(get_prob), "dtype": dtype}
    if shape is not None:
        attrs["shape"] = shape
    return make_op_function("_sample_multinomial")(data, **attrs, **kwargs)


def _like(dist: str, params: Sequence[str]):
    def like(data=None, *args, **kwargs) -> Symbol:
        given = dict(zip(params, args))
        given.update((k, kwargs.pop(k)) for k in list(kwargs) if k in params)
        return make_op_function("_random_%s_like" % dist)(data, **given, **kwargs)
    like.__name__ = dist + "_like"
    like.__doc__ = "Samples of the %s distribution with the shape and dtype of data." % dist
    return like


uniform_like = _like("uniform", ("low", "high"))
normal_like = _like("normal", ("loc", "scale"))
exponential_like = _like("exponential", ("lam",))  # the rate, as MXNet's
gamma_like = _like("gamma", ("alpha", "beta"))
poisson_like = _like("poisson", ("lam",))
negative_binomial_like = _like("negative_binomial", ("k", "p"))
generalized_negative_binomial_like = _like("generalized_negative_binomial", ("mu", "alpha"))


def shuffle(data, **kwargs) -> Symbol:
    """`data` with its first axis randomly permuted (MXNet's `_shuffle`)."""
    return make_op_function("_shuffle")(data, **kwargs)
