"""Shape operators: Reshape (MXNet's special codes), transpose, broadcast_to, slice and its
adjoint _slice_scatter, split (SliceChannel), Concat, Cast."""
from __future__ import annotations

import math
from typing import Sequence, Tuple

import numpy as np

from tapegraph.ir.errors import ShapeError
from tapegraph.ir.registry import REQUIRED, register
from tapegraph.ir.types import TensorType
from .rules import check_shape_attr, fmt_shape
from ._emit import reshape, sum_to


def _resolved(name: str, out: list, infer_at, src: list, target: list, reverse: bool
              ) -> Tuple[int, ...]:
    """The shape `out` read from (reversed) `src` and `target`, its -1 (at `infer_at`) given
    the size the other dimensions leave, checked to hold as many elements as `src`."""
    total = math.prod(src)
    shown = (fmt_shape(src[::-1] if reverse else src),
             fmt_shape(target[::-1] if reverse else target))
    if infer_at is not None:
        known = math.prod(d for k, d in enumerate(out) if k != infer_at)
        if known == 0 or total % known:
            raise ShapeError("%s: cannot reshape array of shape %s into %s" % ((name,) + shown))
        out[infer_at] = total // known
    if reverse:
        out = out[::-1]
    if math.prod(out) != total:
        raise ShapeError("%s: cannot reshape array of shape %s into shape %s (%d elements vs "
                         "%d)" % ((name,) + shown + (total, math.prod(out))))
    return tuple(out)


def infer_reshape(src: Sequence[int], target: Sequence[int], reverse: bool = False
                  ) -> Tuple[int, ...]:
    """Resolve MXNet's reshape codes: 0 copy a dim, -1 infer one, -2 copy the rest,
    -3 merge two dims, -4 split a dim into the next two (one of them may be -1)."""
    src, target = list(src), [int(t) for t in target]
    if reverse:
        if -4 in target:
            raise ShapeError("Reshape: reverse=True cannot be combined with code -4")
        src, target = src[::-1], target[::-1]
    out, i, j, infer_at = [], 0, 0, None
    while j < len(target):
        t = target[j]
        if t == 0:
            if i >= len(src):
                raise ShapeError("Reshape: code 0 at position %d has no source dimension" % j)
            out.append(src[i]); i += 1
        elif t == -1:
            if infer_at is not None:
                raise ShapeError("Reshape: more than one -1 in shape %s" % fmt_shape(target))
            infer_at = len(out); out.append(1); i += 1
        elif t == -2:
            out.extend(src[i:]); i = len(src)
        elif t == -3:
            if i + 1 >= len(src):
                raise ShapeError("Reshape: code -3 needs two source dimensions")
            out.append(src[i] * src[i + 1]); i += 2
        elif t == -4:
            if j + 2 >= len(target) or i >= len(src):
                raise ShapeError("Reshape: code -4 needs two following dimensions")
            d1, d2 = target[j + 1], target[j + 2]
            if d1 == -1:
                d1 = src[i] // d2 if d2 else 0
            if d2 == -1:
                d2 = src[i] // d1 if d1 else 0
            if d1 * d2 != src[i]:
                raise ShapeError("Reshape: cannot split dimension %d into %d x %d"
                                 % (src[i], d1, d2))
            out += [d1, d2]; i += 1; j += 2
        elif t > 0:
            out.append(t); i += 1
        else:
            raise ShapeError("Reshape: invalid code %d in shape %s" % (t, fmt_shape(target)))
        j += 1
    return _resolved("Reshape", out, infer_at, src, target, reverse)


