"""2-D Convolution, Deconvolution and Pooling, built on a registered im2col pair.

`_im2col` turns (N, C, H, W) into columns (N, C*kh*kw, OH*OW); `_col2im` is its adjoint
(overlapping windows add up). Each is the other's gradient, so the gradient rules of
Convolution (batch_dot with the columns, then `_col2im`) and Pooling (a mask or an even
share of the cotangent over each window, then `_col2im`) differentiate again to any
order.
"""
from __future__ import annotations

import numpy as np

from tapegraph.ir.errors import ShapeError
from tapegraph.ir.registry import REQUIRED, register
from tapegraph.ir.types import TensorType
from .rules import fmt_shape
from ._emit import broadcast, reshape

_WINDOW = {"kernel": REQUIRED, "stride": (), "dilate": (), "pad": ()}


def _pair(value, default, name, opname):
    value = tuple(int(v) for v in (value or ()))
    if not value:
        return (default, default)
    if len(value) != 2:
        raise ShapeError("%s: %s=%r must have 2 entries (only 2-D is supported)"
                         % (opname, name, value))
    return value


def window(attrs, opname):
    """(kernel, stride, dilate, pad) as pairs of ints (empty stride/dilate mean 1)."""
    k = _pair(attrs["kernel"], 1, "kernel", opname)
    return (k, _pair(attrs["stride"], 1, "stride", opname),
            _pair(attrs.get("dilate"), 1, "dilate", opname), _pair(attrs["pad"], 0, "pad", opname))


def out_size(hw, attrs, opname):
    (kh, kw), (sh, sw), (dh, dw), (ph, pw) = window(attrs, opname)
    oh = (hw[0] + 2 * ph - dh * (kh - 1) - 1) // sh + 1
    ow = (hw[1] + 2 * pw - dw * (kw - 1) - 1) // sw + 1
    if oh <= 0 or ow <= 0 or min(sh, sw, dh, dw, kh, kw) <= 0:
        raise ShapeError("%s: kernel %s (dilate %s, pad %s) does not fit an input of %s"
                         % (opname, fmt_shape((kh, kw)), fmt_shape((dh, dw)),
                            fmt_shape((ph, pw)), fmt_shape(hw)))
    return oh, ow


def _windows(attrs, oh, ow):
    """For each kernel offset, the strided slices of the padded image it reads."""
    (kh, kw), (sh, sw), (dh, dw), _ = window(attrs, "im2col")
    for i in range(kh):
        for j in range(kw):
            yield (slice(i * dh, i * dh + sh * (oh - 1) + 1, sh),
                   slice(j * dw, j * dw + sw * (ow - 1) + 1, sw))


def im2col_array(x, attrs, fill=0.0):
    n, c, h, w = x.shape
    oh, ow = out_size((h, w), attrs, "im2col")
    _, _, _, (ph, pw) = window(attrs, "im2col")
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)), constant_values=fill) \
        if ph or pw else x
    cols = np.stack([xp[:, :, si, sj] for si, sj in _windows(attrs, oh, ow)], axis=2)
    return cols.reshape(n, -1, oh * ow)


def _check_4d(t, opname):
    if t.ndim != 4:
        raise ShapeError("%s: expected a 4-D (N, C, H, W) input, got shape %s"
                         % (opname, fmt_shape(t.shape)))


def _im2col_infer(ins, attrs):
    t = ins[0]
    _check_4d(t, "_im2col")
    if attrs["fill"] not in ("zero", "min"):
        raise ShapeError("_im2col: fill must be 'zero' or 'min', got %r" % (attrs["fill"],))
    oh, ow = out_size(t.shape[2:], attrs, "_im2col")
    k = window(attrs, "_im2col")[0]
    return [TensorType.get((t.shape[0], t.shape[1] * k[0] * k[1], oh * ow), t.dtype)]


@register("_im2col", _im2col_infer, attrs=dict(_WINDOW, fill="zero"), mxnet="im2col")
def im2col(x, kernel, stride, dilate, pad, fill):
    """Sliding windows as columns (N, C*kh*kw, OH*OW); padding reads 0 or -inf ('min')."""
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
    n, c, h, w = shape
    oh, ow = out_size((h, w), attrs, "_col2im")
    _, _, _, (ph, pw) = window(attrs, "_col2im")
    out = np.zeros((n, c, h + 2 * ph, w + 2 * pw), dtype=cols.dtype)
    parts = cols.reshape(n, c, -1, oh, ow)
    for k, (si, sj) in enumerate(_windows(attrs, oh, ow)):
        out[:, :, si, sj] += parts[:, :, k]
    return out[:, :, ph:ph + h, pw:pw + w]


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
    _check_4d(data, "Convolution")
    f, groups = int(attrs["num_filter"]), int(attrs["num_group"])
    k = window(attrs, "Convolution")[0]
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
    oh, ow = out_size(data.shape[2:], attrs, "Convolution")
    return [TensorType.get((n, f, oh, ow), data.dtype)]


