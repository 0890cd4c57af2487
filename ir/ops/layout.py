"""Layout operators: squeeze, Flatten, stack, slice_axis, tile, repeat, reverse (flip),
SwapAxis, UpSampling (nearest), Pad (constant, edge, reflect). Each gradient is a reshape,
a reduction or the operator's own adjoint."""
from __future__ import annotations

import math

import numpy as np

from tapegraph.ir.errors import ShapeError
from tapegraph.ir.registry import REQUIRED, register
from tapegraph.ir.types import TensorType
from .rules import fmt_shape, normalize_axes
from ._emit import reshape


def _squeeze_axes(shape, axis):
    if axis is None:
        return tuple(i for i, s in enumerate(shape) if s == 1)
    axes = normalize_axes(axis, len(shape), "squeeze")
    for a in axes:
        if shape[a] != 1:
            raise ShapeError("squeeze: cannot select an axis to squeeze out which has size not "
                             "equal to one (axis %d of shape %s)" % (a, fmt_shape(shape)))
    return axes


def _squeeze_infer(ins, attrs):
    t = ins[0]
    axes = _squeeze_axes(t.shape, attrs["axis"])
    return [TensorType.get(tuple(s for i, s in enumerate(t.shape) if i not in axes), t.dtype)]


@register("squeeze", _squeeze_infer, attrs={"axis": None}, mxnet_np="_np_squeeze", view=True,
          reshape=True)
def squeeze(x, axis):
    """Remove axes of size 1 (all of them when `axis` is None)."""
    return np.squeeze(x, axis=_squeeze_axes(x.shape, axis))


@squeeze.gradient
def _squeeze_vjp(b, n, g):
    return [reshape(b, g[0], n.inputs[0].type.shape)]


def _flatten_infer(ins, attrs):
    t = ins[0]
    if t.ndim == 0:
        return [TensorType.get((1, 1), t.dtype)]
    return [TensorType.get((t.shape[0], int(math.prod(t.shape[1:]))), t.dtype)]


@register("Flatten", _flatten_infer, mxnet_np="_npx_batch_flatten", view=True, reshape=True)
def flatten(x):
    """Collapse all axes but the first: (d0, d1, ..., dk) -> (d0, d1*...*dk)."""
    return x.reshape(_flatten_infer([TensorType.of(x)], {})[0].shape)


@flatten.gradient
def _flatten_vjp(b, n, g):
    return [reshape(b, g[0], n.inputs[0].type.shape)]


def _stack_infer(ins, attrs):
    if not ins or len(ins) != int(attrs["num_args"]):
        raise ShapeError("stack: num_args=%s but %d input(s) given" % (attrs["num_args"], len(ins)))
    first = ins[0]
    for t in ins[1:]:
        if t.shape != first.shape or t.dtype != first.dtype:
            raise ShapeError("stack: all inputs need one shape and dtype, got %s"
                             % ", ".join(fmt_shape(x.shape) for x in ins))
    axis = int(attrs["axis"])
    if not -first.ndim - 1 <= axis <= first.ndim:
        raise ShapeError("stack: axis %d out of range for %d-d inputs" % (axis, first.ndim))
    axis %= first.ndim + 1
    return [TensorType.get(first.shape[:axis] + (len(ins),) + first.shape[axis:], first.dtype)]


@register("stack", _stack_infer, attrs={"axis": 0, "num_args": REQUIRED}, num_inputs=None,
          mxnet_np="_npi_stack")
def stack(*xs, axis, num_args):
    """Join arrays of one shape along a new axis."""
    return np.stack(xs, axis=axis)


@stack.gradient
def _stack_vjp(b, n, g):
    k = len(n.inputs)
    axis = int(n.attrs["axis"]) % (n.inputs[0].type.ndim + 1)
    parts = b.op("SliceChannel", g[0], num_outputs=k, axis=axis, squeeze_axis=True)
    return list(parts) if k > 1 else [parts]


