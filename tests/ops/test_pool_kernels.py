"""The max-pooling gradient kernel `_pool_max_scatter`: its path for 1-D and 2-D windows
that tile the whole image (1-D column/row passes) and its per-offset path agree with a
direct loop that routes each cotangent to its window's FIRST maximum (row-major), as MXNet
does, with ties, NaN windows and every dtype it takes; the tiled path gives exactly
g * (first-maximum mask), signed zeros and NaN products included. Max pooling's own tiled
path gives the window maxima."""
import itertools

import numpy as np
import pytest

from tapegraph.ir import get_op

SCATTER = get_op("_pool_max_scatter").kernel


def _first_max_ref(x, g, kernel, stride):
    """The cotangent of each (valid, unpadded) window added at its first maximum."""
    out = np.zeros(x.shape, np.float64)
    d = len(kernel)
    for pos in itertools.product(*(range(n) for n in g.shape[2:])):
        corner = [p * s for p, s in zip(pos, stride)]
        window = tuple(slice(c, c + k) for c, k in zip(corner, kernel))
        for n, c in itertools.product(range(x.shape[0]), range(x.shape[1])):
            w = x[(n, c) + window]
            flat = w.reshape(-1)
            best = np.max(flat)  # NaN if the window holds one: then no element equals it
            hits = np.flatnonzero(flat == best)
            if hits.size:
                at = np.unravel_index(hits[0], w.shape)
                idx = (n, c) + tuple(cc + a for cc, a in zip(corner, at))
                out[idx] += g[(n, c) + pos]
    assert d == len(stride)
    return out


CASES = [((2, 3, 4, 6), (2, 2), (2, 2)),      # tiles the image: the fast path
         ((1, 2, 6, 6), (3, 2), (3, 2)),      # tiles, non-square windows
         ((2, 2, 8), (2,), (2,)),             # 1-D
         ((2, 2, 5, 6), (2, 2), (2, 2)),      # a row left over: the per-offset path
         ((1, 2, 5, 5), (3, 3), (1, 1))]      # overlapping windows


@pytest.mark.parametrize("shape,kernel,stride", CASES)
@pytest.mark.parametrize("values", ["floats", "ties", "nan", "ints"])
def test_max_scatter_routes_to_the_first_maximum(shape, kernel, stride, values):
    rng = np.random.RandomState(len(shape) * 7 + kernel[0])
    if values == "floats":
        x = rng.randn(*shape).astype(np.float32)
    elif values == "ties":  # few distinct values: most windows have equal maxima
        x = rng.randint(0, 3, shape).astype(np.float32)
    elif values == "nan":
        x = rng.randn(*shape).astype(np.float32)
        x.reshape(-1)[rng.randint(0, x.size, 3)] = np.nan
    else:
        x = rng.randint(-4, 4, shape).astype(np.int32)
    pooled = tuple((n - k) // s + 1 for n, k, s in zip(shape[2:], kernel, stride))
    g = rng.randn(*(shape[:2] + pooled)).astype(np.float32)
    got = SCATTER(x, g, kernel=kernel, stride=stride, pad=(0,) * len(kernel),
                  global_pool=False, pooling_convention="valid")
    assert got.shape == x.shape and got.dtype == g.dtype
    # (overlapping windows add several cotangents at one position: float32 vs float64 sums)
    np.testing.assert_allclose(got, _first_max_ref(x, g, kernel, stride), rtol=1e-6, atol=1e-6)


TILED = [((2, 3, 4, 6), (2, 2)), ((1, 2, 6, 6), (3, 2)), ((2, 1, 4, 6), (1, 3)),
         ((3, 2, 6, 4), (2, 1)), ((1, 1, 2, 2), (2, 2)), ((2, 2, 9), (3,)), ((1, 3, 4), (1,))]


def _masked_ref(x, g, kernel):
    """g at every position of its window times the window's first-maximum one-hot mask
    (all zero for a window holding NaN), as one float multiplication per entry."""
    mask = np.zeros(x.shape, bool)
    for pos in itertools.product(*(range(n) for n in g.shape[2:])):
        window = tuple(slice(p * k, (p + 1) * k) for p, k in zip(pos, kernel))
        for n, c in itertools.product(range(x.shape[0]), range(x.shape[1])):
            flat = x[(n, c) + window].reshape(-1)
            hits = np.flatnonzero(flat == np.max(flat))
            if hits.size:
                at = np.unravel_index(hits[0], kernel)
                mask[(n, c) + tuple(p * k + a for p, k, a in zip(pos, kernel, at))] = True
    up = g
    for axis, k in enumerate(kernel):
        up = np.repeat(up, k, axis=2 + axis)
    with np.errstate(invalid="ignore"):
        return up * mask


@pytest.mark.parametrize("shape,kernel", TILED)
@pytest.mark.parametrize("gdtype", ["float16", "float32", "float64"])
def test_tiled_scatter_is_g_times_the_first_maximum_mask(shape, kernel, gdtype):
    rng = np.random.RandomState(sum(shape) + kernel[0])
    x = rng.randint(0, 3, shape).astype(np.float32)  # ties in most windows
    x.reshape(-1)[rng.randint(0, x.size, 2)] = np.nan
    pooled = tuple(n // k for n, k in zip(shape[2:], kernel))
    g = rng.randn(*(shape[:2] + pooled)).astype(gdtype)  # negatives: -0.0 where masked out
    g.reshape(-1)[:3] = [np.inf, np.nan, -np.inf][:g.size]
    for xx in (x, np.nan_to_num(x).astype(np.int32)):
        with np.errstate(invalid="ignore"):
            got = SCATTER(xx, g, kernel=kernel, stride=kernel, pad=(0,) * len(kernel),
                          global_pool=False, pooling_convention="valid")
        want = _masked_ref(xx, g, kernel)
        assert got.dtype == g.dtype and got.flags.c_contiguous
        bits = "u%d" % g.itemsize
        np.testing.assert_array_equal(got.view(bits), want.view(bits))


@pytest.mark.parametrize("shape,kernel", TILED)
@pytest.mark.parametrize("dtype", ["float16", "float64", "int32"])
def test_tiled_max_pooling_matches_window_maxima(shape, kernel, dtype):
    pool = get_op("Pooling").kernel
    rng = np.random.RandomState(sum(shape))
    x = rng.randint(-3, 3, shape).astype(dtype)
    if dtype != "int32":
        x.reshape(-1)[rng.randint(0, x.size, 2)] = np.nan
    pooled = tuple(n // k for n, k in zip(shape[2:], kernel))
    blocks = x.reshape(shape[:2] + tuple(v for p in zip(pooled, kernel) for v in p))
    want = blocks.max(axis=tuple(3 + 2 * i for i in range(len(kernel))))
    attrs = dict(kernel=kernel, pool_type="max", global_pool=False, cudnn_off=False,
                 pooling_convention="valid", stride=kernel, pad=(0,) * len(kernel),
                 p_value=None, count_include_pad=None, layout=None)
    got = pool(x, **attrs)
    again = pool(x[::-1].copy(), **attrs)  # a later call leaves the first result alone
    assert got.dtype == x.dtype and got.flags.c_contiguous
    np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(again, want[::-1])
