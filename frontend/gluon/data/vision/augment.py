"""Geometric augmentations of `gluon.data.vision.transforms`, as MXNet 1.9.1 defines
them: RandomApply, the random flips, CenterCrop, Resize, CropResize, RandomResizedCrop,
Rotate and RandomRotation.

Resize and CropResize are HybridBlocks over the `mx.nd.image` operators (`F.image.resize`,
`F.image.crop`), so a hybridized Compose traces them. So are the random flips
(`F.image.random_flip_*`, drawing from tapegraph's generator, `mx.random.seed`). The others
are Blocks drawing their randomness as MXNet does: RandomApply and RandomResizedCrop from
Python's `random`, RandomRotation from NumPy's global generator (`np.random`), so seeding
those generators reproduces MXNet's choices."""
from __future__ import annotations

import random as _pyrandom
from numbers import Number
from typing import Any, Optional, Sequence, Tuple, Union

import numpy as np

from .... import image
from ...block import Block, HybridBlock
from ...nn import Sequential
from .transforms import image_ops

__all__ = ["RandomApply", "RandomFlipLeftRight", "RandomFlipTopBottom", "CenterCrop",
           "Resize", "CropResize", "RandomResizedCrop", "RandomRotation", "Rotate"]


class RandomApply(Sequential):
    """Apply `transforms` with probability `p` (drawn with Python's `random`, as MXNet)."""

    def __init__(self, transforms: Any, p: float = 0.5) -> None:
        super().__init__()
        self.transforms = transforms
        self.p = p

    def forward(self, x: Any) -> Any:
        if self.p < _pyrandom.random():
            return x
        return self.transforms(x)


class RandomFlipLeftRight(HybridBlock):
    """Flip an (H, W, C) image left to right with probability 0.5
    (`F.image.random_flip_left_right`: one draw per call, hybridized too)."""

    def hybrid_forward(self, F: Any, x: Any) -> Any:
        return image_ops(F).random_flip_left_right(x)


class RandomFlipTopBottom(HybridBlock):
    """Flip an (H, W, C) image top to bottom with probability 0.5
    (`F.image.random_flip_top_bottom`)."""

    def hybrid_forward(self, F: Any, x: Any) -> Any:
        return image_ops(F).random_flip_top_bottom(x)


def _pair(size: Any) -> Tuple[int, int]:
    return (size, size) if isinstance(size, Number) else tuple(size)


class CenterCrop(Block):
    """Crop an (H, W, C) image to `size` ((W, H) or an int) around its centre, resizing
    with OpenCV's `interpolation` when the image is smaller than `size` (upsampled)."""

    def __init__(self, size: Union[int, Sequence[int]], interpolation: int = 1) -> None:
        super().__init__()
        self._args = (_pair(size), interpolation)

    def forward(self, x: Any) -> Any:
        return image.center_crop(x, *self._args)[0]


class Resize(HybridBlock):
    """Resize an (H, W, C) image or (N, H, W, C) batch to `size`: (W, H), or one int for
    both edges or, with `keep_ratio`, for the short edge (the other keeps the aspect
    ratio). `interpolation` is OpenCV's (0 nearest, 1 bilinear, 2 bicubic, 3 area,
    4 Lanczos)."""

    def __init__(self, size: Union[int, Sequence[int]], keep_ratio: bool = False,
                 interpolation: int = 1) -> None:
        super().__init__()
        self._keep = keep_ratio
        self._size = size
        self._interpolation = interpolation

    def hybrid_forward(self, F: Any, x: Any) -> Any:
        return image_ops(F).resize(x, self._size, self._keep, self._interpolation)


class CropResize(HybridBlock):
    """Crop the `width` x `height` window at column `x`, row `y` of an (H, W, C) image or
    (N, H, W, C) batch, then resize it to `size` ((w, h) or an int) if given, with
    OpenCV's `interpolation`, which must then be given (MXNet 1.9.1 refuses None)."""

    def __init__(self, x: int, y: int, width: int, height: int,
                 size: Optional[Union[int, Sequence[int]]] = None,
                 interpolation: Optional[int] = None) -> None:
        super().__init__()
        self._x = x
        self._y = y
        self._width = width
        self._height = height
        self._size = size
        self._interpolation = interpolation

    def hybrid_forward(self, F: Any, x: Any) -> Any:
        ops = image_ops(F)
        out = ops.crop(x, self._x, self._y, self._width, self._height)
        if self._size:
            out = ops.resize(out, self._size, False, self._interpolation)
        return out


class RandomResizedCrop(Block):
    """Crop a random area (a fraction in `scale` of the image's) of random aspect ratio
    (in `ratio`) of an (H, W, C) image, resized to `size` ((W, H) or an int) with OpenCV's
    `interpolation`; after 10 draws that do not fit, the centre crop. Draws from Python's
    `random`, as MXNet's `image.random_size_crop`."""

    def __init__(self, size: Union[int, Sequence[int]],
                 scale: Tuple[float, float] = (0.08, 1.0),
                 ratio: Tuple[float, float] = (3.0 / 4.0, 4.0 / 3.0),
                 interpolation: int = 1) -> None:
        super().__init__()
        self._args = (_pair(size), scale, ratio, interpolation)

    def forward(self, x: Any) -> Any:
        return image.random_size_crop(x, *self._args)[0]


def _check_float32(x: Any) -> None:
    if np.dtype(x.dtype) != np.float32:
        raise TypeError("This transformation only supports float32. "
                        "Consider calling it after ToTensor")


class Rotate(Block):
    """Rotate a float32 (C, H, W) image or (N, C, H, W) batch by `rotation_degrees`,
    keeping its shape (bilinear sampling, zeros outside); `zoom_in` scales so that no
    padding shows, `zoom_out` so that the whole image stays in view."""

    def __init__(self, rotation_degrees: float, zoom_in: bool = False,
                 zoom_out: bool = False) -> None:
        super().__init__()
        self._args = (rotation_degrees, zoom_in, zoom_out)

    def forward(self, x: Any) -> Any:
        _check_float32(x)
        return image.imrotate(x, *self._args)


class RandomRotation(Block):
    """With probability `rotate_with_proba`, rotate a float32 (C, H, W) image or
    (N, C, H, W) batch by an angle drawn uniformly in `angle_limits` (degrees; one per
    image of a batch) as `Rotate` does. Draws from NumPy's global generator, as MXNet."""

    def __init__(self, angle_limits: Tuple[float, float], zoom_in: bool = False,
                 zoom_out: bool = False, rotate_with_proba: float = 1.0) -> None:
        super().__init__()
        lower, upper = angle_limits
        if lower >= upper:
            raise ValueError("`angle_limits` must be an ordered tuple")
        if rotate_with_proba < 0 or rotate_with_proba > 1:
            raise ValueError("Probability of rotating the image should be between 0 and 1")
        self._args = (angle_limits, zoom_in, zoom_out)
        self._rotate_with_proba = rotate_with_proba

    def forward(self, x: Any) -> Any:
        if np.random.random() > self._rotate_with_proba:
            return x
        _check_float32(x)
        return image.random_rotate(x, *self._args)