def _axis_bounds(shape, attrs):
    axis = int(attrs["axis"])
    if not -len(shape) <= axis < len(shape):
        raise ShapeError("slice_axis: axis %d out of range for shape %s" % (axis, fmt_shape(shape)))
    axis %= len(shape)
    start, stop, _ = slice(attrs["begin"], attrs["end"]).indices(shape[axis])
    return axis, start, max(stop, start)


def _slice_axis_infer(ins, attrs):
    t = ins[0]
    axis, start, stop = _axis_bounds(t.shape, attrs)
    shape = list(t.shape)
    shape[axis] = stop - start
    return [TensorType.get(tuple(shape), t.dtype)]


@register("slice_axis", _slice_axis_infer, attrs={"axis": REQUIRED, "begin": REQUIRED,
                                                  "end": REQUIRED}, view=True)
def slice_axis(x, axis, begin, end):
    """x[..., begin:end, ...] on one axis (`end` None means the end of the axis)."""
    axis, start, stop = _axis_bounds(x.shape, {"axis": axis, "begin": begin, "end": end})
    index = [slice(None)] * x.ndim
    index[axis] = slice(start, stop)
    return x[tuple(index)]


@slice_axis.gradient
def _slice_axis_vjp(b, n, g):
    shape = n.inputs[0].type.shape
    axis, start, stop = _axis_bounds(shape, n.attrs)
    begin = tuple([None] * axis + [start])
    end = tuple([None] * axis + [stop])
    return [b.op("_slice_scatter", g[0], shape=shape, begin=begin, end=end, step=())]


def _tile_reps(ndim, reps):
    reps = tuple(int(r) for r in reps)
    if any(r < 0 for r in reps):
        raise ShapeError("tile: reps %r must be non-negative" % (reps,))
    return (1,) * max(0, ndim - len(reps)) + reps


def _tile_infer(ins, attrs):
    t = ins[0]
    reps = _tile_reps(t.ndim, attrs["reps"])
    shape = (1,) * (len(reps) - t.ndim) + t.shape
    return [TensorType.get(tuple(s * r for s, r in zip(shape, reps)), t.dtype)]


@register("tile", _tile_infer, attrs={"reps": REQUIRED}, mxnet_np="_npi_tile")
def tile(x, reps):
    """Repeat the whole array `reps[i]` times along axis i."""
    return np.tile(x, tuple(int(r) for r in reps))


@tile.gradient
def _tile_vjp(b, n, g):
    x = n.inputs[0].type
    reps = _tile_reps(x.ndim, n.attrs["reps"])
    shape = (1,) * (len(reps) - x.ndim) + x.shape
    split = []
    for r, s in zip(reps, shape):
        split += [r, s]
    g2 = reshape(b, g[0], split)
    summed = b.op("sum", g2, axis=tuple(range(0, len(split), 2)), keepdims=False)
    return [reshape(b, summed, x.shape)]


def _repeat_infer(ins, attrs):
    t = ins[0]
    r = int(attrs["repeats"])
    if r < 0:
        raise ShapeError("repeat: repeats must be non-negative, got %d" % r)
    if attrs["axis"] is None:
        return [TensorType.get((t.size * r,), t.dtype)]
    axis = normalize_axes(int(attrs["axis"]), t.ndim, "repeat")[0]
    shape = list(t.shape)
    shape[axis] *= r
    return [TensorType.get(tuple(shape), t.dtype)]


@register("repeat", _repeat_infer, attrs={"repeats": REQUIRED, "axis": None},
          mxnet_np="_np_repeat")
def repeat(x, repeats, axis):
    """Repeat each element `repeats` times along `axis` (of the flattened array if None)."""
    return np.repeat(x, int(repeats), axis=None if axis is None else int(axis))


