"""MXNet 1.9.1's `BilinearSampler`, `SpatialTransformer` and `_histogram` (mx.nd.histogram
with `bin_cnt` and `range`, or with an array of bin edges). Each output's shape depends on
the input shapes and attributes only, so each is an ordinary operator: a hybridized
spatial-transformer block traces to a fixed graph and exports MXNet's nodes.

BilinearSampler reads (N, C, H, W) `data` at the normalised points (x, y) in [-1, 1] of
`grid` (N, 2, Ho, Wo): each output mixes the four neighbours of (x+1)(W-1)/2,
(y+1)(H-1)/2 by its fractional parts, a neighbour outside the image reading zero (MXNet's
CPU kernel). SpatialTransformer is BilinearSampler at the affine grid of `loc` (N, 6)
over the target (Ho, Wo) points (GridGenerator's 'affine' grid).

Gradient (in data and grid / loc, as MXNet's backward): the operator written with
registered operators (`composite`: floors and gather positions computed in the graph, the
fractional parts weighting the neighbours), differentiated by the running gradient pass
(deformable.composite_vjp), so the grid gets MXNet's gradient through the weights
(piecewise: the floors are constants) and every order is derived by the same pass.
MXNet's `cudnn_off` attribute has no effect on its CPU kernels (nor here).

`_histogram` counts (int64) the flattened data in `bin_cnt` equal bins over `range`
(edges in the data's dtype: MXNet's (max*i + (bin_cnt-i)*min)/bin_cnt), or in the bins
given by an edges array of the data's dtype; a value equal to the last edge counts in the
last bin, values outside (and NaN) are not counted. Not differentiable (MXNet registers no
gradient)."""
from __future__ import annotations

from typing import Any, Dict, List

import numpy as np

from tapegraph.ir.errors import DTypeError, ShapeError
from tapegraph.ir.graph import Builder, Value
from tapegraph.ir.registry import REQUIRED, register
from tapegraph.ir.types import TensorType
from .deformable import _grid, composite_vjp

# ---------------------------------------------------------------- shapes


def check_sampler(data: TensorType, grid: TensorType) -> None:
    """The frontend's messages (mx.nd.BilinearSampler)."""
    if data.ndim != 4:
        raise ShapeError("BilinearSampler: expected a 4-D input (N, C, H, W), got shape %s"
                         % (data.shape,))
    if grid.ndim != 4 or grid.shape[0] != data.shape[0] or grid.shape[1] != 2:
        raise ShapeError("BilinearSampler: grid must be (N, 2, Ho, Wo) with N=%d, got shape %s"
                         % (data.shape[0], grid.shape))


def target_shape(value: Any, name: str = "GridGenerator") -> tuple:
    v = (value,) if isinstance(value, (int, np.integer)) else tuple(value)
    if len(v) == 1:
        v = v * 2
    if len(v) != 2:
        raise ShapeError("%s: target_shape must have 1 or 2 entries, got %r" % (name, value))
    h, w = (int(i) for i in v)
    if h <= 0 or w <= 0:
        raise ShapeError("%s: affine needs target_shape=(H, W), got %r" % (name, value))
    return h, w


def check_transformer(data: TensorType, loc: TensorType, attrs: Dict[str, Any]) -> tuple:
    if attrs["transform_type"] != "affine" or attrs["sampler_type"] != "bilinear":
        raise ShapeError("SpatialTransformer: transform_type must be 'affine' and sampler_type "
                         "'bilinear', got %r and %r"
                         % (attrs["transform_type"], attrs["sampler_type"]))
    if loc.ndim != 2 or loc.shape[1] != 6:
        raise ShapeError("GridGenerator: incorrect data shape[1], should be 6 (an (N, 6) "
                         "affine matrix), got shape %s" % (loc.shape,))
    if data.ndim != 4 or data.shape[0] != loc.shape[0]:
        raise ShapeError("BilinearSampler: expected a 4-D input (N, C, H, W) with N=%d, got "
                         "shape %s" % (loc.shape[0], data.shape))
    return target_shape(attrs["target_shape"])


