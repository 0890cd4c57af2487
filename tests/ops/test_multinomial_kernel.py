"""The vectorised multinomial kernel: inverse CDF of one uniform per draw, all rows at
once; the seed semantics its docstring states; frequencies; zero probabilities."""
import numpy as np
import pytest

import tapegraph as mx
from tapegraph.ir import MXNetError
from tapegraph.ir.ops.random import sample_multinomial as _OP

sample_multinomial = _OP.kernel


def _reference(p, count, seed):
    """Draws as documented: default_rng(seed).random((rows, count)), row by row through
    the first category whose cumulative probability exceeds the uniform."""
    batch = p.reshape(-1, p.shape[-1]).astype(np.float64)
    u = np.random.default_rng(seed).random((batch.shape[0], count))
    out = []
    for row, us in zip(batch, u):
        cdf = np.cumsum(row) / row.sum()
        out.append([int(np.argmax(x < cdf)) for x in us])
    return np.array(out)


def test_draws_follow_the_documented_seed_semantics():
    p = np.array([[0.1, 0.0, 0.6, 0.3], [0.25, 0.25, 0.25, 0.25], [0.0, 0.0, 0.0, 2.0]],
                 dtype="float32")
    mx.random.seed(11)
    got = sample_multinomial(p, shape=(50,), get_prob=False, dtype="int32")
    np.testing.assert_array_equal(got.reshape(3, 50), _reference(p, 50, 11))
    mx.random.seed(11)
    again = mx.nd.random.multinomial(mx.nd.array(p), shape=(50,)).asnumpy()
    np.testing.assert_array_equal(again, got)


def test_frequencies_and_zero_probabilities():
    p = np.array([0.5, 0.0, 0.2, 0.3, 0.0], dtype="float64")
    mx.random.seed(3)
    draws = sample_multinomial(p[None], shape=(20000,), get_prob=False, dtype="int32")[0]
    freq = np.bincount(draws, minlength=5) / draws.size
    assert freq[1] == 0 and freq[4] == 0
    np.testing.assert_allclose(freq, p, atol=0.015)


def test_log_probability_of_each_draw():
    p = np.array([[0.2, 0.8], [0.6, 0.4]], dtype="float32")
    mx.random.seed(5)
    idx, logp = sample_multinomial(p, shape=(7,), get_prob=True, dtype="int32")
    np.testing.assert_allclose(logp, np.log(np.take_along_axis(p, idx, axis=1)), rtol=1e-6)


def test_a_row_without_probability_is_refused():
    with pytest.raises(MXNetError, match="positive finite sum"):
        sample_multinomial(np.zeros((1, 3), "float32"), shape=(), get_prob=False,
                           dtype="int32")
