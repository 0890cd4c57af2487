"""MXNet 1.9.1's image operators of `mx.nd.image` that are not colour adjustments:
`_image_resize` (OpenCV 3.4.2's `cv::resize`, see `_cv_resize`) and `_image_crop` on
(H, W, C) images and (N, H, W, C) batches; `_image_to_tensor` (to float32 (C, H, W) in
[0, 1]) and `_image_normalize` (per-channel (x - mean) / std of (C, H, W) tensors); the
flips `_image_flip_left_right`, `_image_flip_top_bottom` and their random versions on
(H, W, C) images (MXNet 1.9.1 refuses batches there).

Gradients are MXNet 1.9.1's. `_image_resize` and `_image_to_tensor` have none: MXNet
registers one whose backward fails (it gives the output's shape where the input's is
expected, or the reverse). `_image_crop`'s gradient is the cotangent written back into
zeros of the input's shape, built from `_slice_scatter` (its tangent from `slice`).
`_image_normalize`'s is the cotangent divided by std per channel (itself with mean 0).
A flip is linear and its own adjoint, so its gradient (and tangent) is the cotangent
flipped. MXNet 1.9.1 registers `_copy` as the gradient of all four flips, i.e. the
cotangent unchanged, which is wrong for a flip: tapegraph differs there on purpose. A
random flip's rule cannot see its draw, so its gradient and tangent are MXNet's, the
cotangent unchanged (a straight-through estimator; exact only when the draw kept the
image).

Arithmetic follows MXNet's C++ kernels (src/operator/image/image_random-inl.h): mean and
std are float32; integer results are C conversions (truncated, wrapped to the type);
float16 rounds after each operation. MXNet 1.9.1 leaves the middle row (column) of an
odd-sized flip unwritten (its output holds whatever memory it got); the flips here copy
it, as a flip does.
"""
from __future__ import annotations

from typing import Any, Dict, List, Tuple

import numpy as np

from tapegraph.ir.errors import DTypeError, ShapeError
from tapegraph.ir.registry import REQUIRED, register
from tapegraph.ir.types import TensorType

from ._cv_resize import resize as cv_resize
from .image_color import image_type
from .random import generator

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


# ---------------------------------------------------------------- to_tensor, normalize
# the dtypes MXNet 1.9.1's image kernels switch over (MSHADOW_TYPE_SWITCH); others, bool
# among them, fail there ("Unknown type enum")
_IMAGE_DTYPES = ("float32", "float64", "float16", "uint8", "int8", "int32", "int64")


def _shape_text(shape: Tuple[int, ...]) -> str:
    return "[%s]" % ",".join(map(str, shape))


def _check_dtype(opname: str, dtype: str) -> None:
    if dtype not in _IMAGE_DTYPES:
        raise DTypeError("%s: MXNet 1.9.1's image operators take %s arrays, not %s"
                         % (opname, ", ".join(_IMAGE_DTYPES), dtype))


def _to_tensor_infer(ins: List[TensorType], attrs: Dict[str, Any]) -> List[TensorType]:
    t = ins[0]
    if t.ndim not in (3, 4):
        raise ShapeError("_image_to_tensor: Input image must have shape (height, width, "
                         "channels), or (N, height, width, channels) but got %s"
                         % _shape_text(t.shape))
    _check_dtype("_image_to_tensor", t.dtype)
    lead, (height, width, channels) = t.shape[:-3], t.shape[-3:]
    return [TensorType.get(lead + (channels, height, width), "float32")]


@register("_image_to_tensor", _to_tensor_infer, mxnet_np="_npx__image_to_tensor",
          nondiff_note="MXNet 1.9.1's backward of _image_to_tensor fails (it gives the "
                       "input's shape where the output's is expected)")
def image_to_tensor(x):
    """An (H, W, C) image or (N, H, W, C) batch as float32 (C, H, W) or (N, C, H, W)
    values divided by 255 (MXNet's arithmetic: in float32, in double for float64 input,
    rounded to float16 for float16 input)."""
    if x.dtype == np.float64:
        values = (x / 255.0).astype(np.float32)
    elif x.dtype == np.float16:
        values = (x.astype(np.float32) / np.float32(255)).astype(np.float16)
    else:
        values = x.astype(np.float32) / np.float32(255)
    axes = (2, 0, 1) if x.ndim == 3 else (0, 3, 1, 2)
    return np.ascontiguousarray(values.transpose(axes), dtype=np.float32)


def _floats(value: Any) -> Tuple[float, ...]:
    """A mean or std attribute (a number or a sequence) as float32 values."""
    return tuple(float(v) for v in np.asarray(value, dtype=np.float32).ravel())


