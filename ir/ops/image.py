"""MXNet 1.9.1's geometric image operators of `mx.nd.image` on (H, W, C) images and
(N, H, W, C) batches: `_image_resize` (OpenCV 3.4.2's `cv::resize`, see `_cv_resize`)
and `_image_crop`.

`_image_resize` has no gradient: MXNet 1.9.1 registers one whose backward fails (it
gives the output's shape where the input's is expected). `_image_crop`'s gradient is
the cotangent written back into zeros of the input's shape, as MXNet's, built from
`_slice_scatter` (and its tangent from `slice`).
"""
from __future__ import annotations

from typing import Any, Dict, List, Tuple

import numpy as np

from tapegraph.ir.errors import DTypeError, ShapeError
from tapegraph.ir.registry import REQUIRED, register
from tapegraph.ir.types import TensorType

from ._cv_resize import resize as cv_resize

_INTERPOLATIONS = (0, 1, 2, 3, 4)  # nearest, bilinear, bicubic, area, Lanczos
# MXNet 1.9.1 resizes these; int8 images corrupt its heap, other types are refused
_RESIZABLE = ("uint8", "float32", "float64")


def resized_size(height: int, width: int, size: Any, keep_ratio: bool) -> Tuple[int, int]:
    """(height, width) of an image of `height` x `width` resized to `size` (an int, (int,)
    or (width, height)); with `keep_ratio` and one size, the short edge becomes `size` and
    the long one keeps the ratio (C integer division), as MXNet's GetHeightAndWidth."""
    size = (size,) if isinstance(size, (int, np.integer)) else tuple(size)
    if len(size) not in (1, 2):
        raise ShapeError("_image_resize: Input size dimension must be 1 or 2, but got %d"
                         % len(size))
    for s in size:
        if int(s) <= 0:
            raise ShapeError("_image_resize: Input size should be greater than 0, but got %d"
                             % int(s))
    if len(size) == 2:
        return int(size[1]), int(size[0])
    edge = int(size[0])
    if not keep_ratio:
        return edge, edge
    if height > width:
        return height * edge // width, edge
    return edge, width * edge // height


def _resize_infer(ins: List[TensorType], attrs: Dict[str, Any]) -> List[TensorType]:
    t = ins[0]
    if t.ndim not in (3, 4):
        raise ShapeError("_image_resize: Input image dimension should be 3 or 4 but got %d"
                         % t.ndim)
    if t.dtype not in _RESIZABLE:
        raise DTypeError("_image_resize: OpenCV's resize does not take %s images (MXNet "
                         "1.9.1 resizes uint8, float32 and float64 ones)" % t.dtype)
    if attrs["interp"] not in _INTERPOLATIONS:
        raise ShapeError("_image_resize: Unknown interpolation method in function 'resize' "
                         "(got %r; OpenCV's codes: 0 nearest, 1 bilinear, 2 bicubic, 3 area, "
                         "4 Lanczos)" % (attrs["interp"],))
    height, width = resized_size(t.shape[-3], t.shape[-2], attrs["size"], attrs["keep_ratio"])
    return [TensorType.get(t.shape[:-3] + (height, width, t.shape[-1]), t.dtype)]


@register("_image_resize", _resize_infer,
          attrs={"size": (), "keep_ratio": False, "interp": 1}, mxnet_np="_npx__image_resize",
          nondiff_note="MXNet 1.9.1's backward of _image_resize fails (it gives the "
                       "output's shape where the input's is expected)")
def image_resize(x, size, keep_ratio, interp):
    """An (H, W, C) image or (N, H, W, C) batch resized to `size` ((width, height), or one
    size for both or, with keep_ratio, for the short edge) with OpenCV's interpolation
    `interp` (0 nearest, 1 bilinear, 2 bicubic, 3 area, 4 Lanczos)."""
    height, width = resized_size(x.shape[-3], x.shape[-2], size, keep_ratio)
    if x.ndim == 3:
        return cv_resize(x, width, height, interp)
    out = np.empty((len(x), height, width, x.shape[-1]), x.dtype)
    for i, image in enumerate(x):
        out[i] = cv_resize(image, width, height, interp)
    return out


def _crop_infer(ins: List[TensorType], attrs: Dict[str, Any]) -> List[TensorType]:
    t = ins[0]
    if t.ndim not in (3, 4):
        raise ShapeError("_image_crop: Image Crop expects inputs of 3D (h, w, c) or 4D "
                         "(n, h, w, c). But got %d" % t.ndim)
    if t.shape[-1] not in (1, 3):
        raise ShapeError("_image_crop: Expect channel of the input image is 1 or 3, but got %d"
                         % t.shape[-1])
    x, y, width, height = (int(attrs[k]) for k in ("x", "y", "width", "height"))
    if height <= 0 or width <= 0:
        raise ShapeError("_image_crop: Input height and width must be greater than 0")
    if x < 0 or y < 0:
        raise ShapeError("_image_crop: the crop's corner (x=%d, y=%d) must not be negative "
                         "(MXNet 1.9.1 reads outside the image)" % (x, y))
    if x + width > t.shape[-2]:
        raise ShapeError("_image_crop: x + width should not be greater than input width "
                         "(%d + %d > %d)" % (x, width, t.shape[-2]))
    if y + height > t.shape[-3]:
        raise ShapeError("_image_crop: y + height should not be greater than input height "
                         "(%d + %d > %d)" % (y, height, t.shape[-3]))
    return [TensorType.get(t.shape[:-3] + (height, width, t.shape[-1]), t.dtype)]


def _crop_window(ndim: int, x: int, y: int, width: int, height: int):
    lead = (slice(None),) * (ndim - 3)
    return lead + (slice(y, y + height), slice(x, x + width), slice(None))


_CROP = {"x": REQUIRED, "y": REQUIRED, "width": REQUIRED, "height": REQUIRED}


@register("_image_crop", _crop_infer, attrs=_CROP, mxnet_np="_npx__image_crop")
def image_crop(data, x, y, width, height):
    """The `width` x `height` window of an (H, W, C) image or (N, H, W, C) batch whose
    top-left corner is at column `x`, row `y`."""
    return np.ascontiguousarray(data[_crop_window(data.ndim, x, y, width, height)])


def _crop_bounds(node) -> Tuple[Tuple[Any, ...], Tuple[Any, ...]]:
    """The crop window as `slice` bounds (begin, end) of the node's input: rows and
    columns of the image axes, every image of a batch."""
    a = node.attrs
    lead = (None,) * (node.inputs[0].type.ndim - 3)
    x, y, width, height = (int(a[k]) for k in ("x", "y", "width", "height"))
    return lead + (y, x), lead + (y + height, x + width)


@image_crop.gradient
def _crop_vjp(b, node, g):
    # the cotangent written back into zeros of the input's shape (MXNet's
    # _backward_image_crop), as `_slice_scatter`: it exports as `_slice_assign` on
    # `_zeros`, which MXNet evaluates (its _backward_image_crop alone cannot run: it has
    # no shape rule of its own and reads the shape of its forward node)
    begin, end = _crop_bounds(node)
    return [b.op("_slice_scatter", g[0], shape=node.inputs[0].type.shape, begin=begin,
                 end=end, step=())]


@image_crop.jvp
def _crop_jvp(b, node, t):
    # the same window of the tangent, as `slice` (linear: `transpose` maps it to the
    # `_slice_scatter` of the gradient)
    if t[0] is None:
        return [None]
    begin, end = _crop_bounds(node)
    return [b.op("slice", t[0], begin=begin, end=end, step=())]
