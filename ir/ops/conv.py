"""Convolution, Deconvolution and Pooling over 1, 2 or 3 spatial axes ((N, C, W),
(N, C, H, W) or (N, C, D, H, W)), built on a registered im2col pair.

`_im2col` turns (N, C, *spatial) into columns (N, C*prod(kernel), prod(out)); `_col2im` is
its adjoint (overlapping windows add up). Each is the other's gradient, so the gradient
rules of Convolution (batch_dot with the columns, then `_col2im`) and Pooling (a mask or
an even share of the cotangent over each window, then `_col2im`) differentiate again to
any order.
"""
from __future__ import annotations

import itertools

import numpy as np

from tapegraph.ir.errors import ShapeError
from tapegraph.ir.registry import REQUIRED, register
from tapegraph.ir.types import TensorType
from .rules import fmt_shape
from ._emit import broadcast, reshape

_WINDOW = {"kernel": REQUIRED, "stride": (), "dilate": (), "pad": ()}


def _ints(value, default, name, opname, d):
    value = tuple(int(v) for v in (value or ()))
    if not value:
        return (default,) * d
    if len(value) != d:
        raise ShapeError("%s: %s=%r must have %d entries (one per spatial axis of the input)"
                         % (opname, name, value, d))
    return value


def window(attrs, opname, d=None):
    """(kernel, stride, dilate, pad) as tuples of `d` ints (default: the kernel's length;
    empty stride/dilate mean 1, empty pad 0)."""
    d = d or len(attrs["kernel"])
    if d not in (1, 2, 3):
        raise ShapeError("%s: kernel %r must have 1, 2 or 3 entries" % (opname, attrs["kernel"]))
    return (_ints(attrs["kernel"], 1, "kernel", opname, d),
            _ints(attrs["stride"], 1, "stride", opname, d),
            _ints(attrs.get("dilate"), 1, "dilate", opname, d),
            _ints(attrs["pad"], 0, "pad", opname, d))


def out_size(spatial, attrs, opname):
    """The output's spatial shape for an input of spatial shape `spatial`."""
    k, s, dl, p = window(attrs, opname, len(spatial))
    out = tuple((x + 2 * pi - di * (ki - 1) - 1) // si + 1
                for x, ki, si, di, pi in zip(spatial, k, s, dl, p))
    if min(out) <= 0 or min(s + dl + k) <= 0:
        raise ShapeError("%s: kernel %s (dilate %s, pad %s) does not fit an input of %s"
                         % (opname, fmt_shape(k), fmt_shape(dl), fmt_shape(p),
                            fmt_shape(spatial)))
    return out


def _windows(attrs, out):
    """For each kernel offset, the strided slices of the padded image it reads."""
    k, s, dl, _ = window(attrs, "im2col", len(out))
    for offset in itertools.product(*(range(ki) for ki in k)):
        yield tuple(slice(i * di, i * di + si * (o - 1) + 1, si)
                    for i, di, si, o in zip(offset, dl, s, out))


def _padded(x, pad, fill):
    if not any(pad):
        return x
    return np.pad(x, ((0, 0), (0, 0)) + tuple((p, p) for p in pad), constant_values=fill)


def im2col_array(x, attrs, fill=0.0):
    n, c = x.shape[:2]
    out = out_size(x.shape[2:], attrs, "im2col")
    pad = window(attrs, "im2col", len(out))[3]
    xp = _padded(x, pad, fill)
    lead = (slice(None), slice(None))
    cols = np.stack([xp[lead + sl] for sl in _windows(attrs, out)], axis=2)
    return cols.reshape(n, -1, int(np.prod(out)))


def _check_spatial(t, opname, kernel=None):
    if t.ndim not in (3, 4, 5):
        raise ShapeError("%s: expected a 3-D (N, C, W), 4-D (N, C, H, W) or 5-D "
                         "(N, C, D, H, W) input, got shape %s" % (opname, fmt_shape(t.shape)))
    if kernel is not None and len(kernel) and len(kernel) != t.ndim - 2:
        raise ShapeError("%s: kernel %s has %d entries, the input %s has %d spatial axes"
                         % (opname, fmt_shape(tuple(kernel)), len(kernel),
                            fmt_shape(t.shape), t.ndim - 2))


