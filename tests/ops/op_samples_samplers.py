"""Samples of GridGenerator, BilinearSampler, SpatialTransformer and _histogram
(tapegraph/ir/ops/sampler.py) for the operator table, with plain-loop NumPy references
(one output element at a time, MXNet 1.9.1's CPU kernels transcribed). Their values are
checked against MXNet 1.9.1 in op_cases.json (every sample's export evaluated by MXNet)
and tests/gluon/test_mxnet_sampler_exports.py; here: kernels vs references, shape rules,
gradients to order 3 against finite differences (data, grid, loc), batching, export.

Grids are drawn away from the points whose source coordinates are integers (the floors
where the bilinear weights have kinks), some outside the image (zero neighbours); affine
matrices are drawn at random (their coordinates are integers with probability zero)."""
from __future__ import annotations

import math

import numpy as np

from op_samples import Const, In, S, x


def _bilinear(data, grid):
    n, c, h, w = data.shape
    ho, wo = grid.shape[2:]
    out = np.zeros((n, c, ho, wo))
    for b in range(n):
        for i in range(ho):
            for j in range(wo):
                xr = (grid[b, 0, i, j] + 1) * (w - 1) / 2
                yr = (grid[b, 1, i, j] + 1) * (h - 1) / 2
                x0, y0 = math.floor(xr), math.floor(yr)
                for ch in range(c):
                    total = 0.0
                    for yy, wy in ((y0, 1 - (yr - y0)), (y0 + 1, yr - y0)):
                        for xx, wx in ((x0, 1 - (xr - x0)), (x0 + 1, xr - x0)):
                            if 0 <= yy <= h - 1 and 0 <= xx <= w - 1:
                                total += data[b, ch, yy, xx] * wy * wx
                    out[b, ch, i, j] = total
    return out


def _affine_grid(loc, h, w):
    n = loc.shape[0]
    grid = np.zeros((n, 2, h, w))
    for b in range(n):
        for i in range(h):
            for j in range(w):
                xt = -1.0 + j * 2.0 / (w - 1) if w > 1 else -1.0
                yt = -1.0 + i * 2.0 / (h - 1) if h > 1 else -1.0
                for r in range(2):
                    grid[b, r, i, j] = loc[b, 3 * r] * xt + loc[b, 3 * r + 1] * yt \
                        + loc[b, 3 * r + 2]
    return grid


def _warp_grid(flow):
    n, _, h, w = flow.shape
    grid = np.zeros(flow.shape)
    for b in range(n):
        for i in range(h):
            for j in range(w):
                grid[b, 0, i, j] = (flow[b, 0, i, j] + j) / ((w - 1) / 2) - 1
                grid[b, 1, i, j] = (flow[b, 1, i, j] + i) / ((h - 1) / 2) - 1
    return grid


def _histogram(data, edges):
    """MXNet's bins: the last edge counts in the last bin; outside and NaN uncounted."""
    counts = np.zeros(len(edges) - 1, np.int64)
    for v in np.ravel(data):
        if not edges[0] <= v <= edges[-1]:
            continue
        k = 0
        while k < len(edges) and v >= edges[k]:
            k += 1
        counts[min(k - 1, len(edges) - 2)] += 1
    return counts


def _uniform(data, count, lo, hi):
    edges = np.array([(hi * i + (count - i) * lo) / count for i in range(count + 1)])
    return _histogram(data, edges), edges


# coordinates (g + 1) * 2 on 5 x 5 images: integers at the multiples of 0.5
_GRID = In((2, 2, 3, 4), -1.4, 1.4, avoid=(-1.5, -1, -0.5, 0, 0.5, 1, 1.5), margin=0.08)
_TS = dict(target_shape=(3, 4), transform_type="affine", sampler_type="bilinear")
_VALUES = np.array([[0.1, 0.5, 1.2, 3.0], [2.0, -1.0, 2.999, 0.0], [1.0, 1.5, np.nan, 7.0]])
_EDGES = np.array([0.0, 0.5, 1.0, 1.0, 3.0])

SAMPLERS = [
    S("BilinearSampler", [x(2, 3, 5, 5), _GRID], _bilinear),
    S("BilinearSampler", [x(2, 1, 4, 6), In((2, 2, 2, 3), -0.9, 0.9, avoid=(-0.6, -0.2, 0.2,
                                                                           0.6), margin=0.05)],
      _bilinear, cudnn_off=True),
    S("SpatialTransformer", [x(2, 3, 5, 6), In((2, 6), -1.1, 1.1)],
      lambda d, loc: _bilinear(d, _affine_grid(loc, 3, 4)), **_TS),
    S("GridGenerator", [In((2, 6), -1.1, 1.1)], lambda loc: _affine_grid(loc, 3, 4),
      transform_type="affine", target_shape=(3, 4)),
    S("GridGenerator", [x(2, 2, 3, 4)], _warp_grid, transform_type="warp"),
    # non-differentiable in MXNet (no FGradient): kernel and export checks
    S("_histogram", [Const(_VALUES)], lambda v: _uniform(v, 4, 0.0, 3.0), bin_cnt=4,
      range=(0.0, 3.0)),
    S("_histogram", [Const(_VALUES), Const(_EDGES)], lambda v, e: (_histogram(v, e), e)),
]
