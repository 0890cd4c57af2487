"""Convolution and Deconvolution over 1, 2 or 3 spatial axes ((N, C, W), (N, C, H, W) or
(N, C, D, H, W)), the registered im2col pair, and the convolution weight gradient.

The three products of a convolution close under differentiation: the data gradient of
Convolution is a Deconvolution with the same window and weight, its weight gradient is
`_conv_weight_grad(data, cotangent)`, and the gradients of Deconvolution and
`_conv_weight_grad` are again made of these three, so gradients go to any order. The
NumPy kernels are in `_windows`. `_im2col` turns (N, C, *spatial) into columns
(N, C*prod(kernel), prod(out)); `_col2im` is its adjoint (overlapping windows add up);
each is the other's gradient.
"""
from __future__ import annotations

import math

import numpy as np

from tapegraph.ir.errors import ShapeError
from tapegraph.ir.registry import REQUIRED, register
from tapegraph.ir.types import TensorType
from .rules import fmt_shape
from . import _windows

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
    try:
        key = (attrs["kernel"], attrs["stride"], attrs.get("dilate"), attrs["pad"], opname, d)
        found = _WINDOWS.get(key)
    except TypeError:  # an unhashable attribute (a list)
        key = found = None
    if found is None:
        found = _window(attrs, opname, d)
        if key is not None:
            if len(_WINDOWS) >= 4096:
                _WINDOWS.clear()
            _WINDOWS[key] = found
    return found


# window() by its attributes: normalizing them was a good part of a small convolution's
# time, and a training step calls five convolution kernels per layer. Only valid windows
# are kept (an invalid one raises every time).
_WINDOWS: dict = {}
_OUT_SIZES: dict = {}  # out_size() by (spatial, window, opname)


def _window(attrs, opname, d):
    d = d or len(attrs["kernel"])
    if d not in (1, 2, 3):
        raise ShapeError("%s: kernel %r must have 1, 2 or 3 entries" % (opname, attrs["kernel"]))
    return (_ints(attrs["kernel"], 1, "kernel", opname, d),
            _ints(attrs["stride"], 1, "stride", opname, d),
            _ints(attrs.get("dilate"), 1, "dilate", opname, d),
            _ints(attrs["pad"], 0, "pad", opname, d))


def out_size(spatial, attrs, opname):
    """The output's spatial shape for an input of spatial shape `spatial`."""
    win = window(attrs, opname, len(spatial))
    key = (tuple(spatial), win, opname)
    found = _OUT_SIZES.get(key)
    if found is None:
        found = _out_size(spatial, win, opname)
        if len(_OUT_SIZES) >= 4096:
            _OUT_SIZES.clear()
        _OUT_SIZES[key] = found
    return found


def _out_size(spatial, win, opname):
    k, s, dl, p = win
    out = tuple((x + 2 * pi - di * (ki - 1) - 1) // si + 1
                for x, ki, si, di, pi in zip(spatial, k, s, dl, p))
    if min(out) <= 0 or min(s + dl + k) <= 0:
        raise ShapeError("%s: kernel %s (dilate %s, pad %s) does not fit an input of %s"
                         % (opname, fmt_shape(k), fmt_shape(dl), fmt_shape(p),
                            fmt_shape(spatial)))
    return out


