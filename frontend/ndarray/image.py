"""`mx.nd.image`: MXNet 1.9.1's image operators on (H, W, C) images (and, where MXNet
takes them, (N, H, W, C) batches). Resizing, cropping and the colour adjustments are the
registered `_image_*` operators (tapegraph.ir.ops.image, .image_color); `to_tensor`,
`normalize` and the flips are composed of registered operators. Every call is recorded,
so a hybridized block using them traces into one graph (the random ones draw anew on
every run, as tapegraph's other sampling operators)."""
from __future__ import annotations

from typing import Any, Sequence, Union

import numpy as np

from ..ir import get_op
from ..ir.errors import MXNetError
from ..trace.invoke import invoke
from .ndarray import NDArray, write_out

__all__ = ["resize", "crop", "to_tensor", "normalize", "flip_left_right", "flip_top_bottom",
           "random_flip_left_right", "random_flip_top_bottom", "random_brightness",
           "random_contrast", "random_saturation", "random_hue", "random_color_jitter",
           "adjust_lighting", "random_lighting"]


def _run(opname: str, data: Any, out: Any = None, **attrs: Any) -> Any:
    if not isinstance(data, NDArray):
        raise TypeError("image.%s: expected an NDArray image, got %s"
                        % (opname.replace("_image_", ""), type(data).__name__))
    return write_out(invoke(get_op(opname), [data], attrs, out_cls=type(data)), out)


def resize(data: Any = None, size: Any = (), keep_ratio: bool = False, interp: int = 1,
           out: Any = None, name: Any = None, **kwargs: Any) -> Any:
    """Resize an (H, W, C) image or (N, H, W, C) batch to `size`: (width, height), or one
    size for both edges or, with `keep_ratio`, for the short edge (the long one keeps the
    ratio). `interp` is OpenCV's: 0 nearest, 1 bilinear, 2 bicubic, 3 area, 4 Lanczos."""
    size = (int(size),) if isinstance(size, (int, np.integer)) else tuple(int(s) for s in size)
    if not isinstance(interp, (int, np.integer)):
        raise MXNetError("Invalid Parameter format for interp expect int but value='%s', in "
                         "operator _image_resize" % (interp,))
    return _run("_image_resize", data, out, size=size, keep_ratio=bool(keep_ratio),
                interp=int(interp))


def crop(data: Any = None, x: int = 0, y: int = 0, width: int = 0, height: int = 0,
         out: Any = None, name: Any = None, **kwargs: Any) -> Any:
    """The `width` x `height` window whose top-left corner is at column `x`, row `y` of
    an (H, W, C) image or (N, H, W, C) batch (1 or 3 channels)."""
    return _run("_image_crop", data, out, x=int(x), y=int(y), width=int(width),
                height=int(height))


def _image_dims(data: Any, what: str) -> int:
    if not isinstance(data, NDArray):
        raise TypeError("image.%s: expected an NDArray, got %s" % (what, type(data).__name__))
    if data.ndim not in (3, 4):
        raise MXNetError("Input image must have shape (height, width, channels), or "
                         "(N, height, width, channels) but got %s" % (list(data.shape),))
    return data.ndim


def _op(name: str, data: Any, **attrs: Any) -> Any:
    return invoke(get_op(name), [data], attrs, out_cls=type(data))


def to_tensor(data: Any = None, out: Any = None, name: Any = None, **kwargs: Any) -> Any:
    """(H, W, C) or (N, H, W, C) values in [0, 255] to (C, H, W) or (N, C, H, W) float32
    values in [0, 1]."""
    axes = (2, 0, 1) if _image_dims(data, "to_tensor") == 3 else (0, 3, 1, 2)
    moved = _op("Cast", _op("transpose", data, axes=axes), dtype="float32")
    return write_out(_op("_div_scalar", moved, scalar=255.0), out)


def normalize(data: Any = None, mean: Union[float, Sequence[float]] = 0.0,
              std: Union[float, Sequence[float]] = 1.0, out: Any = None, name: Any = None,
              **kwargs: Any) -> Any:
    """(x - mean[c]) / std[c] for each channel c of a (C, H, W) or (N, C, H, W) tensor;
    `mean` and `std` are one value or one per channel."""
    if not isinstance(data, NDArray):
        raise TypeError("image.normalize: expected an NDArray, got %s" % type(data).__name__)
    if data.ndim not in (3, 4):
        raise MXNetError("Input tensor must have shape (channels, height, width), or "
                         "(N, channels, height, width), but got %s" % (list(data.shape),))
    channels = data.shape[-3]
    values = []
    for what, given in (("mean", mean), ("std", std)):
        v = np.atleast_1d(np.asarray(given, dtype=np.float32))
        if v.size not in (1, channels):
            raise MXNetError("Invalid %s for input with shape %s. %s must have either 1 or "
                             "%d elements, but got %s" % (what, list(data.shape), what,
                                                         channels, list(v.shape)))
        values.append(type(data)._wrap(np.ascontiguousarray(v.reshape(-1, 1, 1))))
    return write_out((data - values[0]) / values[1], out)


