"""`mx.contrib.io`: `DataLoaderIter`, a Gluon `DataLoader` as an `mx.io.DataIter` for the
symbolic `Module` API (with `DataIter` and `DataDesc`, which MXNet's module offers too)."""
from __future__ import annotations

from typing import Any, List, Optional

from .. import ndarray as nd
from ..io import DataDesc, DataIter

__all__ = ["DataDesc", "DataIter", "DataLoaderIter"]


class DataLoaderIter(DataIter):
    """Iterates `loader` (a `mx.gluon.data.DataLoader` yielding (data, label) batches) as a
    DataIter: inputs `data_name` and `label_name`, cast to `dtype`.

    The first batch fixes `batch_size`, `provide_data` and `provide_label`; a smaller
    last batch is padded up to `batch_size` (`getpad` says by how much; the padding rows
    are uninitialized and float32 whatever `dtype`, as in MXNet).

    >>> loader = mx.gluon.data.DataLoader(dataset, 32, shuffle=True)
    >>> for batch in DataLoaderIter(loader):
    ...     batch.data[0].shape
    (32, 28, 28, 1)
    """

    def __init__(self, loader: Any, data_name: str = "data",
                 label_name: str = "softmax_label", dtype: str = "float32"):
        super().__init__()
        self._loader = loader
        self._iter = iter(self._loader)
        data, label = next(self._iter)
        self.batch_size = data.shape[0]
        self.dtype = dtype
        self.provide_data = [DataDesc(data_name, data.shape, dtype)]
        self.provide_label = [DataDesc(label_name, label.shape, dtype)]
        self._current_batch: Optional[Any] = None
        self.reset()

    def reset(self) -> None:
        """Start again from the loader's first batch."""
        self._iter = iter(self._loader)

    def iter_next(self) -> bool:
        """Fetch the loader's next batch; False at its end."""
        try:
            self._current_batch = next(self._iter)
        except StopIteration:
            self._current_batch = None
        return self._current_batch is not None

    def _padded(self, part: Any) -> List[Any]:
        if self.getpad():
            ret = nd.empty(shape=[self.batch_size] + list(part.shape[1:]))
            ret[:part.shape[0]] = part.astype(self.dtype)
            return [ret]
        return [part.astype(self.dtype)]

    def getdata(self) -> List[Any]:
        """[the current batch's data], padded to `batch_size`."""
        return self._padded(self._current_batch[0])

    def getlabel(self) -> List[Any]:
        """[the current batch's label], padded to `batch_size`."""
        return self._padded(self._current_batch[1])

    def getpad(self) -> int:
        """How many rows of the current batch are padding."""
        return self.batch_size - self._current_batch[0].shape[0]

    def getindex(self) -> None:
        """None: the loader does not say which examples a batch holds."""
        return None
