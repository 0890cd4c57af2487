"""`CSVIter` and `MNISTIter`: MXNet's C++ iterators over CSV and MNIST files, in Python.

They behave as MXNet 1.9.1's (captured in tests/data/mxnet/scripts/io_native_iters.py):
the same batches, padding, indices and dtypes, `round_batch`'s wrap-around (the epoch
after a wrapped one continues after the wrapped rows), and MNISTIter's shuffle (libstdc++'s
`std::shuffle` with `std::mt19937(seed)`, the same permutation). One difference: MXNet
prefetches batches on a thread, so `reset()` in the middle of an epoch of a small file
may continue after a wrap that was already prefetched; here it restarts at the first row.
"""
from __future__ import annotations

import re
import struct
from typing import List, Optional, Sequence

import numpy as np

from ..base import MXNetError
from ..ndarray import NDArray
from .io import DataBatch, DataDesc, DataIter

_LEADING_INT = re.compile(r"\s*([+-]?\d+)")


class _NativeIter(DataIter):
    """What MXNet's `MXDataIter` adds to a C++ iterator: the first batch is loaded at
    construction (its shapes give `provide_data`/`provide_label`), `next()` raises
    StopIteration at the end of an epoch until `reset()`."""

    def _start(self, data_name: str, label_name: str) -> None:
        self._first: Optional[DataBatch] = None
        self._first = self.next()
        data, label = self._first.data[0], self._first.label[0]
        self.provide_data = [DataDesc(data_name, data.shape, data.dtype)]
        self.provide_label = [DataDesc(label_name, label.shape, label.dtype)]
        self.batch_size = data.shape[0]

    def next(self) -> DataBatch:
        if self._first is not None:
            batch, self._first = self._first, None
            return batch
        if not self._load():
            raise StopIteration
        return DataBatch(data=[NDArray._wrap(self._data.copy())],
                         label=[NDArray._wrap(self._label.copy())], pad=self._pad,
                         index=self._index.copy())

    def iter_next(self) -> bool:
        if self._first is not None:
            return True
        return self._load()

    def getdata(self):
        return [NDArray._wrap(self._data.copy())]

    def getlabel(self):
        return [NDArray._wrap(self._label.copy())]

    def getindex(self):
        return self._index.copy()

    def getpad(self) -> int:
        return self._pad

    def reset(self) -> None:
        self._first = None
        self._before_first()

    def _load(self) -> bool:
        raise NotImplementedError

    def _before_first(self) -> None:
        raise NotImplementedError


def _dtype(dtype: Optional[str]) -> np.dtype:
    name = "float32" if dtype is None else np.dtype(dtype).name
    if name not in ("float32", "int32", "int64"):
        raise MXNetError("Check failed: false: %s is not supported for CSVIter" % name)
    return np.dtype(name)


def _read_csv(path: str, shape: Sequence[int], dtype: np.dtype, what: str) -> np.ndarray:
    """The rows of CSV file `path` as an (n, *shape) array. Integer types read each
    field's leading integer, as C's strtol does (`2.5e-01` reads 2)."""
    try:
        with open(path) as f:
            lines = [line for line in f.read().splitlines() if line.strip()]
    except OSError as e:
        raise MXNetError("LocalFileSystem.GetPathInfo: %s error: %s" % (path, e.strerror)) \
            from None
    size = int(np.prod(shape))
    rows = []
    for line in lines:
        fields = line.split(",")
        if len(fields) != size:
            raise MXNetError(
                "Check failed: row.length == shape.Size() (%d vs. %d) : The %s size in CSV "
                "do not match size of shape: specified shape=%s, the csv row-length=%d"
                % (len(fields), size, what, list(shape), len(fields)))
        if dtype.kind == "f":
            rows.append([float(v) for v in fields])
        else:
            rows.append([int(m.group(1)) if m else 0
                         for m in map(_LEADING_INT.match, fields)])
    return np.array(rows, dtype).reshape((len(rows),) + tuple(shape))


