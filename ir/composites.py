"""Operators MXNet has and tapegraph builds from registered operators, written once against
`ir.Builder.op`: `mx.nd` runs them with an eager builder (each `op` call records an
operator on NDArrays), the symbol loader builds them into graphs (`mx.sym`, files written by
MXNet). They differentiate to any order through their parts."""
from __future__ import annotations

import numbers

import numpy as np

from .errors import MXNetError


def _pair(value, name):
    v = (value,) if isinstance(value, numbers.Integral) else tuple(value)
    if len(v) == 1:
        v = v * 2
    if len(v) != 2:
        raise MXNetError("%s must have 1 or 2 entries, got %r" % (name, value))
    return tuple(int(i) for i in v)


def lrn(b, data, alpha=1e-4, beta=0.75, knorm=2.0, nsize=None):
    """LRN built with `b.op` (an `ir.Builder`, or `mx.nd`'s eager one): local response
    normalisation across channels, x / (knorm + alpha / nsize * sum(x**2 over the channels
    c - nsize//2 .. c + nsize//2)) ** beta, the window sum a sum pooling."""
    if nsize is None:
        raise MXNetError("Required parameter nsize of int (non-negative) is not presented, "
                         "in operator LRN")
    if len(data.shape) < 3:
        raise MXNetError("LRN: expected an input (N, C, ...) of at least 3 dimensions, got "
                         "shape %s" % (tuple(data.shape),))
    n, c = data.shape[:2]
    half = int(nsize) // 2
    sq = b.op("Reshape", b.op("square", data), shape=(n, 1, c, -1), reverse=False)
    window = b.op("Pooling", sq, kernel=(2 * half + 1, 1), stride=(1, 1), pad=(half, 0),
                  pool_type="sum")
    scale = b.op("_plus_scalar", b.op("_mul_scalar", window, scalar=alpha / int(nsize)),
                 scalar=float(knorm))
    norm = b.op("_power_scalar", scale, scalar=-float(beta))
    return b.op("elemwise_mul", data, b.op("Reshape", norm, shape=tuple(data.shape),
                                           reverse=False))


def crop_window(b, data, like=None, offset=(0, 0), h_w=(0, 0), center_crop=False):
    """Crop built with `b.op` (an `ir.Builder`, or `mx.nd`'s eager one): the (h, w) window
    of `data` at `offset` (or centred); h_w from the attribute, or from the height and
    width of `like` (MXNet's num_args=2)."""
    if len(data.shape) != 4:
        raise MXNetError("Crop: expected a 4-D input (N, C, H, W), got shape %s"
                         % (tuple(data.shape),))
    h, w = like.shape[2:4] if like is not None else _pair(h_w, "Crop: h_w")
    height, width = data.shape[2:]
    if h > height:
        raise MXNetError("Crop: the crop height(h_w[0]) should be less than the input data's "
                         "height (%d vs. %d)" % (h, height))
    if w > width:
        raise MXNetError("Crop: the crop width(h_w[1]) should be less than the input data's "
                         "width (%d vs. %d)" % (w, width))
    if center_crop:
        oy, ox = int((height - h) / 2.0), int((width - w) / 2.0)
    else:
        oy, ox = _pair(offset, "Crop: offset")
        if oy + h > height or ox + w > width:
            raise MXNetError("Crop: offset %s + crop size %s exceeds the input's height and "
                             "width %s" % ((oy, ox), (h, w), (height, width)))
    return b.op("slice", data, begin=(None, None, oy, ox), end=(None, None, oy + h, ox + w),
                step=())


