"""gluon.data.vision.transforms that resize, crop, rotate and recolour (MXNet 1.9.1):
deterministic transforms on fixed uint8 / float32 HWC and NHWC images, and what is fixed
for the random ones (shapes, dtypes, ranges, factor-0 or probability-0 results)."""
import random

import mxnet as mx
import numpy as np
from mxnet.gluon.data.vision import transforms as T

np.random.seed(3)
random.seed(3)
mx.random.seed(3)
rng = np.random.RandomState(11)
img = mx.nd.array(rng.randint(0, 256, size=(6, 8, 3)), dtype="uint8")
imgf = mx.nd.array(rng.uniform(0, 255, size=(6, 8, 3)), dtype="float32")
batch = mx.nd.array(rng.randint(0, 256, size=(2, 5, 7, 3)), dtype="uint8")


def show(name, out, digits=3):
    a = out.asnumpy()
    print(name, out.shape, out.dtype.__name__, np.round(a.astype("float64").ravel()[:10], digits).tolist(),
          round(float(a.astype("float64").sum()), 2))


for interp in range(5):
    show("resize u8 interp%d" % interp, T.Resize((5, 4), interpolation=interp)(img))
    show("resize f32 interp%d" % interp, T.Resize((11, 9), interpolation=interp)(imgf), 2)
show("resize int", T.Resize(4)(img))
show("resize keep", T.Resize(4, keep_ratio=True)(img))
show("resize keep tall", T.Resize(3, keep_ratio=True)(img.transpose((1, 0, 2))))
show("resize batch", T.Resize((3, 3))(batch))
show("resize batch keep", T.Resize(4, keep_ratio=True)(batch))

show("cropresize", T.CropResize(1, 2, 4, 3)(img))
try:
    T.CropResize(1, 2, 4, 3, size=(6, 5))(img)
except mx.base.MXNetError:
    print("cropresize size without interpolation: MXNetError")
show("cropresize size", T.CropResize(1, 2, 4, 3, size=(6, 5), interpolation=1)(img))
show("cropresize size int nearest", T.CropResize(0, 0, 5, 5, size=3, interpolation=0)(img))
show("cropresize batch", T.CropResize(2, 1, 3, 3, size=(2, 2), interpolation=1)(batch))
show("cropresize f32", T.CropResize(1, 1, 5, 4, size=(3, 3), interpolation=2)(imgf), 2)

show("centercrop", T.CenterCrop((4, 3))(img))
show("centercrop up", T.CenterCrop(10)(img))
show("centercrop up area", T.CenterCrop((9, 7), interpolation=3)(img))

out = T.RandomResizedCrop((4, 5))(img)
print("randomresizedcrop", out.shape, out.dtype.__name__)
out = T.RandomResizedCrop(3, scale=(1.0, 1.0), ratio=(1.0, 1.0))(imgf)
print("randomresizedcrop f32", out.shape, out.dtype.__name__)

tensor = T.ToTensor()(img)
show("rotate 0", T.Rotate(0)(tensor), 4)
show("rotate 90", T.Rotate(90)(tensor), 4)
show("rotate 30", T.Rotate(30)(tensor), 4)
show("rotate zoom_in", T.Rotate(30, zoom_in=True)(tensor), 4)
show("rotate zoom_out", T.Rotate(-45, zoom_out=True)(tensor), 4)
show("rotate batch", T.Rotate(15)(tensor.expand_dims(0)), 4)
show("randomrotation p0", T.RandomRotation((-30, 30), rotate_with_proba=0)(tensor), 4)
out = T.RandomRotation((-30, 30))(tensor)
print("randomrotation", out.shape, out.dtype.__name__, float(out.min().asscalar()) >= 0, float(out.max().asscalar()) <= 1)
for bad in [lambda: T.Rotate(10)(img), lambda: T.RandomRotation((10, 5)),
            lambda: T.RandomRotation((-5, 5), rotate_with_proba=2),
            lambda: T.Rotate(10, zoom_in=True, zoom_out=True)(tensor)]:
    try:
        bad()
    except (TypeError, ValueError) as e:
        print("error", type(e).__name__, e)

for cls in (T.RandomBrightness, T.RandomContrast, T.RandomSaturation, T.RandomHue):
    show("%s 0" % cls.__name__, cls(0)(img))
    show("%s 0 f32" % cls.__name__, cls(0)(imgf), 2)
    out = cls(0.5)(img)
    print(cls.__name__, out.shape, out.dtype.__name__)
show("brightness 1.0 (factor in [0, 2])", T.RandomBrightness(1.0)(img * 0))
show("colorjitter brightness only 0", T.RandomColorJitter(brightness=0)(img) * 0)
out = T.RandomColorJitter(0.3, 0.3, 0.3, 0.1)(img)
print("colorjitter", out.shape, out.dtype.__name__)
show("lighting 0", T.RandomLighting(0)(img))
show("lighting 0 f32", T.RandomLighting(0)(imgf), 2)
out = T.RandomLighting(0.1)(imgf)
print("lighting", out.shape, out.dtype.__name__, float((out - imgf).abs().max().asscalar()) < 30)

show("nd crop", mx.nd.image.crop(img, 2, 1, 3, 4))
show("nd resize", mx.nd.image.resize(batch, (4, 2), interp=2))
show("nd adjust_lighting", mx.nd.image.adjust_lighting(img, alpha=(0.1, -0.2, 0.3)))
show("nd adjust_lighting f32", mx.nd.image.adjust_lighting(imgf, alpha=(1.5, 0.5, -1.0)), 2)
show("nd brightness fixed", mx.nd.image.random_brightness(img, 1.3, 1.3))
show("nd contrast fixed", mx.nd.image.random_contrast(img, 0.6, 0.6))
show("nd saturation fixed", mx.nd.image.random_saturation(img, 1.7, 1.7))
show("nd hue fixed", mx.nd.image.random_hue(img, 0.25, 0.25))
show("nd hue fixed f32", mx.nd.image.random_hue(imgf, 1.4, 1.4), 2)

pipeline = T.Compose([T.Resize(4, keep_ratio=True), T.CropResize(0, 0, 4, 4),
                      T.RandomBrightness(0), T.ToTensor(), T.Normalize(0.5, 0.25)])
pipeline.hybridize()
show("compose", pipeline(img), 4)
show("compose again", pipeline(img), 4)
