"""`gluon.contrib.cnn`'s deformable convolution layers (MXNet 1.9.1's conv_layers.py):
DeformableConvolution (v1, Dai et al. 2017) and ModulatedDeformableConvolution (v2, Zhu et
al. 2018). Each holds an ordinary convolution computing the offsets (and, for v2, the
modulation mask) from its input, and the deformable convolution reading the input at the
offset positions: `mx.nd.contrib.DeformableConvolution` /
`ModulatedDeformableConvolution`, registered operators (tapegraph.ir.ops.deformable) whose
gradients differentiate to any order (MXNet 1.9.1's CPU backward of the modulated one
raises). A hybridized layer is a fixed graph and exports MXNet's
`_contrib_DeformableConvolution` / `_contrib_ModulatedDeformableConvolution` node. Only the
'NCHW' layout runs, as in MXNet, whose operator refuses 'NHWC'."""
from __future__ import annotations

from typing import Optional

from ....ir.errors import MXNetError
from ...hybrid_block import HybridBlock
from ...nn.basic_layers import Activation
from ...nn.conv_layers import _Conv, _tuple

__all__ = ["DeformableConvolution", "ModulatedDeformableConvolution"]


class _Deformable(HybridBlock):
    """What the two layers share: their parameters (created in MXNet's order) and the
    offset convolution; `_offset_parts` offset maps (2 for v1, 3 for v2) per tap and
    deformable group. `op_name` defaults to the class name, as MXNet's does."""
    _offset_parts = 2
    _offset_first = True

    def __init__(self, channels: int, kernel_size=(1, 1), strides=(1, 1), padding=(0, 0),
                 dilation=(1, 1), groups: int = 1, num_deformable_group: int = 1,
                 layout: str = "NCHW", use_bias: bool = True, in_channels: int = 0,
                 activation: Optional[str] = None, weight_initializer=None,
                 bias_initializer="zeros", offset_weight_initializer="zeros",
                 offset_bias_initializer="zeros", offset_use_bias: bool = True,
                 op_name: Optional[str] = None, adj=None, prefix=None, params=None) -> None:
        super().__init__(prefix=prefix, params=params)
        if layout not in ("NCHW", "NHWC"):
            raise ValueError("Only supports 'NCHW' and 'NHWC' layout for now, got %r"
                             % (layout,))
        with self.name_scope():
            self._channels = channels
            self._in_channels = in_channels
            kernel = _tuple(kernel_size, 2, "kernel_size")
            win = {"kernel": kernel, "stride": _tuple(strides, 2, "strides"),
                   "dilate": _tuple(dilation, 2, "dilation"),
                   "pad": _tuple(padding, 2, "padding")}
            self._op_name = op_name or type(self).__name__
            taps = num_deformable_group * kernel[0] * kernel[1]
            offset_channels = self._offset_parts * taps
            self.offset_split_index = 2 * taps
            if offset_channels % groups:
                raise MXNetError("%s: output num_filter must divide group size (the offset "
                                 "convolution's %d channels, groups=%d)"
                                 % (type(self).__name__, offset_channels, groups))
            self._kwargs_offset = dict(win, num_filter=offset_channels, num_group=groups,
                                       no_bias=not offset_use_bias, layout=layout)
            self._kwargs_deformable_conv = dict(
                win, num_filter=channels, num_group=groups,
                num_deformable_group=num_deformable_group, no_bias=not use_bias,
                layout=layout)
            if adj:
                self._kwargs_offset["adj"] = adj
                self._kwargs_deformable_conv["adj"] = adj
            offset = (lambda: self._offset_params(in_channels, offset_weight_initializer,
                                                  offset_bias_initializer, offset_use_bias))
            if self._offset_first:
                offset()
            self.deformable_conv_weight = self.params.get(
                "deformable_conv_weight", shape=(channels, 0) + kernel, init=weight_initializer,
                allow_deferred_init=True)
            self.deformable_conv_bias = self.params.get(
                "deformable_conv_bias", shape=(channels,), init=bias_initializer,
                allow_deferred_init=True) if use_bias else None
            if not self._offset_first:
                offset()
            self.act = Activation(activation, prefix=activation + "_") if activation else None

    def _offset_weight_shape(self, in_channels: int) -> tuple:
        kw = self._kwargs_offset
        per_group = in_channels // kw["num_group"]
        if kw["layout"] == "NHWC":
            return (kw["num_filter"],) + kw["kernel"] + (per_group,)
        return (kw["num_filter"], per_group) + kw["kernel"]

    def _offset_params(self, in_channels, weight_init, bias_init, use_bias) -> None:
        self.offset_weight = self.params.get("offset_weight",
                                             shape=self._offset_weight_shape(in_channels),
                                             init=weight_init, allow_deferred_init=True)
        self.offset_bias = self.params.get(
            "offset_bias", shape=(self._kwargs_offset["num_filter"],), init=bias_init,
            allow_deferred_init=True) if use_bias else None

    def infer_shape(self, x, *args) -> None:
        """The input channels come from the input (NCHW)."""
        self._check_layout()
        channels, groups = x.shape[1], self._kwargs_offset["num_group"]
        if channels % groups:
            raise MXNetError("%s: the input's %d channels are not divisible by groups=%d"
                             % (type(self).__name__, channels, groups))
        self.offset_weight.shape = self._offset_weight_shape(channels)
        self.deformable_conv_weight.shape = ((self._channels, channels // groups)
                                             + self._kwargs_deformable_conv["kernel"])

    def _check_layout(self) -> None:
        if self._kwargs_deformable_conv["layout"] != "NCHW":
            raise MXNetError("%s: layout %r is not supported by the deformable convolution "
                             "operator (MXNet 1.9.1's accepts NCHW only)"
                             % (type(self).__name__, self._kwargs_deformable_conv["layout"]))

    def _offset(self, F, x, offset_weight, offset_bias):
        self._check_layout()
        if offset_bias is None:
            return F.Convolution(x, offset_weight, cudnn_off=True, **self._kwargs_offset)
        return F.Convolution(x, offset_weight, offset_bias, cudnn_off=True,
                             **self._kwargs_offset)

    def _alias(self) -> str:
        return "deformable_conv"


class DeformableConvolution(_Deformable):
    """2-D deformable convolution v1 (Dai, 2017): a convolution whose sampling points move
    by offsets learned by a separate convolution (`offset_weight`, zeros by default) of the
    input, read bilinearly. Parameters as MXNet's: channels, kernel_size, strides, padding,
    dilation, groups, num_deformable_group, layout ('NCHW'), use_bias, in_channels,
    activation, the initializers, offset_use_bias."""

    def hybrid_forward(self, F, x, offset_weight, deformable_conv_weight, offset_bias=None,
                       deformable_conv_bias=None):
        offset = self._offset(F, x, offset_weight, offset_bias)
        bias = {} if deformable_conv_bias is None else {"bias": deformable_conv_bias}
        act = F.contrib.DeformableConvolution(data=x, offset=offset,
                                              weight=deformable_conv_weight, name="fwd",
                                              **bias, **self._kwargs_deformable_conv)
        return self.act(act) if self.act else act

    def __repr__(self) -> str:
        """MXNet's: the convolution layers' repr, of the deformable weight and bias."""
        view = type(type(self).__name__, (), {
            "_kwargs": self._kwargs_deformable_conv, "weight": self.deformable_conv_weight,
            "bias": self.deformable_conv_bias, "act": self.act})
        return _Conv.__repr__(view())


class ModulatedDeformableConvolution(_Deformable):
    """2-D deformable convolution v2 (https://arxiv.org/abs/1811.11168): as
    DeformableConvolution, and each sample is also scaled by a learned modulation,
    2 * sigmoid of the offset convolution's last num_deformable_group * kh * kw maps."""
    _offset_parts = 3
    _offset_first = False

    def _alias(self) -> str:
        return "modulated_deformable_conv"

    def hybrid_forward(self, F, x, offset_weight, deformable_conv_weight, offset_bias=None,
                       deformable_conv_bias=None):
        offset = self._offset(F, x, offset_weight, offset_bias)
        offset_t = F.slice_axis(offset, axis=1, begin=0, end=self.offset_split_index)
        mask = F.slice_axis(offset, axis=1, begin=self.offset_split_index, end=None)
        mask = F.sigmoid(mask) * 2
        bias = {} if deformable_conv_bias is None else {"bias": deformable_conv_bias}
        act = F.contrib.ModulatedDeformableConvolution(
            data=x, offset=offset_t, mask=mask, weight=deformable_conv_weight, name="fwd",
            **bias, **self._kwargs_deformable_conv)
        return self.act(act) if self.act else act