def _sampler_infer(ins: List[TensorType], attrs: Dict[str, Any]) -> List[TensorType]:
    data, grid = ins
    check_sampler(data, grid)
    return [TensorType.get(data.shape[:2] + grid.shape[2:], data.dtype)]


def _transformer_infer(ins: List[TensorType], attrs: Dict[str, Any]) -> List[TensorType]:
    h, w = check_transformer(ins[0], ins[1], attrs)
    return [TensorType.get(ins[0].shape[:2] + (h, w), ins[0].dtype)]


# ---------------------------------------------------------------- kernels

def linspace(n: int) -> np.ndarray:
    """The target grid's normalised coordinates along an axis of n points."""
    return np.zeros(1) - 1.0 if n == 1 else -1.0 + np.arange(n) * (2.0 / (n - 1))


def affine_target(h: int, w: int) -> np.ndarray:
    """(3, H*W): the target points (x, y, 1), row-major."""
    xs, ys = np.meshgrid(linspace(w), linspace(h))
    return np.stack([xs.ravel(), ys.ravel(), np.ones(h * w)])


def sample(data: np.ndarray, grid: np.ndarray) -> np.ndarray:
    n, c, h, w = data.shape
    # the source coordinates in the grid's dtype, as MXNet computes them (their floors
    # decide the neighbours), then in float64
    xr = ((grid[:, 0:1] + 1) * (w - 1) / 2).astype(np.float64)  # (N, 1, Ho, Wo)
    yr = ((grid[:, 1:2] + 1) * (h - 1) / 2).astype(np.float64)
    x0, y0 = np.floor(xr), np.floor(yr)
    fx, fy = xr - x0, yr - y0
    flat = data.reshape(-1).astype(np.float64)
    base = (np.arange(n)[:, None, None, None] * c + np.arange(c)[None, :, None, None]) * h * w
    total = 0.0
    for dy, wy in ((0, 1.0 - fy), (1, fy)):
        for dx, wx in ((0, 1.0 - fx), (1, fx)):
            yy, xx = (y0 + dy).astype(np.int64), (x0 + dx).astype(np.int64)
            inside = (yy >= 0) & (yy <= h - 1) & (xx >= 0) & (xx <= w - 1)
            pos = base + np.clip(yy, 0, h - 1) * w + np.clip(xx, 0, w - 1)
            total = total + flat[pos] * (wy * wx * inside)
    return np.asarray(total).astype(data.dtype)


def affine_grid(loc: np.ndarray, h: int, w: int) -> np.ndarray:
    """GridGenerator's affine grid (N, 2, H, W), a product in loc's dtype (as MXNet's)."""
    theta = loc.reshape(-1, 3)
    return np.dot(theta, affine_target(h, w).astype(loc.dtype)).reshape(-1, 2, h, w)


@register("BilinearSampler", _sampler_infer, num_inputs=2, attrs={"cudnn_off": None})
def bilinear_sampler(data, grid, cudnn_off=None):
    """Sample (N, C, H, W) `data` at the normalised points of `grid` (N, 2, Ho, Wo), x then
    y in [-1, 1]: each output mixes the four neighbours (zero outside the image) by the
    point's fractional offsets; differentiable in both inputs."""
    return sample(data, grid)


@register("SpatialTransformer", _transformer_infer, num_inputs=2,
          attrs={"target_shape": (0, 0), "transform_type": None, "sampler_type": None,
                 "cudnn_off": None})
def spatial_transformer(data, loc, target_shape=(0, 0), transform_type=None,
                        sampler_type=None, cudnn_off=None):
    """BilinearSampler(data, GridGenerator(loc, 'affine', target_shape)): `data` (N, C, H,
    W) sampled at the target (Ho, Wo) points mapped by the (N, 6) affine matrices `loc`;
    differentiable in both inputs."""
    h, w = check_transformer(TensorType.of(data), TensorType.of(loc), {
        "target_shape": target_shape, "transform_type": transform_type,
        "sampler_type": sampler_type})
    return sample(data, affine_grid(loc, h, w))


