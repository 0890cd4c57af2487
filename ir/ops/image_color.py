"""MXNet 1.9.1's colour operators of `mx.nd.image` on (height, width, channels) images
with 1 or 3 channels: `_image_random_brightness`, `_image_random_contrast`,
`_image_random_saturation`, `_image_random_hue`, `_image_random_color_jitter`,
`_image_adjust_lighting` and `_image_random_lighting`.

Arithmetic follows MXNet's C++ kernels (src/operator/image/image_random-inl.h): float32
values, integer outputs saturated after rounding to nearest (OpenCV's saturate_cast),
the contrast's grey mean accumulated sequentially in float32, hue turned through HLS.
MXNet refuses batches (N, H, W, C) for these operators, and so do they.

Randomness: each random operator draws, when it runs, from the process-wide generator
(`random.generator()`), as MXNet draws from its engine's generator: one uniform factor
in [min_factor, max_factor] (brightness, contrast, saturation, hue); for the jitter a
shuffle of the four adjustments then one uniform per adjustment whose strength is
positive; for lighting three normals of deviation `alpha_std`. The draws are not
MXNet's (another generator), but the ranges and the transform applied for a given
factor are.

Gradients are MXNet's: the cotangent passes through unchanged (MXNet registers
`_copy` as their gradient), a straight-through estimator, not their derivative.
"""
from __future__ import annotations

from typing import Any, Dict, List

import numpy as np

from tapegraph.ir.errors import MXNetError, ShapeError
from tapegraph.ir.registry import REQUIRED, register
from tapegraph.ir.types import TensorType

from .random import generator

_GRAY = np.array([0.299, 0.587, 0.114], dtype=np.float32)
# MXNet's eigen-decomposition of ImageNet's RGB covariance: eigenvalue * eigenvector
# entry, products computed in double and stored as float.
_EIG = np.array([[55.46 * -0.5675, 4.794 * 0.7192, 1.148 * 0.4009],
                 [55.46 * -0.5808, 4.794 * -0.0045, 1.148 * -0.8140],
                 [55.46 * -0.5836, 4.794 * -0.6948, 1.148 * 0.4203]]).astype(np.float32)
_HLS_SECTORS = np.array([[1, 3, 0], [1, 0, 2], [3, 0, 1], [0, 2, 1], [0, 1, 3], [2, 1, 0]])
_ADJUSTMENTS = ("brightness", "contrast", "saturation", "hue")


def image_type(opname: str):
    """Shape rule of MXNet's colour operators: an (H, W, C) image, C 1 or 3; output alike."""
    def rule(ins: List[TensorType], attrs: Dict[str, Any]) -> List[TensorType]:
        shape = ins[0].shape
        if len(shape) != 3:
            raise ShapeError("%s: Input image must have shape (height, width, channels), but "
                             "got [%s]" % (opname, ",".join(map(str, shape))))
        if shape[2] not in (1, 3):
            raise ShapeError("%s: The last dimension of input image must be the channel "
                             "dimension with either 1 or 3 elements, but got input with "
                             "shape [%s]" % (opname, ",".join(map(str, shape))))
        for name in ("min_factor", "max_factor"):
            if name in attrs and float(attrs[name]) < 0:
                raise ShapeError("%s: value %g for Parameter %s should be greater equal to 0"
                                 % (opname, float(attrs[name]), name))
        return [ins[0]]
    return rule


def saturate(values: np.ndarray, dtype: np.dtype) -> np.ndarray:
    """float32 `values` as `dtype`: integers rounded to nearest and clipped to the type's
    range (OpenCV's saturate_cast), floats converted."""
    dtype = np.dtype(dtype)
    if dtype.kind in "iu":
        info = np.iinfo(dtype)
        return np.clip(np.trunc(values), info.min, info.max).astype(dtype)
    return values.astype(dtype)


def adjust_brightness(x: np.ndarray, alpha: Any) -> np.ndarray:
    """Every value times `alpha`."""
    return saturate(x.astype(np.float32) * np.float32(alpha), x.dtype)


