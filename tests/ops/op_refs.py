"""NumPy reference implementations used by op_samples.py (direct loops for the
operators whose kernels use im2col, scatter or bisection)."""
from __future__ import annotations

import itertools
import math

import numpy as np


def _conv_ref(data, w, *bias, stride=(1, 1), pad=(0, 0), dilate=(1, 1), groups=1):
    """Direct loops: an independent definition of MXNet's Convolution."""
    n, c, h, wd = data.shape
    f, cg, kh, kw = w.shape
    xp = np.pad(data, ((0, 0), (0, 0), (pad[0], pad[0]), (pad[1], pad[1])))
    oh = (h + 2 * pad[0] - dilate[0] * (kh - 1) - 1) // stride[0] + 1
    ow = (wd + 2 * pad[1] - dilate[1] * (kw - 1) - 1) // stride[1] + 1
    out = np.zeros((n, f, oh, ow))
    fg = f // groups
    for o in range(f):
        grp = o // fg
        for i in range(oh):
            for j in range(ow):
                patch = xp[:, grp * cg:(grp + 1) * cg,
                           i * stride[0]:i * stride[0] + dilate[0] * (kh - 1) + 1:dilate[0],
                           j * stride[1]:j * stride[1] + dilate[1] * (kw - 1) + 1:dilate[1]]
                out[:, o, i, j] = (patch * w[o]).sum(axis=(1, 2, 3))
    if bias:
        out += bias[0].reshape(1, -1, 1, 1)
    return out


def _deconv_ref(data, w, *bias, stride=(1, 1), pad=(0, 0), dilate=(1, 1), adj=(0, 0),
                groups=1):
    """Direct loops: every input pixel scatters a weighted kernel into the output."""
    n, c, h, wd = data.shape
    _, fg, kh, kw = w.shape
    full_h = (h - 1) * stride[0] + dilate[0] * (kh - 1) + 1 + adj[0]
    full_w = (wd - 1) * stride[1] + dilate[1] * (kw - 1) + 1 + adj[1]
    out = np.zeros((n, fg * groups, full_h, full_w))
    cg = c // groups
    for ch in range(c):
        grp = ch // cg
        for i in range(h):
            for j in range(wd):
                for a in range(kh):
                    for bb in range(kw):
                        out[:, grp * fg:(grp + 1) * fg, i * stride[0] + a * dilate[0],
                            j * stride[1] + bb * dilate[1]] += \
                            data[:, ch, i, j][:, None] * w[ch, :, a, bb][None, :]
    out = out[:, :, pad[0]:full_h - pad[0], pad[1]:full_w - pad[1]]
    if bias:
        out = out + bias[0].reshape(1, -1, 1, 1)
    return out


def _pool_ref(data, k, s, p, kind, include_pad=True):
    n, c, h, w = data.shape
    fill = -np.inf if kind == "max" else 0.0
    xp = np.pad(data, ((0, 0), (0, 0), (p[0], p[0]), (p[1], p[1])), constant_values=fill)
    ones = np.pad(np.ones((h, w)), ((p[0], p[0]), (p[1], p[1])))
    oh, ow = (h + 2 * p[0] - k[0]) // s[0] + 1, (w + 2 * p[1] - k[1]) // s[1] + 1
    out = np.zeros((n, c, oh, ow))
    for i in range(oh):
        for j in range(ow):
            win = xp[:, :, i * s[0]:i * s[0] + k[0], j * s[1]:j * s[1] + k[1]]
            if kind == "max":
                out[:, :, i, j] = win.max(axis=(2, 3))
            elif kind == "sum":
                out[:, :, i, j] = win.sum(axis=(2, 3))
            else:
                cnt = k[0] * k[1] if include_pad else ones[i * s[0]:i * s[0] + k[0],
                                                           j * s[1]:j * s[1] + k[1]].sum()
                out[:, :, i, j] = win.sum(axis=(2, 3)) / cnt
    return out


def _bn_ref(v, g, b, mm, mv, training, eps=1e-3, fix_gamma=True):
    red = (0, 2, 3) if v.ndim == 4 else (0,)
    keep = (1, -1) + (1,) * (v.ndim - 2)
    m, var = (v.mean(axis=red), v.var(axis=red)) if training else (mm, mv)
    gg = np.ones_like(g) if fix_gamma else g
    return (v - m.reshape(keep)) / np.sqrt(var.reshape(keep) + eps) * gg.reshape(keep) + \
        b.reshape(keep)