def _generator_infer(ins: List[TensorType], attrs: Dict[str, Any]) -> List[TensorType]:
    data = ins[0]
    if attrs["transform_type"] == "affine":
        if data.ndim != 2 or data.shape[1] != 6:
            raise ShapeError("GridGenerator: incorrect data shape[1], should be 6 (an (N, 6) "
                             "affine matrix), got shape %s" % (data.shape,))
        h, w = target_shape(attrs["target_shape"])
        return [TensorType.get((data.shape[0], 2, h, w), data.dtype)]
    if attrs["transform_type"] == "warp":
        if data.ndim != 4 or data.shape[1] != 2:
            raise ShapeError("GridGenerator: warp needs an (N, 2, H, W) flow, got shape %s"
                             % (data.shape,))
        return [data]
    raise ShapeError("GridGenerator: transform_type must be 'affine' or 'warp', got %r"
                     % (attrs["transform_type"],))


def _warp_scale(size: int) -> float:
    """The divisor of a warp coordinate: (size - 1) / 2 (0.5 for one pixel: tapegraph's
    finite value where MXNet divides by zero)."""
    return max(size - 1, 1) / 2.0


@register("GridGenerator", _generator_infer, num_inputs=1,
          attrs={"transform_type": REQUIRED, "target_shape": (0, 0)})
def grid_generator(data, transform_type=None, target_shape=(0, 0)):
    """A sampling grid (N, 2, H, W) of normalised (x, y): 'affine' maps the target grid
    (H, W) = target_shape by the (N, 6) matrices in `data`; 'warp' adds the (N, 2, H, W)
    flow to the pixel grid and normalises it ((p + flow) / ((size - 1) / 2) - 1)."""
    out = _generator_infer([TensorType.of(data)], {"transform_type": transform_type,
                                                   "target_shape": target_shape})[0]
    if transform_type == "affine":
        return affine_grid(data, *out.shape[2:])
    h, w = data.shape[2:]
    ys, xs = np.mgrid[0:h, 0:w]
    x = (data[:, 0] + xs.astype(data.dtype)) / data.dtype.type(_warp_scale(w)) - 1
    y = (data[:, 1] + ys.astype(data.dtype)) / data.dtype.type(_warp_scale(h)) - 1
    return np.stack([x, y], axis=1).astype(data.dtype)


# ---------------------------------------------------------------- the composites

def _s(b: Builder, op: str, x: Value, s: float) -> Value:
    return b.op(op, x, scalar=float(s))


def sample_composite(b: Builder, data: Value, grid: Value) -> Value:
    """BilinearSampler written with registered operators: float64 `data`, `grid` in its
    own dtype (the coordinates computed in it, as the kernel does); float64 out."""
    n, c, h, w = data.type.shape
    ho, wo = grid.type.shape[2:]
    full = (n, c, ho, wo)
    coords = []
    for axis, size in ((0, w), (1, h)):
        part = b.op("slice", grid, begin=(None, axis), end=(None, axis + 1), step=())
        real = _s(b, "_div_scalar", _s(b, "_mul_scalar", _s(b, "_plus_scalar", part, 1.0),
                                       size - 1), 2.0)
        real = b.op("Cast", real, dtype="float64")
        coords.append(b.op("broadcast_to", real, shape=full))
    xr, yr = coords
    x0, y0 = b.op("floor", xr), b.op("floor", yr)
    fx, fy = b.op("elemwise_sub", xr, x0), b.op("elemwise_sub", yr, y0)
    planes = _grid(b, full, [(0, (0, c * h * w)), (1, (0, h * w))])
    flat = b.op("Reshape", data, shape=(-1,))
    total = None
    for dy, wy in ((0, _s(b, "_rminus_scalar", fy, 1)), (1, fy)):
        for dx, wx in ((0, _s(b, "_rminus_scalar", fx, 1)), (1, fx)):
            yy, xx = _s(b, "_plus_scalar", y0, dy), _s(b, "_plus_scalar", x0, dx)
            within = [b.op("elemwise_mul", _s(b, "_greater_equal_scalar", v, 0),
                           _s(b, "_lesser_equal_scalar", v, lim))
                      for v, lim in ((yy, h - 1), (xx, w - 1))]
            inside = b.op("elemwise_mul", within[0], within[1])
            row = b.op("clip", yy, a_min=0.0, a_max=float(h - 1))
            col = b.op("clip", xx, a_min=0.0, a_max=float(w - 1))
            pos = b.op("elemwise_add", planes,
                       b.op("elemwise_add", _s(b, "_mul_scalar", row, w), col))
            vals = b.op("take", flat, b.op("Reshape", pos, shape=(-1,)), axis=0, mode="clip")
            vals = b.op("Reshape", vals, shape=full)
            weight = b.op("elemwise_mul", b.op("elemwise_mul", wy, wx), inside)
            term = b.op("elemwise_mul", vals, weight)
            total = term if total is None else b.op("elemwise_add", total, term)
    assert total is not None
    return total