def adjust_contrast(x: np.ndarray, alpha: Any) -> np.ndarray:
    """alpha * x + (1 - alpha) * (mean grey level), the grey level of RGB pixels being
    0.299 R + 0.587 G + 0.114 B (of a 1-channel image, its value)."""
    values = x.astype(np.float32)
    pixels = x.shape[0] * x.shape[1]
    terms = values * _GRAY if x.shape[2] == 3 else values
    total = np.cumsum(terms.ravel(), dtype=np.float32)[-1] if terms.size else np.float32(0)
    gray_mean = np.float32(total / np.float32(pixels))
    alpha = np.float32(alpha)
    beta = np.float32((np.float32(1) - alpha) * gray_mean)
    return saturate(values * alpha + beta, x.dtype)


def adjust_saturation(x: np.ndarray, alpha: Any) -> np.ndarray:
    """Each RGB value blended with a grey level: alpha * x + (1 - alpha) * grey. MXNet
    1.9.1's grey level is 0.114 B alone (its loop assigns each channel's term instead
    of adding them), reproduced here. A 1-channel image is copied."""
    if x.shape[2] == 1:
        return x.copy()
    values = x.astype(np.float32)
    alpha = np.float32(alpha)
    gray = values[:, :, 2:3] * _GRAY[2] * (np.float32(1) - alpha)
    return saturate(gray + values * alpha, x.dtype)


def _rgb_to_hls(rgb: np.ndarray):
    r, g, b = (rgb[..., i] / np.float32(255) for i in range(3))
    vmax = np.maximum(np.maximum(r, g), b)
    vmin = np.minimum(np.minimum(r, g), b)
    diff = vmax - vmin
    light = (vmax + vmin) * np.float32(0.5)
    coloured = diff > np.finfo(np.float32).eps
    with np.errstate(divide="ignore", invalid="ignore"):
        sat = np.where(light < 0.5, diff / (vmax + vmin), diff / (np.float32(2) - vmax - vmin))
        step = np.float32(60) / diff
        hue = np.where(vmax == r, (g - b) * step,
                       np.where(vmax == g, (b - r) * step + np.float32(120),
                                (r - g) * step + np.float32(240)))
    hue = np.where(hue < 0, hue + np.float32(360), hue)
    zero = np.float32(0)
    return (np.where(coloured, hue, zero).astype(np.float32), light,
            np.where(coloured, sat, zero).astype(np.float32))


def _hls_to_rgb(hue: np.ndarray, light: np.ndarray, sat: np.ndarray) -> np.ndarray:
    one = np.float32(1)
    p2 = np.where(light <= 0.5, light * (one + sat), light + sat - light * sat)
    p1 = np.float32(2) * light - p2
    h = hue * np.float32(1.0 / 60.0)
    h = np.where((h < 0) | (h >= 6), h - np.float32(6) * np.floor(h / np.float32(6)), h)
    h = np.where(h >= 6, h - np.float32(6), h)
    sector = np.clip(h.astype(np.int64), 0, 5)
    h = h - sector.astype(np.float32)
    table = np.stack([p2, p1, p1 + (p2 - p1) * (one - h), p1 + (p2 - p1) * h], axis=-1)
    picks = _HLS_SECTORS[sector]  # (..., 3): which table entry is B, G, R
    bgr = np.take_along_axis(table, picks, axis=-1)
    rgb = bgr[..., ::-1]
    grey = np.repeat(light[..., None], 3, axis=-1)
    return np.where((sat != 0)[..., None], rgb, grey).astype(np.float32) * np.float32(255)


def adjust_hue(x: np.ndarray, alpha: Any) -> np.ndarray:
    """Hue turned by alpha * 360 degrees (through HLS, as MXNet). A 1-channel image is
    copied."""
    if x.shape[2] == 1:
        return x.copy()
    hue, light, sat = _rgb_to_hls(x.astype(np.float32))
    hue = hue + np.float32(alpha) * np.float32(360)
    return saturate(_hls_to_rgb(hue, light, sat), x.dtype)


def adjust_lighting_kernel(x: np.ndarray, alpha: Any) -> np.ndarray:
    """AlexNet's PCA lighting noise: every RGB pixel plus eig . alpha. A 1-channel image
    is copied."""
    if x.shape[2] == 1:
        return x.copy()
    a = np.asarray(alpha, dtype=np.float32)
    shift = _EIG[:, 0] * a[0] + _EIG[:, 1] * a[1] + _EIG[:, 2] * a[2]  # (MXNet's order)
    return saturate(x.astype(np.float32) + shift, x.dtype)


