"""`gluon.utils`: splitting a batch over devices, clipping by the global norm, and the
small printing helpers blocks and parameters share (as MXNet 1.9.1 has them)."""
from __future__ import annotations

import collections
import hashlib
import os
import warnings
import weakref
from typing import Any, Iterable, List, Optional, Sequence

import numpy as np

from .. import ndarray as _nd
from ..base import MXNetError
from ..context import Context
from ..util import is_np_array, is_np_shape  # noqa: F401  (MXNet's module exports them)

__all__ = ["split_data", "split_and_load", "clip_global_norm", "check_sha1", "download",
           "shape_is_known", "HookHandle"]


def split_data(data: Any, num_slice: int, batch_axis: int = 0,
               even_split: bool = True) -> List[Any]:
    """Split `data` into `num_slice` slices along `batch_axis`."""
    size = data.shape[batch_axis]
    if even_split and size % num_slice != 0:
        raise ValueError(
            "data with shape %s cannot be evenly split into %d slices along axis %d. "
            "Use a batch size that's multiple of %d or set even_split=False to allow "
            "uneven partitioning of data." % (str(data.shape), num_slice, batch_axis,
                                              num_slice))
    each, extras = divmod(size, num_slice)
    sizes = [0] + extras * [each + 1] + (num_slice - extras) * [each]
    points = np.array(sizes).cumsum()
    if batch_axis != 0:
        return [_nd.slice_axis(data, axis=batch_axis, begin=int(points[i]),
                               end=int(points[i + 1])) for i in range(num_slice)]
    return [data[int(points[i]):int(points[i + 1])] if i < num_slice - 1
            else data[int(points[i]):size] for i in range(num_slice)]


def split_and_load(data: Any, ctx_list: Sequence[Context], batch_axis: int = 0,
                   even_split: bool = True) -> List[Any]:
    """Split `data` along `batch_axis` and load one slice on each context of `ctx_list`."""
    if not isinstance(data, _nd.NDArray):
        data = _nd.array(data, ctx=ctx_list[0])
    if len(ctx_list) == 1:
        return [data.as_in_context(ctx_list[0])]
    slices = split_data(data, len(ctx_list), batch_axis, even_split)
    return [s.as_in_context(ctx) for s, ctx in zip(slices, ctx_list)]


def clip_global_norm(arrays: Sequence[Any], max_norm: float, check_isfinite: bool = True):
    """Rescale `arrays` in place so that the 2-norm of all of them together is at most
    `max_norm`; returns that norm before rescaling (a float, or an NDArray when
    `check_isfinite=False`)."""
    assert len(arrays) > 0
    total = _nd.add_n(*[_nd.dot(a.reshape((-1,)), a.reshape((-1,))) for a in arrays])
    total = _nd.sqrt(total)
    if check_isfinite and not np.isfinite(total.asscalar()):
        warnings.warn(UserWarning("nan or inf is detected. Clipping results will be "
                                  "undefined."), stacklevel=2)
    scale = max_norm / (total + 1e-8)
    scale = _nd.min(_nd.concat(scale, _nd.ones(1), dim=0))
    for arr in arrays:
        arr *= scale
    return total.asscalar() if check_isfinite else total


def check_sha1(filename: str, sha1_hash: str) -> bool:
    """Whether the file's SHA-1 is `sha1_hash`."""
    sha1 = hashlib.sha1()
    with open(filename, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            sha1.update(chunk)
    return sha1.hexdigest() == sha1_hash


def download(url: str, path: Optional[str] = None, overwrite: bool = False,
             sha1_hash: Optional[str] = None, retries: int = 5,
             verify_ssl: bool = True) -> str:
    """MXNet's `download`, without the network: the file must already be at `path` (a
    file, or a folder holding the URL's file name); with `sha1_hash` it is checked.
    Returns its path, as MXNet's does when the file is there."""
    name = url.split("/")[-1]
    fname = name if path is None else (os.path.join(os.path.expanduser(path), name)
                                       if os.path.isdir(path) else os.path.expanduser(path))
    if os.path.exists(fname) and not overwrite:
        if sha1_hash and not check_sha1(fname, sha1_hash):
            raise MXNetError("download: %s is there but its SHA-1 is not %s" % (fname, sha1_hash))
        return fname
    raise MXNetError("download(%r): tapegraph does not fetch files from the network; put the "
                     "file at %s and call again" % (url, fname))


def shape_is_known(shape: Optional[Sequence[int]]) -> bool:
    """Whether every dimension of `shape` is known (0 means unknown, as in MXNet)."""
    if shape is None:
        return False
    if len(shape) == 0:
        return False
    for dim in shape:
        if dim == 0:
            return False
        assert dim > 0, "shape dimension size cannot be less than 0, while received %d" % dim
    return True


def _indent(text: str, spaces: int) -> str:
    lines = text.split("\n")
    if len(lines) == 1:
        return text
    return "\n".join([lines[0]] + [spaces * " " + line for line in lines[1:]])


def _brief_print_list(items: Iterable[Any], limit: int = 7) -> str:
    items = list(items)
    if len(items) > limit:
        return (_brief_print_list(items[:limit // 2], limit) + ", ..., "
                + _brief_print_list(items[-limit // 2:], limit))
    return ", ".join(["'%s'" % str(i) for i in items])


class HookHandle:
    """A handle that removes a forward (pre-)hook; also a context manager."""

    def __init__(self) -> None:
        self._hooks_dict_ref = None
        self._id: Optional[int] = None

    def attach(self, hooks_dict: "collections.OrderedDict", hook: Any) -> None:
        assert not self._hooks_dict_ref, "The same handle cannot be attached twice."
        self._id = id(hook)
        hooks_dict[self._id] = hook
        self._hooks_dict_ref = weakref.ref(hooks_dict)

    def detach(self) -> None:
        hooks = self._hooks_dict_ref() if self._hooks_dict_ref else None
        if hooks is not None and self._id in hooks:
            del hooks[self._id]

    def __enter__(self) -> "HookHandle":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.detach()


def replace_file(src: str, dst: str) -> None:
    """Move `src` to `dst` atomically (MXNet's download helper): on failure, `src` is
    removed and OSError names both paths."""
    try:
        os.rename(src, dst)
    except OSError:
        try:
            os.remove(src)
        except OSError:
            pass
        raise OSError("Moving downloaded temp file - {}, to {} failed. Please retry the "
                      "download.".format(src, dst))
