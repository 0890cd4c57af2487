"""MXNet 1.9.1's random crop and random pad of a detection sample: a search for a
crop/pad rectangle meeting area, aspect-ratio and box-coverage constraints, and the labels
moved into it. Labels are NumPy (N, 5+) arrays of [class, xmin, ymin, xmax, ymax, ...] in
normalised coordinates. Random draws are Python `random` calls in MXNet's order, so seeded
runs give MXNet's crops and pads."""
from __future__ import annotations

import logging
from math import sqrt
import random

import numpy as np

from .det_augmenters import DetAugmenter
from .image import copyMakeBorder, fixed_crop

__all__ = ["DetRandomCropAug", "DetRandomPadAug"]

_NUMERIC = (float, int, np.generic)  # MXNet's base.numeric_types
_BORDER_CONSTANT_ISOLATED = 16  # OpenCV's BORDER_CONSTANT | BORDER_ISOLATED, as MXNet pads


def _as_range(value, what, owner):
    """`value` as a (low, high) pair: a number `v` becomes (v, v), logged as MXNet does."""
    if isinstance(value, (tuple, list)):
        return value
    assert isinstance(value, _NUMERIC)
    if what == "aspect ratio":
        logging.info("Using fixed aspect ratio: %s in %s", str(value), owner)
    else:
        logging.info("Using fixed area range: %s in %s", value, owner)
    return (value, value)


def _skip(message, bad_range):
    """MXNet 1.9.1 reports invalid ranges with `warnings.warn(message, bad_range)`, which
    passes the range as the warning category: Python rejects it with this TypeError, so
    invalid ranges fail at construction."""
    raise TypeError("category must be a Warning subclass, not '%s'" % type(bad_range).__name__)


def _areas(boxes):
    """Areas of (N, 4+) boxes [xmin, ymin, xmax, ymax, ...]; empty boxes have area 0."""
    heights = np.maximum(0, boxes[:, 3] - boxes[:, 1])
    widths = np.maximum(0, boxes[:, 2] - boxes[:, 0])
    return heights * widths


