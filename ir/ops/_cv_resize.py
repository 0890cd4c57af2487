"""OpenCV 3.4.2's `cv::resize` (what MXNet 1.9.1's `imresize` runs) in NumPy.

Interpolation codes are OpenCV's: 0 nearest, 1 bilinear, 2 bicubic, 3 area, 4 Lanczos.
Each follows OpenCV's arithmetic step by step (uint8 images in its 11-bit fixed point and
the rounding of its SIMD loops, float images in float32), so uint8 results are MXNet's
exactly and float32 ones too but for Lanczos (last-bit differences: summation order).
Images are (height, width, channels) arrays.
"""
from __future__ import annotations

import math
from typing import Any, List, Tuple

import numpy as np

NEAREST, LINEAR, CUBIC, AREA, LANCZOS4 = range(5)
_COEF_SCALE = 2048  # OpenCV's INTER_RESIZE_COEF_SCALE (11 fractional bits)
_FLT_EPSILON = np.finfo(np.float32).eps


def resize(src: np.ndarray, width: int, height: int, interp: int) -> np.ndarray:
    """`src` (H, W, C) resized to (height, width, C) as OpenCV resizes it."""
    h, w = src.shape[:2]
    if (h, w) == (height, width):
        return src.copy()
    scale_x, scale_y = 1.0 / (width / w), 1.0 / (height / h)
    iscale_x, iscale_y = int(round(scale_x)), int(round(scale_y))
    area_fast = abs(scale_x - iscale_x) < 2.2e-16 and abs(scale_y - iscale_y) < 2.2e-16
    if interp == LINEAR and area_fast and iscale_x == 2 and iscale_y == 2:
        interp = AREA  # OpenCV: halving is the same either way, and area is faster
    if interp == NEAREST:
        return _nearest(src, width, height)
    if interp == AREA and scale_x >= 1 and scale_y >= 1:
        if area_fast:
            return _area_fast(src, iscale_x, iscale_y)
        return _area(src, width, height, scale_x, scale_y)
    return _separable(src, width, height, interp)


def _nearest(src: np.ndarray, width: int, height: int) -> np.ndarray:
    h, w = src.shape[:2]
    ifx, ify = 1.0 / (width / w), 1.0 / (height / h)
    xs = np.minimum(np.floor(np.arange(width) * ifx).astype(np.int64), w - 1)
    ys = np.minimum(np.floor(np.arange(height) * ify).astype(np.int64), h - 1)
    return src[ys][:, xs].copy()


# ---------------------------------------------------------------- separable kernels
def _cubic_coeffs(x: np.float32) -> np.ndarray:
    a = np.float32(-0.75)
    one = np.float32(1)
    c0 = ((a * (x + one) - np.float32(5) * a) * (x + one) + np.float32(8) * a) * (x + one) \
        - np.float32(4) * a
    c1 = ((a + np.float32(2)) * x - (a + np.float32(3))) * x * x + one
    c2 = ((a + np.float32(2)) * (one - x) - (a + np.float32(3))) * (one - x) * (one - x) + one
    c3 = one - c0 - c1 - c2
    return np.array([c0, c1, c2, c3], np.float32)


_S45 = 0.70710678118654752440084436210485
_LANCZOS_CS = [(1, 0), (-_S45, -_S45), (0, 1), (_S45, -_S45), (-1, 0), (_S45, _S45),
               (0, -1), (-_S45, _S45)]


def _lanczos_coeffs(x: np.float32) -> np.ndarray:
    if x < _FLT_EPSILON:
        out = np.zeros(8, np.float32)
        out[3] = 1
        return out
    y0 = -(float(x) + 3) * math.pi * 0.25
    s0, c0 = math.sin(y0), math.cos(y0)
    coeffs = np.empty(8, np.float32)
    total = np.float32(0)
    for i, (cs, cc) in enumerate(_LANCZOS_CS):
        y = -(float(x) + 3 - i) * math.pi * 0.25
        coeffs[i] = np.float32((cs * s0 + cc * c0) / (y * y))
        total = np.float32(total + coeffs[i])
    return coeffs * (np.float32(1) / total)


