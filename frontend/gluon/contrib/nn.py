"""`gluon.contrib.nn`: Concurrent / HybridConcurrent, Identity and PixelShuffle layers, as
MXNet 1.9.1 defines them (SparseEmbedding is a stand-in, SyncBatchNorm is BatchNorm on one
device: see each)."""
from __future__ import annotations

import sys
from typing import Any

from ... import ndarray as _nd
from ...unsupported import SPARSE, not_implemented_class
from ..block import HybridBlock
from ..nn.basic_layers import HybridSequential, Sequential
from ..nn.norm_layers import BatchNorm

__all__ = ["Concurrent", "HybridConcurrent", "Identity", "SparseEmbedding", "SyncBatchNorm",
           "PixelShuffle1D", "PixelShuffle2D", "PixelShuffle3D"]


class Concurrent(Sequential):
    """Feeds the input to every child and concatenates their outputs on `axis`."""

    def __init__(self, axis: int = -1, prefix: Any = None, params: Any = None) -> None:
        super().__init__(prefix=prefix, params=params)
        self.axis = axis

    def forward(self, x: Any) -> Any:
        out = [block(x) for block in self._children.values()]
        return _nd.concat(*out, dim=self.axis)


class HybridConcurrent(HybridSequential):
    """`Concurrent` of HybridBlocks (hybridizable)."""

    def __init__(self, axis: int = -1, prefix: Any = None, params: Any = None) -> None:
        super().__init__(prefix=prefix, params=params)
        self.axis = axis

    def hybrid_forward(self, F: Any, x: Any) -> Any:
        out = [block(x) for block in self._children.values()]
        return F.concat(*out, dim=self.axis)


class Identity(HybridBlock):
    """Returns its input (e.g. the residual branch of a HybridConcurrent)."""

    def __init__(self, prefix: Any = None, params: Any = None) -> None:
        super().__init__(prefix=prefix, params=params)

    def hybrid_forward(self, F: Any, x: Any) -> Any:
        return x


def _factors(factor: Any, n: int) -> tuple:
    try:
        return (int(factor),) * n
    except TypeError:
        factors = tuple(int(f) for f in factor)
        assert len(factors) == n, "wrong length {}".format(len(factors))
        return factors


class PixelShuffle1D(HybridBlock):
    """(N, C*f, W) -> (N, C, W*f)."""

    def __init__(self, factor: int) -> None:
        super().__init__()
        self._factor = int(factor)

    def hybrid_forward(self, F: Any, x: Any) -> Any:
        f = self._factor
        x = F.reshape(x, (0, -4, -1, f, 0))
        x = F.transpose(x, (0, 1, 3, 2))
        return F.reshape(x, (0, 0, -3))

    def __repr__(self) -> str:
        return "{}({})".format(self.__class__.__name__, self._factor)


class PixelShuffle2D(HybridBlock):
    """(N, f1*f2*C, H, W) -> (N, C, H*f1, W*f2)."""

    def __init__(self, factor: Any) -> None:
        super().__init__()
        self._factors = _factors(factor, 2)

    def hybrid_forward(self, F: Any, x: Any) -> Any:
        f1, f2 = self._factors
        x = F.reshape(x, (0, -4, -1, f1 * f2, 0, 0))
        x = F.reshape(x, (0, 0, -4, f1, f2, 0, 0))
        x = F.transpose(x, (0, 1, 4, 2, 5, 3))
        return F.reshape(x, (0, 0, -3, -3))

    def __repr__(self) -> str:
        return "{}({})".format(self.__class__.__name__, self._factors)


class PixelShuffle3D(HybridBlock):
    """(N, C*f1*f2*f3, D, H, W) -> (N, C, D*f1, H*f2, W*f3)."""

    def __init__(self, factor: Any) -> None:
        super().__init__()
        self._factors = _factors(factor, 3)

    def hybrid_forward(self, F: Any, x: Any) -> Any:
        f1, f2, f3 = self._factors
        x = F.reshape(x, (0, -4, -1, f1 * f2 * f3, 0, 0, 0))
        x = F.swapaxes(x, 2, 3)
        x = F.reshape(x, (0, 0, 0, -4, f1, f2 * f3, 0, 0))
        x = F.reshape(x, (0, 0, -3, 0, 0, 0))
        x = F.swapaxes(x, 3, 4)
        x = F.reshape(x, (0, 0, 0, 0, -4, f2, f3, 0))
        x = F.reshape(x, (0, 0, 0, -3, 0, 0))
        x = F.swapaxes(x, 4, 5)
        return F.reshape(x, (0, 0, 0, 0, -3))

    def __repr__(self) -> str:
        return "{}({})".format(self.__class__.__name__, self._factors)


SparseEmbedding = not_implemented_class("gluon.contrib.nn.SparseEmbedding", SPARSE, HybridBlock)
class SyncBatchNorm(BatchNorm):
    """MXNet's cross-device batch normalisation: the statistics of the whole batch over the
    `num_devices` devices. tapegraph computes on one device, where that is exactly
    `nn.BatchNorm` over axis 1 (MXNet 1.9.1 gives the same with num_devices=1); more
    devices cannot be synchronized here (a ValueError)."""

    def __init__(self, in_channels: int = 0, num_devices: Any = None, momentum: float = 0.9,
                 epsilon: float = 1e-5, center: bool = True, scale: bool = True,
                 use_global_stats: bool = False, beta_initializer="zeros",
                 gamma_initializer="ones", running_mean_initializer="zeros",
                 running_variance_initializer="ones", **kwargs: Any) -> None:
        if num_devices not in (None, 1):
            raise ValueError("SyncBatchNorm: num_devices=%r, but tapegraph computes on one "
                             "device (num_devices=1 is nn.BatchNorm)" % (num_devices,))
        super().__init__(1, momentum, epsilon, center, scale, use_global_stats,
                         beta_initializer, gamma_initializer, running_mean_initializer,
                         running_variance_initializer, in_channels, **kwargs)
        self._num_devices = 1

    def __repr__(self) -> str:
        # MXNet's attributes: those of BatchNorm but the axis, then its device count and key
        shown = {k: v for k, v in self._kwargs.items() if k != "axis"}
        shown.update(ndev=self._num_devices, key=self.prefix)
        channels = self.gamma.shape[0]
        shown["in_channels"] = channels or None
        return "{}({})".format(self.__class__.__name__,
                               ", ".join("%s=%r" % kv for kv in shown.items()))


# MXNet's layers live in its module `mxnet.gluon.contrib.nn.basic_layers`; here, this one.
basic_layers = sys.modules[__name__]
sys.modules.setdefault(__name__ + ".basic_layers", basic_layers)
