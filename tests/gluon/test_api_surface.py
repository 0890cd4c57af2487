"""Every public name of MXNet 1.9.1's Gluon classes and modules exists here
(tests/data/mxnet/gluon_features/api_dir.json, tools/capture_gluon_features.py): as a
working implementation or as a stand-in raising NotImplementedError with its reason.
Only names that are MXNet's own import plumbing (modules and helpers its files import for
themselves) are exempt, listed below."""
import json
import os

import numpy as np
import pytest

import tapegraph as mx
from tapegraph import gluon
from tapegraph.gluon.data.vision import transforms

DATA = os.path.join(os.path.dirname(__file__), "..", "data", "mxnet", "gluon_features")
API = json.load(open(os.path.join(DATA, "api_dir.json")))
FEATURES = json.load(open(os.path.join(DATA, "features.json")))

# Names MXNet's modules merely import for their own code (not API they offer).
PLUMBING = {
    "gluon": {"contrib"},  # only contrib.nn is provided: see test_contrib_subpackages
    "loss": {"is_np_array", "np", "numeric_types"},
    "transforms": {"image", "is_np_array", "numeric_types", "random"},
    "init": {"NDArray", "is_np_array", "ndarray", "random", "registry", "sqrt",
             "string_types"},
    "optimizer": {"NDabs"},
    "utils": {"is_np_array", "is_np_shape", "ndarray", "replace_file", "requests", "sys",
              "uuid"},
    "recordio": {"RecordIOHandle", "c_str", "check_call", "ctypes", "current_process",
                 "cv2", "namedtuple", "np", "numbers", "struct"},
    "contrib.nn": {"basic_layers"},
    "model_zoo.vision": {"alexnet", "densenet", "inception", "mobilenet", "resnet",
                         "squeezenet", "vgg"},  # MXNet's submodules, shadowed by functions
}
OBJECTS = {"Block": gluon.Block, "HybridBlock": gluon.HybridBlock,
           "SymbolBlock": gluon.SymbolBlock, "Parameter": gluon.Parameter,
           "ParameterDict": gluon.ParameterDict, "Constant": gluon.Constant,
           "Trainer": gluon.Trainer, "gluon": gluon, "nn": gluon.nn, "rnn": gluon.rnn,
           "loss": gluon.loss, "data": gluon.data, "data.vision": gluon.data.vision,
           "transforms": transforms, "init": mx.init, "optimizer": mx.optimizer,
           "utils": gluon.utils, "recordio": mx.recordio, "contrib.nn": gluon.contrib.nn,
           "model_zoo.vision": gluon.model_zoo.vision}


def _object(key):
    if key in OBJECTS:
        return OBJECTS[key]
    module, name = key.split(".", 1)
    return getattr(OBJECTS[module], name)


@pytest.mark.parametrize("key", sorted(API))
def test_every_public_mxnet_name_exists(key):
    obj = _object(key)
    missing = [n for n in API[key] if not hasattr(obj, n) and n not in PLUMBING.get(key, ())]
    assert missing == []


def test_center_crop_and_flips_match_mxnet():
    x = mx.nd.arange(7 * 6 * 2).reshape((7, 6, 2))
    for size, key in (((3, 4), "(3, 4)"), (5, "5")):
        want = FEATURES["center_crop"][key]
        got = transforms.CenterCrop(size)(x)
        assert list(got.shape) == want["shape"]
        np.testing.assert_array_equal(got.asnumpy().ravel(), want["data"])
    # upsampling (values vs MXNet in tests/gluon/test_vision_transforms_more.py)
    assert transforms.CenterCrop(9)(x).shape == (9, 9, 2)
    # the flips take 1 or 3 channels, as MXNet's (which refuses x's 2)
    for flip in (transforms.RandomFlipLeftRight(), transforms.RandomFlipTopBottom()):
        with pytest.raises(mx.MXNetError, match="either 1 or 3 elements.*7,6,2"):
            flip(x)
    x = x[:, :, :1]
    flips = {transforms.RandomFlipLeftRight()(x).asnumpy().tobytes() for _ in range(30)}
    assert flips == {x.asnumpy().tobytes(), x.asnumpy()[:, ::-1].tobytes()}
    flips = {transforms.RandomFlipTopBottom()(x).asnumpy().tobytes() for _ in range(30)}
    assert flips == {x.asnumpy().tobytes(), x.asnumpy()[::-1].tobytes()}
    apply = transforms.RandomApply(transforms.Cast("float16"), p=1.0)
    assert apply(x).dtype == np.float16
    assert transforms.RandomApply(transforms.Cast("float16"), p=0.0)(x) is x


def test_image_record_dataset_is_a_clear_stand_in():
    with pytest.raises(NotImplementedError, match="decodes JPEG/PNG"):
        gluon.data.vision.ImageRecordDataset("x.rec")


def test_contrib_subpackages():
    for name in ("nn", "rnn", "cnn", "data", "estimator"):
        assert hasattr(gluon.contrib, name), name
