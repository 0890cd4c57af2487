"""Capture MXNet 1.9.1's mx.nd.image results for tests/gluon/test_vision_transforms_more.py.

Run with the oracle only: /tmp/mxnet-oracle/bin/python
tests/data/mxnet/vision_transforms/capture.py (writes values.npz and errors.json here).
"""
import json
import os

import mxnet as mx
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
rng = np.random.RandomState(5)
inputs = {"u8": rng.randint(0, 256, (7, 9, 3)).astype("uint8"),
          "f32": rng.uniform(0, 255, (7, 9, 3)).astype("float32"),
          "gray": rng.randint(0, 256, (7, 9, 1)).astype("uint8"),
          "batch": rng.randint(0, 256, (2, 5, 6, 3)).astype("uint8")}
out = {"in_" + k: v for k, v in inputs.items()}
for name in ("u8", "f32"):
    x = mx.nd.array(inputs[name], dtype=inputs[name].dtype)
    for factor in (0.0, 0.45, 1.0, 1.8):
        for op in ("brightness", "contrast", "saturation", "hue"):
            fn = getattr(mx.nd.image, "random_" + op)
            out["%s_%s_%g" % (op, name, factor)] = fn(x, factor, factor).asnumpy()
    for i, alpha in enumerate([(0.1, 0.2, 0.3), (-1.5, 0.7, 2.0)]):
        out["lighting_%s_%d" % (name, i)] = mx.nd.image.adjust_lighting(x, alpha).asnumpy()
    for interp in range(5):
        out["resize_%s_%d" % (name, interp)] = mx.nd.image.resize(x, (5, 4), interp=interp).asnumpy()
        out["upsize_%s_%d" % (name, interp)] = mx.nd.image.resize(x, (13, 10), interp=interp).asnumpy()
gray = mx.nd.array(inputs["gray"], dtype="uint8")
for op in ("brightness", "contrast", "saturation"):
    out["%s_gray" % op] = getattr(mx.nd.image, "random_" + op)(gray, 0.6, 0.6).asnumpy()
batch = mx.nd.array(inputs["batch"], dtype="uint8")
out["resize_batch_keep"] = mx.nd.image.resize(batch, 3, keep_ratio=True).asnumpy()
out["resize_f64"] = mx.nd.image.resize(batch[0].astype("float64"), (4, 3), interp=2).asnumpy()
out["crop_batch"] = mx.nd.image.crop(batch, 1, 2, 4, 3).asnumpy()
T = mx.gluon.data.vision.transforms
u8 = mx.nd.array(inputs["u8"], dtype="uint8")
out["centercrop_up"] = T.CenterCrop((12, 8))(u8).asnumpy()
out["cropresize"] = T.CropResize(2, 1, 5, 4, size=(3, 6), interpolation=2)(u8).asnumpy()
tensor = T.ToTensor()(u8)
out["rotate_33"] = T.Rotate(33)(tensor).asnumpy()
out["rotate_zoom_in"] = T.Rotate(-20, zoom_in=True)(tensor).asnumpy()
np.savez_compressed(os.path.join(HERE, "values.npz"), **out)


def message(fn):
    try:
        result = fn()
        if hasattr(result, "wait_to_read"):
            result.wait_to_read()
    except Exception as e:  # noqa: BLE001
        lines = [l for l in str(e).splitlines()
                 if "MXNetError:" in l or "Check failed" in l or "error:" in l
                 or "Crop expects" in l]
        text = lines[0] if lines else str(e).splitlines()[0]
        return [type(e).__name__, text.split("MXNetError: ")[-1]]
    return None


x4 = batch
errors = {
    "resize_size3": message(lambda: mx.nd.image.resize(u8, (3, 2, 1))),
    "resize_size0": message(lambda: mx.nd.image.resize(u8, 0)),
    "resize_2d": message(lambda: mx.nd.image.resize(u8[:, :, 0], 3)),
    "resize_interp": message(lambda: mx.nd.image.resize(u8, 3, interp=7)),
    "crop_wide": message(lambda: mx.nd.image.crop(u8, 5, 0, 5, 2)),
    "crop_tall": message(lambda: mx.nd.image.crop(u8, 0, 5, 2, 5)),
    "crop_zero": message(lambda: mx.nd.image.crop(u8, 0, 0, 0, 2)),
    "crop_channels": message(lambda: mx.nd.image.crop(u8[:, :, :2], 0, 0, 2, 2)),
    "brightness_batch": message(lambda: mx.nd.image.random_brightness(x4, 1, 1)),
    "contrast_channels": message(lambda: mx.nd.image.random_contrast(u8[:, :, :2], 1, 1)),
    "brightness_negative": message(lambda: mx.nd.image.random_brightness(u8, -1, 1)),
    "rotate_uint8": message(lambda: T.Rotate(10)(u8)),
    "rotation_limits": message(lambda: T.RandomRotation((5, 5))),
    "rotation_proba": message(lambda: T.RandomRotation((0, 5), rotate_with_proba=-0.1)),
}
with open(os.path.join(HERE, "errors.json"), "w") as f:
    json.dump(errors, f, indent=1, sort_keys=True)
print("captured", len(out), "arrays,", len(errors), "errors")
