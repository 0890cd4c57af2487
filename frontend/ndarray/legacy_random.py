"""MXNet's legacy sampling operators in `mx.nd`: `random_*`, `sample_*`, `uniform`,
`normal`, `shuffle` (the `random_pdf_*` densities are in pdf.py)."""
from __future__ import annotations

from . import random as _r

__all__ = ["uniform", "normal", "shuffle", "random_uniform", "random_normal",
           "random_exponential", "random_gamma", "random_poisson", "random_negative_binomial",
           "random_generalized_negative_binomial", "random_randint", "sample_uniform",
           "sample_normal", "sample_exponential", "sample_gamma", "sample_poisson",
           "sample_negative_binomial", "sample_generalized_negative_binomial",
           "sample_multinomial"]


def random_uniform(low=0, high=1, shape=None, ctx=None, dtype=None, out=None, **kw):
    """Samples from U[low, high) (legacy operator `_random_uniform`)."""
    return _r.uniform(low, high, shape, dtype, ctx, out)


def random_normal(loc=0, scale=1, shape=None, ctx=None, dtype=None, out=None, **kw):
    """Samples from N(loc, scale^2) (legacy operator `_random_normal`)."""
    return _r.normal(loc, scale, shape, dtype, ctx, out)


def random_exponential(lam=1, shape=None, ctx=None, dtype=None, out=None, **kw):
    """Exponential samples with rate `lam` (legacy operator: rate, not scale)."""
    return _r.exponential(1.0 / lam, shape, dtype, ctx, out)


def random_gamma(alpha=1, beta=1, shape=None, ctx=None, dtype=None, out=None, **kw):
    """Gamma(alpha, scale beta) samples."""
    return _r.gamma(alpha, beta, shape, dtype, ctx, out)


def random_poisson(lam=1, shape=None, ctx=None, dtype=None, out=None, **kw):
    """Poisson(lam) samples."""
    return _r.poisson(lam, shape, dtype, ctx, out)


def random_negative_binomial(k=1, p=1, shape=None, ctx=None, dtype=None, out=None, **kw):
    """Negative binomial samples."""
    return _r.negative_binomial(k, p, shape, dtype, ctx, out)


def random_generalized_negative_binomial(mu=1, alpha=1, shape=None, ctx=None, dtype=None,
                                         out=None, **kw):
    """Generalized negative binomial samples."""
    return _r.generalized_negative_binomial(mu, alpha, shape, dtype, ctx, out)


def random_randint(low, high, shape=None, ctx=None, dtype=None, out=None, **kw):
    """Integers from [low, high)."""
    return _r.randint(low, high, shape, dtype, ctx, out)


def sample_uniform(low, high, shape=None, dtype=None, out=None, **kw):
    """Per-element U[low_i, high_i) samples: shape `low.shape + shape`."""
    return _r.uniform(low, high, shape, dtype, None, out)


def sample_normal(mu, sigma, shape=None, dtype=None, out=None, **kw):
    """Per-element N(mu_i, sigma_i^2) samples."""
    return _r.normal(mu, sigma, shape, dtype, None, out)


def sample_exponential(lam, shape=None, dtype=None, out=None, **kw):
    """Per-element exponential samples with rates `lam`."""
    return _r.exponential(1.0 / lam, shape, dtype, None, out)


def sample_gamma(alpha, beta, shape=None, dtype=None, out=None, **kw):
    """Per-element Gamma samples."""
    return _r.gamma(alpha, beta, shape, dtype, None, out)


def sample_poisson(lam, shape=None, dtype=None, out=None, **kw):
    """Per-element Poisson samples."""
    return _r.poisson(lam, shape, dtype, None, out)


def sample_negative_binomial(k, p, shape=None, dtype=None, out=None, **kw):
    """Per-element negative binomial samples."""
    return _r.negative_binomial(k, p, shape, dtype, None, out)


def sample_generalized_negative_binomial(mu, alpha, shape=None, dtype=None, out=None, **kw):
    """Per-element generalized negative binomial samples."""
    return _r.generalized_negative_binomial(mu, alpha, shape, dtype, None, out)


def sample_multinomial(data, shape=None, get_prob=False, out=None, dtype="int32", **kw):
    """Category indices drawn from the distributions in the last axis of `data`."""
    return _r.multinomial(data, shape, get_prob, out, dtype)


uniform = random_uniform
normal = random_normal
shuffle = _r.shuffle
