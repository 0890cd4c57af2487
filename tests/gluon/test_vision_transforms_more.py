"""The resizing, cropping, rotating and colour transforms of gluon.data.vision.transforms
and the mx.nd.image operators under them, against MXNet 1.9.1's results (captured by
tests/data/mxnet/vision_transforms/capture.py: values.npz, errors.json)."""
import json
import os
import random

import numpy as np
import pytest

import tapegraph as mx
from tapegraph.base import MXNetError

T = mx.gluon.data.vision.transforms
HERE = os.path.join(os.path.dirname(__file__), "..", "data", "mxnet", "vision_transforms")
VALUES = np.load(os.path.join(HERE, "values.npz"))
with open(os.path.join(HERE, "errors.json")) as f:
    ERRORS = json.load(f)


def nd(name):
    a = VALUES["in_" + name]
    return mx.nd.array(a, dtype=a.dtype)


def check(got, key, atol=0.0):
    want = VALUES[key]
    got = got.asnumpy()
    assert got.dtype == want.dtype and got.shape == want.shape, key
    np.testing.assert_allclose(got.astype("float64"), want.astype("float64"), atol=atol,
                               rtol=0, err_msg=key)


@pytest.mark.parametrize("op", ["brightness", "contrast", "saturation", "hue"])
@pytest.mark.parametrize("name", ["u8", "f32"])
@pytest.mark.parametrize("factor", [0.0, 0.45, 1.0, 1.8])
def test_colour_operators_at_a_fixed_factor_are_mxnets(op, name, factor):
    fn = getattr(mx.nd.image, "random_" + op)
    check(fn(nd(name), factor, factor), "%s_%s_%g" % (op, name, factor),
          atol=1e-3 if name == "f32" else 0)


@pytest.mark.parametrize("name", ["u8", "f32"])
def test_adjust_lighting_is_mxnets(name):
    for i, alpha in enumerate([(0.1, 0.2, 0.3), (-1.5, 0.7, 2.0)]):
        check(mx.nd.image.adjust_lighting(nd(name), alpha), "lighting_%s_%d" % (name, i),
              atol=1e-4 if name == "f32" else 0)


def test_one_channel_images():
    for op in ("brightness", "contrast", "saturation"):
        check(getattr(mx.nd.image, "random_" + op)(nd("gray"), 0.6, 0.6), op + "_gray")
    # MXNet 1.9.1 leaves the output uninitialised for hue and lighting: a copy here
    gray = nd("gray")
    assert (mx.nd.image.random_hue(gray, 1.3, 1.3).asnumpy() == gray.asnumpy()).all()
    assert (mx.nd.image.adjust_lighting(gray, (1, 2, 3)).asnumpy() == gray.asnumpy()).all()


@pytest.mark.parametrize("interp", range(5))
@pytest.mark.parametrize("name", ["u8", "f32"])
def test_resize_every_interpolation(interp, name):
    atol = 0 if name == "u8" else 2e-3
    check(T.Resize((5, 4), interpolation=interp)(nd(name)), "resize_%s_%d" % (name, interp),
          atol)
    check(mx.nd.image.resize(nd(name), (13, 10), interp=interp),
          "upsize_%s_%d" % (name, interp), atol)


def test_resize_batches_dtypes_and_crops():
    batch = nd("batch")
    check(T.Resize(3, keep_ratio=True)(batch), "resize_batch_keep")
    check(mx.nd.image.resize(batch[0].astype("float64"), (4, 3), interp=2), "resize_f64",
          atol=1e-9)
    check(mx.nd.image.crop(batch, 1, 2, 4, 3), "crop_batch")
    check(T.CenterCrop((12, 8))(nd("u8")), "centercrop_up")
    check(T.CropResize(2, 1, 5, 4, size=(3, 6), interpolation=2)(nd("u8")), "cropresize")


def test_rotate_is_mxnets():
    tensor = T.ToTensor()(nd("u8"))
    check(T.Rotate(33)(tensor), "rotate_33", atol=1e-5)
    check(T.Rotate(-20, zoom_in=True)(tensor), "rotate_zoom_in", atol=1e-5)
    np.random.seed(0)
    assert T.RandomRotation((-5, 5), rotate_with_proba=0)(tensor) is tensor


ERROR_CALLS = {
    "resize_size3": lambda u8, b: mx.nd.image.resize(u8, (3, 2, 1)),
    "resize_size0": lambda u8, b: mx.nd.image.resize(u8, 0),
    "resize_2d": lambda u8, b: mx.nd.image.resize(u8[:, :, 0], 3),
    "resize_interp": lambda u8, b: mx.nd.image.resize(u8, 3, interp=7),
    "crop_wide": lambda u8, b: mx.nd.image.crop(u8, 5, 0, 5, 2),
    "crop_tall": lambda u8, b: mx.nd.image.crop(u8, 0, 5, 2, 5),
    "crop_zero": lambda u8, b: mx.nd.image.crop(u8, 0, 0, 0, 2),
    "crop_channels": lambda u8, b: mx.nd.image.crop(u8[:, :, :2], 0, 0, 2, 2),
    "brightness_batch": lambda u8, b: mx.nd.image.random_brightness(b, 1, 1),
    "contrast_channels": lambda u8, b: mx.nd.image.random_contrast(u8[:, :, :2], 1, 1),
    "brightness_negative": lambda u8, b: mx.nd.image.random_brightness(u8, -1, 1),
    "rotate_uint8": lambda u8, b: T.Rotate(10)(u8),
    "rotation_limits": lambda u8, b: T.RandomRotation((5, 5)),
    "rotation_proba": lambda u8, b: T.RandomRotation((0, 5), rotate_with_proba=-0.1),
}


