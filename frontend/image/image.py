"""`mx.image` functions on (height, width, channels) NDArrays: resizing with OpenCV's
interpolations (see `resize.py`), borders, crops, normalisation and rotation, as MXNet
1.9.1 defines them. Decoding image files needs a codec: `imdecode` / `imread` are
stand-ins."""
from __future__ import annotations

import random
import warnings
from numbers import Number
from typing import Any, Optional, Sequence, Tuple

import numpy as np

from .. import ndarray as nd
from ..ir import MXNetError
from ..ndarray import NDArray
from ..unsupported import not_implemented
from ..util import is_np_array
from . import resize as _resize
from ..base import names_from

__all__ = ["imdecode", "imread", "imresize", "scale_down", "copyMakeBorder", "resize_short",
           "fixed_crop", "random_crop", "center_crop", "color_normalize", "random_size_crop",
           "imrotate", "random_rotate", "is_np_array"]

CODEC = ("it decodes JPEG/PNG files, which needs an image codec (OpenCV) that tapegraph "
         "does not have; decode with another library and pass mx.nd.array(pixels)")

imdecode = not_implemented("mx.image.imdecode", CODEC)
imread = not_implemented("mx.image.imread", CODEC)

_BORDER_MODES = {0: "constant", 1: "edge", 2: "symmetric", 3: "wrap", 4: "reflect"}
_BORDER_ISOLATED = 16  # OpenCV's flag (ignored for whole images), e.g. MXNet's pads use 16


def _saturate(values: np.ndarray, dtype) -> np.ndarray:
    """OpenCV's saturate_cast: round to nearest (ties to even) and clip for integer types."""
    if np.issubdtype(dtype, np.integer):
        info = np.iinfo(dtype)
        values = np.clip(np.rint(values), info.min, info.max)
    return values.astype(dtype)


def _pixels(src: Any, where: str) -> np.ndarray:
    """The (H, W, C) values of an image NDArray; MXNetError-free ValueError otherwise."""
    data = src.asnumpy() if hasattr(src, "asnumpy") else None
    if data is None:
        raise TypeError("%s: expects an NDArray image, got %s" % (where, type(src).__name__))
    if data.ndim != 3:
        raise ValueError("%s: expects an (height, width, channels) image, got shape %s"
                         % (where, data.shape))
    return data


def _like(src: Any, data: np.ndarray) -> Any:
    return type(src)._wrap(np.ascontiguousarray(data))


def imresize(src: Any, w: int, h: int, interp: int = 1, out: Optional[NDArray] = None) -> Any:
    """`src` (H, W, C) resized to width `w` and height `h` with OpenCV's interpolation
    `interp`: 0 nearest, 1 bilinear (default), 2 bicubic, 3 area, 4 Lanczos."""
    data = _pixels(src, "imresize")
    if int(w) <= 0 or int(h) <= 0:
        raise ValueError("imresize: the target size must be positive, got w=%s, h=%s" % (w, h))
    if interp not in (0, 1, 2, 3, 4):  # OpenCV's own check: MXNetError, as in MXNet
        raise MXNetError("imresize: unknown interpolation method %r (0 nearest, 1 bilinear, "
                         "2 bicubic, 3 area, 4 Lanczos)" % (interp,))
    result = _like(src, _resize.resize(data, int(w), int(h), interp))
    if out is not None:
        out[:] = result
        return out
    return result


def scale_down(src_size: Tuple[int, int], size: Tuple[int, int]) -> Tuple[int, int]:
    """The crop `size` (w, h) scaled down to fit in `src_size` (w, h), keeping its
    aspect ratio."""
    w, h = size
    sw, sh = src_size
    if sh < h:
        w, h = float(w * sh) / h, sh
    if sw < w:
        w, h = sw, float(h * sw) / w
    return int(w), int(h)


