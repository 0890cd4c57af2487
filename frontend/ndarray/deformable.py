"""MXNet 1.9.1's contrib DeformableConvolution and ModulatedDeformableConvolution as
compositions of registered operators, so they differentiate to any order in every input.

The columns of a deformable convolution are bilinear samples of `data` at each kernel tap
moved by its learned offset: the sample coordinates are recorded (tap position + offset),
their integer parts are found on the host (constant gather indices) and their fractional
parts weight the four neighbours, so the offsets get the gradient through the weights (as
MXNet's deformable_col2im_coord computes). The columns (times the modulation mask) then meet
the weight in one dot per group, as im2col convolution does. The two operators treat the
border as MXNet 1.9.1's CPU kernels do, which differ (see _columns). (MXNet 1.9.1's CPU backward of
ModulatedDeformableConvolution raises "only implemented in GPU"; here it is differentiable.)"""
from __future__ import annotations

import numpy as np

from ..ir.errors import MXNetError
from ..trace import host_reads
from .ops import _as_inputs, _finish
from .vision import _const, _gather, _op, _reshape


def _ints2(value, default, name):
    v = tuple(int(i) for i in (value or ()))
    if not v:
        return (default, default)
    if len(v) != 2:
        raise MXNetError("DeformableConvolution: %s=%r must have 2 entries (2-D only)"
                         % (name, value))
    return v


