"""`mx.io`: data iterators (`NDArrayIter`, `DataBatch`, `DataDesc`, ...)."""
from . import io, utils  # noqa: F401
from .io import (DataBatch, DataDesc, DataIter, ImageDetRecordIter,  # noqa: F401
                 ImageRecordInt8Iter, ImageRecordIter, ImageRecordIter_v1,
                 ImageRecordUInt8Iter, ImageRecordUInt8Iter_v1, LibSVMIter,
                 MXDataIter, NDArrayIter, PrefetchingIter, ResizeIter)
from .native import CSVIter, MNISTIter  # noqa: F401
