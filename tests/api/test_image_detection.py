"""mx.image's detection augmenters: random crop / pad searches, their label updates, the
CreateDetAugmenter / CreateMultiRandCropAugmenter factories, edge cases and MXNet's errors.
(Seeded values against real MXNet: tests/data/mxnet/scripts/image_det_augment.py.)"""
import logging
import random

import numpy as np
import pytest

import tapegraph as mx

LABEL = np.array([[0, 0.10, 0.15, 0.45, 0.60, 7.0], [2, 0.50, 0.40, 0.95, 0.90, 8.0]])


def _image(h=48, w=64):
    return mx.nd.array(np.random.RandomState(3).randint(0, 256, (h, w, 3)), dtype="uint8")


def test_crop_cuts_the_proposed_rectangle_and_moves_the_boxes():
    img = _image()
    aug = mx.image.DetRandomCropAug(area_range=(0.2, 0.6))
    random.seed(1)
    x, y, w, h, expected = aug._random_crop_proposal(LABEL, 48, 64)
    random.seed(1)
    out, label = aug(img, LABEL.copy())
    np.testing.assert_array_equal(out.asnumpy(), img.asnumpy()[y:y + h, x:x + w])
    np.testing.assert_array_equal(label, expected)
    assert 0.2 * 48 * 64 <= w * h <= 0.6 * 48 * 64
    assert (label[:, 1:5] >= 0).all() and (label[:, 1:5] <= 1).all()
    assert (label[:, 5] >= 7).all()  # extra columns are carried along
    # a kept box keeps its pixel position: back to image coordinates
    k = int(np.where(LABEL[:, 0] == label[0, 0])[0][0])
    xmin_px = label[0, 1] * w + x
    assert xmin_px == pytest.approx(max(LABEL[k, 1] * 64, x))


def test_crop_leaves_the_sample_when_no_proposal_is_found():
    img = _image()
    for aug, shape in [(mx.image.DetRandomCropAug(max_attempts=0), (48, 64)),
                       (mx.image.DetRandomCropAug(), (0, 64))]:
        assert aug._random_crop_proposal(LABEL, *shape) == ()
    out, label = mx.image.DetRandomCropAug(max_attempts=0)(img, LABEL)
    assert out is img and label is LABEL
    tiny = np.array([[0, 0.5, 0.5, 0.505, 0.505]])  # under 2 pixels: never satisfiable
    assert mx.image.DetRandomCropAug()._random_crop_proposal(tiny, 48, 64) == ()
    disabled = mx.image.DetRandomCropAug()
    disabled.enabled = False
    assert disabled._random_crop_proposal(LABEL, 48, 64) == ()


def test_crop_helpers():
    aug = mx.image.DetRandomCropAug(min_object_covered=0.5, min_eject_coverage=0.5)
    boxes = LABEL[:, 1:5]
    np.testing.assert_allclose(aug._calculate_areas(boxes), [0.35 * 0.45, 0.45 * 0.5])
    inter = aug._intersect(boxes, 0.0, 0.0, 0.3, 0.3)
    np.testing.assert_allclose(inter, [[0.1, 0.15, 0.3, 0.3], [0, 0, 0, 0]])
    assert not aug._check_satisfy_constraints(LABEL, 0, 0, 1, 1, 64, 48)  # one pixel
    assert aug._check_satisfy_constraints(LABEL, 0, 0, 64, 48, 64, 48)
    assert not aug._check_satisfy_constraints(LABEL, 0, 0, 10, 10, 64, 48)  # 0.1 covered
    # the second box is mostly outside: ejected; nothing left -> None
    kept = aug._update_labels(LABEL, (0, 0, 32, 48), 48, 64)
    assert kept[:, 0].tolist() == [0]
    np.testing.assert_allclose(kept[0, 1:5], [0.2, 0.15, 0.9, 0.6])
    assert aug._update_labels(LABEL, (60, 0, 4, 4), 48, 64) is None


