"""`gluon.data.vision.transforms` basics: Compose, Cast, ToTensor, Normalize.

As in MXNet 1.9.1, Cast, ToTensor and Normalize are HybridBlocks over `F.cast`,
`F.image.to_tensor` and `F.image.normalize` (mx.npx's in NumPy mode), and `Compose`
hybridizes each run of two or more of them. Values and error messages are MXNet's.
"""
from __future__ import annotations

from typing import Any, List, Sequence, Union

import numpy as np  # noqa: F401  (MXNet's module exports it)

from ....util import is_np_array
from .... import numpy_extension as _npx
from ...block import Block, HybridBlock  # noqa: F401  (Block: MXNet's module exports it)
from ...nn import HybridSequential, Sequential

__all__ = ["Compose", "Cast", "ToTensor", "Normalize"]


class Compose(Sequential):
    """Applies `transforms` in order. As MXNet's, each run of two or more consecutive
    HybridBlocks becomes one hybridized HybridSequential (MXNet also appends None to the
    caller's list; the list is left unchanged here)."""

    def __init__(self, transforms: Sequence[Any]) -> None:
        super().__init__()
        run: List[Any] = []
        for t in list(transforms) + [None]:
            if isinstance(t, HybridBlock):
                run.append(t)
                continue
            if len(run) == 1:
                self.add(run[0])
            elif len(run) > 1:
                block = HybridSequential()
                block.add(*run)
                block.hybridize()
                self.add(block)
            run = []
            if t is not None:
                self.add(t)


def image_ops(F: Any) -> Any:
    """The image operators for `F` (mx.nd), or mx.npx's in NumPy mode (MXNet's
    `F = F.npx` when `is_np_array()`)."""
    return _npx.image if is_np_array() else F.image


class Cast(HybridBlock):
    """Converts to `dtype` (`F.cast`)."""

    def __init__(self, dtype: Any = "float32") -> None:
        super().__init__()
        self._dtype = dtype

    def hybrid_forward(self, F: Any, x: Any) -> Any:
        return (_npx if is_np_array() else F).cast(x, self._dtype)


class ToTensor(HybridBlock):
    """(H, W, C) or (N, H, W, C) values in [0, 255] to (C, H, W) or (N, C, H, W) float32
    values in [0, 1] (`F.image.to_tensor`)."""

    def __init__(self) -> None:
        super().__init__()

    def hybrid_forward(self, F: Any, x: Any) -> Any:
        return image_ops(F).to_tensor(x)


class Normalize(HybridBlock):
    """(x - mean[c]) / std[c] for each channel c of a (C, H, W) or (N, C, H, W) tensor;
    `mean` and `std` are scalars or one value per channel (`F.image.normalize`)."""

    def __init__(self, mean: Union[float, Sequence[float]] = 0.0,
                 std: Union[float, Sequence[float]] = 1.0) -> None:
        super().__init__()
        self._mean = mean
        self._std = std

    def hybrid_forward(self, F: Any, x: Any) -> Any:
        return image_ops(F).normalize(x, self._mean, self._std)


from .augment import (CenterCrop, CropResize, RandomApply, RandomFlipLeftRight,  # noqa: E402,F401
                      RandomFlipTopBottom, RandomResizedCrop, RandomRotation, Resize, Rotate)
from .color import (RandomBrightness, RandomColorJitter, RandomContrast,  # noqa: E402,F401
                    RandomHue, RandomLighting, RandomSaturation)
