"""MXNet's statistical checks of random generators: moment checks and a chi-square test
of bucket frequencies (`verify_generator`). The chi-square p-value needs SciPy."""
from __future__ import annotations

from typing import Callable, List, Sequence

import numpy as np


def gen_buckets_probs_with_ppf(ppf: Callable[[float], float], nbuckets: int):
    """`nbuckets` equiprobable buckets [(lo, hi), ...] from a quantile function, with
    their probabilities."""
    assert nbuckets > 0
    probs = [1.0 / nbuckets for _ in range(nbuckets)]
    buckets = [(ppf(i / float(nbuckets)), ppf((i + 1) / float(nbuckets)))
               for i in range(nbuckets)]
    return buckets, probs


def mean_check(generator: Callable, mu: float, sigma: float, nsamples: int = 1000000) -> bool:
    """True if the sample mean lies within 3 standard errors of `mu`."""
    mean = np.array(generator(nsamples)).mean()
    bound = 3 * sigma / np.sqrt(nsamples)
    return bool(mu - bound < mean < mu + bound)


def var_check(generator: Callable, sigma: float, nsamples: int = 1000000) -> bool:
    """True if the sample variance lies within 3 standard errors of `sigma**2`."""
    var = np.array(generator(nsamples)).var(ddof=1)
    bound = 3 * np.sqrt(2 * sigma ** 4 / (nsamples - 1))
    return bool(sigma ** 2 - bound < var < sigma ** 2 + bound)


def chi_square_check(generator: Callable, buckets: List, probs: Sequence[float],
                     nsamples: int = 1000000):
    """(p-value, observed, expected frequencies) of a chi-square test that
    `generator(nsamples)` falls in `buckets` ((lo, hi) ranges, or discrete values) with
    probabilities `probs`."""
    try:
        from scipy import stats
    except ImportError:
        raise ImportError("scipy is not available. Please check if the scipy python "
                          "bindings are installed.") from None
    assert isinstance(buckets, list) and len(probs) == len(buckets)
    samples = np.asarray(generator(nsamples)).ravel()
    expected = (nsamples * np.array(probs, dtype=np.float32)).astype(np.int32)
    observed = np.zeros(len(buckets), dtype=np.int64)
    if isinstance(buckets[0], (list, tuple)):
        edges = np.array([v for b in buckets for v in b], dtype=np.float32)
        ids = np.searchsorted(edges, samples, side="right") // 2
        for i in range(len(buckets)):
            observed[i] = (ids == i).sum()
    else:
        for i, b in enumerate(buckets):
            observed[i] = (samples == b).sum()
    statistic = float(np.sum((observed - expected) ** 2 / np.maximum(expected, 1e-12)))
    p = float(stats.chi2.sf(statistic, len(buckets) - 1))
    return p, observed, expected


def verify_generator(generator: Callable, buckets: List, probs: Sequence[float],
                     nsamples: int = 1000000, nrepeat: int = 5, success_rate: float = 0.2,
                     alpha: float = 0.05) -> List[float]:
    """Repeat `chi_square_check`; AssertionError unless at least `success_rate` of the
    repeats have p > alpha. Returns the p-values."""
    results = [chi_square_check(generator, buckets, probs, nsamples) for _ in range(nrepeat)]
    ps = [r[0] for r in results]
    if (np.array(ps) > alpha).sum() < nrepeat * success_rate:
        raise AssertionError("Generator test fails, Chi-square p=%s, obs_freq=%s, "
                             "expected_freq=%s.\nbuckets=%s, probs=%s"
                             % (ps, [r[1] for r in results], [r[2] for r in results],
                                buckets, probs))
    return ps
