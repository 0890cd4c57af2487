"""Image augmentations of `gluon.data.vision.transforms` (MXNet 1.9.1's): RandomApply,
the random flips, and CenterCrop where it is a pure crop. Every transform that resizes
or changes colours needs `mx.image` (OpenCV's resizing and MXNet's colour kernels),
which tapegraph does not implement: those are stand-ins raising NotImplementedError."""
from __future__ import annotations

import random as _pyrandom
from numbers import Number
from typing import Any

import numpy as np

from .... import random as _random
from ....unsupported import not_implemented_class
from ...block import Block
from ...nn import Sequential
from .transforms import _wrap_like, host_buffer

__all__ = ["RandomApply", "RandomFlipLeftRight", "RandomFlipTopBottom", "CenterCrop",
           "Resize", "CropResize", "RandomResizedCrop", "RandomBrightness", "RandomContrast",
           "RandomSaturation", "RandomHue", "RandomColorJitter", "RandomLighting",
           "RandomRotation", "Rotate"]

_IMAGE = ("it resizes or recolours images with mx.image (OpenCV interpolation and MXNet's "
          "image kernels), which tapegraph does not implement")


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


class _RandomFlip(Block):
    axis = 0

    def forward(self, x: Any) -> Any:
        data = host_buffer(x)
        if data.ndim not in (3, 4):
            raise ValueError("%s expects an (H, W, C) or (N, H, W, C) image, got shape %s"
                             % (type(self).__name__, data.shape))
        if _random.generator().random() >= 0.5:
            return x
        axis = self.axis + (data.ndim - 3)
        return _wrap_like(x, np.ascontiguousarray(np.flip(data, axis=axis)))


class RandomFlipLeftRight(_RandomFlip):
    """Flip an (H, W, C) image left to right with probability 0.5."""

    axis = 1


class RandomFlipTopBottom(_RandomFlip):
    """Flip an (H, W, C) image top to bottom with probability 0.5."""

    axis = 0


class CenterCrop(Block):
    """Crop an (H, W, C) image to `size` ((W, H) or an int) around its centre. MXNet
    upsamples an image smaller than `size`, which needs a resize: an error here."""

    def __init__(self, size: Any, interpolation: int = 1) -> None:
        super().__init__()
        if isinstance(size, Number):
            size = (size, size)
        self._args = (tuple(int(s) for s in size), interpolation)

    def forward(self, x: Any) -> Any:
        data = host_buffer(x)
        h, w = data.shape[0], data.shape[1]
        cw, ch = self._args[0]
        if cw > w or ch > h:
            raise NotImplementedError(
                "CenterCrop%s of a %dx%d image would upsample it, which is not implemented "
                "in tapegraph: %s" % (self._args[0], w, h, _IMAGE))
        x0, y0 = int((w - cw) / 2), int((h - ch) / 2)
        return _wrap_like(x, np.ascontiguousarray(data[y0:y0 + ch, x0:x0 + cw]))


def _stand_in(name: str) -> type:
    return not_implemented_class("gluon.data.vision.transforms." + name, _IMAGE, Block)


Resize = _stand_in("Resize")
CropResize = _stand_in("CropResize")
RandomResizedCrop = _stand_in("RandomResizedCrop")
RandomBrightness = _stand_in("RandomBrightness")
RandomContrast = _stand_in("RandomContrast")
RandomSaturation = _stand_in("RandomSaturation")
RandomHue = _stand_in("RandomHue")
RandomColorJitter = _stand_in("RandomColorJitter")
RandomLighting = _stand_in("RandomLighting")
RandomRotation = _stand_in("RandomRotation")
Rotate = _stand_in("Rotate")