def infer_npx_reshape(src: Sequence[int], target: Sequence[int], reverse: bool = False
                      ) -> Tuple[int, ...]:
    """Resolve the codes of MXNet's numpy-extension reshape (`npx.reshape`, the
    `_npx_reshape` operator, which MXNet's np-mode indexing writes too): -1 infer one dim,
    -2 copy a dim, -3 drop a dim of size 1, -4 copy the remaining dims, -5 merge two dims,
    -6 split a dim into the next two (one may be -1); a size >= 0 is a dim of its own.
    Each entry but -4 and -5 reads one source dim (-5 two). `reverse` reads both shapes
    from the right (the result reversed back)."""
    src, target = list(src), [int(t) for t in target]
    if reverse:
        src, target = src[::-1], target[::-1]
    out: list = []
    i, j, infer_at = 0, 0, None

    def source(count: int, code: int) -> None:
        if i + count > len(src):
            raise ShapeError("npx.reshape: code %d at position %d has no source dimension "
                             "left in shape %s" % (code, j, fmt_shape(src)))

    while j < len(target):
        t = target[j]
        if t == -1:
            if infer_at is not None:
                raise ShapeError("npx.reshape: more than one -1 in %s" % fmt_shape(target))
            infer_at = len(out)
            out.append(1)
            i += 1
        elif t == -2:
            source(1, t)
            out.append(src[i])
            i += 1
        elif t == -3:
            source(1, t)
            if src[i] != 1:
                raise ShapeError("npx.reshape: code -3 drops a dimension of size 1, not %d"
                                 % src[i])
            i += 1
        elif t == -4:
            out.extend(src[i:])
            i = len(src)
        elif t == -5:
            source(2, t)
            out.append(src[i] * src[i + 1])
            i += 2
        elif t == -6:
            source(1, t)
            if j + 2 >= len(target):
                raise ShapeError("npx.reshape: code -6 needs two following dimensions")
            d1, d2 = target[j + 1], target[j + 2]
            if d1 == -1:
                d1 = src[i] // d2 if d2 > 0 else 0
            if d2 == -1:
                d2 = src[i] // d1 if d1 > 0 else 0
            if d1 < 0 or d2 < 0 or d1 * d2 != src[i]:
                raise ShapeError("npx.reshape: cannot split dimension %d into %d x %d"
                                 % (src[i], target[j + 1], target[j + 2]))
            out += [d1, d2]
            i += 1
            j += 2
        elif t >= 0:
            out.append(t)
            i += 1
        else:
            raise ShapeError("npx.reshape: invalid code %d in %s" % (t, fmt_shape(target)))
        j += 1
    return _resolved("npx.reshape", out, infer_at, src, target, reverse)


def _reshape_infer(ins, attrs):
    t = ins[0]
    return [TensorType.get(infer_reshape(t.shape, attrs["shape"], attrs["reverse"]), t.dtype)]


@register("Reshape", _reshape_infer, attrs={"shape": REQUIRED, "reverse": False},
          mxnet_np="_np_reshape", view=True, reshape=True)
def reshape_(x, shape, reverse):
    """Reshape with MXNet's special codes (0, -1, -2, -3, -4)."""
    if min(shape, default=1) > 0:  # a concrete shape (the common case): nothing to resolve
        return x.reshape(shape)
    return np.reshape(x, infer_reshape(x.shape, shape, reverse))


@reshape_.gradient
def _reshape_vjp(b, n, g):
    return [reshape(b, g[0], n.inputs[0].type.shape)]


def _perm(ndim, axes):
    if not axes:
        return tuple(range(ndim))[::-1]
    axes = tuple(int(a) % ndim for a in axes)
    if sorted(axes) != list(range(ndim)):
        raise ShapeError("transpose: axes %r are not a permutation of %d axes" % (axes, ndim))
    return axes


def _transpose_infer(ins, attrs):
    t = ins[0]
    perm = _perm(t.ndim, attrs["axes"])
    return [TensorType.get(tuple(t.shape[a] for a in perm), t.dtype)]


@register("transpose", _transpose_infer, attrs={"axes": ()}, mxnet_np="_np_transpose",
          view=True)
def transpose(x, axes):
    """Permute axes (reverse them when `axes` is empty)."""
    return np.transpose(x, _perm(x.ndim, axes))


@transpose.gradient
def _transpose_vjp(b, n, g):
    perm = _perm(n.inputs[0].type.ndim, n.attrs["axes"])
    inverse = tuple(int(i) for i in np.argsort(perm))
    return [b.op("transpose", g[0], axes=inverse)]


def _broadcast_infer(ins, attrs):
    t = ins[0]
    shape = check_shape_attr(attrs["shape"], "broadcast_to")
    try:
        out = np.broadcast_shapes(t.shape, shape)
    except ValueError:
        out = None
    if out != shape:
        raise ShapeError("broadcast_to: cannot broadcast shape %s to %s"
                         % (fmt_shape(t.shape), fmt_shape(shape)))
    return [TensorType.get(shape, t.dtype)]


@register("broadcast_to", _broadcast_infer, attrs={"shape": REQUIRED},
          mxnet_np="_npi_broadcast_to", view=True)
def broadcast_to(x, shape):
    """Broadcast to `shape` (NumPy rules)."""
    if x.flags.c_contiguous and x.size:  # a read-only zero-stride view, made directly
        key = (x.shape, x.strides, shape)
        strides = _BROADCAST_STRIDES.get(key)
        if strides is None:
            strides = np.broadcast_to(x, shape).strides  # (also checks the shapes)
            if len(_BROADCAST_STRIDES) >= 4096:
                _BROADCAST_STRIDES.clear()
            _BROADCAST_STRIDES[key] = strides
        view = np.ndarray(shape, x.dtype, x, 0, strides)
        view.flags.writeable = False
        return view
    return np.broadcast_to(x, shape)