def _taps(ssize: int, dsize: int, interp: int, area_mode: bool, horizontal: bool
          ) -> Tuple[np.ndarray, np.ndarray]:
    """For each destination index: the source indices (clamped to the image) and
    their weights, as OpenCV's `resize` tabulates them (it moves bilinear taps that
    fall off the image only horizontally; vertically it repeats the edge row)."""
    scale, inv_scale = ssize / dsize, dsize / ssize
    ksize = {LINEAR: 2, CUBIC: 4, LANCZOS4: 8}[interp]
    half = ksize // 2
    index = np.empty((dsize, ksize), np.int64)
    weight = np.empty((dsize, ksize), np.float32)
    for d in range(dsize):
        if area_mode:
            s = int(math.floor(d * scale))
            f = np.float32((d + 1) - (s + 1) * inv_scale)
            f = np.float32(0) if f <= 0 else np.float32(f - np.float32(math.floor(f)))
        else:
            f = np.float32((d + 0.5) * scale - 0.5)
            s = int(math.floor(f))
            f = np.float32(f - np.float32(s))
        if interp == LINEAR and horizontal:
            if s < 0:
                s, f = 0, np.float32(0)
            if s >= ssize - 1:
                s, f = ssize - 1, np.float32(0)
        if interp == LINEAR:
            weight[d] = (np.float32(1) - f, f)
        elif interp == CUBIC:
            weight[d] = _cubic_coeffs(f)
        else:
            weight[d] = _lanczos_coeffs(f)
        index[d] = np.clip(np.arange(s - half + 1, s + half + 1), 0, ssize - 1)
    return index, weight


def _separable(src: np.ndarray, width: int, height: int, interp: int) -> np.ndarray:
    """Horizontal then vertical pass of a 2, 4 or 8 tap kernel."""
    area_mode = interp == AREA
    kernel = LINEAR if area_mode else interp
    xi, xw = _taps(src.shape[1], width, kernel, area_mode, horizontal=True)
    yi, yw = _taps(src.shape[0], height, kernel, area_mode, horizontal=False)
    fixed = src.dtype == np.uint8
    if fixed:  # OpenCV's fixed point: weights in 1/2048, sums in int
        xw = np.rint(xw * _COEF_SCALE).astype(np.int64)
        yw = np.rint(yw * _COEF_SCALE).astype(np.int64)
        data = src.astype(np.int64)
    else:
        data = src.astype(np.float32) if src.dtype != np.float64 else src
        xw, yw = xw.astype(data.dtype), yw.astype(data.dtype)
    rows = data[:, xi[:, 0], :] * xw[None, :, 0, None]
    for k in range(1, xi.shape[1]):
        rows = rows + data[:, xi[:, k], :] * xw[None, :, k, None]
    if fixed and kernel == LINEAR:  # OpenCV's SIMD rounding of the vertical pass
        out = ((yw[:, 0, None, None] * (rows[yi[:, 0]] >> 4)) >> 16) + \
              ((yw[:, 1, None, None] * (rows[yi[:, 1]] >> 4)) >> 16)
        return np.clip((out + 2) >> 2, 0, 255).astype(np.uint8)
    if fixed and kernel == CUBIC:  # OpenCV's SIMD vertical pass works in float32
        scaled = yw.astype(np.float32) * np.float32(1.0 / (_COEF_SCALE * _COEF_SCALE))
        acc = rows[yi[:, 0]].astype(np.float32) * scaled[:, 0, None, None]
        for k in range(1, 4):
            acc = acc + rows[yi[:, k]].astype(np.float32) * scaled[:, k, None, None]
        return np.clip(np.rint(acc), 0, 255).astype(np.uint8)
    out = rows[yi[:, 0]] * yw[:, 0, None, None]
    for k in range(1, yi.shape[1]):
        out = out + rows[yi[:, k]] * yw[:, k, None, None]
    if fixed:
        return np.clip((out + (1 << 21)) >> 22, 0, 255).astype(np.uint8)
    return _cast(out, src.dtype)