def _im2col_ref(v, k, s, p):
    n, c, h, w = v.shape
    xp = np.pad(v, ((0, 0), (0, 0), (p[0], p[0]), (p[1], p[1])))
    oh, ow = (h + 2 * p[0] - k[0]) // s[0] + 1, (w + 2 * p[1] - k[1]) // s[1] + 1
    out = np.zeros((n, c, k[0], k[1], oh, ow))
    for i in range(oh):
        for j in range(ow):
            out[:, :, :, :, i, j] = xp[:, :, i * s[0]:i * s[0] + k[0], j * s[1]:j * s[1] + k[1]]
    return out.reshape(n, c * k[0] * k[1], oh * ow)


def _col2im_ref(cols, shape, k, s, p):
    """The transpose of _im2col_ref, by brute force over unit vectors (small shapes)."""
    size = int(np.prod(shape))
    mat = np.stack([_im2col_ref(np.eye(size)[i].reshape(shape), k, s, p).ravel()
                    for i in range(size)])
    return (mat @ cols.ravel()).reshape(shape)


def _scatter(shape, idx, g, axis):
    out = np.zeros(shape)
    moved = np.moveaxis(out, axis, 0)
    gm = np.moveaxis(g.reshape(shape[:axis] + idx.shape + shape[axis + 1:]), axis, 0)
    for pos, i in enumerate(idx.reshape(-1)):
        moved[int(i)] += gm.reshape((idx.size,) + moved.shape[1:])[pos]
    return out


def _bisect_erfinv(y):
    lo, hi = -6.0, 6.0
    for _ in range(200):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if math.erf(mid) < y else (lo, mid)
    return (lo + hi) / 2


def _put_ref(g, idx):
    out = np.zeros((3, 4))
    for r in range(3):
        for c in range(2):
            out[r, int(idx[r, c])] += g[r, c]
    return out


def _spatial_out(spatial, k, s, p, dl):
    return tuple((x + 2 * pi - di * (ki - 1) - 1) // si + 1
                 for x, ki, si, pi, di in zip(spatial, k, s, p, dl))


def _conv_nd_ref(data, w, *bias, stride, pad, dilate, groups=1):
    """Direct loops over output positions, any number of spatial axes (1-D and 3-D)."""
    d = data.ndim - 2
    k = w.shape[2:]
    xp = np.pad(data, ((0, 0), (0, 0)) + tuple((p, p) for p in pad))
    out_sp = _spatial_out(data.shape[2:], k, stride, pad, dilate)
    f, cg = w.shape[:2]
    out = np.zeros((data.shape[0], f) + out_sp)
    for o in range(f):
        grp = o // (f // groups)
        for pos in itertools.product(*(range(n) for n in out_sp)):
            sl = tuple(slice(i * s, i * s + dl * (kk - 1) + 1, dl)
                       for i, s, dl, kk in zip(pos, stride, dilate, k))
            patch = xp[(slice(None), slice(grp * cg, (grp + 1) * cg)) + sl]
            out[(slice(None), o) + pos] = (patch * w[o]).sum(axis=tuple(range(1, d + 2)))
    if bias:
        out += bias[0].reshape((1, -1) + (1,) * d)
    return out


def _deconv_nd_ref(data, w, *bias, stride, pad, adj, groups=1):
    """Every input pixel scatters a weighted kernel into the output (no dilation)."""
    d = data.ndim - 2
    k = w.shape[2:]
    c, fg = w.shape[:2]
    full = tuple((x - 1) * s + kk + a for x, s, kk, a in zip(data.shape[2:], stride, k, adj))
    out = np.zeros((data.shape[0], fg * groups) + full)
    cg = c // groups
    for ch in range(c):
        grp = ch // cg
        for pos in itertools.product(*(range(n) for n in data.shape[2:])):
            sl = tuple(slice(i * s, i * s + kk) for i, s, kk in zip(pos, stride, k))
            contrib = data[(slice(None), ch) + pos].reshape((-1, 1) + (1,) * d) * w[ch][None]
            out[(slice(None), slice(grp * fg, (grp + 1) * fg)) + sl] += contrib
    out = out[(slice(None), slice(None)) + tuple(slice(p, n - p) for p, n in zip(pad, full))]
    if bias:
        out = out + bias[0].reshape((1, -1) + (1,) * d)
    return out