def _normalize_infer(ins: List[TensorType], attrs: Dict[str, Any]) -> List[TensorType]:
    t = ins[0]
    shape = _shape_text(t.shape)
    if t.ndim not in (3, 4):
        raise ShapeError("_image_normalize: Input tensor must have shape (channels, height, "
                         "width), or (N, channels, height, width), but got %s" % shape)
    channels = t.shape[-3]
    if channels not in (1, 3):
        raise ShapeError("_image_normalize: The %s dimension of input tensor must be the "
                         "channel dimension with either 1 or 3 elements, but got input with "
                         "shape %s" % ("first" if t.ndim == 3 else "second", shape))
    for name in ("mean", "std"):
        values = _floats(attrs[name])
        if len(values) not in (1, channels):
            raise ShapeError("_image_normalize: Invalid %s for input with shape %s. %s must "
                             "have either 1 or %d elements, but got [%s]"
                             % (name, shape, name, channels,
                                ",".join("%g" % v for v in values)))
    _check_dtype("_image_normalize", t.dtype)
    return [t]


def _c_integers(values: np.ndarray, dtype: np.dtype) -> np.ndarray:
    """float32 `values` converted to the integer `dtype` as MXNet's C++ does on x86:
    truncated to a 32-bit (64-bit for int64) integer, out of range or NaN giving its
    minimum, narrower types keeping the low bits."""
    wide = np.int64 if dtype == np.int64 else np.int32
    low = float(np.iinfo(wide).min)
    with np.errstate(invalid="ignore"):
        t = np.trunc(values)
        bad = ~(np.abs(t) < -low) & ~(t == low)
    return np.where(bad, low, t).astype(wide).astype(dtype)


# MXNet's defaults: four values, which no image (1 or 3 channels) takes
_NORMALIZE = {"mean": (0.0, 0.0, 0.0, 0.0), "std": (1.0, 1.0, 1.0, 1.0)}


@register("_image_normalize", _normalize_infer, attrs=_NORMALIZE,
          mxnet_np="_npx__image_normalize")
def image_normalize(x, mean, std):
    """(x - mean[c]) / std[c] for each channel c of a (C, H, W) tensor or (N, C, H, W)
    batch; `mean` and `std` are one value or one per channel (float32)."""
    channels = x.shape[-3]
    m, s = (np.resize(np.asarray(_floats(v), np.float32), channels).reshape(channels, 1, 1)
            for v in (mean, std))
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        if x.dtype == np.float64:
            return (x - m.astype(np.float64)) / s.astype(np.float64)
        if x.dtype == np.float32:
            return (x - m) / s
        centred = x.astype(np.float32) - m
        if x.dtype == np.float16:  # each operation rounds to float16 (mshadow's half_t)
            return (centred.astype(np.float16).astype(np.float32) / s).astype(np.float16)
        return _c_integers(centred / s, x.dtype)


@image_normalize.gradient
def _normalize_vjp(b, node, g):
    # MXNet's _backward_image_normalize: the cotangent divided by std per channel
    return [b.op("_image_normalize", g[0], mean=0.0, std=node.attrs["std"])]


@image_normalize.jvp
def _normalize_jvp(b, node, t):
    if t[0] is None:
        return [None]
    return [b.op("_image_normalize", t[0], mean=0.0, std=node.attrs["std"])]


# ---------------------------------------------------------------- flips
def _flip_type(opname: str):
    shape_rule = image_type(opname)

    def rule(ins: List[TensorType], attrs: Dict[str, Any]) -> List[TensorType]:
        out = shape_rule(ins, attrs)
        _check_dtype(opname, ins[0].dtype)
        return out
    return rule


def _flip_op(name: str, axis: int, random: bool, doc: str) -> None:
    def flip(x):
        return np.flip(x, axis).copy()

    def random_flip(x):
        return np.flip(x, axis).copy() if generator().random() < 0.5 else x.copy()

    def flipped(b, node, g):
        # linear and self-adjoint: the same rule serves both modes; a random flip's rule
        # cannot see the draw, so it passes the (co)tangent through, as MXNet's `_copy`
        if g[0] is None or random:
            return [g[0]]
        return [b.op("reverse", g[0], axis=(axis,))]

    op = register(name, _flip_type(name), random=random, doc=doc,
                  mxnet_np=name.replace("_image_", "_npx__image_"))(
        random_flip if random else flip)
    op.gradient(flipped)
    op.jvp(flipped)


_flip_op("_image_flip_left_right", 1, False,
         "An (H, W, C) image mirrored left to right (C is 1 or 3); gradient: the cotangent "
         "mirrored (MXNet's passes it unchanged).")
_flip_op("_image_flip_top_bottom", 0, False,
         "An (H, W, C) image mirrored top to bottom (C is 1 or 3); gradient: the cotangent "
         "mirrored (MXNet's passes it unchanged).")
_flip_op("_image_random_flip_left_right", 1, True,
         "An (H, W, C) image mirrored left to right with probability 0.5, one draw per run "
         "(C is 1 or 3); gradient: the cotangent unchanged, as MXNet's.")
_flip_op("_image_random_flip_top_bottom", 0, True,
         "An (H, W, C) image mirrored top to bottom with probability 0.5, one draw per run "
         "(C is 1 or 3); gradient: the cotangent unchanged, as MXNet's.")
