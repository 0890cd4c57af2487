"""`mx.npx.image`: the image operators of `mx.nd.image` (MXNet's `_npx__image_*`) on
`mx.np.ndarray`s; array-likes are converted, legacy NDArrays refused. As in MXNet, the
module also offers everything of `mx.image` (augmenters, iterators, imresize, ...)."""
from __future__ import annotations

import functools
from typing import Any, Callable

from .. import image as _image
from ..ndarray import image as _nd_image
from ..numpy.library import arr

__all__ = list(_nd_image.__all__)


def _on_np_arrays(fn: Callable) -> Callable:
    @functools.wraps(fn)
    def wrapped(data: Any = None, *args: Any, **kwargs: Any) -> Any:
        return fn(arr(data), *args, **kwargs)
    return wrapped


for _name in __all__:
    globals()[_name] = _on_np_arrays(getattr(_nd_image, _name))

# MXNet's module is `from ..image import *` (under the operators registered into it)
for _name in dir(_image):
    if not _name.startswith("_") and _name not in globals() and \
            _name not in ("annotations", "det", "detection", "image"):
        globals()[_name] = getattr(_image, _name)
