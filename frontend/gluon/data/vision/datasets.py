"""MNIST, Fashion-MNIST, CIFAR-10 and CIFAR-100 read from local files.

MXNet downloads these on first use; tapegraph cannot download, so the files must already
be in `root` (the same names and formats MXNet uses: the idx files, gzipped or not, and
the CIFAR binary batches). A missing file raises an error naming it.
"""
from __future__ import annotations

import gzip
import os
from typing import Any, Callable, List, Optional, Tuple

import numpy as np

from ....ndarray.ndarray import NDArray
from ....unsupported import not_implemented_class
from ..dataset import Dataset

__all__ = ["MNIST", "FashionMNIST", "CIFAR10", "CIFAR100", "ImageFolderDataset",
           "ImageRecordDataset"]


def _find(root: str, name: str, dataset: str) -> str:
    for candidate in (name, name[:-3] if name.endswith(".gz") else name + ".gz"):
        path = os.path.join(root, candidate)
        if os.path.isfile(path):
            return path
    raise FileNotFoundError(
        "%s: %s not found in %s. tapegraph cannot download data sets; put MXNet's files "
        "for %s there (or pass root=...)" % (dataset, name, root, dataset))


def _read(path: str) -> bytes:
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as fin:
        return fin.read()


class _LocalDataset(Dataset):
    def __init__(self, root: str, transform: Optional[Callable]) -> None:
        self._root = os.path.expanduser(root)
        self._transform = transform
        self._data, self._label = self._get_data()

    def _get_data(self) -> Tuple[NDArray, np.ndarray]:
        raise NotImplementedError

    def __getitem__(self, idx: int) -> Any:
        if self._transform is not None:
            return self._transform(self._data[idx], self._label[idx])
        return self._data[idx], self._label[idx]

    def __len__(self) -> int:
        return len(self._label)


class MNIST(_LocalDataset):
    """MNIST digits: samples (28x28x1 uint8 NDArray, int32 label)."""

    _files = {True: ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"),
              False: ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")}
    _name = "MNIST"

    def __init__(self, root: str = os.path.join("~", ".mxnet", "datasets", "mnist"),
                 train: bool = True, transform: Optional[Callable] = None) -> None:
        self._train = train
        super().__init__(root, transform)

    def _get_data(self) -> Tuple[NDArray, np.ndarray]:
        data_name, label_name = self._files[self._train]
        labels = _read(_find(self._root, label_name, self._name))
        images = _read(_find(self._root, data_name, self._name))
        label = np.frombuffer(labels[8:], dtype=np.uint8).astype(np.int32)
        data = np.frombuffer(images[16:], dtype=np.uint8).reshape(len(label), 28, 28, 1)
        return NDArray._wrap(data.copy()), label


class FashionMNIST(MNIST):
    """Fashion-MNIST: MNIST's format, clothing classes."""

    _name = "FashionMNIST"

    def __init__(self, root: str = os.path.join("~", ".mxnet", "datasets", "fashion-mnist"),
                 train: bool = True, transform: Optional[Callable] = None) -> None:
        super().__init__(root, train, transform)


class CIFAR10(_LocalDataset):
    """CIFAR-10: samples (32x32x3 uint8 NDArray, int32 label), from the binary batches in
    root/cifar-10-batches-bin."""

    _name = "CIFAR10"

    def __init__(self, root: str = os.path.join("~", ".mxnet", "datasets", "cifar10"),
                 train: bool = True, transform: Optional[Callable] = None) -> None:
        self._train = train
        super().__init__(root, transform)

    def _files(self) -> List[str]:
        if self._train:
            return ["data_batch_%d.bin" % i for i in range(1, 6)]
        return ["test_batch.bin"]

    def _folder(self) -> str:
        return os.path.join(self._root, "cifar-10-batches-bin")

    def _read_batch(self, path: str) -> Tuple[np.ndarray, np.ndarray]:
        data = np.frombuffer(_read(path), dtype=np.uint8).reshape(-1, 3072 + 1)
        return (data[:, 1:].reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1),
                data[:, 0].astype(np.int32))

    def _get_data(self) -> Tuple[NDArray, np.ndarray]:
        parts = [self._read_batch(_find(self._folder(), name, self._name))
                 for name in self._files()]
        data = np.concatenate([p[0] for p in parts])
        label = np.concatenate([p[1] for p in parts])
        return NDArray._wrap(np.ascontiguousarray(data)), label


class CIFAR100(CIFAR10):
    """CIFAR-100 from root/cifar-100-binary; coarse labels unless `fine_label`."""

    _name = "CIFAR100"

    def __init__(self, root: str = os.path.join("~", ".mxnet", "datasets", "cifar100"),
                 fine_label: bool = False, train: bool = True,
                 transform: Optional[Callable] = None) -> None:
        self._fine_label = fine_label
        super().__init__(root, train, transform)

    def _files(self) -> List[str]:
        return ["train.bin" if self._train else "test.bin"]

    def _folder(self) -> str:
        return os.path.join(self._root, "cifar-100-binary")

    def _read_batch(self, path: str) -> Tuple[np.ndarray, np.ndarray]:
        data = np.frombuffer(_read(path), dtype=np.uint8).reshape(-1, 3072 + 2)
        return (data[:, 2:].reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1),
                data[:, 0 + self._fine_label].astype(np.int32))


_DECODE = ("it decodes JPEG/PNG images with OpenCV (mx.image.imdecode), which tapegraph "
           "does not implement")
ImageFolderDataset = not_implemented_class("gluon.data.vision.ImageFolderDataset", _DECODE,
                                           Dataset)
ImageRecordDataset = not_implemented_class("gluon.data.vision.ImageRecordDataset", _DECODE,
                                           Dataset)