def depth_to_space(b, data, block_size):
    """(N, C*k*k, H, W) -> (N, C, H*k, W*k), MXNet's DCR order."""
    n, c, h, w = data.shape
    k = int(block_size)
    if c % (k * k):
        raise MXNetError("depth_to_space: channels %d are not divisible by %d" % (c, k * k))
    x = b.op("Reshape", data, shape=(n, k, k, c // (k * k), h, w), reverse=False)
    x = b.op("transpose", x, axes=(0, 3, 4, 1, 5, 2))
    return b.op("Reshape", x, shape=(n, c // (k * k), h * k, w * k), reverse=False)


def space_to_depth(b, data, block_size):
    """(N, C, H*k, W*k) -> (N, C*k*k, H, W), the inverse of `depth_to_space`."""
    n, c, h, w = data.shape
    k = int(block_size)
    if h % k or w % k:
        raise MXNetError("space_to_depth: spatial size %s is not divisible by %d" % ((h, w), k))
    x = b.op("Reshape", data, shape=(n, c, h // k, k, w // k, k), reverse=False)
    x = b.op("transpose", x, axes=(0, 3, 5, 1, 2, 4))
    return b.op("Reshape", x, shape=(n, c * k * k, h // k, w // k), reverse=False)


def softmin(b, data, axis=-1, temperature=None, dtype=None):
    """softmax(-x): small values get large weights (written in `dtype` when given)."""
    return b.op("softmax", b.op("negative", data), axis=int(axis), temperature=temperature,
                dtype=dtype)


def masked_softmax(b, data, length, axis=-1, temperature=None, dtype=None, name="softmax"):
    """MXNet's softmax with `use_length=True`: only the first `length[...]` positions
    along `axis` take part (`length` has data's shape without `axis`, integers); the
    others are 0 (also where a length is 0 or negative), as MXNet 1.9.1 gives them. The
    positions are counted from `length` by operators (no constant of the shape), so a graph
    reads each call's lengths, and the gradient of the masked positions is 0."""
    if length is None:
        raise MXNetError("%s: use_length=True needs the length input" % name)
    kind = _dtype_of(length)
    if not kind.startswith(("int", "uint")):
        raise MXNetError("%s: length must be of an integer type, got %s (MXNet 1.9.1: this "
                         "operation only support integer types)" % (name, kind))
    shape = tuple(data.shape)
    ndim = len(shape)
    if not -ndim <= int(axis) < ndim:
        raise MXNetError("%s: axis %d out of range for %d-d input" % (name, axis, ndim))
    axis = int(axis) % ndim
    if tuple(length.shape) != shape[:axis] + shape[axis + 1:]:
        raise MXNetError("%s: length of shape %s does not match data %s without axis %d"
                         % (name, tuple(length.shape), shape, axis))
    bound = b.op("broadcast_to", b.op("expand_dims", length, axis=axis), shape=shape)
    steps = b.op("_minus_scalar", b.op("cumsum", b.op("ones_like", bound), axis=axis),
                 scalar=1.0)
    keep = b.op("_lesser", steps, bound)
    # the softmax itself also keeps position 0 of a row whose length is 0 or less, so no
    # row is all -inf (NaN); its output there is then replaced by 0 like the others
    live = b.op("_maximum", keep, b.op("_equal_scalar", steps, scalar=0.0))
    hidden = b.op("_plus_scalar", b.op("zeros_like", data), scalar=float("-inf"))
    soft = b.op("softmax", b.op("where", live, data, hidden), axis=axis,
                temperature=temperature, dtype=dtype)
    return b.op("where", keep, soft, b.op("zeros_like", soft))


def softmax_activation(b, data, mode="instance"):
    """MXNet's deprecated softmax: over the last axis (mode='instance': MXNet 1.9.1
    computes that, not a softmax over all but the first axis as its documentation says) or
    over axis 1 (mode='channel', inputs of 3 dimensions and more)."""
    if mode not in ("instance", "channel"):
        raise MXNetError("Invalid Input: '%s', valid values are: {'channel', 'instance'}"
                         % (mode,))
    if mode == "channel":
        if len(data.shape) < 3:
            raise MXNetError("SoftmaxActivation: input need to have a least 3 dimensions "
                             "when mode=channel, got shape %s" % (tuple(data.shape),))
        return b.op("softmax", data, axis=1)
    return b.op("softmax", data, axis=-1)


def softmax_cross_entropy(b, data, label):
    """The batch's summed -log(softmax(data)[i, label[i]]), 0-d (MXNet's op: shape (1,))."""
    picked = b.op("pick", b.op("log_softmax", data, axis=-1), label, axis=-1)
    return b.op("negative", b.op("sum", picked))


def nan_to(b, data, neutral):
    """`data` with NaN replaced by the `neutral` array (`zeros_like`, `ones_like`): NaN is
    where x != x, a recorded comparison."""
    return b.op("where", b.op("_equal", data, data), data, b.op(neutral, data))


def value_class(b, data, kind, floating):
    """1 where `data` is NaN (`kind` 'nan'), infinite ('inf') or finite ('finite'), else 0,
    in its dtype; `floating` says whether its dtype is a float one (integers are never NaN
    nor infinite)."""
    if not floating:
        return b.op("ones_like" if kind == "finite" else "zeros_like", data)
    if kind == "nan":
        return b.op("_not_equal", data, data)
    magnitude = b.op("abs", data)
    return b.op("_lesser_scalar" if kind == "finite" else "_equal_scalar", magnitude,
                scalar=float("inf"))


# ---------------------------------------------------------------- separable resampling
# AdaptiveAvgPooling2D and BilinearResize2D apply a matrix on each spatial axis; the
# matrices depend on the shapes only and are built by operators from `_arange`, so the
# symbol loader builds them too (and export writes them as MXNet operators).


def _separable(b, data, rows, cols):
    """rows @ X @ cols.T for every (n, c) image X of `data` (N, C, H, W): rows (Ho, H),
    cols (Wo, W) matrices, applied with two dots."""
    n, c, h, w = data.shape
    ho, wo = rows.shape[0], cols.shape[0]
    x = b.op("dot", b.op("Reshape", data, shape=(n * c * h, w), reverse=False),
             cols, transpose_b=True)
    x = b.op("transpose", b.op("Reshape", x, shape=(n * c, h, wo), reverse=False),
             axes=(0, 2, 1))
    x = b.op("dot", b.op("Reshape", x, shape=(n * c * wo, h), reverse=False), rows,
             transpose_b=True)
    x = b.op("transpose", b.op("Reshape", x, shape=(n * c, wo, ho), reverse=False),
             axes=(0, 2, 1))
    return b.op("Reshape", x, shape=(n, c, ho, wo), reverse=False)


def _grid(b, out, size, dtype):
    """(out, size) arrays of the row index and of the column index, in `dtype`."""
    i = b.op("Reshape", b.op("_arange", start=0.0, stop=float(out), dtype=dtype),
             shape=(out, 1), reverse=False)
    j = b.op("Reshape", b.op("_arange", start=0.0, stop=float(size), dtype=dtype),
             shape=(1, size), reverse=False)
    return (b.op("broadcast_to", i, shape=(out, size)),
            b.op("broadcast_to", j, shape=(out, size)))


def _adaptive_matrix(b, size, out, dtype):
    """(out, size): row i averages input positions floor(i*size/out) .. ceil((i+1)*size/out)
    (exact in floating point: products and quotients of small integers)."""
    i, j = _grid(b, out, size, dtype)
    start = b.op("floor", b.op("_div_scalar", b.op("_mul_scalar", i, scalar=float(size)),
                               scalar=float(out)))
    end = b.op("ceil", b.op("_div_scalar", b.op("_mul_scalar", b.op(
        "_plus_scalar", i, scalar=1.0), scalar=float(size)), scalar=float(out)))
    inside = b.op("elemwise_mul", b.op("_greater_equal", j, start), b.op("_lesser", j, end))
    return b.op("elemwise_div", inside, b.op("elemwise_sub", end, start))


def _bilinear_matrix(b, size, out, align_corners, dtype):
    """(out, size) interpolation weights at MXNet's source positions: a float32 scale, the
    position float32 (computed in float64 from (i + 0.5) when not aligning corners), its
    integer part `low` (weight 1 - frac) and the next position (weight frac; `low` itself
    at the last row). The weights are computed in float64 from the float32 position, then
    rounded once to `dtype`."""
    if align_corners:
        scale = float(np.float32((size - 1) / (out - 1))) if out > 1 else 0.0
        i, j = _grid(b, out, size, "float32")
        src = b.op("_mul_scalar", i, scalar=scale)
    else:
        scale = float(np.float32(size) / np.float32(out))
        i, j = _grid(b, out, size, "float64")
        src = b.op("relu", b.op("_minus_scalar", b.op("_mul_scalar", b.op(
            "_plus_scalar", i, scalar=0.5), scalar=scale), scalar=0.5))
        src = b.op("Cast", src, dtype="float32")
    src = b.op("Cast", src, dtype="float64")
    j = b.op("Cast", j, dtype="float64")
    low = b.op("floor", src)
    frac = b.op("elemwise_sub", src, low)
    high = b.op("elemwise_add", low, b.op("_lesser_scalar", low, scalar=float(size - 1)))
    weights = b.op("elemwise_add",
                   b.op("elemwise_mul", b.op("_equal", j, low),
                        b.op("_rminus_scalar", frac, scalar=1.0)),
                   b.op("elemwise_mul", b.op("_equal", j, high), frac))
    return weights if dtype == "float64" else b.op("Cast", weights, dtype=dtype)


def _spatial_pair(value, name):
    return (1, 1) if value in ((), [], None) else _pair(value, name)


def adaptive_avg_pool2d(b, data, output_size=()):
    """MXNet's contrib AdaptiveAvgPooling2D: average pooling of (N, C, H, W) to a fixed
    (out_h, out_w) (an int or () = 1 for both): output cell i covers input rows
    floor(i*H/out_h) .. ceil((i+1)*H/out_h), and the same for columns."""
    if len(data.shape) != 4:
        raise MXNetError("AdaptiveAvgPooling2D: expected a 4-D input (N, C, H, W), got "
                         "shape %s" % (tuple(data.shape),))
    oh, ow = _spatial_pair(output_size, "AdaptiveAvgPooling2D: output_size")
    h, w = data.shape[2:]
    dtype = _dtype_of(data)
    return _separable(b, data, _adaptive_matrix(b, h, oh, dtype),
                      _adaptive_matrix(b, w, ow, dtype))


RESIZE_MODES = ("size", "odd_scale", "like", "to_even_down", "to_even_up", "to_odd_down",
                "to_odd_up")


def _resize_size(size, mode, target, scale, like):
    if mode == "size":
        return int(scale * size) if scale is not None else int(target)
    if mode == "odd_scale":
        return int(size * scale) if size % 2 == 0 else int((size - 1) * scale) + 1
    if mode == "like":
        return like
    even, up = mode in ("to_even_down", "to_even_up"), mode.endswith("_up")
    if (size % 2 == 0) == even:
        return size
    return size + 1 if up else size - 1


def bilinear_resize2d(b, data, like=None, height=1, width=1, scale_height=None,
                      scale_width=None, mode="size", align_corners=True):
    """MXNet's contrib BilinearResize2D of (N, C, H, W) to the size `mode` says (given
    height/width, scaled, like another array's height and width, or the nearest even/odd
    size)."""
    if len(data.shape) != 4:
        raise MXNetError("BilinearResize2D: expected a 4-D input (N, C, H, W), got shape %s"
                         % (tuple(data.shape),))
    if mode not in RESIZE_MODES:
        raise MXNetError("BilinearResize2D: mode must be one of %s, got %r"
                         % (", ".join(RESIZE_MODES), mode))
    if mode == "like" and like is None:
        raise MXNetError("BilinearResize2D: mode='like' needs the `like` input")
    if mode == "odd_scale" and (scale_height is None or scale_width is None):
        raise MXNetError("BilinearResize2D: mode='odd_scale' needs scale_height and "
                         "scale_width")
    h, w = data.shape[2:]
    lh, lw = tuple(like.shape[2:4]) if like is not None else (None, None)
    oh = _resize_size(h, mode, height, scale_height, lh)
    ow = _resize_size(w, mode, width, scale_width, lw)
    if oh <= 0 or ow <= 0:
        raise MXNetError("BilinearResize2D: output size %s must be positive" % ((oh, ow),))
    dtype = _dtype_of(data)
    return _separable(b, data, _bilinear_matrix(b, h, oh, bool(align_corners), dtype),
                      _bilinear_matrix(b, w, ow, bool(align_corners), dtype))


def _dtype_of(x) -> str:
    dtype = getattr(x, "dtype", None)
    return np.dtype(dtype if dtype is not None else x.type.dtype).name


# ---------------------------------------------------------------- attention (contrib)
# MXNet's interleaved multi-head attention products: projections (L, B, heads*slots*D)
# hold, per head, `slots` blocks of D features (query, key, value; or key, value).


def _heads(b, x, heads, slots, slot, name):
    """Slot `slot` of `slots` interleaved per head in x (L, B, slots*H*D), as (B*H, L, D)."""
    if len(x.shape) != 3:
        raise MXNetError("%s: inputs must be 3-d (seq_length, batch, features), got %s"
                         % (name, tuple(x.shape)))
    length, batch, width = x.shape
    heads = int(heads)
    if heads <= 0 or width % (slots * heads):
        raise MXNetError("%s: the last dimension %d is not divisible by %d heads x %d"
                         % (name, width, heads, slots))
    d = width // (slots * heads)
    part = b.op("Reshape", x, shape=(length, batch, heads, slots, d), reverse=False)
    part = b.op("slice_axis", part, axis=3, begin=slot, end=slot + 1)
    part = b.op("Reshape", part, shape=(length, batch * heads, d), reverse=False)
    return b.op("transpose", part, axes=(1, 0, 2)), d


def _merge_heads(b, res, length, batch, heads):
    """(B*H, L, D) -> (L, B, H*D)."""
    d = res.shape[-1]
    res = b.op("transpose", res, axes=(1, 0, 2))
    return b.op("Reshape", res, shape=(length, batch, int(heads) * d), reverse=False)


def _scores(b, q, k, d):
    q = b.op("_mul_scalar", q, scalar=1.0 / float(np.sqrt(d)))
    return b.op("batch_dot", q, k, transpose_b=True)


def selfatt_qk(b, qkv, heads):
    """Self-attention scores (B*heads, L, L) = q k^T / sqrt(D) from the interleaved
    projections (L, B, heads*3*D) (per head: query, key, value)."""
    q, d = _heads(b, qkv, heads, 3, 0, "interleaved_matmul_selfatt_qk")
    k, _ = _heads(b, qkv, heads, 3, 1, "interleaved_matmul_selfatt_qk")
    return _scores(b, q, k, d)


def selfatt_valatt(b, qkv, attention, heads):
    """Attention-weighted values (L, B, heads*D) from the interleaved projections and the
    attention weights (B*heads, L, L)."""
    v, _ = _heads(b, qkv, heads, 3, 2, "interleaved_matmul_selfatt_valatt")
    return _merge_heads(b, b.op("batch_dot", attention, v), qkv.shape[0], qkv.shape[1],
                        heads)


def encdec_qk(b, queries, keys_values, heads):
    """Encoder-decoder scores (B*heads, Lq, Lk) = q k^T / sqrt(D) from queries
    (Lq, B, heads*D) and interleaved keys/values (Lk, B, heads*2*D)."""
    q, d = _heads(b, queries, heads, 1, 0, "interleaved_matmul_encdec_qk")
    k, _ = _heads(b, keys_values, heads, 2, 0, "interleaved_matmul_encdec_qk")
    return _scores(b, q, k, d)


def encdec_valatt(b, keys_values, attention, heads):
    """Encoder-decoder output (Lq, B, heads*D) from interleaved keys/values
    (Lk, B, heads*2*D) and attention weights (B*heads, Lq, Lk)."""
    v, _ = _heads(b, keys_values, heads, 2, 1, "interleaved_matmul_encdec_valatt")
    return _merge_heads(b, b.op("batch_dot", attention, v), attention.shape[1],
                        keys_values.shape[1], heads)


def arange_like(b, data, start=0.0, step=1.0, repeat=1, axis=None):
    """start, start + step, ... (each `repeat` times) shaped like `data`, or along its
    `axis` (1-d); computed in float64 and rounded once to data's dtype. No gradient."""
    shape = tuple(data.shape)
    if axis is not None and not -len(shape) <= int(axis) < len(shape):
        raise MXNetError("arange_like: axis %d out of range for a %d-d input"
                         % (axis, len(shape)))
    n = int(np.prod(shape)) if axis is None else shape[int(axis)]
    repeat = int(repeat)
    if repeat <= 0:
        raise MXNetError("arange_like: repeat must be positive, got %d" % repeat)
    steps = -(-n // repeat)
    idx = b.op("_arange", start=0.0, stop=float(steps), repeat=repeat, dtype="float64")
    idx = b.op("slice_axis", idx, axis=0, begin=0, end=n)
    values = b.op("_plus_scalar", b.op("_mul_scalar", idx, scalar=float(step)),
                  scalar=float(start))
    values = b.op("Reshape", values, shape=shape if axis is None else (n,), reverse=False)
    dtype = _dtype_of(data)
    return values if dtype == "float64" else b.op("Cast", values, dtype=dtype)
