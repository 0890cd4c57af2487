"""`mx.image` / `mx.img`: MXNet 1.9.1's image functions and augmenters on (height, width,
channels) NDArrays. Resizing reproduces OpenCV's interpolations in NumPy; reading and
decoding image files (`imread`, `imdecode`, `ImageIter`, `ImageDetIter`) needs an image
codec tapegraph does not have: those are stand-ins raising NotImplementedError."""
from numbers import Number  # noqa: F401  (MXNet's mx.image exposes it)

from ..io import DataIter
from ..unsupported import not_implemented_class
from ..util import is_np_array  # noqa: F401
from . import image
from . import detection
from . import detection as det  # noqa: F401
from .image import (CODEC, center_crop, color_normalize, copyMakeBorder, fixed_crop,  # noqa: F401
                    imdecode, imread, imresize, imrotate, random_crop, random_rotate,
                    random_size_crop, resize_short, scale_down)
from .augmenters import (Augmenter, BrightnessJitterAug, CastAug, CenterCropAug,  # noqa: F401
                         ColorJitterAug, ColorNormalizeAug, ContrastJitterAug, CreateAugmenter,
                         ForceResizeAug, HorizontalFlipAug, HueJitterAug, LightingAug,
                         RandomCropAug, RandomGrayAug, RandomOrderAug, RandomSizedCropAug,
                         ResizeAug, SaturationJitterAug, SequentialAug)
from .detection import (CreateDetAugmenter, CreateMultiRandCropAugmenter,  # noqa: F401
                        DetAugmenter, DetBorrowAug, DetHorizontalFlipAug, DetRandomCropAug,
                        DetRandomPadAug, DetRandomSelectAug, ImageDetIter)

cv2 = None  # MXNet's mx.image.cv2: the OpenCV Python module, None when it is not installed

ImageIter = not_implemented_class("mx.image.ImageIter", CODEC, DataIter)
image.ImageIter = ImageIter
