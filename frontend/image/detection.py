"""`mx.image.detection` (MXNet 1.9.1's): augmenters that transform an image and its (N, 5+)
label of [class, xmin, ymin, xmax, ymax, ...] boxes in normalised coordinates, and the
factories building MXNet's standard detection pipelines. `ImageDetIter`, which decodes
image files, is a stand-in."""
from __future__ import annotations

import numpy as np

from ..unsupported import not_implemented_class
from .augmenters import (CastAug, ColorJitterAug, ColorNormalizeAug, ForceResizeAug,
                         HueJitterAug, LightingAug, RandomGrayAug, ResizeAug)
from .det_augmenters import DetAugmenter, DetBorrowAug, DetHorizontalFlipAug, DetRandomSelectAug
from .det_crop_pad import DetRandomCropAug, DetRandomPadAug
from .image import CODEC

__all__ = ["DetAugmenter", "DetBorrowAug", "DetRandomSelectAug", "DetHorizontalFlipAug",
           "DetRandomCropAug", "DetRandomPadAug", "CreateMultiRandCropAugmenter",
           "CreateDetAugmenter", "ImageDetIter"]

_PCA_EIGVAL = [55.46, 4.794, 1.148]
_PCA_EIGVEC = [[-0.5675, 0.7192, 0.4009],
               [-0.5808, -0.0045, -0.8140],
               [-0.5836, -0.6948, 0.4203]]


def _align_parameters(params):
    """Each parameter as a list (a non-list value `v` is `[v]`), all of the longest length:
    one-element lists are repeated."""
    out_params = [p if isinstance(p, list) else [p] for p in params]
    num = max([1] + [len(p) for p in out_params])
    for k, p in enumerate(out_params):
        if len(p) != num:
            assert len(p) == 1
            out_params[k] = p * num
    return out_params


def CreateMultiRandCropAugmenter(min_object_covered=0.1, aspect_ratio_range=(0.75, 1.33),
                                 area_range=(0.05, 1.0), min_eject_coverage=0.3,
                                 max_attempts=50, skip_prob=0):
    """A `DetRandomSelectAug` over several `DetRandomCropAug`: each parameter may be a list
    (one value per crop augmenter) or a single value shared by all of them. Only lists
    count as lists: a tuple such as `aspect_ratio_range=(0.75, 1.33)` is one value."""
    aligned = _align_parameters([min_object_covered, aspect_ratio_range, area_range,
                                 min_eject_coverage, max_attempts])
    augs = [DetRandomCropAug(min_object_covered=moc, aspect_ratio_range=arr, area_range=ar,
                             min_eject_coverage=mec, max_attempts=ma)
            for moc, arr, ar, mec, ma in zip(*aligned)]
    return DetRandomSelectAug(augs, skip_prob=skip_prob)


def _check_stats(value, default):
    """`mean` / `std` of CreateDetAugmenter: True means `default`; else None or a NumPy
    array of 1 or 3 values."""
    if value is True:
        return np.array(default)
    if value is not None:
        assert isinstance(value, np.ndarray) and value.shape[0] in [1, 3]
    return value


def CreateDetAugmenter(data_shape, resize=0, rand_crop=0, rand_pad=0, rand_gray=0,
                       rand_mirror=False, mean=None, std=None, brightness=0, contrast=0,
                       saturation=0, pca_noise=0, hue=0, inter_method=2, min_object_covered=0.1,
                       aspect_ratio_range=(0.75, 1.33), area_range=(0.05, 3.0),
                       min_eject_coverage=0.3, max_attempts=50, pad_val=(127, 127, 127)):
    """MXNet's standard detection augmenter list for `data_shape` (C, H, W): resize the
    shorter edge (`resize` > 0), random crops with probability `rand_crop` (the crop
    parameters may be lists, see `CreateMultiRandCropAugmenter`; areas above 1 are capped
    by the crop), mirror, random padding with probability `rand_pad` (areas 1 to
    `area_range[1]`, filled with `pad_val`), resize to the data shape, cast to float32,
    colour jitter, hue, PCA lighting noise, grey, and normalisation (`mean=True` /
    `std=True` use ImageNet's statistics; otherwise NumPy arrays)."""
    auglist = []
    if resize > 0:
        auglist.append(DetBorrowAug(ResizeAug(resize, inter_method)))
    if rand_crop > 0:
        auglist.append(CreateMultiRandCropAugmenter(
            min_object_covered, aspect_ratio_range, area_range, min_eject_coverage,
            max_attempts, skip_prob=(1 - rand_crop)))
    if rand_mirror > 0:
        auglist.append(DetHorizontalFlipAug(0.5))
    if rand_pad > 0:  # as late as possible: padding makes the image larger
        pad_aug = DetRandomPadAug(aspect_ratio_range, (1.0, area_range[1]), max_attempts,
                                  pad_val)
        auglist.append(DetRandomSelectAug([pad_aug], 1 - rand_pad))
    auglist.append(DetBorrowAug(ForceResizeAug((data_shape[2], data_shape[1]), inter_method)))
    auglist.append(DetBorrowAug(CastAug()))
    if brightness or contrast or saturation:
        auglist.append(DetBorrowAug(ColorJitterAug(brightness, contrast, saturation)))
    if hue:
        auglist.append(DetBorrowAug(HueJitterAug(hue)))
    if pca_noise > 0:
        auglist.append(DetBorrowAug(LightingAug(pca_noise, np.array(_PCA_EIGVAL),
                                                np.array(_PCA_EIGVEC))))
    if rand_gray > 0:
        auglist.append(DetBorrowAug(RandomGrayAug(rand_gray)))
    mean = _check_stats(mean, [123.68, 116.28, 103.53])
    std = _check_stats(std, [58.395, 57.12, 57.375])
    if mean is not None or std is not None:
        auglist.append(DetBorrowAug(ColorNormalizeAug(mean, std)))
    return auglist


ImageDetIter = not_implemented_class("mx.image.ImageDetIter", CODEC)
