"""Pooling and padding layers (the second half of MXNet 1.9.1's gluon/nn/conv_layers.py):
Max/AvgPool1D/2D/3D, GlobalMax/AvgPool1D/2D/3D and ReflectionPad2D.

`ceil_mode=True` is the Pooling operator's 'full' convention, as in MXNet."""
from __future__ import annotations

from numbers import Number
from typing import Any, Optional, Sequence, Tuple, Union


from ..hybrid_block import HybridBlock

__all__ = ["MaxPool1D", "MaxPool2D", "MaxPool3D", "AvgPool1D", "AvgPool2D", "AvgPool3D",
           "GlobalMaxPool1D", "GlobalMaxPool2D", "GlobalMaxPool3D", "GlobalAvgPool1D",
           "GlobalAvgPool2D", "GlobalAvgPool3D", "ReflectionPad2D"]

IntOrTuple = Union[int, Sequence[int]]
_CHANNEL_FIRST = {1: "NCW", 2: "NCHW", 3: "NCDHW"}
_CHANNEL_LAST = {1: "NWC", 2: "NHWC", 3: "NDHWC"}


def _tuple(value: IntOrTuple, n: int, name: str) -> Tuple[int, ...]:
    if isinstance(value, Number):
        return (int(value),) * n
    value = tuple(int(v) for v in value)
    if len(value) != n:
        raise ValueError("%s must be a number or a list of %d ints, got %r" % (name, n, value))
    return value


