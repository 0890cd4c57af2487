"""Capture MXNet 1.9.1's to_tensor / normalize / flips for tests/gluon/test_image_tensor_ops.py.

Run with the oracle only: /tmp/mxnet-oracle/bin/python
tests/data/mxnet/image_tensor_ops/capture.py (writes values.npz and the exported symbol
files here: pipeline (Compose of ToTensor and Normalize), augment (random flips, then
ToTensor and Normalize) and np_pipeline (the same in NumPy mode)).
"""
import os

import mxnet as mx
import numpy as np
from mxnet.gluon.data.vision import transforms as T

HERE = os.path.dirname(os.path.abspath(__file__))
DTYPES = ("uint8", "int8", "int32", "int64", "float16", "float32", "float64")
MEAN, STD = (0.1, 0.2, 0.3), (0.7, 0.3, 1.9)
rng = np.random.RandomState(11)
image = rng.uniform(0, 300, (6, 8, 3))
batch = rng.uniform(0, 255, (2, 4, 6, 1))
out = {"image": image, "batch": batch}
for dtype in DTYPES:
    x = mx.nd.array(image, dtype=dtype)
    out["in_" + dtype] = x.asnumpy()  # (the conversion of values out of a type's range)
    out["in_batch_" + dtype] = mx.nd.array(batch, dtype=dtype).asnumpy()
    out["to_tensor_" + dtype] = mx.nd.image.to_tensor(x).asnumpy()
    out["to_tensor_batch_" + dtype] = mx.nd.image.to_tensor(
        mx.nd.array(batch, dtype=dtype)).asnumpy()
    chw = x.transpose((2, 0, 1))
    out["normalize_" + dtype] = mx.nd.image.normalize(chw, mean=MEAN, std=STD).asnumpy()
    out["normalize_scalar_" + dtype] = mx.nd.image.normalize(
        chw.reshape((1, 3, 6, 8)), mean=150.5, std=0.3).asnumpy()
    out["flip_left_right_" + dtype] = mx.nd.image.flip_left_right(x).asnumpy()
    out["flip_top_bottom_" + dtype] = mx.nd.image.flip_top_bottom(x).asnumpy()

u8 = mx.nd.array(image[:4, :6], dtype="uint8")
out["u8"] = u8.asnumpy()
pipeline = T.Compose([T.ToTensor(), T.Normalize(mean=MEAN, std=STD)])
out["pipeline"] = pipeline(u8).asnumpy()
pipeline[0].export(os.path.join(HERE, "pipeline"))
augment = mx.gluon.nn.HybridSequential()
augment.add(T.RandomFlipLeftRight(), T.RandomFlipTopBottom(), T.ToTensor(),
            T.Normalize(0.5, 0.25))
augment.hybridize()
augment(u8)
augment.export(os.path.join(HERE, "augment"))

x = mx.nd.array(image.transpose(2, 0, 1)[:, :2, :4])
head = mx.nd.array(np.arange(24).reshape(3, 2, 4) + 1.0)
x.attach_grad()
with mx.autograd.record():
    y = mx.nd.image.normalize(x, mean=MEAN, std=STD)
y.backward(head)
out["normalize_grad_x"], out["normalize_grad_head"] = x.asnumpy(), head.asnumpy()
out["normalize_grad"] = x.grad.asnumpy()

mx.npx.set_np()
np_pipeline = mx.gluon.nn.HybridSequential()
np_pipeline.add(T.RandomFlipLeftRight(), T.ToTensor(), T.Normalize(mean=MEAN, std=STD))
np_pipeline.hybridize()
np_pipeline(mx.np.array(out["u8"], dtype="uint8"))
np_pipeline.export(os.path.join(HERE, "np_pipeline"))
mx.npx.reset_np()
for name in ("pipeline", "augment", "np_pipeline"):
    os.remove(os.path.join(HERE, name + "-0000.params"))  # (no parameters)
np.savez_compressed(os.path.join(HERE, "values.npz"), **out)