@repeat.gradient
def _repeat_vjp(b, n, g):
    x = n.inputs[0].type
    r = int(n.attrs["repeats"])
    if n.attrs["axis"] is None:
        shape, axis = (x.size,), 0
    else:
        shape, axis = x.shape, normalize_axes(int(n.attrs["axis"]), x.ndim, "repeat")[0]
    split = shape[:axis] + (shape[axis], r) + shape[axis + 1:]
    summed = b.op("sum", reshape(b, g[0], split), axis=(axis + 1,), keepdims=False)
    return [reshape(b, summed, x.shape)]


def _reverse_infer(ins, attrs):
    normalize_axes(attrs["axis"], ins[0].ndim, "reverse")
    return [ins[0]]


@register("reverse", _reverse_infer, attrs={"axis": REQUIRED}, mxnet_np="_npi_flip", view=True)
def reverse(x, axis):
    """Reverse the order of elements along `axis` (MXNet's `flip`)."""
    return np.flip(x, axis=normalize_axes(axis, x.ndim, "reverse"))


reverse.gradient(lambda b, n, g: [b.op("reverse", g[0], axis=n.attrs["axis"])])


def _swap_perm(ndim, attrs):
    d1, d2 = normalize_axes(int(attrs["dim1"]), ndim, "SwapAxis")[0], \
        normalize_axes(int(attrs["dim2"]), ndim, "SwapAxis")[0]
    perm = list(range(ndim))
    perm[d1], perm[d2] = perm[d2], perm[d1]
    return tuple(perm)


def _swap_infer(ins, attrs):
    t = ins[0]
    return [TensorType.get(tuple(t.shape[p] for p in _swap_perm(t.ndim, attrs)), t.dtype)]


@register("SwapAxis", _swap_infer, attrs={"dim1": 0, "dim2": 0}, mxnet_np="_npi_swapaxes",
          view=True)
def swap_axis(x, dim1, dim2):
    """Interchange two axes."""
    return np.swapaxes(x, dim1, dim2)


swap_axis.gradient(lambda b, n, g: [b.op("SwapAxis", g[0], **n.attrs)])


def _upsampling_infer(ins, attrs):
    if attrs["sample_type"] != "nearest":
        raise ShapeError("UpSampling: only sample_type='nearest' is supported")
    if len(ins) != 1 or int(attrs["num_args"]) != 1:
        raise ShapeError("UpSampling: exactly one input is supported, got %d" % len(ins))
    t, s = ins[0], int(attrs["scale"])
    if t.ndim != 4 or s < 1:
        raise ShapeError("UpSampling: expected a 4-D input and scale >= 1, got %s and %d"
                         % (fmt_shape(t.shape), s))
    return [TensorType.get(t.shape[:2] + (t.shape[2] * s, t.shape[3] * s), t.dtype)]


@register("UpSampling", _upsampling_infer, num_inputs=None,
          attrs={"scale": REQUIRED, "sample_type": "nearest", "num_args": 1, "num_filter": 0,
                 "multi_input_mode": "concat", "workspace": 512})
def upsampling(x, scale, sample_type, num_args, num_filter, multi_input_mode, workspace):
    """Nearest-neighbour upsampling of (N, C, H, W) by an integer `scale`."""
    s = int(scale)
    return np.repeat(np.repeat(x, s, axis=2), s, axis=3)


@upsampling.gradient
def _upsampling_vjp(b, n, g):
    nb, c, h, w = n.inputs[0].type.shape
    s = int(n.attrs["scale"])
    blocks = reshape(b, g[0], (nb, c, h, s, w, s))
    return [b.op("sum", blocks, axis=(3, 5))]


def _pad_pairs(ndim, pad_width):
    pw = tuple(int(p) for p in pad_width)
    if len(pw) != 2 * ndim or any(p < 0 for p in pw):
        raise ShapeError("Pad: pad_width needs 2 non-negative entries per axis (%d), got %r"
                         % (2 * ndim, pad_width))
    return [(pw[2 * i], pw[2 * i + 1]) for i in range(ndim)]


