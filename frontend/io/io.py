"""MXNet's data iterators: `DataDesc`, `DataBatch`, `DataIter`, `NDArrayIter`,
`ResizeIter`, `PrefetchingIter`. Of MXNet's C++ iterators, `CSVIter` and `MNISTIter` are
in `native`; those of record files, images and LibSVM are not provided."""
from __future__ import annotations

from collections import namedtuple
from typing import List, Optional

import numpy as np

from ..ndarray import concat, tile
from ..unsupported import DATA, not_implemented_class
from .utils import _getdata_by_idx, _init_data, _slice_along_batch_axis
from ..base import names_from


class DataDesc(namedtuple("DataDesc", ["name", "shape"])):
    """Name, shape, dtype and layout of one input of a data iterator."""

    def __new__(cls, name, shape, dtype=np.float32, layout="NCHW"):
        ret = super(cls, DataDesc).__new__(cls, name, shape)
        ret.dtype = dtype
        ret.layout = layout
        return ret

    def __repr__(self) -> str:
        return "DataDesc[%s,%s,%s,%s]" % (self.name, self.shape, self.dtype, self.layout)

    @staticmethod
    def get_batch_axis(layout: Optional[str]) -> int:
        """The position of 'N' in `layout` (0 when None)."""
        return 0 if layout is None else layout.find("N")

    @staticmethod
    def get_list(shapes, types) -> List["DataDesc"]:
        """DataDescs from [(name, shape)] and optional [(name, dtype)]."""
        if types is not None:
            type_dict = dict(types)
            return [DataDesc(x[0], x[1], type_dict[x[0]]) for x in shapes]
        return [DataDesc(x[0], x[1]) for x in shapes]


class DataBatch:
    """One batch: lists of data and label NDArrays, the pad count and indices."""

    def __init__(self, data, label=None, pad=None, index=None, bucket_key=None,
                 provide_data=None, provide_label=None):
        if data is not None:
            assert isinstance(data, (list, tuple)), "Data must be list of NDArrays"
        if label is not None:
            assert isinstance(label, (list, tuple)), "Label must be list of NDArrays"
        self.data, self.label, self.pad, self.index = data, label, pad, index
        self.bucket_key = bucket_key
        self.provide_data, self.provide_label = provide_data, provide_label

    def __str__(self) -> str:
        label = [x.shape for x in self.label] if self.label else None
        return "{}: data shapes: {} label shapes: {}".format(
            type(self).__name__, [d.shape for d in self.data], label)


class DataIter:
    """Base class of data iterators: `next()` returns DataBatches until StopIteration;
    subclasses implement `iter_next`, `getdata`, `getlabel`, `getindex`, `getpad`."""

    def __init__(self, batch_size: int = 0):
        self.batch_size = batch_size

    def __iter__(self):
        return self

    def reset(self) -> None:
        """Back to the beginning of the data."""

    def next(self) -> DataBatch:
        """The next batch (StopIteration at the end)."""
        if self.iter_next():
            return DataBatch(data=self.getdata(), label=self.getlabel(), pad=self.getpad(),
                             index=self.getindex())
        raise StopIteration

    def __next__(self) -> DataBatch:
        return self.next()

    def iter_next(self) -> bool:
        """Move to the next batch; False at the end."""

    def getdata(self):
        """The data of the current batch."""

    def getlabel(self):
        """The label of the current batch."""

    def getindex(self):
        """The indices of the examples in the current batch (None if unknown)."""
        return None

    def getpad(self):
        """How many examples of the current batch are padding."""


class _BatchWrapper(DataIter):
    """An iterator that builds `current_batch` and answers the getters from it."""

    def getdata(self):
        return self.current_batch.data

    def getlabel(self):
        return self.current_batch.label

    def getindex(self):
        return self.current_batch.index

    def getpad(self):
        return self.current_batch.pad


class ResizeIter(_BatchWrapper):
    """`data_iter` resized to `size` batches per epoch (restarting it as needed)."""

    def __init__(self, data_iter: DataIter, size: int, reset_internal: bool = True):
        super().__init__()
        self.data_iter, self.size, self.reset_internal = data_iter, size, reset_internal
        self.cur = 0
        self.current_batch = None
        self.provide_data = data_iter.provide_data
        self.provide_label = data_iter.provide_label
        self.batch_size = data_iter.batch_size
        if hasattr(data_iter, "default_bucket_key"):
            self.default_bucket_key = data_iter.default_bucket_key

    def reset(self) -> None:
        self.cur = 0
        if self.reset_internal:
            self.data_iter.reset()

    def iter_next(self) -> bool:
        if self.cur == self.size:
            return False
        try:
            self.current_batch = self.data_iter.next()
        except StopIteration:
            self.data_iter.reset()
            self.current_batch = self.data_iter.next()
        self.cur += 1
        return True