class CSVIter(_NativeIter):
    """Batches of the rows of `data_csv` (each row one example of `data_shape`) and of
    `label_csv` (`label_shape`; zeros without a file). `round_batch` fills the last
    batch of an epoch from the first rows (its `pad` counts them, and the next epoch
    starts after them); without it the rows past the end keep the previous batch's
    contents, as MXNet's do."""

    def __init__(self, data_csv: str, data_shape: Sequence[int], label_csv: Optional[str] = None,
                 label_shape: Sequence[int] = (1,), batch_size: int = 1,
                 round_batch: bool = True, prefetch_buffer: int = 4, ctx: str = "gpu",
                 dtype: Optional[str] = None, data_name: str = "data",
                 label_name: str = "softmax_label", **kwargs) -> None:
        super().__init__(batch_size)
        dt = _dtype(dtype)
        data_shape, label_shape = tuple(data_shape), tuple(label_shape)
        self._rows = _read_csv(data_csv, data_shape, dt, "data")
        n = len(self._rows)
        if label_csv is None:
            self._labels = np.zeros((n,) + label_shape, dt)
        else:
            self._labels = _read_csv(label_csv, label_shape, dt, "label")
            if len(self._labels) != n:
                raise MXNetError("CSVIter: %s has %d rows but %s has %d"
                                 % (label_csv, len(self._labels), data_csv, n))
        self._round = bool(round_batch)
        batch_label = (batch_size,) if label_shape == (1,) else (batch_size,) + label_shape
        self._data = np.zeros((batch_size,) + data_shape, dt)
        self._label = np.zeros(batch_label, dt)
        self._index = np.zeros(batch_size, np.uint64)
        self._pad = 0
        self._cursor = 0  # the next row
        self._overflow = 0  # rows the last batch took from the start (round_batch)
        self._start(data_name, label_name)

    def _take(self, slot: int) -> bool:
        if self._cursor >= len(self._rows):
            return False
        i = self._cursor
        self._data[slot] = self._rows[i]
        self._label[slot] = self._labels[i].reshape(self._label.shape[1:])
        self._index[slot] = i
        self._cursor += 1
        return True

    def _load(self) -> bool:
        self._pad = 0
        if self._overflow:
            return False
        top = 0
        while top < self.batch_size and self._take(top):
            top += 1
        if top == self.batch_size:
            return True
        if top == 0:
            return False
        if self._round:
            self._cursor = 0
            for slot in range(top, self.batch_size):
                if not self._take(slot):
                    raise MXNetError("number of input must be bigger than batch size")
                self._overflow += 1
            self._pad = self._overflow
        else:
            self._pad = self.batch_size - top
        return True

    def _before_first(self) -> None:
        if self._overflow:
            self._overflow = 0  # (the next epoch continues after the wrapped rows)
        else:
            self._cursor = 0


def _read_idx(path: str, magic: int, dims: int) -> np.ndarray:
    """An MNIST idx file: big-endian magic and sizes, then unsigned bytes."""
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except OSError as e:
        raise MXNetError('LocalFileSystem: Check failed: allow_null: :Open "%s": %s'
                         % (path, e.strerror)) from None
    head = struct.unpack(">%dI" % (dims + 1), raw[:4 * (dims + 1)])
    if head[0] != magic:
        raise MXNetError("MNISTIter: %s is not an MNIST %s file (magic %d, expected %d)"
                         % (path, "image" if dims == 3 else "label", head[0], magic))
    shape = head[1:]
    body = np.frombuffer(raw, np.uint8, int(np.prod(shape)), 4 * (dims + 1))
    return body.reshape(shape)


def _std_shuffle(n: int, seed: int) -> List[int]:
    """The permutation libstdc++'s `std::shuffle` makes of range(n) with
    `std::mt19937(seed)` (MNISTIter's shuffle; `uniform_int_distribution` by rejection
    then division, as that library implements it)."""
    bits = np.random.MT19937()
    bits._legacy_seeding(seed & 0xFFFFFFFF)  # std::mt19937's own seeding
    order = list(range(n))
    top = 0xFFFFFFFF
    for i in range(1, n):
        scaling = top // (i + 1)
        past = (i + 1) * scaling
        while True:
            r = int(bits.random_raw())
            if r < past:
                break
        j = r // scaling
        order[i], order[j] = order[j], order[i]
    return order


class MNISTIter(_NativeIter):
    """Batches of the MNIST idx files `image` and `label` (uncompressed): images as float32
    pixel / 256, of shape (batch, 1, 28, 28) or (batch, 784) when `flat`, labels float32.
    `shuffle` permutes the examples once, as MXNet does for `seed`; `num_parts` /
    `part_index` take a contiguous share. Only whole batches are returned."""

    def __init__(self, image: str = "./train-images-idx3-ubyte",
                 label: str = "./train-labels-idx1-ubyte", batch_size: int = 128,
                 shuffle: bool = True, flat: bool = False, seed: int = 0, silent: bool = False,
                 num_parts: int = 1, part_index: int = 0, prefetch_buffer: int = 4,
                 ctx: str = "gpu", dtype: Optional[str] = None, data_name: str = "data",
                 label_name: str = "softmax_label", **kwargs) -> None:
        super().__init__(batch_size)
        images = _read_idx(image, 2051, 3)
        labels = _read_idx(label, 2049, 1)
        n = len(images)
        lo, hi = n * part_index // num_parts, n * (part_index + 1) // num_parts
        images, labels = images[lo:hi], labels[lo:hi]
        if shuffle:
            order = _std_shuffle(len(images), seed)
            images, labels = images[order], labels[order]
        per = images.shape[1] * images.shape[2]
        shape = (per,) if flat else (1,) + images.shape[1:]
        self._images = images.reshape((len(images),) + shape)
        self._labels = labels.astype(np.float32)
        self._data = np.zeros((batch_size,) + shape, np.float32)
        self._label = np.zeros(batch_size, np.float32)
        self._index = np.zeros(batch_size, np.uint64)  # (MXNet leaves them 0)
        self._pad = 0
        self._cursor = 0
        self._start(data_name, label_name)

    def _load(self) -> bool:
        lo = self._cursor
        if lo + self.batch_size > len(self._images):
            return False
        np.multiply(self._images[lo:lo + self.batch_size], np.float32(1 / 256),
                    out=self._data)
        self._label[:] = self._labels[lo:lo + self.batch_size]
        self._cursor += self.batch_size
        return True

    def _before_first(self) -> None:
        self._cursor = 0
