"""Convolution layers (the first half of MXNet 1.9.1's gluon/nn/conv_layers.py; pooling is in
pool_layers.py): Conv1D/2D/3D and Conv1D/2D/3DTranspose, HybridBlocks over the registered
Convolution and Deconvolution operators."""
from __future__ import annotations

from numbers import Number
from typing import Any, Optional, Sequence, Tuple, Union

from ..hybrid_block import HybridBlock
from .basic_layers import Activation
from ...base import names_from

__all__ = ["Conv1D", "Conv2D", "Conv3D", "Conv1DTranspose", "Conv2DTranspose",
           "Conv3DTranspose"]

IntOrTuple = Union[int, Sequence[int]]
_LAYOUTS = {1: "NCW", 2: "NCHW", 3: "NCDHW"}


def _tuple(value: IntOrTuple, n: int, name: str) -> Tuple[int, ...]:
    if isinstance(value, Number):
        return (int(value),) * n
    value = tuple(int(v) for v in value)
    if len(value) != n:
        raise ValueError("%s must be a number or a list of %d ints, got %r" % (name, n, value))
    return value


class _Conv(HybridBlock):
    """Shared by the convolution layers: parameters `weight` (and `bias`), whose input
    channel count is inferred at the first forward when `in_channels` is 0."""

    def __init__(self, channels: int, kernel_size: Tuple[int, ...], strides, padding,
                 dilation, groups: int, layout: str, in_channels: int = 0,
                 activation: Optional[str] = None, use_bias: bool = True,
                 weight_initializer=None, bias_initializer="zeros",
                 op_name: str = "Convolution", adj=None, prefix=None, params=None) -> None:
        super().__init__(prefix=prefix, params=params)
        n = len(kernel_size)
        if layout != _LAYOUTS[n]:
            raise ValueError("Only supports %r layout for now, got %r" % (_LAYOUTS[n], layout))
        with self.name_scope():
            self._channels = channels
            self._in_channels = in_channels
            self._op_name = op_name
            self._kwargs = {
                "kernel": kernel_size, "stride": _tuple(strides, n, "strides"),
                "dilate": _tuple(dilation, n, "dilation"), "pad": _tuple(padding, n, "padding"),
                "num_filter": channels, "num_group": groups, "no_bias": not use_bias,
                "layout": layout}
            if adj is not None:
                self._kwargs["adj"] = adj
            self.weight = self.params.get("weight", shape=self._weight_shape(in_channels),
                                          init=weight_initializer,
                                          allow_deferred_init=True)
            if use_bias:
                self.bias = self.params.get("bias", shape=(channels,), init=bias_initializer,
                                            allow_deferred_init=True)
            else:
                self.bias = None
            self.act = Activation(activation, prefix=activation + "_") \
                if activation is not None else None

    def _weight_shape(self, in_channels: int) -> Tuple[int, ...]:
        groups, kernel = self._kwargs["num_group"], tuple(self._kwargs["kernel"])
        if self._op_name == "Convolution":
            return (self._channels, in_channels // groups if in_channels else 0) + kernel
        return (in_channels, self._channels // groups) + kernel

    def infer_shape(self, x, *args) -> None:
        """Fill in the input-channel dimension of `weight` from the first input."""
        self.weight.shape = self._weight_shape(x.shape[1])

    def hybrid_forward(self, F, x, weight, bias=None):
        op = getattr(F, self._op_name)
        kwargs = dict(self._kwargs)
        if kwargs["layout"] in ("NCW", "NCHW", "NCDHW"):
            kwargs.pop("layout")
        if bias is None:
            act = op(x, weight, name="fwd", **kwargs)
        else:
            act = op(x, weight, bias, name="fwd", **kwargs)
        if self.act is not None:
            act = self.act(act)
        return act

    def _alias(self) -> str:
        return "conv"

    def __repr__(self) -> str:
        k = self._kwargs
        n = len(k["kernel"])
        s = "{name}({mapping}, kernel_size={kernel}, stride={stride}"
        if k["pad"] != (0,) * n:
            s += ", padding={pad}"
        if k["dilate"] != (1,) * n:
            s += ", dilation={dilate}"
        if k["num_group"] != 1:
            s += ", groups={num_group}"
        if self.bias is None:
            s += ", bias=False"
        if self.act:
            s += ", {}".format(self.act)
        s += ")"
        shape = self.weight.shape
        return s.format(name=type(self).__name__,
                        mapping="{0} -> {1}".format(shape[1] if shape[1] else None, shape[0]),
                        **k)


class Conv1D(_Conv):
    """1-D convolution over (N, C, W) inputs."""

    def __init__(self, channels: int, kernel_size: IntOrTuple, strides: IntOrTuple = 1,
                 padding: IntOrTuple = 0, dilation: IntOrTuple = 1, groups: int = 1,
                 layout: str = "NCW", activation: Optional[str] = None, use_bias: bool = True,
                 weight_initializer=None, bias_initializer="zeros", in_channels: int = 0,
                 **kwargs: Any) -> None:
        super().__init__(channels, _tuple(kernel_size, 1, "kernel_size"), strides, padding,
                         dilation, groups, layout, in_channels, activation, use_bias,
                         weight_initializer, bias_initializer, **kwargs)


class Conv2D(_Conv):
    """2-D convolution over (N, C, H, W) inputs."""

    def __init__(self, channels: int, kernel_size: IntOrTuple, strides: IntOrTuple = (1, 1),
                 padding: IntOrTuple = (0, 0), dilation: IntOrTuple = (1, 1), groups: int = 1,
                 layout: str = "NCHW", activation: Optional[str] = None, use_bias: bool = True,
                 weight_initializer=None, bias_initializer="zeros", in_channels: int = 0,
                 **kwargs: Any) -> None:
        super().__init__(channels, _tuple(kernel_size, 2, "kernel_size"), strides, padding,
                         dilation, groups, layout, in_channels, activation, use_bias,
                         weight_initializer, bias_initializer, **kwargs)


class Conv3D(_Conv):
    """3-D convolution over (N, C, D, H, W) inputs."""

    def __init__(self, channels: int, kernel_size: IntOrTuple,
                 strides: IntOrTuple = (1, 1, 1), padding: IntOrTuple = (0, 0, 0),
                 dilation: IntOrTuple = (1, 1, 1), groups: int = 1, layout: str = "NCDHW",
                 activation: Optional[str] = None, use_bias: bool = True,
                 weight_initializer=None, bias_initializer="zeros", in_channels: int = 0,
                 **kwargs: Any) -> None:
        super().__init__(channels, _tuple(kernel_size, 3, "kernel_size"), strides, padding,
                         dilation, groups, layout, in_channels, activation, use_bias,
                         weight_initializer, bias_initializer, **kwargs)


class _ConvTranspose(_Conv):
    def __init__(self, n, channels, kernel_size, strides, padding, output_padding, dilation,
                 groups, layout, activation, use_bias, weight_initializer, bias_initializer,
                 in_channels, **kwargs):
        out_pad = _tuple(output_padding, n, "output_padding")
        super().__init__(channels, _tuple(kernel_size, n, "kernel_size"), strides, padding,
                         dilation, groups, layout, in_channels, activation, use_bias,
                         weight_initializer, bias_initializer, op_name="Deconvolution",
                         adj=out_pad, **kwargs)
        self.outpad = out_pad


class Conv1DTranspose(_ConvTranspose):
    """1-D transposed convolution (the adjoint of Conv1D) over (N, C, W) inputs."""

    def __init__(self, channels: int, kernel_size: IntOrTuple, strides: IntOrTuple = 1,
                 padding: IntOrTuple = 0, output_padding: IntOrTuple = 0,
                 dilation: IntOrTuple = 1, groups: int = 1, layout: str = "NCW",
                 activation: Optional[str] = None, use_bias: bool = True,
                 weight_initializer=None, bias_initializer="zeros", in_channels: int = 0,
                 **kwargs: Any) -> None:
        super().__init__(1, channels, kernel_size, strides, padding, output_padding, dilation,
                         groups, layout, activation, use_bias, weight_initializer,
                         bias_initializer, in_channels, **kwargs)


class Conv2DTranspose(_ConvTranspose):
    """2-D transposed convolution (the adjoint of Conv2D) over (N, C, H, W) inputs."""

    def __init__(self, channels: int, kernel_size: IntOrTuple, strides: IntOrTuple = (1, 1),
                 padding: IntOrTuple = (0, 0), output_padding: IntOrTuple = (0, 0),
                 dilation: IntOrTuple = (1, 1), groups: int = 1, layout: str = "NCHW",
                 activation: Optional[str] = None, use_bias: bool = True,
                 weight_initializer=None, bias_initializer="zeros", in_channels: int = 0,
                 **kwargs: Any) -> None:
        super().__init__(2, channels, kernel_size, strides, padding, output_padding, dilation,
                         groups, layout, activation, use_bias, weight_initializer,
                         bias_initializer, in_channels, **kwargs)


class Conv3DTranspose(_ConvTranspose):
    """3-D transposed convolution (the adjoint of Conv3D) over (N, C, D, H, W) inputs."""

    def __init__(self, channels: int, kernel_size: IntOrTuple,
                 strides: IntOrTuple = (1, 1, 1), padding: IntOrTuple = (0, 0, 0),
                 output_padding: IntOrTuple = (0, 0, 0), dilation: IntOrTuple = (1, 1, 1),
                 groups: int = 1, layout: str = "NCDHW", activation: Optional[str] = None,
                 use_bias: bool = True, weight_initializer=None, bias_initializer="zeros",
                 in_channels: int = 0, **kwargs: Any) -> None:
        super().__init__(3, channels, kernel_size, strides, padding, output_padding, dilation,
                         groups, layout, activation, use_bias, weight_initializer,
                         bias_initializer, in_channels, **kwargs)

# Defined in MXNet's namesake of this module; kept in sibling modules here
__getattr__, __dir__ = names_from("tapegraph.gluon.nn", (
    "AvgPool1D", "AvgPool2D", "AvgPool3D", "GlobalAvgPool1D", "GlobalAvgPool2D",
    "GlobalAvgPool3D", "GlobalMaxPool1D", "GlobalMaxPool2D", "GlobalMaxPool3D",
    "MaxPool1D", "MaxPool2D", "MaxPool3D", "ReflectionPad2D"), __name__)