# np.broadcast_to's strides per (input shape, input strides, shape): it builds an nditer
# on every call, several times the cost of making the view.
_BROADCAST_STRIDES: dict = {}


@broadcast_to.gradient
def _broadcast_vjp(b, n, g):
    return [sum_to(b, g[0], n.inputs[0].type.shape)]


# ---------------------------------------------------------------- slicing


def slice_bounds(shape, begin, end, step):
    """Normalised per-axis (start, stop, step) triples, as Python slices see them."""
    out = []
    for axis, size in enumerate(shape):
        b = begin[axis] if axis < len(begin) else None
        e = end[axis] if axis < len(end) else None
        s = step[axis] if axis < len(step) and step[axis] is not None else 1
        if s == 0:
            raise ShapeError("slice: step cannot be 0")
        out.append(slice(b, e, s).indices(size))
    return out


def _slice_infer(ins, attrs):
    t = ins[0]
    if len(attrs["begin"]) > t.ndim or len(attrs["end"]) > t.ndim:
        raise ShapeError("slice: begin/end have more entries than the %d-d input" % t.ndim)
    bounds = slice_bounds(t.shape, attrs["begin"], attrs["end"], attrs["step"])
    return [TensorType.get(tuple(len(range(*bd)) for bd in bounds), t.dtype)]


def _as_slices(shape, begin, end, step):
    # A normalised stop of -1 (reverse slice to the front) must become None, not "last".
    return tuple(slice(b, e if e >= 0 else None, st)
                 for b, e, st in slice_bounds(shape, begin, end, step))


@register("slice", _slice_infer, attrs={"begin": REQUIRED, "end": REQUIRED, "step": ()},
          mxnet_np="_npi_slice", view=True)
def slice_(x, begin, end, step):
    """x[begin:end:step] per axis (None keeps the default bound)."""
    return x[_as_slices(x.shape, begin, end, step)]


@slice_.gradient
def _slice_vjp(b, n, g):
    a = n.attrs
    return [b.op("_slice_scatter", g[0], shape=n.inputs[0].type.shape, begin=a["begin"],
                 end=a["end"], step=a["step"])]


def _scatter_infer(ins, attrs):
    shape = check_shape_attr(attrs["shape"], "_slice_scatter")
    want = _slice_infer([TensorType.get(shape, ins[0].dtype)], attrs)[0]
    if want.shape != ins[0].shape:
        raise ShapeError("_slice_scatter: input %s does not fit the slice %s of %s"
                         % (fmt_shape(ins[0].shape), fmt_shape(want.shape), fmt_shape(shape)))
    return [TensorType.get(shape, ins[0].dtype)]


@register("_slice_scatter", _scatter_infer,
          attrs={"shape": REQUIRED, "begin": REQUIRED, "end": REQUIRED, "step": ()})
def slice_scatter(g, shape, begin, end, step):
    """Zeros of `shape` with `g` written at [begin:end:step] (the adjoint of `slice`)."""
    out = np.zeros(shape, dtype=g.dtype)
    out[_as_slices(shape, begin, end, step)] = g
    return out


@slice_scatter.gradient
def _scatter_vjp(b, n, g):
    a = n.attrs
    return [b.op("slice", g[0], begin=a["begin"], end=a["end"], step=a["step"])]


# ---------------------------------------------------------------- split / concat


def _split_infer(ins, attrs):
    t = ins[0]
    k, axis = int(attrs["num_outputs"]), int(attrs["axis"])
    if not -t.ndim <= axis < t.ndim:
        raise ShapeError("split: axis %d is out of range for shape %s" % (axis, fmt_shape(t.shape)))
    axis %= t.ndim
    if k <= 0 or t.shape[axis] % k:
        raise ShapeError("split: dimension %d of shape %s (size %d) is not divisible by "
                         "num_outputs=%d" % (axis, fmt_shape(t.shape), t.shape[axis], k))
    part = list(t.shape)
    part[axis] //= k
    if attrs["squeeze_axis"]:
        if part[axis] != 1:
            raise ShapeError("split: squeeze_axis needs pieces of size 1 on axis %d, got %d"
                             % (axis, part[axis]))
        del part[axis]
    return [TensorType.get(tuple(part), t.dtype)] * k