def _by_channel(a, n, g, c, k, ho, wo):
    """(N, G*K*..., Ho, Wo) laid out per deformable group -> (N, C, K, Ho, Wo), each channel
    reading its group's entries."""
    a = _reshape(a, (n, g, 1, k, ho, wo))
    a = _op("broadcast_to", [a], {"shape": (n, g, c // g, k, ho, wo)})
    return _reshape(a, (n, c, k, ho, wo))


def _columns(data, offset, mask, kernel, stride, dilate, pad, groups):
    """The deformable columns (N, C, K, Ho, Wo) (times `mask` when given)."""
    n, c, h, w = data.shape
    (kh, kw), (sh, sw), (dh, dw), (ph, pw) = kernel, stride, dilate, pad
    ho = (h + 2 * ph - dh * (kh - 1) - 1) // sh + 1
    wo = (w + 2 * pw - dw * (kw - 1) - 1) // sw + 1
    k = kh * kw
    if ho <= 0 or wo <= 0:
        raise MXNetError("DeformableConvolution: kernel %s does not fit the input %s"
                         % (kernel, (h, w)))
    if c % groups:
        raise MXNetError("DeformableConvolution: channels %d are not divisible by "
                         "num_deformable_group %d" % (c, groups))
    if offset.shape != (n, 2 * groups * k, ho, wo):
        raise MXNetError("DeformableConvolution: offset must have shape %s, got %s"
                         % ((n, 2 * groups * k, ho, wo), offset.shape))
    if mask is not None and mask.shape != (n, groups * k, ho, wo):
        raise MXNetError("ModulatedDeformableConvolution: mask must have shape %s, got %s"
                         % ((n, groups * k, ho, wo), mask.shape))
    off = _reshape(offset, (n, groups, k, 2, ho, wo))
    taps_i, taps_j = np.divmod(np.arange(k), kw)
    base_y = (taps_i[:, None, None] * dh + np.arange(ho)[None, :, None] * sh - ph)
    base_x = (taps_j[:, None, None] * dw + np.arange(wo)[None, None, :] * sw - pw)
    coords = []
    for axis, base in ((0, base_y), (1, base_x)):
        part = _op("slice", [off], {"begin": (None, None, None, axis),
                                    "end": (None, None, None, axis + 1), "step": ()})
        part = part + _const(data, np.broadcast_to(base, (k, ho, wo))[None, None, :, None])
        coords.append(_by_channel(part, n, groups, c, k, ho, wo))
    ys, xs = coords
    host_reads.note(ys, xs)
    y, x = ys._data.astype(np.float64), xs._data.astype(np.float64)
    y0, x0 = np.floor(y).astype(np.int64), np.floor(x).astype(np.int64)
    if mask is None:
        # MXNet 1.9.1's CPU DeformableConvolution: a sample needs 0 <= y < H, 0 <= x < W, and
        # one in the last row / column reads it (fraction 0) instead of a zero beyond
        valid = (y >= 0) & (x >= 0) & (y < h) & (x < w)
        keep_y, keep_x = y0 < h - 1, x0 < w - 1
        y0, x0 = np.minimum(y0, h - 1), np.minimum(x0, w - 1)
        fy = (ys - _const(data, y0)) * _const(data, keep_y)
        fx = (xs - _const(data, x0)) * _const(data, keep_x)
    else:
        # ModulatedDeformableConvolution: |offset| up to one pixel outside, zero padding
        valid = (y > -1) & (x > -1) & (y < h) & (x < w)
        fy, fx = ys - _const(data, y0), xs - _const(data, x0)
    planes = (np.arange(n)[:, None] * c + np.arange(c)[None, :])[:, :, None, None, None] * h * w
    total = None
    for dy, wy in ((0, 1.0 - fy), (1, fy)):
        for dx, wx in ((0, 1.0 - fx), (1, fx)):
            yy, xx = y0 + dy, x0 + dx
            inside = valid & (yy >= 0) & (xx >= 0)
            if mask is None:
                yy, xx = np.minimum(yy, h - 1), np.minimum(xx, w - 1)
            inside &= (yy <= h - 1) & (xx <= w - 1)
            pos = planes + np.clip(yy, 0, h - 1) * w + np.clip(xx, 0, w - 1)
            term = _gather(data, pos) * (wy * wx * _const(data, inside))
            total = term if total is None else total + term
    if mask is not None:
        total = total * _by_channel(mask, n, groups, c, k, ho, wo)
    return total, ho, wo


def _convolve(cols, weight, bias, num_filter, num_group, ho, wo):
    """(N, C, K, Ho, Wo) columns times weight (F, C/num_group, kh, kw) (+ bias)."""
    n, c, k = cols.shape[:3]
    f = int(num_filter)
    if weight.shape[0] != f or weight.shape[1] * num_group != c or f % num_group:
        raise MXNetError("DeformableConvolution: weight must have shape %s, got %s"
                         % ((f, c // num_group) + tuple(weight.shape[2:]), weight.shape))
    cg, fg, length = c // num_group, f // num_group, ho * wo
    parts = []
    for g in range(num_group):
        cols_g = _op("slice", [cols], {"begin": (None, g * cg), "end": (None, (g + 1) * cg),
                                       "step": ()})
        cols_g = _op("transpose", [_reshape(cols_g, (n, cg * k, length))], {"axes": (1, 0, 2)})
        w_g = _op("slice", [weight], {"begin": (g * fg,), "end": ((g + 1) * fg,), "step": ()})
        res = _op("dot", [_reshape(w_g, (fg, cg * k)), _reshape(cols_g, (cg * k, n * length))])
        parts.append(_op("transpose", [_reshape(res, (fg, n, length))], {"axes": (1, 0, 2)}))
    out = parts[0] if len(parts) == 1 else _op("Concat", parts, {"dim": 1,
                                                                 "num_args": len(parts)})
    out = _reshape(out, (n, f, ho, wo))
    if bias is not None:
        out = out + _reshape(bias, (1, f, 1, 1))
    return out


def _deformable(name, data, offset, mask, weight, bias, kernel, stride, dilate, pad,
                num_filter, num_group, num_deformable_group, no_bias):
    if num_filter is None or not kernel:
        raise MXNetError("%s: kernel and num_filter are required" % name)
    if data.ndim != 4:
        raise MXNetError("%s: only 2-D (N, C, H, W) input is supported, got shape %s"
                         % (name, data.shape))
    if not no_bias and bias is None:
        raise MXNetError("%s: bias is missing (pass it, or no_bias=True)" % name)
    kern = _ints2(kernel, 1, "kernel")
    win = (kern, _ints2(stride, 1, "stride"), _ints2(dilate, 1, "dilate"), _ints2(pad, 0, "pad"))
    cols, ho, wo = _columns(data, offset, mask, *win, int(num_deformable_group))
    if tuple(weight.shape[2:]) != kern:
        raise MXNetError("%s: weight %s does not match kernel %s" % (name, weight.shape, kern))
    return _convolve(cols, weight, None if no_bias else bias, num_filter, int(num_group),
                     ho, wo)


def DeformableConvolution(data, offset, weight, bias=None, kernel=(), stride=(), dilate=(),
                          pad=(), num_filter=None, num_group=1, num_deformable_group=1,
                          workspace=1024, no_bias=False, layout=None, out=None, **kw):
    """Deformable convolution v1 (Dai et al.): each kernel tap reads `data` at its position
    moved by `offset` (N, 2*num_deformable_group*kh*kw, Ho, Wo; (dy, dx) per tap),
    bilinearly; then a grouped convolution with `weight` (F, C/num_group, kh, kw)."""
    arrays = _as_inputs([a for a in (data, offset, weight, bias) if a is not None])
    data, offset, weight = arrays[:3]
    bias = arrays[3] if len(arrays) > 3 else None
    return _finish(_deformable("DeformableConvolution", data, offset, None, weight, bias,
                               kernel, stride, dilate, pad, num_filter, num_group,
                               num_deformable_group, no_bias), out)


def ModulatedDeformableConvolution(data, offset, mask, weight, bias=None, kernel=(), stride=(),
                                   dilate=(), pad=(), num_filter=None, num_group=1,
                                   num_deformable_group=1, workspace=1024, no_bias=False,
                                   im2col_step=64, layout=None, out=None, **kw):
    """Deformable convolution v2: DeformableConvolution whose samples are also multiplied by
    `mask` (N, num_deformable_group*kh*kw, Ho, Wo)."""
    arrays = _as_inputs([a for a in (data, offset, mask, weight, bias) if a is not None])
    data, offset, mask, weight = arrays[:4]
    bias = arrays[4] if len(arrays) > 4 else None
    return _finish(_deformable("ModulatedDeformableConvolution", data, offset, mask, weight,
                               bias, kernel, stride, dilate, pad, num_filter, num_group,
                               num_deformable_group, no_bias), out)