def im2col_array(x, attrs, fill=0.0):
    """`x` (N, C, *spatial) as columns (N, C*prod(kernel), prod(out))."""
    out = out_size(x.shape[2:], attrs, "im2col")
    k, s, dl, p = window(attrs, "im2col", len(out))
    return _windows.im2col(x, k, s, dl, p, out, fill)


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
    return [TensorType.get((t.shape[0], t.shape[1] * int(math.prod(k)), int(math.prod(out))),
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
    out = out_size(tuple(shape[2:]), attrs, "_col2im")
    k, s, dl, p = window(attrs, "_col2im", len(out))
    return np.ascontiguousarray(_windows.col2im(cols, tuple(shape), k, s, dl, p, out))


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
    out_sp = out_size(data.shape[2:], attrs, "Convolution")
    k, s, dl, p = window(attrs, "Convolution", len(out_sp))
    return _windows.conv_forward(data, weight, None if no_bias else bias[0], k, s, dl, p,
                                 out_sp, int(num_group))


def _win(attrs):
    return {k: attrs[k] for k in ("kernel", "stride", "dilate", "pad")}


def _adj(in_spatial, attrs):
    """The Deconvolution `adj` that maps a Convolution's output back to `in_spatial`
    (the rows a strided window skips at the far end)."""
    k, s, dl, p = window(attrs, "Convolution", len(in_spatial))
    return tuple((x + 2 * pi - di * (ki - 1) - 1) % si
                 for x, ki, si, di, pi in zip(in_spatial, k, s, dl, p))


def conv_data_grad(b, cot, weight, data_shape, attrs):
    """The gradient of Convolution in its data, a Deconvolution with the same window."""
    return b.op("Deconvolution", cot, weight, num_filter=int(data_shape[1]),
                num_group=int(attrs["num_group"]), no_bias=True,
                adj=_adj(data_shape[2:], attrs), **_win(attrs))


def _bias_grad(b, cot):
    return b.op("sum", cot, axis=(0,) + tuple(range(2, len(cot.type.shape))))


@convolution.gradient
def _conv_vjp(b, n, g):
    data, weight = n.inputs[0], n.inputs[1]
    a = n.attrs
    grads = [conv_data_grad(b, g[0], weight, data.type.shape, a),
             b.op("_conv_weight_grad", data, g[0], num_group=int(a["num_group"]), **_win(a))]
    if not a["no_bias"]:
        grads.append(_bias_grad(b, g[0]))
    return grads

# ---------------------------------------------------------------- the weight gradient


def _wgrad_infer(ins, attrs):
    data, cot = ins
    _check_spatial(data, "_conv_weight_grad", attrs["kernel"])
    groups = int(attrs["num_group"])
    n, c = data.shape[:2]
    out = out_size(data.shape[2:], attrs, "_conv_weight_grad")
    f = cot.shape[1] if cot.ndim > 1 else 0
    if cot.shape != (n, f) + out or groups <= 0 or c % groups or f % groups:
        raise ShapeError("_conv_weight_grad: cotangent of shape %s does not fit data %s "
                         "(expected (%d, F) + %s with num_group=%d dividing C and F)"
                         % (fmt_shape(cot.shape), fmt_shape(data.shape), n, fmt_shape(out),
                            groups))
    k = window(attrs, "_conv_weight_grad", data.ndim - 2)[0]
    return [TensorType.get((f, c // groups) + k, data.dtype)]


@register("_conv_weight_grad", _wgrad_infer, num_inputs=2,
          attrs=dict(_WINDOW, num_group=1))
def conv_weight_grad(data, cot, kernel, stride, dilate, pad, num_group):
    """The gradient of Convolution in its weight: the correlation of `data` (N, C, *spatial)
    with the output cotangent `cot` (N, F, *out), summed over the batch -> (F, C/G, *kernel)."""
    attrs = {"kernel": kernel, "stride": stride, "dilate": dilate, "pad": pad}
    k, s, dl, p = window(attrs, "_conv_weight_grad", data.ndim - 2)
    return _windows.conv_weight_grad(data, cot, k, s, dl, p, int(num_group))


@conv_weight_grad.gradient
def _wgrad_vjp(b, n, g):
    # bilinear: <wgrad(x, c), H> = <Convolution(x, H), c> = <x, Deconvolution(c, H)>
    data, cot = n.inputs
    a = n.attrs
    f = cot.type.shape[1]
    return [conv_data_grad(b, cot, g[0], data.type.shape, a),
            b.op("Convolution", data, g[0], num_filter=f, num_group=int(a["num_group"]),
                 no_bias=True, **_win(a))]

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
    out_sp = _deconv_size(data.shape[2:], attrs)
    k, s, dl, p = window(attrs, "Deconvolution", len(out_sp))
    return _windows.conv_transpose(data, weight, None if no_bias else bias[0], k, s, dl, p,
                                   out_sp, int(num_group))


@deconvolution.gradient
def _deconv_vjp(b, n, g):
    # Deconvolution is Convolution's data gradient: its own gradients are a Convolution
    # (data) and the weight gradient with the roles of image and cotangent swapped
    data = n.inputs[0]
    a = n.attrs
    grads = [b.op("Convolution", g[0], n.inputs[1], num_filter=int(data.type.shape[1]),
                  num_group=int(a["num_group"]), no_bias=True, **_win(a)),
             b.op("_conv_weight_grad", g[0], data, num_group=int(a["num_group"]),
                  **_win(a))]
    if not a["no_bias"]:
        grads.append(_bias_grad(b, g[0]))
    return grads


# ---------------------------------------------------------------- forward mode (see _jvp.py)

from ._jvp import product, set_rule  # noqa: E402  (after the operators)

# Bilinear in data and weight, affine in the bias: the product rule.
set_rule(product(0, 1, bias=2), ["Convolution", "Deconvolution"])
set_rule(product(0, 1), ["_conv_weight_grad"])