def _im2col_infer(ins, attrs):
    t = ins[0]
    _check_spatial(t, "_im2col", attrs["kernel"])
    if attrs["fill"] not in ("zero", "min"):
        raise ShapeError("_im2col: fill must be 'zero' or 'min', got %r" % (attrs["fill"],))
    out = out_size(t.shape[2:], attrs, "_im2col")
    k = window(attrs, "_im2col", len(out))[0]
    return [TensorType.get((t.shape[0], t.shape[1] * int(np.prod(k)), int(np.prod(out))),
                           t.dtype)]


@register("_im2col", _im2col_infer, attrs=dict(_WINDOW, fill="zero"), mxnet="im2col")
def im2col(x, kernel, stride, dilate, pad, fill):
    """Sliding windows as columns (N, C*prod(kernel), prod(out)); padding reads 0 or -inf
    ('min')."""
    attrs = {"kernel": kernel, "stride": stride, "dilate": dilate, "pad": pad}
    return im2col_array(x, attrs, 0.0 if fill == "zero" else -np.inf)


@im2col.gradient
def _im2col_vjp(b, n, g):
    a = n.attrs
    return [b.op("_col2im", g[0], shape=n.inputs[0].type.shape, kernel=a["kernel"],
                 stride=a["stride"], dilate=a["dilate"], pad=a["pad"])]


def _col2im_infer(ins, attrs):
    shape = tuple(int(s) for s in attrs["shape"])
    want = _im2col_infer([TensorType.get(shape, ins[0].dtype)], dict(attrs, fill="zero"))[0]
    if ins[0].shape != want.shape:
        raise ShapeError("_col2im: columns of shape %s do not match %s for image %s"
                         % (fmt_shape(ins[0].shape), fmt_shape(want.shape), fmt_shape(shape)))
    return [TensorType.get(shape, ins[0].dtype)]


@register("_col2im", _col2im_infer, attrs=dict(_WINDOW, shape=REQUIRED), mxnet="col2im")
def col2im(cols, shape, kernel, stride, dilate, pad):
    """The adjoint of _im2col: add each column entry back to its image position."""
    attrs = {"kernel": kernel, "stride": stride, "dilate": dilate, "pad": pad}
    n, c, spatial = shape[0], shape[1], tuple(shape[2:])
    out = out_size(spatial, attrs, "_col2im")
    pad = window(attrs, "_col2im", len(out))[3]
    image = np.zeros((n, c) + tuple(x + 2 * p for x, p in zip(spatial, pad)), dtype=cols.dtype)
    parts = cols.reshape((n, c, -1) + out)
    lead = (slice(None), slice(None))
    for k, sl in enumerate(_windows(attrs, out)):
        image[lead + sl] += parts[:, :, k]
    return image[lead + tuple(slice(p, p + x) for p, x in zip(pad, spatial))]


@col2im.gradient
def _col2im_vjp(b, n, g):
    a = n.attrs
    return [b.op("_im2col", g[0], kernel=a["kernel"], stride=a["stride"], dilate=a["dilate"],
                 pad=a["pad"], fill="zero")]

# ---------------------------------------------------------------- Convolution


_CONV_ATTRS = dict(_WINDOW, num_filter=REQUIRED, num_group=1, no_bias=False, layout=None,
                   workspace=1024, cudnn_tune=None, cudnn_off=False)


