"""`mx.nd.image`: MXNet 1.9.1's image operators on (H, W, C) images (and, where MXNet
takes them, (N, H, W, C) batches), each the registered `_image_*` operator
(tapegraph.ir.ops.image, .image_color) of its name. Every call is recorded, so a
hybridized block using them traces into one graph holding MXNet's operators (the random
ones draw anew on every run, as tapegraph's other sampling operators)."""
from __future__ import annotations

from typing import Any, Sequence, Union

import numpy as np

from ..ir import get_op
from ..ir.errors import MXNetError
from ..trace.invoke import invoke
from ..trace.opnames import auto_naming, naming
from .ndarray import NDArray, write_out

__all__ = ["resize", "crop", "to_tensor", "normalize", "flip_left_right", "flip_top_bottom",
           "random_flip_left_right", "random_flip_top_bottom", "random_brightness",
           "random_contrast", "random_saturation", "random_hue", "random_color_jitter",
           "adjust_lighting", "random_lighting"]


def _op(opname: str, data: Any, out: Any, name: Any, **attrs: Any) -> Any:
    # in a hybridized block's trace the node is named as MXNet names it: `name`, else the
    # function's name and a count (`totensor0_to_tensor0`)
    with naming(name) if name is not None else auto_naming(opname[len("_image_"):]):
        result = invoke(get_op(opname), [data], attrs, out_cls=type(data))
    return write_out(result, out)


def _run(opname: str, data: Any, out: Any, name: Any, **attrs: Any) -> Any:
    if not isinstance(data, NDArray):
        raise TypeError("image.%s: expected an NDArray image, got %s"
                        % (opname.replace("_image_", ""), type(data).__name__))
    return _op(opname, data, out, name, **attrs)


def resize(data: Any = None, size: Any = (), keep_ratio: bool = False, interp: int = 1,
           out: Any = None, name: Any = None, **kwargs: Any) -> Any:
    """Resize an (H, W, C) image or (N, H, W, C) batch to `size`: (width, height), or one
    size for both edges or, with `keep_ratio`, for the short edge (the long one keeps the
    ratio). `interp` is OpenCV's: 0 nearest, 1 bilinear, 2 bicubic, 3 area, 4 Lanczos."""
    size = (int(size),) if isinstance(size, (int, np.integer)) else tuple(int(s) for s in size)
    if not isinstance(interp, (int, np.integer)):
        raise MXNetError("Invalid Parameter format for interp expect int but value='%s', in "
                         "operator _image_resize" % (interp,))
    return _run("_image_resize", data, out, name, size=size, keep_ratio=bool(keep_ratio),
                interp=int(interp))


def crop(data: Any = None, x: int = 0, y: int = 0, width: int = 0, height: int = 0,
         out: Any = None, name: Any = None, **kwargs: Any) -> Any:
    """The `width` x `height` window whose top-left corner is at column `x`, row `y` of
    an (H, W, C) image or (N, H, W, C) batch (1 or 3 channels)."""
    return _run("_image_crop", data, out, name, x=int(x), y=int(y), width=int(width),
                height=int(height))


def _ndarray(data: Any, what: str) -> None:
    if not isinstance(data, NDArray):
        raise TypeError("image.%s: expected an NDArray, got %s" % (what, type(data).__name__))


def _image_dims(data: Any, what: str) -> int:
    _ndarray(data, what)
    if data.ndim not in (3, 4):
        raise MXNetError("Input image must have shape (height, width, channels), or "
                         "(N, height, width, channels) but got %s" % (list(data.shape),))
    return data.ndim


def to_tensor(data: Any = None, out: Any = None, name: Any = None, **kwargs: Any) -> Any:
    """(H, W, C) or (N, H, W, C) values in [0, 255] to (C, H, W) or (N, C, H, W) float32
    values in [0, 1]."""
    _image_dims(data, "to_tensor")
    return _op("_image_to_tensor", data, out, name)


def _floats(value: Any) -> Union[float, tuple]:
    """`mean` / `std` as the operator's attribute: a number, or a tuple of numbers."""
    values = np.asarray(value, dtype=np.float64)
    return float(values) if values.ndim == 0 else tuple(float(v) for v in values.ravel())


def normalize(data: Any = None, mean: Union[None, float, Sequence[float]] = None,
              std: Union[None, float, Sequence[float]] = None, out: Any = None,
              name: Any = None, **kwargs: Any) -> Any:
    """(x - mean[c]) / std[c] for each channel c (1 or 3) of a (C, H, W) or (N, C, H, W)
    tensor; `mean` and `std` are one value or one per channel. Left out, they are MXNet's
    defaults, four zeros and four ones, which no image takes (MXNet's error)."""
    _ndarray(data, "normalize")
    if data.ndim not in (3, 4):
        raise MXNetError("Input tensor must have shape (channels, height, width), or "
                         "(N, channels, height, width), but got %s" % (list(data.shape),))
    attrs = {k: _floats(v) for k, v in (("mean", mean), ("std", std)) if v is not None}
    return _op("_image_normalize", data, out, name, **attrs)