class PrefetchingIter(_BatchWrapper):
    """Combines iterators batch by batch (their data and labels concatenated in order).
    MXNet prefetches in threads; here batches are read on demand, with the same results."""

    def __init__(self, iters, rename_data=None, rename_label=None):
        super().__init__()
        self.iters = iters if isinstance(iters, list) else [iters]
        self.rename_data, self.rename_label = rename_data, rename_label
        self.batch_size = self.provide_data[0][1][0]
        self.current_batch = None

    def _renamed(self, descs_of, renames):
        if renames is None:
            return sum([descs_of(i) for i in self.iters], [])
        return sum([[DataDesc(r[x.name], x.shape, x.dtype) if isinstance(x, DataDesc)
                     else DataDesc(*x) for x in descs_of(i)]
                    for r, i in zip(renames, self.iters)], [])

    @property
    def provide_data(self):
        return self._renamed(lambda i: i.provide_data, self.rename_data)

    @property
    def provide_label(self):
        return self._renamed(lambda i: i.provide_label, self.rename_label)

    def reset(self) -> None:
        for i in self.iters:
            i.reset()

    def iter_next(self) -> bool:
        batches = []
        for i in self.iters:
            try:
                batches.append(i.next())
            except StopIteration:
                return False
        pads = {b.pad for b in batches}
        if len(pads) > 1:
            raise AssertionError("Different pad values in the combined iterators")
        self.current_batch = DataBatch(sum([b.data for b in batches], []),
                                       sum([b.label or [] for b in batches], []),
                                       batches[0].pad, batches[0].index,
                                       provide_data=self.provide_data,
                                       provide_label=self.provide_label)
        return True

    def next(self) -> DataBatch:
        if self.iter_next():
            return self.current_batch
        raise StopIteration