class DetRandomCropAug(DetAugmenter):
    """Random crop keeping at least `min_object_covered` of every box it touches.

    Tries up to `max_attempts` rectangles of aspect ratio (w / h) in `aspect_ratio_range`
    and area fraction in `area_range`; boxes covered by less than `min_eject_coverage`
    after the crop are dropped. If no attempt succeeds the sample is returned unchanged.
    """

    def __init__(self, min_object_covered=0.1, aspect_ratio_range=(0.75, 1.33),
                 area_range=(0.05, 1.0), min_eject_coverage=0.3, max_attempts=50):
        aspect_ratio_range = _as_range(aspect_ratio_range, "aspect ratio", "DetRandomCropAug")
        area_range = _as_range(area_range, "area", "DetRandomCropAug")
        super().__init__(min_object_covered=min_object_covered,
                         aspect_ratio_range=aspect_ratio_range, area_range=area_range,
                         min_eject_coverage=min_eject_coverage, max_attempts=max_attempts)
        self.min_object_covered = min_object_covered
        self.min_eject_coverage = min_eject_coverage
        self.max_attempts = max_attempts
        self.aspect_ratio_range = aspect_ratio_range
        self.area_range = area_range
        self.enabled = False
        if area_range[1] <= 0 or area_range[0] > area_range[1]:
            _skip("Skip DetRandomCropAug due to invalid area_range: %s", area_range)
        elif aspect_ratio_range[0] > aspect_ratio_range[1] or aspect_ratio_range[0] <= 0:
            _skip("Skip DetRandomCropAug due to invalid aspect_ratio_range: %s",
                  aspect_ratio_range)
        else:
            self.enabled = True

    def __call__(self, src, label):
        crop = self._random_crop_proposal(label, src.shape[0], src.shape[1])
        if crop:
            x, y, w, h, label = crop
            src = fixed_crop(src, x, y, w, h, None)
        return (src, label)

    def _calculate_areas(self, label):
        """Areas of boxes given as rows [xmin, ymin, xmax, ymax, ...]."""
        return _areas(label)

    def _intersect(self, label, xmin, ymin, xmax, ymax):
        """The boxes clipped to the rectangle; boxes outside it become all zeros."""
        left = np.maximum(label[:, 0], xmin)
        right = np.minimum(label[:, 2], xmax)
        top = np.maximum(label[:, 1], ymin)
        bot = np.minimum(label[:, 3], ymax)
        invalid = np.where(np.logical_or(left >= right, top >= bot))[0]
        out = label.copy()
        out[:, 0] = left
        out[:, 1] = top
        out[:, 2] = right
        out[:, 3] = bot
        out[invalid, :] = 0
        return out

    def _check_satisfy_constraints(self, label, xmin, ymin, xmax, ymax, width, height):
        """Whether the pixel rectangle covers more than `min_object_covered` of each
        (non-tiny) box it overlaps, and overlaps at least one."""
        if (xmax - xmin) * (ymax - ymin) < 2:
            return False  # only 1 pixel
        x1 = float(xmin) / width
        y1 = float(ymin) / height
        x2 = float(xmax) / width
        y2 = float(ymax) / height
        object_areas = self._calculate_areas(label[:, 1:])
        valid_objects = np.where(object_areas * width * height > 2)[0]
        if valid_objects.size < 1:
            return False
        intersects = self._intersect(label[valid_objects, 1:], x1, y1, x2, y2)
        coverages = self._calculate_areas(intersects) / object_areas[valid_objects]
        coverages = coverages[np.where(coverages > 0)[0]]
        return coverages.size > 0 and np.amin(coverages) > self.min_object_covered

    def _update_labels(self, label, crop_box, height, width):
        """The labels in the coordinates of `crop_box` (x, y, w, h) pixels, without the
        boxes covered less than `min_eject_coverage`; None if no box remains."""
        xmin = float(crop_box[0]) / width
        ymin = float(crop_box[1]) / height
        w = float(crop_box[2]) / width
        h = float(crop_box[3]) / height
        out = label.copy()
        out[:, (1, 3)] -= xmin
        out[:, (2, 4)] -= ymin
        out[:, (1, 3)] /= w
        out[:, (2, 4)] /= h
        out[:, 1:5] = np.maximum(0, out[:, 1:5])
        out[:, 1:5] = np.minimum(1, out[:, 1:5])
        coverage = self._calculate_areas(out[:, 1:]) * w * h / self._calculate_areas(label[:, 1:])
        valid = np.logical_and(out[:, 3] > out[:, 1], out[:, 4] > out[:, 2])
        valid = np.logical_and(valid, coverage > self.min_eject_coverage)
        valid = np.where(valid)[0]
        if valid.size < 1:
            return None
        return out[valid, :]

    def _random_crop_proposal(self, label, height, width):
        """(x, y, w, h, new_label) of an accepted crop, or () after `max_attempts`."""
        if not self.enabled or height <= 0 or width <= 0:
            return ()
        min_area = self.area_range[0] * height * width
        max_area = self.area_range[1] * height * width
        for _ in range(self.max_attempts):
            ratio = random.uniform(*self.aspect_ratio_range)
            if ratio <= 0:
                continue
            h = int(round(sqrt(min_area / ratio)))
            max_h = int(round(sqrt(max_area / ratio)))
            if round(max_h * ratio) > width:
                # the smallest max_h with round(max_h * ratio) <= width
                max_h = int((width + 0.4999999) / ratio)
            if max_h > height:
                max_h = height
            if h > max_h:
                h = max_h
            if h < max_h:
                h = random.randint(h, max_h)
            w = int(round(h * ratio))
            assert w <= width
            area = w * h  # fix rounding problems
            if area < min_area:
                h += 1
                w = int(round(h * ratio))
                area = w * h
            if area > max_area:
                h -= 1
                w = int(round(h * ratio))
                area = w * h
            if not (min_area <= area <= max_area and 0 <= w <= width and 0 <= h <= height):
                continue
            y = random.randint(0, max(0, height - h))
            x = random.randint(0, max(0, width - w))
            if self._check_satisfy_constraints(label, x, y, x + w, y + h, width, height):
                new_label = self._update_labels(label, (x, y, w, h), height, width)
                if new_label is not None:
                    return (x, y, w, h, new_label)
        return ()


