"""mx.image: OpenCV-exact resizing (values captured from MXNet 1.9.1 / OpenCV 3.4.2 by
tests/data/mxnet/legacy/capture_imresize.py), borders, crops, augmenters, stand-ins."""
import os
import random

import numpy as np
import pytest

import tapegraph as mx

CASES = np.load(os.path.join(os.path.dirname(__file__), "..", "data", "mxnet", "legacy",
                             "imresize_cases.npz"))
N_SOURCES = len([k for k in CASES.files if k.startswith("src")])


@pytest.mark.parametrize("interp", range(5))
@pytest.mark.parametrize("dtype", ["uint8", "float32"])
def test_imresize_gives_opencv_values(interp, dtype):
    for k in range(N_SOURCES):
        src = mx.nd.array(CASES["src%d" % k], dtype=dtype)
        if dtype == "float32":
            src = src / 3.0
        expected = CASES["dst%d_%s_%d" % (k, dtype, interp)]
        got = mx.image.imresize(src, expected.shape[1], expected.shape[0], interp=interp)
        assert got.dtype == expected.dtype and got.shape == expected.shape
        if dtype == "uint8" or interp != 4:
            np.testing.assert_array_equal(got.asnumpy(), expected)
        else:  # Lanczos in float32: OpenCV sums the 8 taps in another order
            np.testing.assert_allclose(got.asnumpy(), expected, rtol=1e-6, atol=1e-4)


@pytest.mark.parametrize("btype", range(5))
def test_copy_make_border_matches_opencv_border_types(btype):
    got = mx.image.copyMakeBorder(mx.nd.array(CASES["src0"], dtype="uint8"), 1, 2, 3, 4,
                                  type=btype, values=(7, 8, 9))
    np.testing.assert_array_equal(got.asnumpy(), CASES["border_%d" % btype])


def test_crops_and_scale_down():
    img = mx.nd.array(np.arange(6 * 8 * 3).reshape(6, 8, 3), dtype="uint8")
    crop, rect = mx.image.center_crop(img, (4, 2))
    assert rect == (2, 2, 4, 2)
    np.testing.assert_array_equal(crop.asnumpy(), img.asnumpy()[2:4, 2:6])
    assert mx.image.scale_down((640, 480), (720, 120)) == (640, 106)
    random.seed(0)
    crop, (x, y, w, h) = mx.image.random_crop(img, (3, 3))
    np.testing.assert_array_equal(crop.asnumpy(), img.asnumpy()[y:y + 3, x:x + 3])
    assert mx.image.resize_short(img, 3).shape == (3, 4, 3)


def test_augmenters_compose_and_dump():
    random.seed(1)
    np.random.seed(1)
    augs = mx.image.CreateAugmenter((3, 4, 4), resize=5, rand_crop=True, rand_mirror=True,
                                    mean=True, std=True, brightness=0.1)
    out = mx.nd.array(np.random.randint(0, 255, (6, 8, 3)), dtype="uint8")
    for aug in augs:
        out = aug(out)
    assert out.shape == (4, 4, 3) and out.dtype == np.float32
    assert augs[0].dumps() == '["resizeaug", {"size": 5, "interp": 2}]'


def test_bad_input_is_reported():
    img = mx.nd.zeros((4, 4, 3))
    with pytest.raises(mx.MXNetError, match="interpolation"):
        mx.image.imresize(img, 2, 2, interp=7)
    with pytest.raises(ValueError, match="height, width, channels"):
        mx.image.imresize(mx.nd.zeros((4, 4)), 2, 2)
    with pytest.raises(ValueError, match="border type"):
        mx.image.copyMakeBorder(img, 1, 1, 1, 1, type=9)


def test_decoding_is_a_stand_in():
    for fn in (lambda: mx.image.imdecode(b"\xff\xd8"), lambda: mx.image.imread("a.jpg"),
               lambda: mx.image.ImageIter(2, (3, 4, 4)),
               lambda: mx.image.ImageDetIter(2, (3, 4, 4))):
        with pytest.raises(NotImplementedError, match="not implemented in tapegraph"):
            fn()