class NDArrayIter(DataIter):
    """Batches of in-memory arrays (NDArray, NumPy, lists or dicts of them), with
    optional shuffling and MXNet's last-batch handling: 'pad' (wrap around to fill the
    last batch; `pad` tells how many), 'discard' (drop it) or 'roll_over' (carry it into
    the next epoch)."""

    def __init__(self, data, label=None, batch_size: int = 1, shuffle: bool = False,
                 last_batch_handle: str = "pad", data_name: str = "data",
                 label_name: str = "softmax_label", layout: str = "NCHW"):
        super().__init__(batch_size)
        if last_batch_handle not in ("pad", "discard", "roll_over"):
            raise ValueError("last_batch_handle must be 'pad', 'discard' or 'roll_over', "
                             "got %r" % (last_batch_handle,))
        self.data = _init_data(data, allow_empty=False, default_name=data_name)
        self.label = _init_data(label, allow_empty=True, default_name=label_name)
        self.idx = np.arange(self.data[0][1].shape[0])
        self.shuffle = shuffle
        self.last_batch_handle = last_batch_handle
        self.batch_size = batch_size
        self.cursor = -self.batch_size
        self.num_data = self.idx.shape[0]
        self.reset()
        self.data_list = [x[1] for x in self.data] + [x[1] for x in self.label]
        self.num_source = len(self.data_list)
        self._cache_data = None
        self._cache_label = None
        self.layout = layout

    def _descs(self, source):
        axis = self.layout.find("N")
        return [DataDesc(k, tuple(list(v.shape[:axis]) + [self.batch_size] +
                                  list(v.shape[axis + 1:])), v.dtype, layout=self.layout)
                for k, v in source]

    @property
    def provide_data(self) -> List[DataDesc]:
        """Name, batch shape, dtype and layout of each data array."""
        return self._descs(self.data)

    @property
    def provide_label(self) -> List[DataDesc]:
        """Name, batch shape, dtype and layout of each label array."""
        return self._descs(self.label)

    def hard_reset(self) -> None:
        """Back to the start, dropping rolled-over data."""
        if self.shuffle:
            self._shuffle_data()
        self.cursor = -self.batch_size
        self._cache_data = None
        self._cache_label = None

    def reset(self) -> None:
        """Back to the start (with 'roll_over', after the carried-over examples)."""
        if self.shuffle:
            self._shuffle_data()
        if self.last_batch_handle == "roll_over" and \
                self.num_data - self.batch_size < self.cursor < self.num_data:
            self.cursor = self.cursor - self.num_data - self.batch_size
        else:
            self.cursor = -self.batch_size

    def iter_next(self) -> bool:
        self.cursor += self.batch_size
        return self.cursor < self.num_data

    def next(self) -> DataBatch:
        if not self.iter_next():
            raise StopIteration
        data, label = self.getdata(), self.getlabel()
        if data[0].shape[self.layout.find("N")] != self.batch_size:
            self._cache_data, self._cache_label = data, label
            raise StopIteration
        return DataBatch(data=data, label=label, pad=self.getpad(), index=None)

    def _getdata(self, source, start=None, end=None):
        assert start is not None or end is not None, "should at least specify start or end"
        start = start if start is not None else 0
        if end is None:
            end = source[0][1].shape[0] if source else 0
        return [_slice_along_batch_axis(x[1], slice(start, end), self.layout.find("N"))
                for x in source]

    def _concat(self, first, second):
        if not first or not second:
            return first if first else second
        assert len(first) == len(second), "data source should contain the same size"
        return [concat(a, b, dim=self.layout.find("N")) for a, b in zip(first, second)]

    def _tile(self, data, repeats):
        return [tile(d, [repeats] + [1] * (d.ndim - 1)) for d in data]

    def _batchify(self, source):
        assert self.cursor < self.num_data, "DataIter needs reset."
        if self.last_batch_handle == "roll_over" and -self.batch_size < self.cursor < 0:
            assert self._cache_data is not None or self._cache_label is not None, \
                "next epoch should have cached data"
            cached = self._cache_data if self._cache_data is not None else self._cache_label
            second = self._getdata(source, end=self.cursor + self.batch_size)
            if self._cache_data is not None:
                self._cache_data = None
            else:
                self._cache_label = None
            return self._concat(cached, second)
        if self.last_batch_handle == "pad" and self.cursor + self.batch_size > self.num_data:
            pad = self.batch_size - self.num_data + self.cursor
            first = self._getdata(source, start=self.cursor)
            if pad > self.num_data:
                second = self._tile(self._getdata(source, end=self.num_data),
                                    pad // self.num_data)
                if pad % self.num_data:
                    second = self._concat(second, self._getdata(source,
                                                                end=pad % self.num_data))
            else:
                second = self._getdata(source, end=pad)
            return self._concat(first, second)
        end = min(self.cursor + self.batch_size, self.num_data)
        return self._getdata(source, self.cursor, end)

    def getdata(self):
        return self._batchify(self.data)

    def getlabel(self):
        return self._batchify(self.label)

    def getpad(self) -> int:
        if self.last_batch_handle == "pad" and self.cursor + self.batch_size > self.num_data:
            return self.cursor + self.batch_size - self.num_data
        if self.last_batch_handle == "roll_over" and -self.batch_size < self.cursor < 0:
            return -self.cursor
        return 0

    def _shuffle_data(self) -> None:
        np.random.shuffle(self.idx)
        self.data = _getdata_by_idx(self.data, self.idx)
        self.label = _getdata_by_idx(self.label, self.idx)


MXDataIter = not_implemented_class("mx.io.MXDataIter", "it wraps an iterator of MXNet's C++ "
                                   "backend, which tapegraph does not have", DataIter)
_WHY = {"LibSVMIter": "it yields sparse CSR batches; " + "sparse storage is not supported"}
for _name in ("ImageDetRecordIter", "ImageRecordInt8Iter", "ImageRecordIter",
              "ImageRecordIter_v1", "ImageRecordUInt8Iter", "ImageRecordUInt8Iter_v1"):
    _WHY[_name] = DATA
for _name, _why in _WHY.items():
    globals()[_name] = not_implemented_class("mx.io." + _name, _why, DataIter)

# Defined in MXNet's namesake of this module; kept in sibling modules here
__getattr__, __dir__ = names_from("tapegraph.io", (
    "CSVIter", "MNISTIter"), __name__)