def test_pad_places_the_image_on_a_filled_canvas():
    img = _image()
    aug = mx.image.DetRandomPadAug(area_range=(1.5, 2.5), pad_val=(300, 1.5, 2.5))
    random.seed(4)
    x, y, w, h, expected = aug._random_pad_proposal(LABEL, 48, 64)
    random.seed(4)
    out, label = aug(img, LABEL.copy())
    data = out.asnumpy()
    assert data.shape == (h, w, 3) and h - 48 >= 2 and w - 64 >= 2
    np.testing.assert_array_equal(data[y:y + 48, x:x + 64], img.asnumpy())
    border = np.ones((h, w), bool)
    border[y:y + 48, x:x + 64] = False
    assert (data[border] == [255, 2, 2]).all()  # OpenCV saturates and rounds half to even
    np.testing.assert_allclose(label, expected)
    np.testing.assert_allclose(label[:, 1] * w, LABEL[:, 1] * 64 + x)
    np.testing.assert_allclose(label[:, 4] * h, LABEL[:, 4] * 48 + y)


def test_pad_scalar_value_and_no_proposal():
    grey = _image()[:, :, :1]
    random.seed(0)
    out, _ = mx.image.DetRandomPadAug(area_range=2.0, pad_val=9)(grey, LABEL.copy())
    assert out.shape[2] == 1 and out.asnumpy()[0, 0, 0] == 9
    img = _image()
    out, label = mx.image.DetRandomPadAug(max_attempts=0)(img, LABEL)
    assert out is img and label is LABEL
    assert mx.image.DetRandomPadAug()._random_pad_proposal(LABEL, 48, 0) == ()


def test_copy_make_border_accepts_opencv_isolated_flag_and_scalar_values():
    img = _image(4, 5)
    plain = mx.image.copyMakeBorder(img, 1, 2, 3, 0, type=0, values=(4, 5, 6))
    isolated = mx.image.copyMakeBorder(img, 1, 2, 3, 0, type=16, values=(4, 5, 6))
    np.testing.assert_array_equal(plain.asnumpy(), isolated.asnumpy())
    scalar = mx.image.copyMakeBorder(img, 1, 0, 0, 0, type=16, values=7.6)
    assert scalar.asnumpy()[0, 0].tolist() == [8, 0, 0]


def test_seeded_runs_repeat_and_use_python_random_only():
    img = _image()
    augs = [mx.image.DetRandomCropAug(), mx.image.DetRandomPadAug(),
            mx.image.CreateMultiRandCropAugmenter(min_object_covered=[0.1, 0.5])]
    results = []
    for _ in range(2):
        random.seed(12)
        np.random.seed(5)
        runs = [aug(img, LABEL.copy()) for aug in augs for _ in range(3)]
        results.append([(o.asnumpy(), lab) for o, lab in runs])
        assert np.random.randint(1 << 30) == np.random.RandomState(5).randint(1 << 30)
    for (o1, l1), (o2, l2) in zip(*results):
        np.testing.assert_array_equal(o1, o2)
        np.testing.assert_array_equal(l1, l2)


def test_fixed_ranges_are_logged(caplog):
    with caplog.at_level(logging.INFO):
        crop = mx.image.DetRandomCropAug(aspect_ratio_range=1.0, area_range=0.5)
        mx.image.DetRandomPadAug(aspect_ratio_range=np.float32(1.2))
    assert crop.aspect_ratio_range == (1.0, 1.0) and crop.area_range == (0.5, 0.5)
    assert "Using fixed aspect ratio: 1.0 in DetRandomCropAug" in caplog.text
    assert "Using fixed area range: 0.5 in DetRandomCropAug" in caplog.text
    assert "Using fixed aspect ratio: 1.2 in DetRandomPadAug" in caplog.text