def _cast(values: np.ndarray, dtype: np.dtype) -> np.ndarray:
    """OpenCV's saturate_cast: round to nearest for integer types."""
    if np.issubdtype(dtype, np.integer):
        info = np.iinfo(dtype)
        return np.clip(np.rint(values), info.min, info.max).astype(dtype)
    return values.astype(dtype)


# ---------------------------------------------------------------- area (shrinking)
def _area_fast(src: np.ndarray, iscale_x: int, iscale_y: int) -> np.ndarray:
    """Integer shrink factors: the mean of each block."""
    h, w, c = src.shape
    dh, dw = h // iscale_y, w // iscale_x
    block = src[:dh * iscale_y, :dw * iscale_x].reshape(dh, iscale_y, dw, iscale_x, c)
    if src.dtype == np.uint8 and iscale_x == 2 and iscale_y == 2:
        total = block.astype(np.int64).sum(axis=(1, 3))
        return ((total + 2) >> 2).astype(np.uint8)
    acc_type: Any = np.int64 if np.issubdtype(src.dtype, np.integer) else np.float32
    if src.dtype == np.float64:
        acc_type = np.float64
    parts: List[Any] = [block[:, sy, :, sx].astype(acc_type)
             for sy in range(iscale_y) for sx in range(iscale_x)]
    if acc_type is np.float32 and iscale_x == 2 and iscale_y == 2 and c in (1, 4):
        total = (parts[0] + parts[2]) + (parts[1] + parts[3])  # OpenCV's SIMD order
    else:
        total = parts[0]
        for p in parts[1:]:
            total = total + p
    scale = np.float32(1.0 / (iscale_x * iscale_y))
    mean = total.astype(np.float32) * scale if acc_type is np.int64 else total * scale
    return _cast(mean, src.dtype)


def _area_table(ssize: int, dsize: int, scale: float):
    """OpenCV's computeResizeAreaTab: (destination, source, weight) triples."""
    table = []
    for d in range(dsize):
        fs1 = d * scale
        fs2 = fs1 + scale
        cell = min(scale, ssize - fs1)
        s1, s2 = math.ceil(fs1), math.floor(fs2)
        s2 = min(s2, ssize - 1)
        s1 = min(s1, s2)
        if s1 - fs1 > 1e-3:
            table.append((d, s1 - 1, np.float32((s1 - fs1) / cell)))
        for s in range(s1, s2):
            table.append((d, s, np.float32(1.0 / cell)))
        if fs2 - s2 > 1e-3:
            table.append((d, s2, np.float32(min(min(fs2 - s2, 1.0), cell) / cell)))
    return table


def _area(src: np.ndarray, width: int, height: int, scale_x: float, scale_y: float
          ) -> np.ndarray:
    """Non-integer shrink: each output pixel averages the source area it covers."""
    xtab = _area_table(src.shape[1], width, scale_x)
    ytab = _area_table(src.shape[0], height, scale_y)
    data = src.astype(np.float32) if src.dtype != np.float64 else src
    out = np.zeros((height, width, src.shape[2]), data.dtype)
    acc = np.zeros((width, src.shape[2]), data.dtype)
    prev = ytab[0][0]
    for dy, sy, beta in ytab:
        buf = np.zeros((width, src.shape[2]), data.dtype)
        row = data[sy]
        for dx, sx, alpha in xtab:
            buf[dx] = buf[dx] + row[sx] * alpha
        if dy != prev:
            out[prev] = acc
            acc = buf * beta
            prev = dy
        else:
            acc = acc + buf * beta
    out[prev] = acc
    return _cast(out, src.dtype)