def _flip(opname: str, data: Any, out: Any, name: Any) -> Any:
    _ndarray(data, opname.replace("_image_", ""))
    return _op(opname, data, out, name)


def flip_left_right(data: Any = None, out: Any = None, name: Any = None, **kwargs: Any) -> Any:
    """An (H, W, C) image (C is 1 or 3) mirrored left to right."""
    return _flip("_image_flip_left_right", data, out, name)


def flip_top_bottom(data: Any = None, out: Any = None, name: Any = None, **kwargs: Any) -> Any:
    """An (H, W, C) image (C is 1 or 3) mirrored top to bottom."""
    return _flip("_image_flip_top_bottom", data, out, name)


def random_flip_left_right(data: Any = None, out: Any = None, name: Any = None,
                           **kwargs: Any) -> Any:
    """`flip_left_right(data)` with probability 0.5 (one draw per call), else `data`."""
    return _flip("_image_random_flip_left_right", data, out, name)


def random_flip_top_bottom(data: Any = None, out: Any = None, name: Any = None,
                           **kwargs: Any) -> Any:
    """`flip_top_bottom(data)` with probability 0.5 (one draw per call), else `data`."""
    return _flip("_image_random_flip_top_bottom", data, out, name)


def random_brightness(data: Any = None, min_factor: float = 0.0, max_factor: float = 0.0,
                      out: Any = None, name: Any = None, **kwargs: Any) -> Any:
    """Every value of an (H, W, C) image times a factor drawn in [min_factor, max_factor]."""
    return _run("_image_random_brightness", data, out, name, min_factor=float(min_factor),
                max_factor=float(max_factor))


def random_contrast(data: Any = None, min_factor: float = 0.0, max_factor: float = 0.0,
                    out: Any = None, name: Any = None, **kwargs: Any) -> Any:
    """An (H, W, C) image blended with its mean grey level: a * x + (1 - a) * mean, the
    factor a drawn in [min_factor, max_factor]."""
    return _run("_image_random_contrast", data, out, name, min_factor=float(min_factor),
                max_factor=float(max_factor))


def random_saturation(data: Any = None, min_factor: float = 0.0, max_factor: float = 0.0,
                      out: Any = None, name: Any = None, **kwargs: Any) -> Any:
    """An (H, W, C) RGB image's saturation scaled by a factor drawn in [min_factor,
    max_factor] (MXNet 1.9.1's grey level, see tapegraph.ir.ops.image_color)."""
    return _run("_image_random_saturation", data, out, name, min_factor=float(min_factor),
                max_factor=float(max_factor))


def random_hue(data: Any = None, min_factor: float = 0.0, max_factor: float = 0.0,
               out: Any = None, name: Any = None, **kwargs: Any) -> Any:
    """An (H, W, C) RGB image's hue turned by factor * 360 degrees, the factor drawn in
    [min_factor, max_factor]."""
    return _run("_image_random_hue", data, out, name, min_factor=float(min_factor),
                max_factor=float(max_factor))


def random_color_jitter(data: Any = None, brightness: float = 0.0, contrast: float = 0.0,
                        saturation: float = 0.0, hue: float = 0.0, out: Any = None,
                        name: Any = None, **kwargs: Any) -> Any:
    """Brightness, contrast, saturation and hue of an (H, W, C) image jittered in a random
    order, each by a factor drawn in 1 + [-s, s] for its strength s (hue: [-s, s])."""
    return _run("_image_random_color_jitter", data, out, name, brightness=float(brightness),
                contrast=float(contrast), saturation=float(saturation), hue=float(hue))


def adjust_lighting(data: Any = None, alpha: Sequence[float] = (), out: Any = None,
                    name: Any = None, **kwargs: Any) -> Any:
    """AlexNet's PCA lighting of an (H, W, C) RGB image with weights `alpha` (3 values)."""
    return _run("_image_adjust_lighting", data, out, name, alpha=tuple(float(a) for a in alpha))


def random_lighting(data: Any = None, alpha_std: float = 0.05, out: Any = None,
                    name: Any = None, **kwargs: Any) -> Any:
    """AlexNet's PCA lighting of an (H, W, C) RGB image, its 3 weights drawn from
    N(0, alpha_std)."""
    return _run("_image_random_lighting", data, out, name, alpha_std=float(alpha_std))