def _sampler_composite(b: Builder, ins: List[Value], attrs: Dict[str, Any]) -> Value:
    check_sampler(ins[0].type, ins[1].type)
    dtype = ins[0].type.dtype
    data = b.op("Cast", ins[0], dtype="float64")
    return b.op("Cast", sample_composite(b, data, ins[1]), dtype=dtype)


def _transformer_composite(b: Builder, ins: List[Value], attrs: Dict[str, Any]) -> Value:
    h, w = check_transformer(ins[0].type, ins[1].type, attrs)
    dtype, loc = ins[0].type.dtype, ins[1]
    data = b.op("Cast", ins[0], dtype="float64")
    return b.op("Cast", sample_composite(b, data, _affine_composite(b, loc, h, w)),
                dtype=dtype)


def _affine_composite(b: Builder, loc: Value, h: int, w: int) -> Value:
    """GridGenerator's affine grid of `loc` (N, 6) written with registered operators."""
    n = loc.type.shape[0]
    # the target points (3, H*W): x = -1 + j*2/(W-1), y = -1 + i*2/(H-1), 1 (index grids
    # from _arange, as affine_target)
    rows = []
    for axis, size in ((1, w), (0, h), (None, 0)):
        index = _grid(b, (h, w), [(0 if axis is None else axis, (0, 1))])
        if axis is None:
            v = _s(b, "_plus_scalar", _s(b, "_mul_scalar", index, 0.0), 1.0)
        else:
            v = _s(b, "_plus_scalar", _s(b, "_mul_scalar", index,
                                        2.0 / (size - 1) if size > 1 else 0.0), -1.0)
        rows.append(b.op("Cast", b.op("Reshape", v, shape=(1, h * w)), dtype=loc.type.dtype))
    grid_dst = b.op("Concat", *rows, dim=0, num_args=3)
    theta = b.op("Reshape", loc, shape=(n * 2, 3))
    # the product in loc's dtype (the kernel's grid)
    return b.op("Reshape", b.op("dot", theta, grid_dst), shape=(n, 2, h, w))


def _generator_composite(b: Builder, ins: List[Value], attrs: Dict[str, Any]) -> Value:
    out = _generator_infer([ins[0].type], attrs)[0]
    data = ins[0]
    if attrs["transform_type"] == "affine":
        return _affine_composite(b, data, *out.shape[2:])
    n, _, h, w = data.type.shape
    parts = []
    for channel, (axis, size) in enumerate(((3, w), (2, h))):
        part = b.op("slice", data, begin=(None, channel), end=(None, channel + 1), step=())
        pixels = b.op("Cast", _grid(b, (n, 1, h, w), [(axis, (0, 1))]), dtype=data.type.dtype)
        moved = b.op("elemwise_add", part, pixels)
        parts.append(_s(b, "_minus_scalar", _s(b, "_div_scalar", moved, _warp_scale(size)),
                        1.0))
    return b.op("Concat", *parts, dim=1, num_args=2)


bilinear_sampler.gradient(composite_vjp(_sampler_composite))
grid_generator.gradient(composite_vjp(_generator_composite))
spatial_transformer.gradient(composite_vjp(_transformer_composite))


# ---------------------------------------------------------------- histogram

