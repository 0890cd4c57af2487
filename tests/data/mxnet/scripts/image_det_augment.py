"""Detection augmentation as an SSD-style training script sets it up: random crops under
IoU / coverage constraints, random padding, mirror and the whole CreateDetAugmenter
pipeline on synthetic uint8 images with normalised [cls, xmin, ymin, xmax, ymax] labels."""
import random

import mxnet as mx
import numpy as np

rs = np.random.RandomState(42)
IMAGES = [mx.nd.array(rs.randint(0, 256, size=shape), dtype="uint8")
          for shape in [(48, 64, 3), (60, 40, 3), (33, 33, 3)]]
LABELS = [np.array([[0, 0.10, 0.15, 0.45, 0.60], [2, 0.50, 0.40, 0.95, 0.90],
                    [1, 0.30, 0.05, 0.40, 0.12]]),
          np.array([[3, 0.2, 0.2, 0.8, 0.8, 1.0], [5, 0.0, 0.6, 0.3, 1.0, 0.0]]),
          np.array([[1, 0.05, 0.05, 0.95, 0.95]])]


def show(tag, img, label):
    data = img.asnumpy()
    if data.dtype == np.uint8:
        stats = (int(data.astype(np.int64).sum()), data[0, 0].tolist(), data[-1, -1].tolist())
    else:
        stats = (round(float(data.astype(np.float64).sum()), 2),
                 np.round(data[0, 0], 4).tolist(), np.round(data[-1, -1], 4).tolist())
    print(tag, img.shape, img.dtype.__name__, stats)
    print("  label", np.round(label, 6).tolist())


def run(tag, aug, rounds=4, images=IMAGES):
    for i in range(rounds):
        for k, (img, label) in enumerate(zip(images, LABELS)):
            out, new_label = aug(img, label.copy())
            show("%s r%d img%d" % (tag, i, k), out, new_label)


random.seed(0)
np.random.seed(0)
mx.random.seed(0)

crop = mx.image.DetRandomCropAug()
print(crop.dumps())
run("crop default", crop)
random.seed(11)
run("crop strict", mx.image.DetRandomCropAug(min_object_covered=0.7, aspect_ratio_range=1.0,
                                             area_range=(0.3, 0.8), min_eject_coverage=0.5))
random.seed(5)
run("crop area 0.5", mx.image.DetRandomCropAug(area_range=0.5, max_attempts=10), rounds=2)
random.seed(6)
run("crop no attempts", mx.image.DetRandomCropAug(max_attempts=0), rounds=1)

random.seed(1)
pad = mx.image.DetRandomPadAug()
print(pad.dumps())
run("pad default", pad)
random.seed(2)
# a scalar pad_val fills the first channel only (MXNet leaves the others to whatever its
# border buffer held), so it is shown on grey images
grey = [img[:, :, :1] for img in IMAGES]
run("pad scalar", mx.image.DetRandomPadAug(aspect_ratio_range=(0.5, 2.0), area_range=2.0,
                                          pad_val=200), rounds=2, images=grey)
random.seed(3)
run("pad float", mx.image.DetRandomPadAug(pad_val=(1.5, 2.5, 300)), rounds=1)
out, lab = mx.image.DetRandomPadAug(pad_val=(1.5, -2, 300))(IMAGES[0].astype("float32"),
                                                            LABELS[0].copy())
show("pad float32", out, lab)

# the search helpers, called directly
helper = mx.image.DetRandomCropAug(min_object_covered=0.3)
boxes = LABELS[0]
print("areas", np.round(helper._calculate_areas(boxes[:, 1:]), 6).tolist())
print("intersect", np.round(helper._intersect(boxes[:, 1:], 0.2, 0.1, 0.6, 0.7), 6).tolist())
for rect in [(0, 0, 64, 48), (10, 5, 40, 30), (0, 0, 1, 1), (40, 30, 64, 48), (50, 0, 64, 5)]:
    print("satisfy", rect, helper._check_satisfy_constraints(boxes, *rect, 64, 48))
print("update", np.round(helper._update_labels(boxes, (8, 4, 32, 30), 48, 64), 6).tolist())
print("update none", helper._update_labels(boxes, (60, 44, 4, 4), 48, 64))
random.seed(9)
for _ in range(3):
    prop = helper._random_crop_proposal(boxes, 48, 64)
    print("crop proposal", prop[:4], np.round(prop[4], 6).tolist())
