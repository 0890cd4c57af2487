"""`DataLoader`: batches of a dataset, as MXNet 1.9.1's `gluon.data.DataLoader`.

Batches are built in this process. `num_workers > 0` is accepted and also runs in this
process (NumPy-backed arrays gain little from worker processes and tapegraph has no shared
memory arrays); `pin_memory`, `prefetch`, `thread_pool` and `timeout` are accepted and
have no effect; `auto_reload` starts the next pass when one ends, as MXNet's.
"""
from __future__ import annotations

from typing import Any, Callable, Iterator, List, Optional

import numpy as np

from ... import ndarray as _nd
from ... import numpy as _mx_np
from ...ndarray.ndarray import NDArray
from ...numpy_extension import is_np_array
from . import sampler as _sampler
from ...unsupported import bind_stubs

__all__ = ["DataLoader", "default_batchify_fn", "default_mp_batchify_fn"]


def default_batchify_fn(data: List[Any]) -> Any:
    """Stack samples into a batch: NDArrays with `stack`, tuples element-wise (a list of
    batches), anything else through `np.asarray` keeping its dtype."""
    if isinstance(data[0], NDArray):
        return _mx_np.stack(data) if is_np_array() else _nd.stack(*data)
    if isinstance(data[0], tuple):
        return [default_batchify_fn(list(i)) for i in zip(*data)]
    arr = np.asarray(data)
    array_fn = _mx_np.array if is_np_array() else _nd.array
    return array_fn(arr, dtype=arr.dtype)


default_mp_batchify_fn = default_batchify_fn


class DataLoader:
    """Iterates over `dataset` in batches.

    Give `batch_size` (with `shuffle`, or a `sampler`, and `last_batch` = 'keep' |
    'discard' | 'rollover'), or a `batch_sampler` yielding lists of indices.
    `batchify_fn(samples)` builds a batch (default: `default_batchify_fn`).
    """

    def __init__(self, dataset: Any, batch_size: Optional[int] = None, shuffle: bool = False,
                 sampler: Any = None, last_batch: Optional[str] = None,
                 batch_sampler: Any = None, batchify_fn: Optional[Callable] = None,
                 num_workers: int = 0, pin_memory: bool = False, pin_device_id: int = 0,
                 prefetch: Optional[int] = None, thread_pool: bool = False,
                 timeout: int = 120, auto_reload: bool = False) -> None:
        self._dataset = dataset
        if batch_sampler is None:
            if batch_size is None:
                raise ValueError("batch_size must be specified unless batch_sampler is "
                                 "specified")
            if sampler is None:
                if shuffle:
                    sampler = _sampler.RandomSampler(len(dataset))
                else:
                    sampler = _sampler.SequentialSampler(len(dataset))
            elif shuffle:
                raise ValueError("shuffle must not be specified if sampler is specified")
            batch_sampler = _sampler.BatchSampler(sampler, batch_size,
                                                  last_batch if last_batch else "keep")
        elif (batch_size is not None or shuffle or sampler is not None
              or last_batch is not None):
            raise ValueError("batch_size, shuffle, sampler and last_batch must not be "
                             "specified if batch_sampler is specified.")
        self._batch_sampler = batch_sampler
        self._num_workers = num_workers if num_workers >= 0 else 0
        self._batchify_fn = batchify_fn if batchify_fn is not None else default_batchify_fn
        self._iter: Optional[Iterator[Any]] = None
        self.auto_reload = auto_reload
        if auto_reload:
            self.refresh()

    def _batches(self) -> Iterator[Any]:
        for batch in self._batch_sampler:
            yield self._batchify_fn([self._dataset[idx] for idx in batch])

    def refresh(self) -> None:
        """Start a new pass over the dataset (the next `iter()` continues it)."""
        self._iter = self._batches()

    def clean(self) -> None:
        """Drop the pass `refresh` started: the next `iter()` starts a new one."""
        self._iter = None

    def __iter__(self) -> Iterator[Any]:
        if self._iter is None:
            self.refresh()
        batches, self._iter = self._iter, None
        assert batches is not None
        yield from batches
        if self._iter is None and self.auto_reload:
            self.refresh()

    def __len__(self) -> int:
        return len(self._batch_sampler)

bind_stubs(globals(), ("ConnectionWrapper", "DataLoaderV1", "Queue", "SimpleQueue",
                       "fetcher_loop_v1", "worker_loop_v1", "rebuild_ndarray",
                       "rebuild_np_ndarray", "reduce_ndarray", "reduce_np_ndarray"),
           "it is the multiprocessing plumbing of MXNet's DataLoader (shared-memory NDArray "
           "pickling, worker loops, the legacy DataLoaderV1); tapegraph's DataLoader runs "
           "its workers (num_workers, thread_pool) its own way",
           "mx.gluon.data.dataloader.")