class _Pooling(HybridBlock):
    """Shared by the pooling layers."""

    def __init__(self, pool_size: Tuple[int, ...], strides, padding, ceil_mode: bool,
                 global_pool: bool, pool_type: str, layout: str,
                 count_include_pad: Optional[bool] = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        n = len(pool_size)
        if layout not in (_CHANNEL_FIRST[n], _CHANNEL_LAST[n]):
            raise ValueError("Only %s and %s layouts are valid for %dD Pooling, got %r"
                             % (_CHANNEL_FIRST[n], _CHANNEL_LAST[n], n, layout))
        if strides is None:
            strides = pool_size
        self._kwargs = {
            "kernel": pool_size, "stride": _tuple(strides, n, "strides"),
            "pad": _tuple(padding, n, "padding"), "global_pool": global_pool,
            "pool_type": pool_type, "layout": layout,
            "pooling_convention": "full" if ceil_mode else "valid"}
        if count_include_pad is not None:
            self._kwargs["count_include_pad"] = count_include_pad

    def _alias(self) -> str:
        return "pool"

    def hybrid_forward(self, F, x):
        k = self._kwargs
        n = len(k["kernel"])
        symbolic = not hasattr(x, "ndim")
        if not symbolic and x.ndim != n + 2:
            raise ValueError("%s expects a %d-D input (%s), got shape %s"
                             % (type(self).__name__, n + 2, k["layout"], x.shape))
        channel_last = k["layout"] == _CHANNEL_LAST[n]
        if channel_last:
            x = F.transpose(x, axes=(0, n + 1) + tuple(range(1, n + 1)))
        attrs = {a: k[a] for a in ("kernel", "stride", "pad", "global_pool", "pool_type",
                                   "pooling_convention")}
        if "count_include_pad" in k:
            attrs["count_include_pad"] = k["count_include_pad"]
        out = F.Pooling(x, name="fwd", **attrs)
        if channel_last:
            out = F.transpose(out, axes=(0,) + tuple(range(2, n + 2)) + (1,))
        return out

    def __repr__(self) -> str:
        s = "{name}(size={kernel}, stride={stride}, padding={pad}, ceil_mode={ceil_mode}"
        s += ", global_pool={global_pool}, pool_type={pool_type}, layout={layout})"
        return s.format(name=type(self).__name__,
                        ceil_mode=self._kwargs["pooling_convention"] == "full",
                        **self._kwargs)


class MaxPool1D(_Pooling):
    """Max pooling over (N, C, W) inputs."""

    def __init__(self, pool_size: IntOrTuple = 2, strides=None, padding: IntOrTuple = 0,
                 layout: str = "NCW", ceil_mode: bool = False, **kwargs: Any) -> None:
        super().__init__(_tuple(pool_size, 1, "pool_size"), strides, padding, ceil_mode,
                         False, "max", layout, **kwargs)


class MaxPool2D(_Pooling):
    """Max pooling over (N, C, H, W) inputs."""

    def __init__(self, pool_size: IntOrTuple = (2, 2), strides=None, padding: IntOrTuple = 0,
                 layout: str = "NCHW", ceil_mode: bool = False, **kwargs: Any) -> None:
        super().__init__(_tuple(pool_size, 2, "pool_size"), strides, padding, ceil_mode,
                         False, "max", layout, **kwargs)


class MaxPool3D(_Pooling):
    """Max pooling over (N, C, D, H, W) inputs."""

    def __init__(self, pool_size: IntOrTuple = (2, 2, 2), strides=None,
                 padding: IntOrTuple = 0, ceil_mode: bool = False, layout: str = "NCDHW",
                 **kwargs: Any) -> None:
        super().__init__(_tuple(pool_size, 3, "pool_size"), strides, padding, ceil_mode,
                         False, "max", layout, **kwargs)


class AvgPool1D(_Pooling):
    """Average pooling over (N, C, W) inputs."""

    def __init__(self, pool_size: IntOrTuple = 2, strides=None, padding: IntOrTuple = 0,
                 layout: str = "NCW", ceil_mode: bool = False, count_include_pad: bool = True,
                 **kwargs: Any) -> None:
        super().__init__(_tuple(pool_size, 1, "pool_size"), strides, padding, ceil_mode,
                         False, "avg", layout, count_include_pad, **kwargs)


class AvgPool2D(_Pooling):
    """Average pooling over (N, C, H, W) inputs."""

    def __init__(self, pool_size: IntOrTuple = (2, 2), strides=None, padding: IntOrTuple = 0,
                 ceil_mode: bool = False, layout: str = "NCHW", count_include_pad: bool = True,
                 **kwargs: Any) -> None:
        super().__init__(_tuple(pool_size, 2, "pool_size"), strides, padding, ceil_mode,
                         False, "avg", layout, count_include_pad, **kwargs)


class AvgPool3D(_Pooling):
    """Average pooling over (N, C, D, H, W) inputs."""

    def __init__(self, pool_size: IntOrTuple = (2, 2, 2), strides=None,
                 padding: IntOrTuple = 0, ceil_mode: bool = False, layout: str = "NCDHW",
                 count_include_pad: bool = True, **kwargs: Any) -> None:
        super().__init__(_tuple(pool_size, 3, "pool_size"), strides, padding, ceil_mode,
                         False, "avg", layout, count_include_pad, **kwargs)


class _GlobalPooling(_Pooling):
    _dims = 0
    _type = ""

    def __init__(self, layout: Optional[str] = None, **kwargs: Any) -> None:
        n = self._dims
        super().__init__((1,) * n, None, 0, True, True, self._type,
                         layout or _CHANNEL_FIRST[n], **kwargs)


class GlobalMaxPool1D(_GlobalPooling):
    """Max over the whole W axis: (N, C, W) -> (N, C, 1)."""
    _dims, _type = 1, "max"


class GlobalMaxPool2D(_GlobalPooling):
    """Max over H and W: (N, C, H, W) -> (N, C, 1, 1)."""
    _dims, _type = 2, "max"


class GlobalMaxPool3D(_GlobalPooling):
    """Max over D, H and W: (N, C, D, H, W) -> (N, C, 1, 1, 1)."""
    _dims, _type = 3, "max"


class GlobalAvgPool1D(_GlobalPooling):
    """Mean over the whole W axis: (N, C, W) -> (N, C, 1)."""
    _dims, _type = 1, "avg"


class GlobalAvgPool2D(_GlobalPooling):
    """Mean over H and W: (N, C, H, W) -> (N, C, 1, 1)."""
    _dims, _type = 2, "avg"


class GlobalAvgPool3D(_GlobalPooling):
    """Mean over D, H and W: (N, C, D, H, W) -> (N, C, 1, 1, 1)."""
    _dims, _type = 3, "avg"


class ReflectionPad2D(HybridBlock):
    """Pads the H and W axes of (N, C, H, W) inputs with their mirror image (without
    repeating the edge): `padding` is a number, or 8 before/after widths for the 4 axes."""

    def __init__(self, padding: IntOrTuple = 0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if isinstance(padding, Number):
            padding = (0, 0, 0, 0, padding, padding, padding, padding)
        if len(padding) != 8:
            raise ValueError("ReflectionPad2D: padding must be a number or 8 widths, got %r"
                             % (padding,))
        self._padding = tuple(int(p) for p in padding)

    def hybrid_forward(self, F, x):
        return F.Pad(x, mode="reflect", pad_width=self._padding)