print("crop proposal empty", helper._random_crop_proposal(boxes, 0, 64))
tiny = np.array([[0, 0.5, 0.5, 0.51, 0.51]])
print("tiny box", helper._random_crop_proposal(tiny, 48, 64))
padder = mx.image.DetRandomPadAug(area_range=(1.5, 2.5))
for _ in range(3):
    prop = padder._random_pad_proposal(boxes, 48, 64)
    print("pad proposal", prop[:4], np.round(prop[4], 6).tolist())
print("pad update", np.round(padder._update_labels(boxes, (5, 7, 80, 60), 48, 64), 6).tolist())

# several crop augmenters, one picked at random per sample
random.seed(4)
multi = mx.image.CreateMultiRandCropAugmenter(
    min_object_covered=[0.1, 0.3, 0.5, 0.7, 0.9], aspect_ratio_range=(0.75, 1.33),
    area_range=[(0.1, 1.0), (0.2, 1.0), (0.2, 1.0), (0.3, 0.9), (0.5, 1.0)],
    min_eject_coverage=0.3, max_attempts=50, skip_prob=0.2)
print(multi.dumps())
run("multi", multi, rounds=3)
print(mx.image.CreateMultiRandCropAugmenter().dumps())
print(mx.image.CreateMultiRandCropAugmenter(aspect_ratio_range=[0.5, 2.0]).dumps())

# flip and borrowed colour augmenters
random.seed(8)
run("flip", mx.image.DetHorizontalFlipAug(0.5), rounds=2)

# the standard pipelines
configs = [
    dict(data_shape=(3, 32, 32), rand_crop=0.5, rand_pad=0.5, rand_mirror=True, mean=True,
         std=True),
    dict(data_shape=(3, 24, 40), resize=50, rand_crop=1, rand_pad=1, rand_gray=0.3,
         rand_mirror=True, brightness=0.2, contrast=0.2, saturation=0.2, hue=0.1,
         pca_noise=0.05, inter_method=1, min_object_covered=[0.3, 0.5, 0.9],
         area_range=(0.3, 3.0), pad_val=(0, 50, 100)),
    dict(data_shape=(3, 30, 30), rand_crop=0.7, rand_pad=0.7, inter_method=10,
         mean=np.array([120.0, 110.0, 100.0]), std=np.array([60.0]), max_attempts=20,
         aspect_ratio_range=(0.5, 2.0), min_eject_coverage=0.6),
    dict(data_shape=(3, 16, 16)),
]
for n, cfg in enumerate(configs):
    random.seed(100 + n)
    np.random.seed(100 + n)
    augs = mx.image.CreateDetAugmenter(**cfg)
    print("pipeline", n, [type(a).__name__ for a in augs])
    for a in augs:
        print("  ", a.dumps())
    for i in range(3):
        for k, (img, label) in enumerate(zip(IMAGES, LABELS)):
            out, new_label = img, label.copy()
            for a in augs:
                out, new_label = a(out, new_label)
            show("pipeline %d r%d img%d" % (n, i, k), out, new_label)

errors = [
    lambda: mx.image.DetRandomCropAug(area_range=(0.5, 0.1)),
    lambda: mx.image.DetRandomCropAug(aspect_ratio_range=(0, 1)),
    lambda: mx.image.DetRandomCropAug(aspect_ratio_range=[2.0, 1.0]),
    lambda: mx.image.DetRandomCropAug(area_range="big"),
    lambda: mx.image.DetRandomPadAug(area_range=(0.5, 1.0)),
    lambda: mx.image.DetRandomPadAug(area_range=0.9),
    lambda: mx.image.DetRandomPadAug(aspect_ratio_range=(1.5, 1.0)),
    lambda: mx.image.DetRandomPadAug(pad_val="grey"),
    lambda: mx.image.CreateMultiRandCropAugmenter(min_object_covered=[0.1, 0.2],
                                                  max_attempts=[1, 2, 3]),
    lambda: mx.image.CreateDetAugmenter((3, 8, 8), mean=[1, 2, 3]),
    lambda: mx.image.CreateDetAugmenter((3, 8, 8), std=np.array([1.0, 2.0])),
    lambda: mx.image.CreateDetAugmenter((3, 8, 8), rand_pad=0.5, area_range=(0.1, 1.0)),
    lambda: mx.image.CreateDetAugmenter((3, 8, 8), rand_crop=0.5, area_range=(0.9, 0.5)),
    lambda: mx.image.DetRandomSelectAug([mx.image.CastAug()]),
]
for bad in errors:
    try:
        bad()
        print("no error")
    except Exception as e:  # noqa: BLE001
        print(type(e).__name__, e)
