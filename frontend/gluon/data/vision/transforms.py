"""`gluon.data.vision.transforms` basics: Compose, Cast, ToTensor, Normalize.

MXNet makes these HybridBlocks and `Compose` hybridizes runs of them; here they are Blocks
computing on the NumPy buffer (they prepare data, outside any recorded graph), and
`Compose` is a `Sequential` of them. Values and error messages follow MXNet 1.9.1's
`image.to_tensor` / `image.normalize`.
"""
from __future__ import annotations

from typing import Any, List, Sequence, Union

import numpy as np

from ....base import MXNetError
from ....inplace import buffer
from ....trace import host_reads
from ....ndarray.ndarray import NDArray
from ....util import is_np_array  # noqa: F401  (MXNet's module exports it)
from ...block import Block
from ...block import HybridBlock
from ...nn import HybridSequential, Sequential

__all__ = ["Compose", "Cast", "ToTensor", "Normalize"]


def host_buffer(x: Any) -> np.ndarray:
    """`x`'s values on the host, noted (trace.host_reads): a hybridized block calling
    this transform runs its forward eagerly after the call that traced it."""
    host_reads.note(x)
    return buffer(x)


def _wrap_like(x: Any, data: np.ndarray) -> Any:
    return type(x)._wrap(data) if isinstance(x, NDArray) else data


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


class Cast(Block):
    """Converts to `dtype`."""

    def __init__(self, dtype: Any = "float32") -> None:
        super().__init__()
        self._dtype = np.dtype(dtype)

    def forward(self, x: Any) -> Any:
        return _wrap_like(x, host_buffer(x).astype(self._dtype))


class ToTensor(Block):
    """(H, W, C) or (N, H, W, C) values in [0, 255] to (C, H, W) or (N, C, H, W) float32
    values in [0, 1]."""

    def __init__(self) -> None:
        super().__init__()

    def forward(self, x: Any) -> Any:
        data = host_buffer(x)
        if data.ndim not in (3, 4):
            raise MXNetError("Input image must have shape (height, width, channels), or "
                             "(N, height, width, channels) but got %s" % (list(data.shape),))
        axes = (2, 0, 1) if data.ndim == 3 else (0, 3, 1, 2)
        out = np.ascontiguousarray(data.transpose(axes), dtype=np.float32)
        out /= np.float32(255.0)
        return _wrap_like(x, out)


class Normalize(Block):
    """(x - mean[c]) / std[c] for each channel c of a (C, H, W) or (N, C, H, W) tensor;
    `mean` and `std` are scalars or one value per channel."""

    def __init__(self, mean: Union[float, Sequence[float]] = 0.0,
                 std: Union[float, Sequence[float]] = 1.0) -> None:
        super().__init__()
        self._mean = np.atleast_1d(np.asarray(mean, dtype=np.float32))
        self._std = np.atleast_1d(np.asarray(std, dtype=np.float32))

    def forward(self, x: Any) -> Any:
        data = host_buffer(x)
        if data.ndim not in (3, 4):
            raise MXNetError("Input tensor must have shape (channels, height, width), or "
                             "(N, channels, height, width), but got %s" % (list(data.shape),))
        channels = data.shape[-3]
        for what, value in (("mean", self._mean), ("std", self._std)):
            if value.size not in (1, channels):
                raise MXNetError("Invalid %s for input with shape %s. %s must have either 1 "
                                 "or %d elements, but got %s" % (
                                     what, list(data.shape), what, channels,
                                     list(value.shape)))
        shape = (-1, 1, 1)
        out = (data - self._mean.reshape(shape)) / self._std.reshape(shape)
        return _wrap_like(x, out.astype(data.dtype, copy=False))


from .augment import (CenterCrop, CropResize, RandomApply, RandomFlipLeftRight,  # noqa: E402,F401
                      RandomFlipTopBottom, RandomResizedCrop, RandomRotation, Resize, Rotate)
from .color import (RandomBrightness, RandomColorJitter, RandomContrast,  # noqa: E402,F401
                    RandomHue, RandomLighting, RandomSaturation)
