"""`mx.np.ndarray` methods MXNet has beyond the legacy NDArray ones: `nonzero`,
`reshape_view`."""
from __future__ import annotations

from .library import FUNCTIONS
from .ndarray import ndarray


def nonzero(self):
    """Indices of the non-zero elements, one int64 array per axis."""
    return FUNCTIONS["nonzero"](self)


def reshape_view(self, *shape, **kwargs):
    """`reshape` (tapegraph reshapes share no memory guarantees beyond NumPy's)."""
    return self.reshape(*shape, **kwargs)


ndarray.nonzero = nonzero
ndarray.reshape_view = reshape_view
