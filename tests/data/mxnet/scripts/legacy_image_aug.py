"""mx.image on HWC NDArrays: OpenCV resizing, crops, borders and the classic augmenters
(as MXNet 1.9.1's tests/python/unittest/test_image.py uses them)."""
import random

import mxnet as mx
import numpy as np

np.random.seed(7)
random.seed(7)
src = mx.nd.array(np.random.randint(0, 256, size=(6, 8, 3)), dtype="uint8")

for interp in range(5):
    out = mx.image.imresize(src, 5, 4, interp=interp)
    print("interp", interp, out.shape, out.dtype.__name__, out[:, :, 0].asnumpy().tolist())
big = mx.image.imresize(src, 11, 9)
print("up", big.shape, big[:, :, 1].asnumpy().sum())
flt = src.astype("float32") / 7
print("float bilinear", np.round(mx.image.imresize(flt, 3, 5, interp=1)[:, :, 2].asnumpy(), 3))

print("resize_short", mx.image.resize_short(src, 3).shape, mx.image.resize_short(src, 12, interp=9).shape)
print("scale_down", mx.image.scale_down((640, 480), (720, 120)), mx.image.scale_down((10, 10), (4, 20)))
crop, rect = mx.image.center_crop(src, (4, 3))
print("center_crop", crop.shape, rect, crop[:, :, 0].asnumpy().tolist())
crop, rect = mx.image.center_crop(src, (10, 10))
print("center_crop up", crop.shape, rect)
crop, rect = mx.image.random_crop(src, (5, 5))
print("random_crop", crop.shape, rect)
crop, rect = mx.image.random_size_crop(src, (4, 4), 0.3, (0.75, 1.33))
print("random_size_crop", crop.shape, rect)
print("fixed_crop", mx.image.fixed_crop(src, 1, 2, 3, 3, size=(6, 6)).shape)

for btype in range(5):
    b = mx.image.copyMakeBorder(src, 1, 2, 2, 1, type=btype, values=(1, 2, 3))
    print("border", btype, b.shape, b[:, :, 0].asnumpy()[:3, :5].tolist())

img = src.astype("float32")
mean = mx.nd.array([123.68, 116.28, 103.53])
std = mx.nd.array([58.395, 57.12, 57.375])
norm = mx.image.color_normalize(img.copy(), mean, std)
print("normalize", np.round(norm[0, :3].asnumpy(), 4))

augs = [mx.image.BrightnessJitterAug(0.3), mx.image.ContrastJitterAug(0.3),
        mx.image.SaturationJitterAug(0.3), mx.image.HueJitterAug(0.2),
        mx.image.RandomGrayAug(1.0), mx.image.HorizontalFlipAug(1.0),
        mx.image.LightingAug(0.1, np.array([55.46, 4.794, 1.148]),
                             np.array([[-0.5675, 0.7192, 0.4009], [-0.5808, -0.0045, -0.8140],
                                       [-0.5836, -0.6948, 0.4203]])),
        mx.image.ColorNormalizeAug(mean, std), mx.image.CastAug("float64"),
        mx.image.ResizeAug(4), mx.image.ForceResizeAug((5, 3)), mx.image.CenterCropAug((4, 4)),
        mx.image.RandomCropAug((3, 3)), mx.image.RandomSizedCropAug((4, 4), 0.5, (0.8, 1.2))]
for aug in augs:
    out = aug(img.copy())
    print(type(aug).__name__, out.shape, out.dtype.__name__, np.round(out.asnumpy().mean(), 3),
          aug.dumps() if not isinstance(aug, (mx.image.LightingAug, mx.image.ColorNormalizeAug)) else "")

random.seed(3)
np.random.seed(3)
auglist = mx.image.CreateAugmenter(data_shape=(3, 4, 4), resize=5, rand_crop=True,
                                   rand_mirror=True, mean=True, std=True, brightness=0.125,
                                   contrast=0.125, saturation=0.125, pca_noise=0.05,
                                   rand_gray=0.05, inter_method=1)
print([type(a).__name__ for a in auglist])
out = src
for aug in auglist:
    out = aug(out)
print("pipeline", out.shape, out.dtype.__name__, np.round(out.asnumpy(), 3)[:, :, 0])
seq = mx.image.SequentialAug([mx.image.CastAug(), mx.image.ColorJitterAug(0.1, 0.1, 0.1)])
print(seq.dumps())
print(seq(src).shape)

rot = mx.image.imrotate(src.astype("float32").transpose((2, 0, 1)), 30)
print("imrotate", rot.shape, np.round(rot[0].asnumpy(), 2)[2])
rot = mx.image.imrotate(src.astype("float32").transpose((2, 0, 1)), 45, zoom_in=True)
print("imrotate zoom", np.round(rot.asnumpy().sum(), 1))

det = mx.image.DetHorizontalFlipAug(1.0)
label = np.array([[0, 0.1, 0.2, 0.4, 0.6], [1, 0.5, 0.5, 0.9, 0.8]])
flipped, new_label = det(src, label.copy())
print("det flip", flipped.shape, new_label.tolist())
borrow = mx.image.DetBorrowAug(mx.image.CastAug())
print(borrow.dumps(), borrow(src, label)[0].dtype.__name__)

for bad in [lambda: mx.image.imresize(src, 4, 4, interp=7),
            lambda: mx.image.imrotate(src, 10),
            lambda: mx.image.imrotate(src.astype("float32"), 10, zoom_in=True, zoom_out=True),
            lambda: mx.AttrScope(a=1) if False else mx.image.DetBorrowAug(3)]:
    try:
        bad()
    except Exception as e:
        print(type(e).__name__)