def histogram_range(attrs: Dict[str, Any]) -> tuple:
    rng = attrs["range"]
    if rng is None or len(tuple(rng)) != 2:
        raise ShapeError("_histogram: bin_cnt needs range=(min, max), got %r" % (rng,))
    lo, hi = (float(v) for v in rng)
    if not lo <= hi:
        raise ShapeError("left hand side of range(%s)should be less than or equal to right "
                         "hand side(%s)" % (_num(lo), _num(hi)))
    if lo == hi:  # MXNet widens an empty range by 0.5 on each side (as NumPy)
        lo, hi = lo - 0.5, hi + 0.5
    return lo, hi


def _num(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else repr(v)


def _histogram_infer(ins: List[TensorType], attrs: Dict[str, Any]) -> List[TensorType]:
    data = ins[0]
    if len(ins) == 2:
        bins = ins[1]
        if bins.ndim != 1 or bins.shape[0] < 1:
            raise ShapeError("_histogram: bins must be a 1-D array of bin edges, got shape %s"
                             % (bins.shape,))
        if bins.dtype != data.dtype:
            raise DTypeError("_histogram: the bin edges (%s) must have the data's dtype (%s)"
                             % (bins.dtype, data.dtype))
        count = bins.shape[0] - 1
    elif len(ins) == 1:
        if attrs["bin_cnt"] is None:
            raise ShapeError("_histogram: give bin_cnt and range, or an array of bin edges")
        count = int(attrs["bin_cnt"])
        if count < 0:
            raise ShapeError("_histogram: bin_cnt must not be negative, got %d" % count)
        histogram_range(attrs)
    else:
        raise ShapeError("_histogram takes data and optionally bins, got %d inputs" % len(ins))
    return [TensorType.get((count,), "int64"), TensorType.get((count + 1,), data.dtype)]


def bin_indices(values: np.ndarray, edges: np.ndarray, uniform: Any) -> np.ndarray:
    """MXNet's BinIndicesKernel: each value's bin, -1 outside (and NaN)."""
    count = edges.size - 1
    out = np.full(values.shape, -1, np.int64)
    if count <= 0:
        return out
    if uniform is not None:
        lo, hi = uniform
        ok = (values >= lo) & (values <= hi)
        v = values[ok]
        t = np.minimum(count - 1, np.floor((v - lo) * count / (hi - lo)).astype(np.int64))
        t = t - (v < edges[t])
        t = t + ((v >= edges[t + 1]) & (t != count - 1))
        out[ok] = t
        return out
    ok = (values >= edges[0]) & (values <= edges[-1])
    v = values[ok]
    # the first edge above the value (none: past the last), minus one, at most count - 1
    above = v[:, None] < edges[None, :]
    first = np.where(above.any(axis=1), above.argmax(axis=1), count + 1)
    out[ok] = np.minimum(first - 1, count - 1)
    return out


@register("_histogram", _histogram_infer, num_inputs=None, num_outputs=2,
          attrs={"bin_cnt": None, "range": None},
          nondiff_note="MXNet 1.9.1 registers no gradient for _histogram")
def histogram(*arrays, bin_cnt=None, range=None):  # noqa: A002  (MXNet's name)
    """(counts int64, bin edges) of the flattened `data`: `bin_cnt` equal bins over
    `range` (edges in the data's dtype), or the bins of the edges array `bins` (the data's
    dtype); values outside the edges are not counted, the last edge counts in the last
    bin."""
    data = arrays[0]
    values = data.reshape(-1).astype(np.float64)
    if len(arrays) == 2:
        edges_out = arrays[1]
        uniform = None
    else:
        lo, hi = histogram_range({"range": range})
        n = int(bin_cnt)
        i = np.arange(n + 1, dtype=np.float64)
        with np.errstate(invalid="ignore", divide="ignore"):
            bounds = (hi * i + (n - i) * lo) / n
        edges_out = bounds.astype(data.dtype) if data.dtype.kind == "f" else \
            np.trunc(bounds).astype(data.dtype)
        uniform = (lo, hi)
    idx = bin_indices(values, edges_out.astype(np.float64), uniform)
    count = edges_out.size - 1
    counts = np.bincount(idx[idx >= 0], minlength=max(count, 0))[:max(count, 0)]
    return counts.astype(np.int64), np.array(edges_out, copy=True)