def copyMakeBorder(src: Any, top: int, bot: int, left: int, right: int, type: int = 0,
                   value: float = 0.0, values: Sequence[float] = (),
                   out: Optional[NDArray] = None) -> Any:
    """Pad an (H, W, C) image with OpenCV's border `type`: 0 constant (`values` per
    channel, or `value`), 1 replicate (aaa|abc), 2 reflect (cba|abc), 3 wrap (abc|abc),
    4 reflect-101 (dcb|abcd); adding 16 (OpenCV's BORDER_ISOLATED) changes nothing.
    (MXNet's docstring lists these in another order; the numbers are OpenCV's.)"""
    data = _pixels(src, "copyMakeBorder")
    type = type & ~_BORDER_ISOLATED if type >= _BORDER_ISOLATED else type
    values = (values,) if isinstance(values, Number) else values
    if type not in _BORDER_MODES:
        raise ValueError("copyMakeBorder: unknown border type %r (0 constant, 1 replicate, "
                         "2 reflect, 3 wrap, 4 reflect-101)" % (type,))
    if min(top, bot, left, right) < 0:
        raise ValueError("copyMakeBorder: margins must be >= 0, got %s"
                         % ((top, bot, left, right),))
    widths = ((top, bot), (left, right), (0, 0))
    if type == 0:
        fill = list(values) if len(values) else [value]
        fill = (fill + [fill[-1] if len(values) == 0 else 0] * data.shape[2])[:data.shape[2]]
        padded = np.empty((data.shape[0] + top + bot, data.shape[1] + left + right,
                           data.shape[2]), data.dtype)
        padded[...] = _saturate(np.asarray(fill, dtype=np.float64), data.dtype)
        padded[top:top + data.shape[0], left:left + data.shape[1]] = data
    else:
        padded = np.pad(data, widths, mode=_BORDER_MODES[type])
    result = _like(src, padded)
    if out is not None:
        out[:] = result
        return out
    return result


def _get_interp_method(interp: int, sizes: Tuple[int, ...] = ()) -> int:
    """The interpolation to use: 9 picks by the sizes (old h, old w, new h, new w) as
    MXNet does, 10 a random one."""
    if interp == 9:
        if sizes:
            assert len(sizes) == 4
            oh, ow, nh, nw = sizes
            if nh > oh and nw > ow:
                return 2
            if nh < oh and nw < ow:
                return 3
            return 1
        return 2
    if interp == 10:
        return random.randint(0, 4)
    if interp not in (0, 1, 2, 3, 4):
        raise ValueError("Unknown interp method %d" % interp)
    return interp


def resize_short(src: Any, size: int, interp: int = 2) -> Any:
    """Resize so that the shorter edge is `size`, keeping the aspect ratio."""
    h, w, _ = src.shape
    if h > w:
        new_h, new_w = size * h // w, size
    else:
        new_h, new_w = size, size * w // h
    return imresize(src, new_w, new_h, interp=_get_interp_method(interp, (h, w, new_h, new_w)))


def fixed_crop(src: Any, x0: int, y0: int, w: int, h: int, size=None, interp: int = 2) -> Any:
    """The (w, h) crop at (x0, y0), resized to `size` (w, h) if given."""
    out = src[y0:y0 + h, x0:x0 + w]
    if size is not None and (w, h) != tuple(size):
        sizes = (h, w, size[1], size[0])
        out = imresize(out, *size, interp=_get_interp_method(interp, sizes))
    return out


def random_crop(src: Any, size, interp: int = 2):
    """A random crop of `size` (w, h) (upsampled if the image is smaller) and its
    (x, y, w, h) in the image."""
    h, w, _ = src.shape
    new_w, new_h = scale_down((w, h), size)
    x0 = random.randint(0, w - new_w)
    y0 = random.randint(0, h - new_h)
    return fixed_crop(src, x0, y0, new_w, new_h, size, interp), (x0, y0, new_w, new_h)


def center_crop(src: Any, size, interp: int = 2):
    """The centred crop of `size` (w, h) (upsampled if the image is smaller) and its
    (x, y, w, h) in the image."""
    h, w, _ = src.shape
    new_w, new_h = scale_down((w, h), size)
    x0 = int((w - new_w) / 2)
    y0 = int((h - new_h) / 2)
    return fixed_crop(src, x0, y0, new_w, new_h, size, interp), (x0, y0, new_w, new_h)


def color_normalize(src: Any, mean: Any, std: Any = None) -> Any:
    """`(src - mean) / std`, in place as in MXNet."""
    if mean is not None:
        src -= mean
    if std is not None:
        src /= std
    return src


def random_size_crop(src: Any, size, area, ratio, interp: int = 2, **kwargs):
    """A crop of random area (fraction `area`, or a (min, max) range) and aspect ratio in
    `ratio`, resized to `size`; the centre crop after 10 failed draws."""
    h, w, _ = src.shape
    src_area = h * w
    if "min_area" in kwargs:
        warnings.warn("`min_area` is deprecated. Please use `area` instead.",
                      DeprecationWarning)
        area = kwargs.pop("min_area")
    assert not kwargs, "unexpected keyword arguments for `random_size_crop`."
    if isinstance(area, Number):
        area = (area, 1.0)
    for _ in range(10):
        target_area = random.uniform(area[0], area[1]) * src_area
        log_ratio = (np.log(ratio[0]), np.log(ratio[1]))
        new_ratio = np.exp(random.uniform(*log_ratio))
        new_w = int(round(np.sqrt(target_area * new_ratio)))
        new_h = int(round(np.sqrt(target_area / new_ratio)))
        if new_w <= w and new_h <= h:
            x0 = random.randint(0, w - new_w)
            y0 = random.randint(0, h - new_h)
            out = fixed_crop(src, x0, y0, new_w, new_h, size, interp)
            return out, (x0, y0, new_w, new_h)
    return center_crop(src, size, interp)


