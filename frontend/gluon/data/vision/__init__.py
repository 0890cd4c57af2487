"""`gluon.data.vision`: image datasets read from local files, and basic transforms."""
from . import transforms
from .datasets import (MNIST, FashionMNIST, CIFAR10, CIFAR100, ImageFolderDataset,
                       ImageRecordDataset)

__all__ = ["transforms", "MNIST", "FashionMNIST", "CIFAR10", "CIFAR100",
           "ImageFolderDataset", "ImageRecordDataset"]