@register("SliceChannel", _split_infer, attrs={"num_outputs": REQUIRED, "axis": 1,
                                               "squeeze_axis": False},
          num_outputs="num_outputs", mxnet_np="_npi_split", view=True)
def split(x, num_outputs, axis, squeeze_axis):
    """Split into `num_outputs` equal pieces along `axis` (MXNet's `split`)."""
    parts = np.split(x, num_outputs, axis=axis)
    if squeeze_axis:
        parts = [np.squeeze(p, axis=axis) for p in parts]
    return tuple(parts) if len(parts) > 1 else parts[0]  # one output is one array


@split.gradient
def _split_vjp(b, n, g):
    axis = int(n.attrs["axis"]) % n.inputs[0].type.ndim
    parts = []
    for ct, out in zip(g, n.outputs):
        ct = ct if ct is not None else b.op("zeros_like", out)
        if n.attrs["squeeze_axis"]:
            ct = b.op("expand_dims", ct, axis=axis)
        parts.append(ct)
    return [b.op("Concat", *parts, dim=axis, num_args=len(parts))]


def _concat_infer(ins, attrs):
    if not ins or len(ins) != int(attrs["num_args"]):
        raise ShapeError("Concat: num_args=%s but %d input(s) given"
                         % (attrs["num_args"], len(ins)))
    first = ins[0]
    dim = int(attrs["dim"])
    if not -first.ndim <= dim < max(first.ndim, 1):
        raise ShapeError("Concat: dim %d is out of range for %d-d inputs" % (dim, first.ndim))
    dim %= first.ndim
    total = 0
    for t in ins:
        if t.ndim != first.ndim or any(a != c for i, (a, c) in enumerate(zip(t.shape, first.shape))
                                       if i != dim):
            raise ShapeError("Concat: shapes %s do not match except on dim %d"
                             % (", ".join(fmt_shape(x.shape) for x in ins), dim))
        total += t.shape[dim]
    shape = list(first.shape)
    shape[dim] = total
    return [TensorType.get(tuple(shape), first.dtype)]


@register("Concat", _concat_infer, attrs={"dim": 1, "num_args": REQUIRED}, num_inputs=None,
          mxnet_np="_npi_concatenate")
def concat(*xs, dim, num_args):
    """Join arrays along `dim`."""
    return np.concatenate(xs, axis=dim)


@concat.gradient
def _concat_vjp(b, n, g):
    dim = int(n.attrs["dim"]) % n.inputs[0].type.ndim
    out, start = [], 0
    for v in n.inputs:
        size = v.type.shape[dim]
        begin = tuple([None] * dim + [start])
        end = tuple([None] * dim + [start + size])
        out.append(b.op("slice", g[0], begin=begin, end=end, step=()))
        start += size
    return out


def _expand_infer(ins, attrs):
    t = ins[0]
    axis = int(attrs["axis"])
    if not -t.ndim - 1 <= axis <= t.ndim:
        raise ShapeError("expand_dims: axis %d out of range for %d-d input" % (axis, t.ndim))
    axis %= t.ndim + 1
    return [TensorType.get(t.shape[:axis] + (1,) + t.shape[axis:], t.dtype)]


@register("expand_dims", _expand_infer, attrs={"axis": REQUIRED}, mxnet_np="_npi_expand_dims",
          view=True, reshape=True)
def expand_dims(x, axis):
    """Insert an axis of size 1 at `axis`."""
    return np.expand_dims(x, axis)


@expand_dims.gradient
def _expand_vjp(b, n, g):
    return [reshape(b, g[0], n.inputs[0].type.shape)]


def _cast_infer(ins, attrs):
    return [TensorType.get(ins[0].shape, attrs["dtype"])]


@register("Cast", _cast_infer, attrs={"dtype": REQUIRED}, elementwise=True,
          fuse="{0}.astype('{a[dtype]}')", mxnet_np="_npi_cast")
def cast(x, dtype):
    """Convert to `dtype`."""
    return x.astype(dtype)


@cast.gradient
def _cast_vjp(b, n, g):
    src = n.inputs[0].type.dtype
    if not src.startswith("float"):
        return [None]
    return [b.op("Cast", g[0], dtype=src)]


# ---------------------------------------------------------------- forward mode (see _jvp.py)

from ._jvp import linear, linear_all, set_rule  # noqa: E402  (after the operators it annotates)

# Linear in the data input: the tangent goes through the same operator.
set_rule(linear(0), ["Reshape", "transpose", "broadcast_to", "slice", "_slice_scatter",
                     "SliceChannel", "expand_dims", "Cast"])
set_rule(linear_all, ["Concat"])