def imrotate(src: Any, rotation_degrees, zoom_in: bool = False, zoom_out: bool = False) -> Any:
    """Rotate a float32 CHW image (or NCHW batch) by `rotation_degrees` (a number, or one
    per image) with bilinear sampling; `zoom_in` hides the padding, `zoom_out` keeps the
    whole image."""
    if zoom_in and zoom_out:
        raise ValueError("`zoom_in` and `zoom_out` cannot be both True")
    if src.dtype is not np.float32:
        raise TypeError("Only `float32` images are supported by this function")
    expanded = False
    if src.ndim == 3:
        expanded = True
        src = src.expand_dims(axis=0)
        if not isinstance(rotation_degrees, Number):
            raise TypeError("When a single image is passed the rotation angle is "
                            "required to be a scalar.")
    elif src.ndim != 4:
        raise ValueError("Only 3D and 4D are supported by this function")
    if isinstance(rotation_degrees, Number):
        rotation_degrees = nd.array([rotation_degrees] * len(src))
    if len(src) != len(rotation_degrees):
        raise ValueError("The number of images must be equal to the number of rotation angles")
    rotation_rad = np.pi * rotation_degrees / 180
    rotation_rad = rotation_rad.expand_dims(axis=1).expand_dims(axis=2)
    _, _, h, w = src.shape
    hscale, wscale = float(h - 1) / 2, float(w - 1) / 2
    h_matrix = (nd.repeat(nd.arange(h).astype("float32").reshape(h, 1), w, axis=1)
                - hscale).expand_dims(axis=0)
    w_matrix = (nd.repeat(nd.arange(w).astype("float32").reshape(1, w), h, axis=0)
                - wscale).expand_dims(axis=0)
    c_alpha, s_alpha = nd.cos(rotation_rad), nd.sin(rotation_rad)
    w_matrix_rot = (w_matrix * c_alpha - h_matrix * s_alpha) / wscale
    h_matrix_rot = (w_matrix * s_alpha + h_matrix * c_alpha) / hscale
    h, w = nd.array([h]), nd.array([w])
    globalscale: Any = 1
    if zoom_in or zoom_out:
        rho_corner = nd.sqrt(h * h + w * w)
        ang_corner = nd.arctan(h / w)
        corner1_x = nd.abs(rho_corner * nd.cos(ang_corner + nd.abs(rotation_rad)))
        corner1_y = nd.abs(rho_corner * nd.sin(ang_corner + nd.abs(rotation_rad)))
        corner2_x = nd.abs(rho_corner * nd.cos(ang_corner - nd.abs(rotation_rad)))
        corner2_y = nd.abs(rho_corner * nd.sin(ang_corner - nd.abs(rotation_rad)))
        max_x, max_y = nd.maximum(corner1_x, corner2_x), nd.maximum(corner1_y, corner2_y)
        if zoom_out:
            globalscale = nd.maximum(max_x / w, max_y / h)
        else:
            globalscale = nd.minimum(w / max_x, h / max_y)
        globalscale = globalscale.expand_dims(axis=3)
    grid = nd.concat(w_matrix_rot.expand_dims(axis=1), h_matrix_rot.expand_dims(axis=1), dim=1)
    grid = grid * globalscale
    rot_img = nd.BilinearSampler(src, grid)
    return rot_img[0] if expanded else rot_img


def random_rotate(src: Any, angle_limits, zoom_in: bool = False, zoom_out: bool = False) -> Any:
    """Rotate by an angle drawn uniformly (NumPy's generator) in `angle_limits`."""
    if src.ndim == 3:
        rotation_degrees = np.random.uniform(*angle_limits)
    else:
        rotation_degrees = nd.array(np.random.uniform(*angle_limits, size=src.shape[0]))
    return imrotate(src, rotation_degrees, zoom_in=zoom_in, zoom_out=zoom_out)

# Defined in MXNet's namesake of this module; kept in sibling modules here
__getattr__, __dir__ = names_from("tapegraph.image", (
    "Augmenter", "BrightnessJitterAug", "CastAug", "CenterCropAug", "ColorJitterAug",
    "ColorNormalizeAug", "ContrastJitterAug", "CreateAugmenter", "ForceResizeAug",
    "HorizontalFlipAug", "HueJitterAug", "LightingAug", "RandomCropAug",
    "RandomGrayAug", "RandomOrderAug", "RandomSizedCropAug", "ResizeAug",
    "SaturationJitterAug", "SequentialAug"), __name__)
