"""`mx.nd.random_pdf_*`: probability densities (and masses) of samples under the
distributions of mx.nd.random, written as log-densities with registered operators (log,
gammaln, ...) so they differentiate with respect to the samples and the parameters to any
order.

As MXNet's: the parameters have shape s, the samples s + m (each parameter entry has a row
of samples; for dirichlet the last axis, k, is the category, alpha has shape s + (k,)
and the samples s + m + (k,)); the result has the samples' shape (dirichlet: without k).
`is_log=True` returns the log-density."""
from __future__ import annotations

import math

from ..ir.errors import MXNetError
from .ndarray import NDArray
from .ops import NAMESPACE, _as_inputs, _finish, reject_unknown_kwargs

_F = NAMESPACE


def _spread(param: NDArray, sample: NDArray, name: str, tail: int = 0) -> NDArray:
    """param (s [+ k]) reshaped and broadcast to the sample's shape s + m [+ k]."""
    lead = param.shape[:param.ndim - tail]
    if tuple(sample.shape[:len(lead)]) != tuple(lead) or \
            tuple(sample.shape[sample.ndim - tail:]) != tuple(param.shape[param.ndim - tail:]):
        raise MXNetError("%s: the samples' shape %s does not start with the parameters' shape "
                         "%s" % (name, sample.shape, param.shape))
    middle = sample.ndim - len(lead) - tail
    shape = tuple(lead) + (1,) * middle + tuple(param.shape[param.ndim - tail:])
    return _F["broadcast_to"](_F["Reshape"](param, shape=shape), shape=sample.shape)


def _pdf(name, params, logpdf_fn, doc, tail=0):
    def fn(sample, *args, is_log=False, out=None, **kw):
        values = list(args)
        for p in params[len(values):]:
            if p not in kw:
                raise MXNetError("%s: missing the parameter %r" % (name, p))
            values.append(kw.pop(p))
        reject_unknown_kwargs(name, kw, ("sample",) + tuple(params) + ("is_log",))
        sample, *values = _as_inputs([sample] + values)
        spread = [_spread(v, sample, name, tail) for v in values]
        res = logpdf_fn(sample, *spread)
        return _finish(res if is_log else _F["exp"](res), out)
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = doc
    return fn


def _normal(x, mu, sigma):
    z = (x - mu) / sigma
    return z * z * -0.5 - _F["log"](sigma) - 0.5 * math.log(2 * math.pi)


def _uniform(x, low, high):
    inside = (x >= low) * (x <= high)
    log_inside = _F["log"](inside)  # 0 inside, -inf outside (constant: no gradient)
    return _F["BlockGrad"](log_inside) - _F["log"](high - low)


def _gamma(x, alpha, beta):
    return (alpha * _F["log"](beta) + (alpha - 1) * _F["log"](x) - beta * x
            - _F["gammaln"](alpha))


def _exponential(x, lam):
    return _F["log"](lam) - lam * x


def _poisson(k, lam):
    return k * _F["log"](lam) - lam - _F["gammaln"](k + 1)


def _negative_binomial(x, k, p):
    return (_F["gammaln"](x + k) - _F["gammaln"](k) - _F["gammaln"](x + 1)
            + k * _F["log"](p) + x * _F["log"](1 - p))


def _generalized_negative_binomial(x, mu, alpha):
    k = 1 / alpha
    return _negative_binomial(x, k, 1 / (1 + alpha * mu))


def _dirichlet(x, alpha):
    terms = (alpha - 1) * _F["log"](x) - _F["gammaln"](alpha)
    return (_F["sum"](terms, axis=-1) + _F["gammaln"](_F["sum"](alpha, axis=-1)))


NAMES = {}
for _name, _params, _fn, _doc, _tail in (
        ("normal", ("mu", "sigma"), _normal, "Normal density N(mu, sigma^2).", 0),
        ("uniform", ("low", "high"), _uniform, "Uniform density on [low, high].", 0),
        ("gamma", ("alpha", "beta"), _gamma, "Gamma density, shape alpha and rate beta.", 0),
        ("exponential", ("lam",), _exponential, "Exponential density of rate lam.", 0),
        ("poisson", ("lam",), _poisson, "Poisson mass of rate lam.", 0),
        ("negative_binomial", ("k", "p"), _negative_binomial,
         "Negative binomial mass: failures before k successes of probability p.", 0),
        ("generalized_negative_binomial", ("mu", "alpha"), _generalized_negative_binomial,
         "Generalized negative binomial mass of mean mu and dispersion alpha.", 0),
        ("dirichlet", ("alpha",), _dirichlet,
         "Dirichlet density of concentration alpha (last axis: the categories).", 1)):
    NAMES["random_pdf_" + _name] = _pdf("random_pdf_" + _name, _params, _fn, _doc, _tail)

NAMESPACE.update(NAMES)
