"""`mx.np.ndarray` methods MXNet has beyond the legacy NDArray ones (`nonzero`,
`reshape_view`) or with NumPy's signature instead of the legacy one (`reshape`, `take`,
`argsort`, `clip`, `round`, `item`)."""
from __future__ import annotations

import operator

import numpy as _onp

from ..ir import get_op
from ..ir.errors import ShapeError
from ..ndarray.ndarray import NDArray, write_out
from ..trace.invoke import invoke
from .library import FUNCTIONS
from .ndarray import ndarray


def nonzero(self):
    """Indices of the non-zero elements, one int64 array per axis."""
    return FUNCTIONS["nonzero"](self)


def reshape_view(self, *shape, **kwargs):
    """`reshape` (tapegraph reshapes share no memory guarantees beyond NumPy's)."""
    return self.reshape(*shape, **kwargs)


def _numpy_shape(size, shape):
    """`shape` with its one -1 resolved, as NumPy does (0 is a zero-length axis, not
    legacy MXNet's "copy this axis")."""
    try:
        shape = tuple(operator.index(s) for s in shape)
    except TypeError:
        raise ShapeError("reshape: shape %r is not a tuple of integers" % (shape,)) from None
    unknown = [i for i, s in enumerate(shape) if s == -1]
    known = int(_onp.prod([s for s in shape if s != -1]))
    if len(unknown) > 1 or any(s < -1 for s in shape) or (
            unknown and (known == 0 or size % known)) or (not unknown and known != size):
        raise ShapeError("cannot reshape array of size %d into shape %s" % (size, shape))
    if unknown:
        shape = shape[:unknown[0]] + (size // known,) + shape[unknown[0] + 1:]
    return shape


def reshape(self, *shape, order="C"):
    """The array with a new shape (NumPy's rules: one -1 is inferred, 0 is a zero-length
    axis); only order 'C'."""
    if order != "C":
        raise NotImplementedError("reshape: order=%r is not supported (only 'C'), as in "
                                  "MXNet" % (order,))
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = shape[0]
    target = _numpy_shape(self.size, shape)
    if 0 in target:  # a zero-size array: nothing to record
        return ndarray._wrap(self._data.reshape(target))
    return NDArray.reshape(self, target)


def take(self, indices, axis=None, mode="raise", out=None):
    """`mx.np.take(self, indices, axis, mode)`: along `axis`, or of the flattened array."""
    return FUNCTIONS["take"](self, indices, axis=axis, mode=mode, out=out)


def argsort(self, axis=-1, kind=None, order=None):
    """`mx.np.argsort(self, axis)`: int64 indices sorting the array along `axis`."""
    return FUNCTIONS["argsort"](self, axis=axis, kind=kind, order=order)


def clip(self, min=None, max=None, out=None):
    """Values limited to [min, max] (either may be None, not both)."""
    if min is None and max is None:
        raise ValueError("One of max or min must be given")
    low = -_onp.inf if min is None else float(min)
    high = _onp.inf if max is None else float(max)
    return write_out(invoke(get_op("clip"), [self], {"a_min": low, "a_max": high}), out)


def round(self, decimals=0, out=None):
    """`mx.np.round(self, decimals)` (halves to even)."""
    return write_out(FUNCTIONS["around"](self, decimals=decimals), out)


def prod(self, axis=None, dtype=None, out=None, keepdims=False):
    """`mx.np.prod(self, axis, dtype, keepdims)`."""
    return FUNCTIONS["prod"](self, axis=axis, dtype=dtype, out=out, keepdims=keepdims)


def item(self, *args):
    """One element as a Python scalar: the only one, or the one at a flat index or at an
    index tuple (NumPy's `item`)."""
    return self._data.item(*args)


ndarray.nonzero = nonzero
ndarray.reshape_view = reshape_view
for _fn in (reshape, take, argsort, clip, round, prod, item):
    setattr(ndarray, _fn.__name__, _fn)