def _flip(data: Any, axis_in_image: int, what: str, out: Any) -> Any:
    axis = axis_in_image + _image_dims(data, what) - 3
    return write_out(_op("reverse", data, axis=(axis,)), out)


def flip_left_right(data: Any = None, out: Any = None, name: Any = None, **kwargs: Any) -> Any:
    """An (H, W, C) image or (N, H, W, C) batch mirrored left to right."""
    return _flip(data, 1, "flip_left_right", out)


def flip_top_bottom(data: Any = None, out: Any = None, name: Any = None, **kwargs: Any) -> Any:
    """An (H, W, C) image or (N, H, W, C) batch mirrored top to bottom."""
    return _flip(data, 0, "flip_top_bottom", out)


def _random_flip(data: Any, axis_in_image: int, what: str, out: Any) -> Any:
    axis = axis_in_image + _image_dims(data, what) - 3
    draw = invoke(get_op("_random_uniform"), [], {"shape": (1,) * data.ndim,
                                                  "dtype": "float32"}, out_cls=type(data))
    flip = _op("broadcast_to", _op("_lesser_scalar", draw, scalar=0.5), shape=data.shape)
    flipped = _op("reverse", data, axis=(axis,))
    chosen = invoke(get_op("where"), [_op("Cast", flip, dtype=np.dtype(data.dtype).name),
                                      flipped, data], {}, out_cls=type(data))
    return write_out(chosen, out)


def random_flip_left_right(data: Any = None, out: Any = None, name: Any = None,
                           **kwargs: Any) -> Any:
    """`flip_left_right(data)` with probability 0.5 (one draw per call), else `data`."""
    return _random_flip(data, 1, "random_flip_left_right", out)


def random_flip_top_bottom(data: Any = None, out: Any = None, name: Any = None,
                           **kwargs: Any) -> Any:
    """`flip_top_bottom(data)` with probability 0.5 (one draw per call), else `data`."""
    return _random_flip(data, 0, "random_flip_top_bottom", out)


def random_brightness(data: Any = None, min_factor: float = 0.0, max_factor: float = 0.0,
                      out: Any = None, name: Any = None, **kwargs: Any) -> Any:
    """Every value of an (H, W, C) image times a factor drawn in [min_factor, max_factor]."""
    return _run("_image_random_brightness", data, out, min_factor=float(min_factor),
                max_factor=float(max_factor))


def random_contrast(data: Any = None, min_factor: float = 0.0, max_factor: float = 0.0,
                    out: Any = None, name: Any = None, **kwargs: Any) -> Any:
    """An (H, W, C) image blended with its mean grey level: a * x + (1 - a) * mean, the
    factor a drawn in [min_factor, max_factor]."""
    return _run("_image_random_contrast", data, out, min_factor=float(min_factor),
                max_factor=float(max_factor))


def random_saturation(data: Any = None, min_factor: float = 0.0, max_factor: float = 0.0,
                      out: Any = None, name: Any = None, **kwargs: Any) -> Any:
    """An (H, W, C) RGB image's saturation scaled by a factor drawn in [min_factor,
    max_factor] (MXNet 1.9.1's grey level, see tapegraph.ir.ops.image_color)."""
    return _run("_image_random_saturation", data, out, min_factor=float(min_factor),
                max_factor=float(max_factor))


def random_hue(data: Any = None, min_factor: float = 0.0, max_factor: float = 0.0,
               out: Any = None, name: Any = None, **kwargs: Any) -> Any:
    """An (H, W, C) RGB image's hue turned by factor * 360 degrees, the factor drawn in
    [min_factor, max_factor]."""
    return _run("_image_random_hue", data, out, min_factor=float(min_factor),
                max_factor=float(max_factor))


def random_color_jitter(data: Any = None, brightness: float = 0.0, contrast: float = 0.0,
                        saturation: float = 0.0, hue: float = 0.0, out: Any = None,
                        name: Any = None, **kwargs: Any) -> Any:
    """Brightness, contrast, saturation and hue of an (H, W, C) image jittered in a random
    order, each by a factor drawn in 1 + [-s, s] for its strength s (hue: [-s, s])."""
    return _run("_image_random_color_jitter", data, out, brightness=float(brightness),
                contrast=float(contrast), saturation=float(saturation), hue=float(hue))


def adjust_lighting(data: Any = None, alpha: Sequence[float] = (), out: Any = None,
                    name: Any = None, **kwargs: Any) -> Any:
    """AlexNet's PCA lighting of an (H, W, C) RGB image with weights `alpha` (3 values)."""
    return _run("_image_adjust_lighting", data, out, alpha=tuple(float(a) for a in alpha))


def random_lighting(data: Any = None, alpha_std: float = 0.05, out: Any = None,
                    name: Any = None, **kwargs: Any) -> Any:
    """AlexNet's PCA lighting of an (H, W, C) RGB image, its 3 weights drawn from
    N(0, alpha_std)."""
    return _run("_image_random_lighting", data, out, alpha_std=float(alpha_std))