def _essence(message):
    """The human part of an MXNet check message (after the failed condition)."""
    text = message.split(" error: ")[-1].split("Bad argument) ")[-1]
    return text.split(": ")[-1].split(" (")[0].strip()


@pytest.mark.parametrize("key", sorted(ERROR_CALLS))
def test_errors_name_the_problem_as_mxnet(key):
    kind, message = ERRORS[key]
    expected = MXNetError if kind == "MXNetError" else getattr(__builtins__, kind, None) \
        or {"TypeError": TypeError, "ValueError": ValueError}[kind]
    u8 = nd("u8")
    before = u8.asnumpy().copy()
    with pytest.raises(expected) as info:
        ERROR_CALLS[key](u8, nd("batch"))
    assert _essence(message).replace("got2", "got 2") in str(info.value).replace(
        "got2", "got 2"), (message, str(info.value))
    assert (u8.asnumpy() == before).all()


def test_refused_dtypes_and_missing_interpolation():
    u8 = nd("u8")
    for dtype in ("float16", "int32", "int8"):
        with pytest.raises(MXNetError, match="resize"):
            mx.nd.image.resize(u8.astype(dtype), 3)
    with pytest.raises(MXNetError, match="interp expect int but value='None'"):
        T.CropResize(0, 0, 3, 3, size=2)(u8)
    with pytest.raises(MXNetError, match="alpha"):
        mx.nd.image.adjust_lighting(u8, (0.1, 0.2))


def test_random_transforms_ranges_and_fixed_cases():
    mx.random.seed(1)
    img = nd("u8")
    data = img.asnumpy().astype("float64")
    for _ in range(5):
        out = T.RandomBrightness(0.5)(img).asnumpy().astype("float64")
        ratio = out[data > 50] / data[data > 50]
        assert 0.49 <= ratio.min() and ratio.max() <= 1.51
    for cls in (T.RandomBrightness, T.RandomContrast, T.RandomSaturation, T.RandomLighting):
        assert (cls(0)(img).asnumpy() == img.asnumpy()).all(), cls.__name__
    assert (T.RandomColorJitter()(img).asnumpy() == img.asnumpy()).all()
    out = T.RandomColorJitter(0.3, 0.3, 0.3, 0.1)(img)
    assert out.shape == img.shape and out.dtype == np.uint8
    random.seed(2)
    assert T.RandomResizedCrop((4, 5))(img).shape == (5, 4, 3)


def test_draws_follow_the_seed_and_change_between_calls():
    img = nd("f32")
    mx.random.seed(7)
    first = [T.RandomHue(0.4)(img).asnumpy() for _ in range(2)]
    mx.random.seed(7)
    again = T.RandomHue(0.4)(img).asnumpy()
    assert (first[0] == again).all() and not (first[0] == first[1]).all()


def test_hybridized_compose_traces_and_redraws():
    img = nd("u8")
    pipeline = T.Compose([T.Resize(6, keep_ratio=True), T.RandomBrightness(0.5),
                          T.RandomContrast(0.5), T.CropResize(1, 1, 4, 4)])
    assert isinstance(pipeline[0], mx.gluon.nn.HybridSequential)
    outs = [pipeline(img).asnumpy() for _ in range(3)]
    assert outs[0].shape == (4, 4, 3)
    assert not all((outs[0] == o).all() for o in outs[1:])
    fixed = T.Compose([T.Resize((5, 4)), T.RandomSaturation(0), T.CropResize(0, 0, 5, 4)])
    check(fixed(nd("u8")), "resize_u8_1")
    check(fixed(nd("u8")), "resize_u8_1")


def test_numpy_mode():
    with mx.util.np_array(True):
        img = mx.np.array(VALUES["in_u8"], dtype="uint8")
        out = T.Resize((5, 4))(img)
        assert isinstance(out, mx.np.ndarray)
        np.testing.assert_array_equal(out.asnumpy(), VALUES["resize_u8_1"])
        assert T.RandomBrightness(0)(img).shape == (7, 9, 3)


def test_basic_transforms_are_hybrid_blocks_and_compose_hybridizes_them():
    """As in MXNet 1.9.1: Cast, ToTensor, Normalize and the random flips are HybridBlocks
    over F.cast / F.image.*, so a Compose of them is one hybridized HybridSequential that
    traces once and gives the eager values."""
    from tapegraph.gluon.data.vision import transforms as T
    for cls in (T.Cast, T.ToTensor, T.Normalize, T.RandomFlipLeftRight, T.RandomFlipTopBottom):
        assert issubclass(cls, mx.gluon.HybridBlock), cls
    pipeline = T.Compose([T.Cast("float32"), T.ToTensor(),
                          T.Normalize(mean=(0.1, 0.2, 0.3), std=(0.5, 0.5, 0.5))])
    assert len(pipeline) == 1 and isinstance(pipeline[0], mx.gluon.nn.HybridSequential)
    image = np.random.RandomState(0).randint(0, 255, (4, 5, 3)).astype(np.uint8)
    want = (image.transpose(2, 0, 1) / 255.0 - np.array([0.1, 0.2, 0.3]).reshape(3, 1, 1)) / 0.5
    for _ in range(2):
        np.testing.assert_allclose(pipeline(mx.nd.array(image, dtype="uint8")).asnumpy(),
                                   want, rtol=1e-6, atol=1e-6)
    assert pipeline[0]._cached  # traced, then replayed
    with pytest.raises(ValueError, match="there must be one NDArray or one Symbol"):
        T.ToTensor()(image)  # a NumPy array is not an input of a HybridBlock (MXNet's error)
