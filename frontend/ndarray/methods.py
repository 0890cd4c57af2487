"""The rest of MXNet's NDArray methods (thin wrappers of `mx.nd` functions), and the
`nanprod` / `split_v2` functions they need. Attached to NDArray (and so mx.np.ndarray)."""
from __future__ import annotations

from typing import List, Sequence, Union


from ..ir import composites
from ..ir.errors import MXNetError
from .ndarray import NDArray
from .ops import NAMESPACE, Eager, _finish


def nanprod(data, axis=None, keepdims=False, exclude=False, out=None, **kw):
    """Product treating NaN as one."""
    if not isinstance(data, NDArray):
        raise MXNetError("nanprod: data must be an NDArray, got %s" % type(data).__name__)
    clean = composites.nan_to(Eager, data, "ones_like")
    return _finish(NAMESPACE["prod"](clean, axis=axis, keepdims=keepdims, exclude=exclude),
                   out)


def split_v2(ary, indices_or_sections: Union[int, Sequence[int]], axis: int = 0,
             squeeze_axis: bool = False) -> List[NDArray]:
    """Split along `axis` into equal sections (an int) or at the given indices (as
    numpy.split); recorded, so gradients flow to `ary`."""
    if not isinstance(ary, NDArray):
        raise MXNetError("split_v2: ary must be an NDArray, got %s" % type(ary).__name__)
    size = ary.shape[axis]
    if isinstance(indices_or_sections, int):
        if indices_or_sections <= 0 or size % indices_or_sections:
            raise MXNetError("split_v2: axis %d of size %d cannot be split into %d equal "
                             "sections" % (axis, size, indices_or_sections))
        step = size // indices_or_sections
        bounds = list(range(0, size + 1, step))
    else:
        bounds = [0] + [int(i) for i in indices_or_sections] + [size]
    parts = []
    for begin, end in zip(bounds[:-1], bounds[1:]):
        part = NAMESPACE["slice_axis"](ary, axis=axis, begin=begin, end=end)
        if squeeze_axis:
            if end - begin != 1:
                raise MXNetError("split_v2: squeeze_axis needs sections of size 1")
            part = NAMESPACE["squeeze"](part, axis=axis)
        parts.append(part)
    return parts


NAMESPACE.update(nanprod=nanprod, split_v2=split_v2)


def _method(name: str):
    fn = NAMESPACE[name]

    def method(self, *args, **kwargs):
        return fn(self, *args, **kwargs)
    method.__name__ = name
    method.__doc__ = "`mx.nd.%s(self, ...)`." % name
    return method


def slice_assign(self, rhs, begin, end, step):
    """Write `rhs` into `self[begin:end:step]` (per axis, None for defaults); returns
    self."""
    key = tuple(slice(b, e, s) for b, e, s in zip(begin, end, step))
    self[key] = rhs
    return self


def slice_assign_scalar(self, value, begin, end, step):
    """Write the scalar `value` into `self[begin:end:step]`; returns self."""
    return slice_assign(self, float(value), begin, end, step)


def to_dlpack_for_read(self):
    """A DLPack capsule viewing this array's memory (NumPy's)."""
    return self._data.__dlpack__()


def to_dlpack_for_write(self):
    """A DLPack capsule viewing this array's memory, for writing."""
    return self._data.__dlpack__()


_NAMES = ("argmax_channel", "broadcast_axes", "depth_to_space", "diag", "nanprod", "nansum",
          "pad", "shape_array", "size_array", "slice", "slice_like", "softmin",
          "space_to_depth", "split_v2")
for _name in _NAMES:
    if _name not in NDArray.__dict__:
        setattr(NDArray, _name, _method(_name))
for _fn in (slice_assign, slice_assign_scalar, to_dlpack_for_read, to_dlpack_for_write):
    setattr(NDArray, _fn.__name__, _fn)
NDArray.writable = property(lambda self: True, doc="Always True: arrays are writable.")
def as_nd_ndarray(self) -> NDArray:
    """The same array as a legacy NDArray: same buffer and same traced value, so a traced
    call and gradients go through the conversion."""
    out = NDArray.__new__(NDArray)
    out._data, out._value = self._data, self._value
    return out


NDArray.as_nd_ndarray = as_nd_ndarray