class DetRandomPadAug(DetAugmenter):
    """Random padding: place the image in a larger canvas filled with `pad_val`.

    The canvas has aspect ratio (w / h) in `aspect_ratio_range` and `area_range` times the
    image's area (at least 2 pixels of padding each way); the boxes move with the image.
    If no attempt of `max_attempts` succeeds the sample is returned unchanged.
    """

    def __init__(self, aspect_ratio_range=(0.75, 1.33), area_range=(1.0, 3.0),
                 max_attempts=50, pad_val=(128, 128, 128)):
        if not isinstance(pad_val, (list, tuple)):
            assert isinstance(pad_val, _NUMERIC)
        aspect_ratio_range = _as_range(aspect_ratio_range, "aspect ratio", "DetRandomPadAug")
        area_range = _as_range(area_range, "area", "DetRandomPadAug")
        super().__init__(aspect_ratio_range=aspect_ratio_range, area_range=area_range,
                         max_attempts=max_attempts, pad_val=pad_val)
        self.pad_val = pad_val
        self.aspect_ratio_range = aspect_ratio_range
        self.area_range = area_range
        self.max_attempts = max_attempts
        self.enabled = False
        if area_range[1] <= 1.0 or area_range[0] > area_range[1]:
            _skip("Skip DetRandomPadAug due to invalid parameters: %s", area_range)
        elif aspect_ratio_range[0] <= 0 or aspect_ratio_range[0] > aspect_ratio_range[1]:
            _skip("Skip DetRandomPadAug due to invalid aspect_ratio_range: %s",
                  aspect_ratio_range)
        else:
            self.enabled = True

    def __call__(self, src, label):
        height, width, _ = src.shape
        pad = self._random_pad_proposal(label, height, width)
        if pad:
            x, y, w, h, label = pad
            src = copyMakeBorder(src, y, h - y - height, x, w - x - width,
                                 _BORDER_CONSTANT_ISOLATED, values=self.pad_val)
        return (src, label)

    def _update_labels(self, label, pad_box, height, width):
        """The labels in the coordinates of the canvas `pad_box` (x, y, w, h) pixels."""
        out = label.copy()
        out[:, (1, 3)] = (out[:, (1, 3)] * width + pad_box[0]) / pad_box[2]
        out[:, (2, 4)] = (out[:, (2, 4)] * height + pad_box[1]) / pad_box[3]
        return out

    def _random_pad_proposal(self, label, height, width):
        """(x, y, w, h, new_label) of an accepted canvas, or () after `max_attempts`."""
        if not self.enabled or height <= 0 or width <= 0:
            return ()
        min_area = self.area_range[0] * height * width
        max_area = self.area_range[1] * height * width
        for _ in range(self.max_attempts):
            ratio = random.uniform(*self.aspect_ratio_range)
            if ratio <= 0:
                continue
            h = int(round(sqrt(min_area / ratio)))
            max_h = int(round(sqrt(max_area / ratio)))
            if round(h * ratio) < width:
                h = int((width + 0.499999) / ratio)
            if h < height:
                h = height
            if h > max_h:
                h = max_h
            if h < max_h:
                h = random.randint(h, max_h)
            w = int(round(h * ratio))
            if (h - height) < 2 or (w - width) < 2:
                continue  # marginal padding is not helpful
            y = random.randint(0, max(0, h - height))
            x = random.randint(0, max(0, w - width))
            return (x, y, w, h, self._update_labels(label, (x, y, w, h), height, width))
        return ()