def _straight_through(b, node, g) -> List[Any]:
    return [g[0]]


def _copy_tangent(b, node, t) -> List[Any]:
    return [t[0]]


def _colour_op(name: str, kernel, attrs: Dict[str, Any], random: bool, doc: str) -> None:
    op = register(name, image_type(name), attrs=attrs, random=random, doc=doc,
                  mxnet_np=name.replace("_image_", "_npx__image_"))(kernel)
    op.gradient(_straight_through)
    op.jvp(_copy_tangent)


def _uniform(low: float, high: float) -> np.float32:
    return np.float32(generator().uniform(float(low), float(high)))


_FACTORS = {"min_factor": REQUIRED, "max_factor": REQUIRED}
_colour_op("_image_random_brightness",
           lambda x, min_factor, max_factor: adjust_brightness(
               x, _uniform(min_factor, max_factor)), _FACTORS, True,
           "Brightness scaled by a factor drawn uniformly in [min_factor, max_factor].")
_colour_op("_image_random_contrast",
           lambda x, min_factor, max_factor: adjust_contrast(
               x, _uniform(min_factor, max_factor)), _FACTORS, True,
           "Contrast scaled by a factor drawn uniformly in [min_factor, max_factor] "
           "(blend with the mean grey level).")
_colour_op("_image_random_saturation",
           lambda x, min_factor, max_factor: adjust_saturation(
               x, _uniform(min_factor, max_factor)), _FACTORS, True,
           "Saturation scaled by a factor drawn uniformly in [min_factor, max_factor].")
_colour_op("_image_random_hue",
           lambda x, min_factor, max_factor: adjust_hue(x, _uniform(min_factor, max_factor)),
           _FACTORS, True,
           "Hue turned by factor * 360 degrees, the factor drawn uniformly in "
           "[min_factor, max_factor].")


def color_jitter(x: np.ndarray, brightness: float, contrast: float, saturation: float,
                 hue: float) -> np.ndarray:
    """The four adjustments in a random order, each whose strength s is positive with a
    factor drawn in 1 + [-s, s] (hue: [-s, s]). MXNet 1.9.1 leaves its output
    uninitialised when no strength is positive; this returns a copy of the image."""
    strengths = {"brightness": brightness, "contrast": contrast, "saturation": saturation,
                 "hue": hue}
    for name, value in strengths.items():
        if float(value) < 0:
            raise MXNetError("_image_random_color_jitter: value %s for Parameter %s should be "
                             "greater equal to 0" % (value, name))
    out = x
    for index in generator().permutation(4):
        name = _ADJUSTMENTS[index]
        s = float(strengths[name])
        if s <= 0:
            continue
        delta = _uniform(-s, s)
        if name == "brightness":
            out = adjust_brightness(out, np.float32(1) + delta)
        elif name == "contrast":
            out = adjust_contrast(out, np.float32(1) + delta)
        elif name == "saturation":
            out = adjust_saturation(out, np.float32(1) + delta)
        else:
            out = adjust_hue(out, delta)
    return out.copy() if out is x else out


_colour_op("_image_random_color_jitter", color_jitter,
           {"brightness": REQUIRED, "contrast": REQUIRED, "saturation": REQUIRED,
            "hue": REQUIRED}, True, color_jitter.__doc__ or "")


def _lighting_alpha(alpha: Any) -> np.ndarray:
    values = np.asarray(alpha, dtype=np.float32).ravel()
    if values.size != 3:
        raise MXNetError("_image_adjust_lighting: alpha needs 3 values (one per eigenvector "
                         "of the RGB covariance), got %d" % values.size)
    return values


_colour_op("_image_adjust_lighting",
           lambda x, alpha: adjust_lighting_kernel(x, _lighting_alpha(alpha)),
           {"alpha": REQUIRED}, False,
           "AlexNet's PCA lighting: every RGB pixel plus the eigenvectors of ImageNet's "
           "colour covariance weighted by their eigenvalues and `alpha` (3 values).")
_colour_op("_image_random_lighting",
           lambda x, alpha_std: adjust_lighting_kernel(
               x, generator().normal(0.0, float(alpha_std), 3).astype(np.float32)),
           {"alpha_std": 0.05}, True,
           "AlexNet's PCA lighting with alpha drawn from N(0, alpha_std) (3 values).")