_PAD_MODES = {"constant": "constant", "edge": "edge", "reflect": "reflect"}


def _pad_infer(ins, attrs):
    t = ins[0]
    if attrs["mode"] not in _PAD_MODES:
        raise ShapeError("Pad: mode must be constant, edge or reflect, got %r"
                         % (attrs["mode"],))
    pairs = _pad_pairs(t.ndim, attrs["pad_width"])
    if attrs["mode"] == "reflect":
        for axis, (size, (a, b)) in enumerate(zip(t.shape, pairs)):
            if max(a, b) >= size:
                raise ShapeError("Pad: reflect padding (%d, %d) of axis %d needs more than "
                                 "%d elements" % (a, b, axis, max(a, b)))
    elif attrs["mode"] == "edge" and any(s == 0 and a + b for s, (a, b) in zip(t.shape, pairs)):
        raise ShapeError("Pad: edge padding of an empty axis")
    return [TensorType.get(tuple(s + a + b for s, (a, b) in zip(t.shape, pairs)), t.dtype)]


@register("Pad", _pad_infer, attrs={"mode": REQUIRED, "pad_width": REQUIRED,
                                    "constant_value": 0.0}, mxnet_np="_npi_pad")
def pad(x, mode, pad_width, constant_value):
    """Pad each axis (pad_width: before/after pairs per axis) with `constant_value`, the
    edge value (edge) or the mirror image without the edge (reflect)."""
    pairs = _pad_pairs(x.ndim, pad_width)
    if mode == "constant":
        return np.pad(x, pairs, constant_values=constant_value)
    return np.pad(x, pairs, mode=_PAD_MODES[mode])


def _zero_pad(b, v, axis, before, after):
    ndim = v.type.ndim
    width = [0] * (2 * ndim)
    width[2 * axis], width[2 * axis + 1] = before, after
    return b.op("Pad", v, mode="constant", pad_width=tuple(width), constant_value=0.0)


def _fold_axis(b, g, axis, size, before, after, mode):
    """The adjoint of padding one axis: the centre, plus what the padding copied, added
    back where it was copied from."""
    total = g.type.shape[axis]
    out = b.op("slice_axis", g, axis=axis, begin=before, end=before + size)
    for lo, hi, at in ((0, before, "before"), (before + size, total, "after")):
        if hi <= lo:
            continue
        part = b.op("slice_axis", g, axis=axis, begin=lo, end=hi)
        if mode == "edge":
            part = b.op("sum", part, axis=(axis,), keepdims=True)
            pads = (0, size - 1) if at == "before" else (size - 1, 0)
        else:  # reflect: padding element k mirrors element k+1 (before) / size-2-k (after)
            part = b.op("reverse", part, axis=(axis,))
            n = hi - lo
            pads = (1, size - 1 - n) if at == "before" else (size - 1 - n, 1)
        out = b.op("elemwise_add", out, _zero_pad(b, part, axis, *pads))
    return out


@pad.gradient
def _pad_vjp(b, n, g):
    shape = n.inputs[0].type.shape
    pairs = _pad_pairs(len(shape), n.attrs["pad_width"])
    if n.attrs["mode"] == "constant":
        return [b.op("slice", g[0], begin=tuple(a for a, _ in pairs),
                     end=tuple(a + s for (a, _), s in zip(pairs, shape)), step=())]
    out = g[0]
    for axis, (size, (a, c)) in enumerate(zip(shape, pairs)):
        if a or c:
            out = _fold_axis(b, out, axis, size, a, c, n.attrs["mode"])
    return [out]


# ---------------------------------------------------------------- forward mode (see _jvp.py)

from ._jvp import linear, linear_all, set_rule  # noqa: E402  (after the operators)

set_rule(linear(0), ["squeeze", "Flatten", "slice_axis", "tile", "repeat", "reverse",
                     "SwapAxis"])
set_rule(linear_all, ["stack"])