@register("Convolution", _conv_infer, num_inputs=None, attrs=_CONV_ATTRS,
          mxnet_np="_npx_convolution")
def convolution(data, weight, *bias, kernel, stride, dilate, pad, num_filter, num_group,
                no_bias, layout, workspace, cudnn_tune, cudnn_off):
    """2-D cross-correlation of `data` (N, C, H, W) with `weight` (F, C/G, kh, kw) + bias."""
    attrs = {"kernel": kernel, "stride": stride, "dilate": dilate, "pad": pad}
    n = data.shape[0]
    oh, ow = out_size(data.shape[2:], attrs, "Convolution")
    g = int(num_group)
    cols = im2col_array(data, attrs).reshape(n, g, -1, oh * ow)
    w = weight.reshape(g, weight.shape[0] // g, -1)
    out = np.matmul(w, cols).reshape(n, weight.shape[0], oh, ow)
    if not no_bias:
        out += bias[0].reshape(1, -1, 1, 1)
    return out


@convolution.gradient
def _conv_vjp(b, n, g):
    data, weight = n.inputs[0], n.inputs[1]
    a = n.attrs
    nb, c = data.type.shape[:2]
    f, groups = int(a["num_filter"]), int(a["num_group"])
    oh, ow = n.outputs[0].type.shape[2:]
    ck = weight.type.size // f  # (C/G) * kh * kw
    win = {k: a[k] for k in ("kernel", "stride", "dilate", "pad")}
    cols = reshape(b, b.op("_im2col", data, fill="zero", **win), (nb * groups, ck, oh * ow))
    g3 = reshape(b, g[0], (nb * groups, f // groups, oh * ow))
    w3 = reshape(b, broadcast(b, reshape(b, weight, (1, groups, f // groups, ck)),
                              (nb, groups, f // groups, ck)), (nb * groups, f // groups, ck))
    dcols = b.op("batch_dot", w3, g3, transpose_a=True)
    dx = b.op("_col2im", reshape(b, dcols, (nb, c * ck // (c // groups), oh * ow)),
              shape=data.type.shape, **win)
    dw = b.op("batch_dot", g3, cols, transpose_b=True)
    dw = b.op("sum", reshape(b, dw, (nb, groups * (f // groups), ck)), axis=(0,))
    grads = [dx, reshape(b, dw, weight.type.shape)]
    if not a["no_bias"]:
        grads.append(b.op("sum", g[0], axis=(0, 2, 3)))
    return grads

# ---------------------------------------------------------------- Pooling


_POOL_ATTRS = {"kernel": (), "pool_type": "max", "global_pool": False, "cudnn_off": False,
               "pooling_convention": "valid", "stride": (), "pad": (), "p_value": None,
               "count_include_pad": None, "layout": None}


def pool_window(shape, attrs):
    """The window attributes a Pooling node uses (global pooling covers the image)."""
    if attrs["global_pool"]:
        return {"kernel": tuple(shape[2:]), "stride": (1, 1), "dilate": (), "pad": (0, 0)}
    return {"kernel": attrs["kernel"], "stride": attrs["stride"], "dilate": (),
            "pad": attrs["pad"]}


def _pool_infer(ins, attrs):
    t = ins[0]
    _check_4d(t, "Pooling")
    if attrs["pool_type"] not in ("max", "avg", "sum"):
        raise ShapeError("Pooling: pool_type %r is not supported (max, avg, sum)"
                         % (attrs["pool_type"],))
    if attrs["pooling_convention"] != "valid":
        raise ShapeError("Pooling: only pooling_convention='valid' is supported")
    if not attrs["global_pool"] and not attrs["kernel"]:
        raise ShapeError("Pooling: kernel is required unless global_pool=True")
    oh, ow = out_size(t.shape[2:], pool_window(t.shape, attrs), "Pooling")
    return [TensorType.get(t.shape[:2] + (oh, ow), t.dtype)]


def _excludes_pad(attrs):
    return attrs["pool_type"] == "avg" and attrs["count_include_pad"] is False


@register("Pooling", _pool_infer, attrs=_POOL_ATTRS, mxnet_np="_npx_pooling")
def pooling(x, kernel, pool_type, global_pool, cudnn_off, pooling_convention, stride, pad,
            p_value, count_include_pad, layout):
    """2-D max, average or sum pooling over (H, W)."""
    attrs = {"kernel": kernel, "global_pool": global_pool, "stride": stride, "pad": pad}
    win = pool_window(x.shape, attrs)
    n, c, h, w = x.shape
    oh, ow = out_size((h, w), win, "Pooling")
    flat = x.reshape(n * c, 1, h, w)
    cols = im2col_array(flat, win, -np.inf if pool_type == "max" else 0.0)
    if pool_type == "max":
        out = cols.max(axis=1)
    elif pool_type == "sum":
        out = cols.sum(axis=1)
    elif count_include_pad is False:
        count = im2col_array(np.ones((1, 1, h, w), x.dtype), win).sum(axis=1)
        out = cols.sum(axis=1) / count
    else:
        out = cols.mean(axis=1)
    return out.reshape(n, c, oh, ow).astype(x.dtype, copy=False)


@pooling.gradient
def _pool_vjp(b, n, g):
    x = n.inputs[0]
    shape = x.type.shape
    nb, c, h, w = shape
    win = pool_window(shape, n.attrs)
    oh, ow = n.outputs[0].type.shape[2:]
    flat = reshape(b, x, (nb * c, 1, h, w))
    kind = n.attrs["pool_type"]
    g3 = reshape(b, g[0], (nb * c, 1, oh * ow))
    cols_shape = (nb * c, win["kernel"][0] * win["kernel"][1], oh * ow)
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
    dflat = b.op("_col2im", share, shape=(nb * c, 1, h, w), **win)
    return [reshape(b, dflat, shape)]

# ---------------------------------------------------------------- Deconvolution


_DECONV_ATTRS = dict(_WINDOW, adj=(), target_shape=(), num_filter=REQUIRED, num_group=1,
                     no_bias=True, layout=None, workspace=512, cudnn_tune=None,
                     cudnn_off=False)


def _deconv_size(hw, attrs):
    (kh, kw), (sh, sw), (dh, dw), (ph, pw) = window(attrs, "Deconvolution")
    ah, aw = _pair(attrs["adj"], 0, "adj", "Deconvolution")
    if ah >= sh or aw >= sw:
        raise ShapeError("Deconvolution: adj %s must be smaller than stride %s"
                         % (fmt_shape((ah, aw)), fmt_shape((sh, sw))))
    oh = (hw[0] - 1) * sh - 2 * ph + dh * (kh - 1) + 1 + ah
    ow = (hw[1] - 1) * sw - 2 * pw + dw * (kw - 1) + 1 + aw
    if oh <= 0 or ow <= 0:
        raise ShapeError("Deconvolution: padding %s is too large for input %s"
                         % (fmt_shape((ph, pw)), fmt_shape(hw)))
    return oh, ow


def _deconv_infer(ins, attrs):
    want_inputs = 2 if attrs["no_bias"] else 3
    if len(ins) != want_inputs:
        raise ShapeError("Deconvolution: expected %d inputs (no_bias=%s), got %d"
                         % (want_inputs, attrs["no_bias"], len(ins)))
    if attrs["target_shape"]:
        raise ShapeError("Deconvolution: target_shape is not supported; use pad and adj")
    data, weight = ins[0], ins[1]
    _check_4d(data, "Deconvolution")
    f, groups = int(attrs["num_filter"]), int(attrs["num_group"])
    n, c = data.shape[:2]
    if groups <= 0 or c % groups or f % groups:
        raise ShapeError("Deconvolution: num_group=%d must divide channels %d and num_filter %d"
                         % (groups, c, f))
    want = (c, f // groups) + window(attrs, "Deconvolution")[0]
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
    """2-D transposed convolution (the adjoint of Convolution with the same window):
    `data` (N, C, H, W), `weight` (C, F/G, kh, kw) -> (N, F, OH, OW)."""
    attrs = {"kernel": kernel, "stride": stride, "dilate": dilate, "pad": pad, "adj": adj}
    n, c, h, w = data.shape
    g = int(num_group)
    oh, ow = _deconv_size((h, w), attrs)
    wg = weight.reshape(g, c // g, -1)
    cols = np.matmul(wg.transpose(0, 2, 1), data.reshape(n, g, c // g, h * w))
    cols = cols.reshape(n, -1, h * w)
    out = col2im.kernel(cols, (n, int(num_filter), oh, ow), kernel, stride, dilate, pad)
    if not no_bias:
        out = out + bias[0].reshape(1, -1, 1, 1)
    return np.ascontiguousarray(out)


@deconvolution.gradient
def _deconv_vjp(b, n, g):
    data, weight = n.inputs[0], n.inputs[1]
    a = n.attrs
    nb, c, h, w = data.type.shape
    f, groups = int(a["num_filter"]), int(a["num_group"])
    fk = weight.type.size // c  # (F/G) * kh * kw
    win = {k: a[k] for k in ("kernel", "stride", "dilate", "pad")}
    gcols = reshape(b, b.op("_im2col", g[0], fill="zero", **win), (nb * groups, fk, h * w))
    x3 = reshape(b, data, (nb * groups, c // groups, h * w))
    w3 = reshape(b, broadcast(b, reshape(b, weight, (1, groups, c // groups, fk)),
                              (nb, groups, c // groups, fk)), (nb * groups, c // groups, fk))
    dx = reshape(b, b.op("batch_dot", w3, gcols), data.type.shape)
    dw = b.op("batch_dot", x3, gcols, transpose_b=True)
    dw = b.op("sum", reshape(b, dw, (nb, c, fk)), axis=(0,))
    grads = [dx, reshape(b, dw, weight.type.shape)]
    if not a["no_bias"]:
        grads.append(b.op("sum", g[0], axis=(0, 2, 3)))
    return grads