def test_invalid_ranges_fail_as_in_mxnet():
    # MXNet passes the range as warnings.warn's category: a TypeError at construction
    for make, kind in [(lambda: mx.image.DetRandomCropAug(area_range=(0.5, 0.1)), "tuple"),
                       (lambda: mx.image.DetRandomCropAug(area_range=[0, 0]), "list"),
                       (lambda: mx.image.DetRandomCropAug(aspect_ratio_range=(0, 1)), "tuple"),
                       (lambda: mx.image.DetRandomPadAug(area_range=(0.5, 1.0)), "tuple"),
                       (lambda: mx.image.DetRandomPadAug(aspect_ratio_range=(2, 1)), "tuple")]:
        with pytest.raises(TypeError, match="category must be a Warning subclass, not '%s'"
                           % kind):
            make()
    for make in [lambda: mx.image.DetRandomCropAug(area_range="all"),
                 lambda: mx.image.DetRandomPadAug(pad_val="grey"),
                 lambda: mx.image.CreateMultiRandCropAugmenter(min_object_covered=[0.1, 0.2],
                                                               max_attempts=[1, 2, 3]),
                 lambda: mx.image.CreateDetAugmenter((3, 8, 8), mean=[1, 2, 3]),
                 lambda: mx.image.CreateDetAugmenter((3, 8, 8), std=mx.nd.ones(3))]:
        with pytest.raises(AssertionError):
            make()


def test_multi_crop_aligns_list_parameters():
    multi = mx.image.CreateMultiRandCropAugmenter(
        min_object_covered=[0.1, 0.3, 0.5], area_range=[(0.1, 1.0)], skip_prob=0.25)
    assert isinstance(multi, mx.image.DetRandomSelectAug) and multi.skip_prob == 0.25
    assert [a.min_object_covered for a in multi.aug_list] == [0.1, 0.3, 0.5]
    assert all(a.area_range == (0.1, 1.0) for a in multi.aug_list)
    # only lists are per-augmenter values: a list range means one fixed value each
    pair = mx.image.CreateMultiRandCropAugmenter(aspect_ratio_range=[0.5, 2.0])
    assert [a.aspect_ratio_range for a in pair.aug_list] == [(0.5, 0.5), (2.0, 2.0)]


def test_create_det_augmenter_pipeline():
    augs = mx.image.CreateDetAugmenter((3, 20, 30), resize=40, rand_crop=0.5, rand_pad=0.4,
                                       rand_gray=0.1, rand_mirror=True, mean=True, std=True,
                                       brightness=0.1, hue=0.1, pca_noise=0.1,
                                       area_range=(0.3, 2.0), pad_val=(1, 2, 3))
    names = [type(a).__name__ for a in augs]
    assert names == ["DetBorrowAug", "DetRandomSelectAug", "DetHorizontalFlipAug",
                     "DetRandomSelectAug"] + ["DetBorrowAug"] * 7
    assert augs[1].skip_prob == 0.5 and augs[1].aug_list[0].area_range == (0.3, 2.0)
    pad = augs[3].aug_list[0]
    assert augs[3].skip_prob == pytest.approx(0.6)
    assert pad.area_range == (1.0, 2.0) and pad.pad_val == (1, 2, 3)
    assert augs[-1].dumps() == ["detborrowaug", '["colornormalizeaug", {"mean": [123.68, '
                                "116.28, 103.53], \"std\": [58.395, 57.12, 57.375]}]"]
    random.seed(0)
    np.random.seed(0)
    img, label = _image(), LABEL.copy()
    for aug in augs:
        img, label = aug(img, label)
    assert img.shape == (20, 30, 3) and img.dtype == np.float32
    assert label.shape[1] == 6
    minimal = mx.image.CreateDetAugmenter((3, 8, 8))
    assert [a.augmenter.dumps() for a in minimal] == [
        '["forceresizeaug", {"size": [8, 8], "interp": 2}]', '["castaug", {"type": "float32"}]']