def _pool_nd_ref(data, k, s, p, kind, include_pad=True):
    """Max / avg / sum pooling by direct loops, any number of spatial axes."""
    fill = -np.inf if kind == "max" else 0.0
    pads = ((0, 0), (0, 0)) + tuple((q, q) for q in p)
    xp = np.pad(data, pads, constant_values=fill)
    ones = np.pad(np.ones(data.shape[2:]), pads[2:])
    out_sp = _spatial_out(data.shape[2:], k, s, p, (1,) * len(k))
    out = np.zeros(data.shape[:2] + out_sp)
    axes = tuple(range(2, data.ndim))
    for pos in itertools.product(*(range(n) for n in out_sp)):
        sl = tuple(slice(i * si, i * si + ki) for i, si, ki in zip(pos, s, k))
        win = xp[(slice(None), slice(None)) + sl]
        if kind == "max":
            val = win.max(axis=axes)
        elif kind == "sum":
            val = win.sum(axis=axes)
        else:
            val = win.sum(axis=axes) / (np.prod(k) if include_pad else ones[sl].sum())
        out[(slice(None), slice(None)) + pos] = val
    return out


def _pool_windows(shape, k, s, p, convention):
    """MXNet's pooling windows (pooling-inl.h): per output position, the per-axis
    (start, end) before and after clipping to the image, for 'valid' or 'full'."""
    spatial = shape[2:]
    ceil = convention == "full"
    outs = tuple(1 + (-(-(x + 2 * q - kk) // ss) if ceil else (x + 2 * q - kk) // ss)
                 for x, kk, ss, q in zip(spatial, k, s, p))
    for pos in itertools.product(*(range(o) for o in outs)):
        raw, clipped = [], []
        for i, x, kk, ss, q in zip(pos, spatial, k, s, p):
            start = i * ss - q
            end = min(start + kk, x + q)
            raw.append((start, end))
            clipped.append((max(start, 0), min(end, x)))
        yield pos, outs, raw, clipped


def _pool_conv_ref(data, k, s, p, kind, convention="valid", include_pad=True):
    """Pooling by MXNet's own loop (clipped windows; max over the image part only)."""
    out = None
    for pos, outs, raw, clipped in _pool_windows(data.shape, k, s, p, convention):
        if out is None:
            out = np.zeros(data.shape[:2] + outs)
        win = data[(slice(None), slice(None)) + tuple(slice(a, b) for a, b in clipped)]
        win = win.reshape(win.shape[:2] + (-1,))
        if kind == "max":
            val = win.max(axis=2) if win.shape[2] else np.finfo(np.float64).min
        else:
            val = win.sum(axis=2)
            if kind == "avg":
                val = val / np.prod([b - a for a, b in (raw if include_pad else clipped)])
        out[(slice(None), slice(None)) + pos] = val
    return out


def _pool_max_scatter_ref(data, g, k, s, p, convention="valid"):
    """Each pooled cotangent added at the first (row-major) maximum of its window."""
    dx = np.zeros_like(data)
    for pos, _, _, clipped in _pool_windows(data.shape, k, s, p, convention):
        sl = tuple(slice(a, b) for a, b in clipped)
        for n in range(data.shape[0]):
            for c in range(data.shape[1]):
                win = data[(n, c) + sl]
                at = np.unravel_index(np.argmax(win), win.shape)
                dx[(n, c) + tuple(a + i for (a, _), i in zip(clipped, at))] += g[(n, c) + pos]
    return dx


def _pool_max_gather_ref(data, h, k, s, p, convention="valid"):
    """`h` read at the first maximum of each window of `data`: the transpose of the
    scatter, one pooled unit vector at a time."""
    out = _pool_conv_ref(data, k, s, p, "max", convention)
    flat_out = np.zeros(out.size)
    for j in range(out.size):
        e = np.zeros(out.size)
        e[j] = 1.0
        flat_out[j] = (_pool_max_scatter_ref(data, e.reshape(out.shape), k, s, p, convention)
                       * h).sum()
    return flat_out.reshape(out.shape)


def _pool_scatter_ref(g, shape, k, s, p, kind, convention="valid", include_pad=True):
    """The transpose of avg/sum pooling, by brute force over unit vectors."""
    size = int(np.prod(shape))
    mat = np.stack([_pool_conv_ref(np.eye(size)[i].reshape(shape), k, s, p, kind, convention,
                                   include_pad).ravel() for i in range(size)])
    return (mat @ g.ravel()).reshape(shape)


def _conv_wgrad_ref(data, cot, k, stride, pad, dilate, groups=1):
    """The weight gradient of Convolution: d<Convolution(data, W), cot>/dW by linearity,
    one unit weight at a time through the direct-loop reference."""
    f, cg = cot.shape[1], data.shape[1] // groups
    wshape = (f, cg) + tuple(k)
    size = int(np.prod(wshape))
    grad = np.zeros(size)
    for i in range(size):
        e = np.zeros(size)
        e[i] = 1.0
        y = _conv_nd_ref(data, e.reshape(wshape), stride=stride, pad=pad, dilate=dilate,
                         groups=groups)
        grad[i] = (y * cot).sum()
    return grad.reshape(wshape)
