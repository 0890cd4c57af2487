"""MXNet's sequence operators: data with time on `axis` (0 or 1) and batch on the other of
the first two axes, and an optional second input, one length per sequence (read when
`use_sequence_length`; integer values in any dtype, clipped to [0, steps]; no cotangent).

SequenceMask and SequenceReverse are linear in the data and their own adjoints (a masked
cotangent; a reversal is an involution); SequenceLast's adjoint is
_sequence_last_scatter, whose gradient is SequenceLast again, so every order works.
"""
from __future__ import annotations

import numpy as np

from tapegraph.ir.errors import ShapeError
from tapegraph.ir.registry import REQUIRED, register
from tapegraph.ir.types import TensorType
from .rules import check_shape_attr, fmt_shape

_ATTRS = {"use_sequence_length": False, "axis": 0}


def _check(name, data, lengths, attrs, axes=(0, 1)):
    """MXNet's checks of a sequence operator's inputs (ShapeError naming the operator)."""
    axis = int(attrs["axis"])
    if axis not in axes or len(data.shape) < 2:
        raise ShapeError("%s: axis must be %s of an input with at least 2 dimensions, got "
                         "axis=%d for %s" % (name, " or ".join(map(str, axes)), axis,
                                             fmt_shape(data.shape)))
    if attrs["use_sequence_length"]:
        if lengths is None:
            raise ShapeError("%s: use_sequence_length=True needs the sequence_length input"
                             % name)
        batch = data.shape[1 - axis]
        if int(np.prod(lengths.shape)) != batch:
            raise ShapeError("%s: sequence_length of shape %s for a batch of %d (expected "
                             "(%d,))" % (name, fmt_shape(lengths.shape), batch, batch))


def _lengths(shape, lengths, use, axis) -> np.ndarray:
    steps = shape[axis]
    if not use or lengths is None:
        return np.full(shape[1 - axis], steps, dtype=np.int64)
    return np.clip(lengths.astype(np.int64).reshape(-1), 0, steps)


def _keep(shape, lengths, use, axis) -> np.ndarray:
    """Boolean (steps, batch) or (batch, steps) mask of the positions before each length,
    shaped to broadcast against data of `shape`."""
    n = _lengths(shape, lengths, use, axis)
    steps = np.arange(shape[axis])
    keep = steps[:, None] < n[None, :] if axis == 0 else n[:, None] > steps[None, :]
    return keep.reshape(keep.shape + (1,) * (len(shape) - 2))


# ---------------------------------------------------------------- SequenceMask


def _mask_infer(ins, attrs):
    _check("SequenceMask", ins[0], ins[1] if len(ins) > 1 else None, attrs)
    return [ins[0]]


@register("SequenceMask", _mask_infer, num_inputs=None, attrs=dict(_ATTRS, value=0.0))
def sequence_mask(data, lengths=None, use_sequence_length=False, axis=0, value=0.0):
    """`data` with the positions at and past each sequence's length set to `value`."""
    keep = _keep(data.shape, lengths, use_sequence_length, int(axis))
    return np.where(keep, data, np.asarray(value, dtype=data.dtype)).astype(data.dtype,
                                                                             copy=False)


@sequence_mask.gradient
def _sequence_mask_vjp(b, n, g):
    a = n.attrs
    return [b.op("SequenceMask", g[0], *n.inputs[1:], use_sequence_length=a[
        "use_sequence_length"], axis=a["axis"], value=0.0)] + [None] * (len(n.inputs) - 1)


# ---------------------------------------------------------------- SequenceReverse


def _reverse_infer(ins, attrs):
    _check("SequenceReverse", ins[0], ins[1] if len(ins) > 1 else None, attrs, axes=(0,))
    return [ins[0]]


@register("SequenceReverse", _reverse_infer, num_inputs=None, attrs=dict(_ATTRS))
def sequence_reverse(data, lengths=None, use_sequence_length=False, axis=0):
    """Each sequence's first `length` steps in reverse order (axis 0); the steps past its
    length stay where they are."""
    n = _lengths(data.shape, lengths, use_sequence_length, 0)
    steps = np.arange(data.shape[0])[:, None]
    source = np.where(steps < n[None, :], n[None, :] - 1 - steps, steps)  # (steps, batch)
    return data[source, np.arange(data.shape[1])[None, :]]


@sequence_reverse.gradient
def _sequence_reverse_vjp(b, n, g):
    return [b.op("SequenceReverse", g[0], *n.inputs[1:], **n.attrs)] + \
        [None] * (len(n.inputs) - 1)


# ---------------------------------------------------------------- SequenceLast


def _last_index(shape, lengths, use, axis):
    """(batch,) index of each sequence's last valid step (0 for an empty one)."""
    return np.maximum(_lengths(shape, lengths, use, axis) - 1, 0)


def _last_infer(ins, attrs):
    data = ins[0]
    _check("SequenceLast", data, ins[1] if len(ins) > 1 else None, attrs)
    axis = int(attrs["axis"])
    return [TensorType.get(data.shape[:axis] + data.shape[axis + 1:], data.dtype)]


@register("SequenceLast", _last_infer, num_inputs=None, attrs=dict(_ATTRS))
def sequence_last(data, lengths=None, use_sequence_length=False, axis=0):
    """The last valid step of each sequence: `data` without the time axis."""
    axis = int(axis)
    last = _last_index(data.shape, lengths, use_sequence_length, axis)
    batch = np.arange(data.shape[1 - axis])
    return data[last, batch] if axis == 0 else data[batch, last]


@sequence_last.gradient
def _sequence_last_vjp(b, n, g):
    a = n.attrs
    return [b.op("_sequence_last_scatter", g[0], *n.inputs[1:], shape=n.inputs[0].type.shape,
                 use_sequence_length=a["use_sequence_length"], axis=a["axis"])] + \
        [None] * (len(n.inputs) - 1)


def _scatter_infer(ins, attrs):
    shape = check_shape_attr(attrs["shape"], "_sequence_last_scatter")
    _check("_sequence_last_scatter", TensorType.get(shape, ins[0].dtype),
           ins[1] if len(ins) > 1 else None, attrs)
    axis = int(attrs["axis"])
    want = shape[:axis] + shape[axis + 1:]
    if ins[0].shape != want:
        raise ShapeError("_sequence_last_scatter: cotangent of shape %s does not fit %s "
                         "(expected %s)" % (fmt_shape(ins[0].shape), fmt_shape(shape),
                                            fmt_shape(want)))
    return [TensorType.get(shape, ins[0].dtype)]


@register("_sequence_last_scatter", _scatter_infer, num_inputs=None,
          attrs=dict(_ATTRS, shape=REQUIRED))
def sequence_last_scatter(g, lengths=None, shape=(), use_sequence_length=False, axis=0):
    """Zeros of `shape` with `g` at each sequence's last step (SequenceLast's adjoint)."""
    axis = int(axis)
    out = np.zeros(shape, g.dtype)
    last = _last_index(shape, lengths, use_sequence_length, axis)
    batch = np.arange(shape[1 - axis])
    if axis == 0:
        out[last, batch] = g
    else:
        out[batch, last] = g
    return out


@sequence_last_scatter.gradient
def _sequence_last_scatter_vjp(b, n, g):
    a = n.attrs
    return [b.op("SequenceLast", g[0], *n.inputs[1:],
                 use_sequence_length=a["use_sequence_length"], axis=a["axis"])] + \
        [None] * (len(n.inputs) - 1)
