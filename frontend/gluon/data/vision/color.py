"""Colour augmentations of `gluon.data.vision.transforms`, as MXNet 1.9.1 defines them:
HybridBlocks over the random operators of `mx.nd.image` (RandomBrightness,
RandomContrast, RandomSaturation, RandomHue, RandomColorJitter, RandomLighting) on
(H, W, C) images with 1 or 3 channels. Their factors are drawn by the operators from
tapegraph's generator (`mx.random.seed`), one per call (see
tapegraph.ir.ops.image_color): a hybridized block draws anew on every call."""
from __future__ import annotations

from typing import Any

from ...block import HybridBlock
from .augment import image_ops

__all__ = ["RandomBrightness", "RandomContrast", "RandomSaturation", "RandomHue",
           "RandomColorJitter", "RandomLighting"]


class _RandomFactor(HybridBlock):
    operator = ""

    def __init__(self, strength: float) -> None:
        super().__init__()
        self._args = (max(0, 1 - strength), 1 + strength)

    def hybrid_forward(self, F: Any, x: Any) -> Any:
        return getattr(image_ops(F), self.operator)(x, *self._args)


class RandomBrightness(_RandomFactor):
    """Scale every value of an (H, W, C) image by a factor drawn uniformly in
    [max(0, 1 - brightness), 1 + brightness]."""

    operator = "random_brightness"

    def __init__(self, brightness: float) -> None:
        super().__init__(brightness)


class RandomContrast(_RandomFactor):
    """Blend an (H, W, C) image with its mean grey level, a * x + (1 - a) * mean, the
    factor a drawn uniformly in [max(0, 1 - contrast), 1 + contrast]."""

    operator = "random_contrast"

    def __init__(self, contrast: float) -> None:
        super().__init__(contrast)


class RandomSaturation(_RandomFactor):
    """Scale an (H, W, 3) image's saturation by a factor drawn uniformly in
    [max(0, 1 - saturation), 1 + saturation]."""

    operator = "random_saturation"

    def __init__(self, saturation: float) -> None:
        super().__init__(saturation)


class RandomHue(_RandomFactor):
    """Turn an (H, W, 3) image's hue by factor * 360 degrees, the factor drawn uniformly
    in [max(0, 1 - hue), 1 + hue] (a factor of 1 is a full turn)."""

    operator = "random_hue"

    def __init__(self, hue: float) -> None:
        super().__init__(hue)


class RandomColorJitter(HybridBlock):
    """Jitter the brightness, contrast, saturation and hue of an (H, W, C) image in a
    random order, each whose strength s is positive by a factor drawn in 1 + [-s, s]
    (hue: turned by [-s, s] * 360 degrees)."""

    def __init__(self, brightness: float = 0, contrast: float = 0, saturation: float = 0,
                 hue: float = 0) -> None:
        super().__init__()
        self._args = (brightness, contrast, saturation, hue)

    def hybrid_forward(self, F: Any, x: Any) -> Any:
        return image_ops(F).random_color_jitter(x, *self._args)


class RandomLighting(HybridBlock):
    """Add AlexNet's PCA-based lighting noise to an (H, W, 3) image, its three weights
    drawn from N(0, alpha)."""

    def __init__(self, alpha: float) -> None:
        super().__init__()
        self._alpha = alpha

    def hybrid_forward(self, F: Any, x: Any) -> Any:
        return image_ops(F).random_lighting(x, self._alpha)