def _conv_infer(ins, attrs):
    want_inputs = 2 if attrs["no_bias"] else 3
    if len(ins) != want_inputs:
        raise ShapeError("Convolution: expected %d inputs (data, weight%s; no_bias=%s), got %d"
                         % (want_inputs, "" if attrs["no_bias"] else ", bias",
                            attrs["no_bias"], len(ins)))
    data, weight = ins[0], ins[1]
    _check_spatial(data, "Convolution", attrs["kernel"])
    f, groups = int(attrs["num_filter"]), int(attrs["num_group"])
    k = window(attrs, "Convolution", data.ndim - 2)[0]
    n, c = data.shape[:2]
    if groups <= 0 or c % groups or f % groups:
        raise ShapeError("Convolution: num_group=%d must divide channels %d and num_filter %d"
                         % (groups, c, f))
    want = (f, c // groups) + k
    if weight.shape != want:
        raise ShapeError("Convolution: weight has shape %s, expected %s"
                         % (fmt_shape(weight.shape), fmt_shape(want)))
    if not attrs["no_bias"] and ins[2].shape != (f,):
        raise ShapeError("Convolution: bias has shape %s, expected (%d,)"
                         % (fmt_shape(ins[2].shape), f))
    return [TensorType.get((n, f) + out_size(data.shape[2:], attrs, "Convolution"), data.dtype)]


@register("Convolution", _conv_infer, num_inputs=None, attrs=_CONV_ATTRS,
          mxnet_np="_npx_convolution")
def convolution(data, weight, *bias, kernel, stride, dilate, pad, num_filter, num_group,
                no_bias, layout, workspace, cudnn_tune, cudnn_off):
    """Cross-correlation of `data` (N, C, *spatial) with `weight` (F, C/G, *kernel) + bias,
    over 1, 2 or 3 spatial axes."""
    attrs = {"kernel": kernel, "stride": stride, "dilate": dilate, "pad": pad}
    n = data.shape[0]
    out_sp = out_size(data.shape[2:], attrs, "Convolution")
    g = int(num_group)
    cols = im2col_array(data, attrs).reshape(n, g, -1, int(np.prod(out_sp)))
    w = weight.reshape(g, weight.shape[0] // g, -1)
    out = np.matmul(w, cols).reshape((n, weight.shape[0]) + out_sp)
    if not no_bias:
        out += bias[0].reshape((1, -1) + (1,) * len(out_sp))
    return out


@convolution.gradient
def _conv_vjp(b, n, g):
    data, weight = n.inputs[0], n.inputs[1]
    a = n.attrs
    nb, c = data.type.shape[:2]
    f, groups = int(a["num_filter"]), int(a["num_group"])
    out_sp = n.outputs[0].type.shape[2:]
    npix = int(np.prod(out_sp))
    ck = weight.type.size // f  # (C/G) * prod(kernel)
    win = {k: a[k] for k in ("kernel", "stride", "dilate", "pad")}
    cols = reshape(b, b.op("_im2col", data, fill="zero", **win), (nb * groups, ck, npix))
    g3 = reshape(b, g[0], (nb * groups, f // groups, npix))
    w3 = reshape(b, broadcast(b, reshape(b, weight, (1, groups, f // groups, ck)),
                              (nb, groups, f // groups, ck)), (nb * groups, f // groups, ck))
    dcols = b.op("batch_dot", w3, g3, transpose_a=True)
    dx = b.op("_col2im", reshape(b, dcols, (nb, c * ck // (c // groups), npix)),
              shape=data.type.shape, **win)
    dw = b.op("batch_dot", g3, cols, transpose_b=True)
    dw = b.op("sum", reshape(b, dw, (nb, groups * (f // groups), ck)), axis=(0,))
    grads = [dx, reshape(b, dw, weight.type.shape)]
    if not a["no_bias"]:
        grads.append(b.op("sum", g[0], axis=(0,) + tuple(range(2, len(out_sp) + 2))))
    return grads

# ---------------------------------------------------------------- Pooling


_POOL_ATTRS = {"kernel": (), "pool_type": "max", "global_pool": False, "cudnn_off": False,
               "pooling_convention": "valid", "stride": (), "pad": (), "p_value": None,
               "count_include_pad": None, "layout": None}


def pool_window(shape, attrs):
    """The window attributes a Pooling node uses (global pooling covers the image)."""
    if attrs["global_pool"]:
        d = len(shape) - 2
        return {"kernel": tuple(shape[2:]), "stride": (1,) * d, "dilate": (), "pad": (0,) * d}
    return {"kernel": attrs["kernel"], "stride": attrs["stride"], "dilate": (),
            "pad": attrs["pad"]}


def _pool_infer(ins, attrs):
    t = ins[0]
    _check_spatial(t, "Pooling", None if attrs["global_pool"] else attrs["kernel"])
    if attrs["pool_type"] not in ("max", "avg", "sum"):
        raise ShapeError("Pooling: pool_type %r is not supported (max, avg, sum)"
                         % (attrs["pool_type"],))
    if attrs["pooling_convention"] != "valid" and not attrs["global_pool"]:
        # (a global pool has one window whatever the convention: Gluon exports 'full')
        raise ShapeError("Pooling: only pooling_convention='valid' is supported")
    if not attrs["global_pool"] and not attrs["kernel"]:
        raise ShapeError("Pooling: kernel is required unless global_pool=True")
    return [TensorType.get(t.shape[:2] + out_size(t.shape[2:], pool_window(t.shape, attrs),
                                                  "Pooling"), t.dtype)]


def _excludes_pad(attrs):
    return attrs["pool_type"] == "avg" and attrs["count_include_pad"] is False


@register("Pooling", _pool_infer, attrs=_POOL_ATTRS, mxnet_np="_npx_pooling")
def pooling(x, kernel, pool_type, global_pool, cudnn_off, pooling_convention, stride, pad,
            p_value, count_include_pad, layout):
    """Max, average or sum pooling over the 1, 2 or 3 spatial axes."""
    attrs = {"kernel": kernel, "global_pool": global_pool, "stride": stride, "pad": pad}
    win = pool_window(x.shape, attrs)
    n, c, spatial = x.shape[0], x.shape[1], x.shape[2:]
    out_sp = out_size(spatial, win, "Pooling")
    flat = x.reshape((n * c, 1) + spatial)
    cols = im2col_array(flat, win, -np.inf if pool_type == "max" else 0.0)
    if pool_type == "max":
        out = cols.max(axis=1)
    elif pool_type == "sum":
        out = cols.sum(axis=1)
    elif count_include_pad is False:
        count = im2col_array(np.ones((1, 1) + spatial, x.dtype), win).sum(axis=1)
        out = cols.sum(axis=1) / count
    else:
        out = cols.mean(axis=1)
    return out.reshape((n, c) + out_sp).astype(x.dtype, copy=False)


@pooling.gradient
def _pool_vjp(b, n, g):
    x = n.inputs[0]
    shape = x.type.shape
    nb, c, spatial = shape[0], shape[1], shape[2:]
    win = pool_window(shape, n.attrs)
    npix = int(np.prod(n.outputs[0].type.shape[2:]))
    flat = reshape(b, x, (nb * c, 1) + spatial)
    kind = n.attrs["pool_type"]
    g3 = reshape(b, g[0], (nb * c, 1, npix))
    cols_shape = (nb * c, int(np.prod(win["kernel"])), npix)
    if kind == "max":
        cols = b.op("_im2col", flat, fill="min", **win)
        top = broadcast(b, b.op("max", cols, axis=(1,), keepdims=True), cols_shape)
        share = b.op("elemwise_mul", broadcast(b, g3, cols_shape), b.op("_equal", cols, top))
    elif kind == "sum":
        share = broadcast(b, g3, cols_shape)
    elif _excludes_pad(n.attrs):
        ones = b.op("_im2col", b.op("ones_like", flat), fill="zero", **win)
        count = b.op("sum", ones, axis=(1,), keepdims=True)
        share = broadcast(b, b.op("elemwise_div", g3, count), cols_shape)
    else:
        share = broadcast(b, b.op("_div_scalar", g3, scalar=float(cols_shape[1])), cols_shape)
    dflat = b.op("_col2im", share, shape=(nb * c, 1) + spatial, **win)
    return [reshape(b, dflat, shape)]

# ---------------------------------------------------------------- Deconvolution


_DECONV_ATTRS = dict(_WINDOW, adj=(), target_shape=(), num_filter=REQUIRED, num_group=1,
                     no_bias=True, layout=None, workspace=512, cudnn_tune=None,
                     cudnn_off=False)


def _deconv_size(spatial, attrs):
    d = len(spatial)
    k, s, dl, p = window(attrs, "Deconvolution", d)
    adj = _ints(attrs["adj"], 0, "adj", "Deconvolution", d)
    if any(a >= si for a, si in zip(adj, s)):
        raise ShapeError("Deconvolution: adj %s must be smaller than stride %s"
                         % (fmt_shape(adj), fmt_shape(s)))
    out = tuple((x - 1) * si - 2 * pi + di * (ki - 1) + 1 + a
                for x, ki, si, di, pi, a in zip(spatial, k, s, dl, p, adj))
    if min(out) <= 0:
        raise ShapeError("Deconvolution: padding %s is too large for input %s"
                         % (fmt_shape(p), fmt_shape(spatial)))
    return out


def _deconv_infer(ins, attrs):
    want_inputs = 2 if attrs["no_bias"] else 3
    if len(ins) != want_inputs:
        raise ShapeError("Deconvolution: expected %d inputs (no_bias=%s), got %d"
                         % (want_inputs, attrs["no_bias"], len(ins)))
    if attrs["target_shape"]:
        raise ShapeError("Deconvolution: target_shape is not supported; use pad and adj")
    data, weight = ins[0], ins[1]
    _check_spatial(data, "Deconvolution", attrs["kernel"])
    f, groups = int(attrs["num_filter"]), int(attrs["num_group"])
    n, c = data.shape[:2]
    if groups <= 0 or c % groups or f % groups:
        raise ShapeError("Deconvolution: num_group=%d must divide channels %d and num_filter %d"
                         % (groups, c, f))
    want = (c, f // groups) + window(attrs, "Deconvolution", data.ndim - 2)[0]
    if weight.shape != want:
        raise ShapeError("Deconvolution: weight has shape %s, expected %s"
                         % (fmt_shape(weight.shape), fmt_shape(want)))
    if not attrs["no_bias"] and ins[2].shape != (f,):
        raise ShapeError("Deconvolution: bias has shape %s, expected (%d,)"
                         % (fmt_shape(ins[2].shape), f))
    return [TensorType.get((n, f) + _deconv_size(data.shape[2:], attrs), data.dtype)]


@register("Deconvolution", _deconv_infer, num_inputs=None, attrs=_DECONV_ATTRS,
          mxnet_np="_npx_deconvolution")
def deconvolution(data, weight, *bias, kernel, stride, dilate, pad, adj, target_shape,
                  num_filter, num_group, no_bias, layout, workspace, cudnn_tune, cudnn_off):
    """Transposed convolution (the adjoint of Convolution with the same window) over 1, 2
    or 3 spatial axes: `data` (N, C, *spatial), `weight` (C, F/G, *kernel) -> (N, F, *out)."""
    attrs = {"kernel": kernel, "stride": stride, "dilate": dilate, "pad": pad, "adj": adj}
    n, c, spatial = data.shape[0], data.shape[1], data.shape[2:]
    npix = int(np.prod(spatial))
    g = int(num_group)
    out_sp = _deconv_size(spatial, attrs)
    wg = weight.reshape(g, c // g, -1)
    cols = np.matmul(wg.transpose(0, 2, 1), data.reshape(n, g, c // g, npix))
    cols = cols.reshape(n, -1, npix)
    out = col2im.kernel(cols, (n, int(num_filter)) + out_sp, kernel, stride, dilate, pad)
    if not no_bias:
        out = out + bias[0].reshape((1, -1) + (1,) * len(out_sp))
    return np.ascontiguousarray(out)


@deconvolution.gradient
def _deconv_vjp(b, n, g):
    data, weight = n.inputs[0], n.inputs[1]
    a = n.attrs
    nb, c, spatial = data.type.shape[0], data.type.shape[1], data.type.shape[2:]
    npix = int(np.prod(spatial))
    groups = int(a["num_group"])
    fk = weight.type.size // c  # (F/G) * prod(kernel)
    win = {k: a[k] for k in ("kernel", "stride", "dilate", "pad")}
    gcols = reshape(b, b.op("_im2col", g[0], fill="zero", **win), (nb * groups, fk, npix))
    x3 = reshape(b, data, (nb * groups, c // groups, npix))
    w3 = reshape(b, broadcast(b, reshape(b, weight, (1, groups, c // groups, fk)),
                              (nb, groups, c // groups, fk)), (nb * groups, c // groups, fk))
    dx = reshape(b, b.op("batch_dot", w3, gcols), data.type.shape)
    dw = b.op("batch_dot", x3, gcols, transpose_b=True)
    dw = b.op("sum", reshape(b, dw, (nb, c, fk)), axis=(0,))
    grads = [dx, reshape(b, dw, weight.type.shape)]
    if not a["no_bias"]:
        grads.append(b.op("sum", g[0], axis=(0,) + tuple(range(2, len(spatial) + 2))))
    return grads


# ---------------------------------------------------------------- forward mode (see _jvp.py)

from ._jvp import product, set_rule  # noqa: E402  (after the operators)

# Bilinear in data and weight, affine in the bias: the product rule.
set_rule(product(0, 1, bias=2), ["Convolution", "Deconvolution"])
