"""Convolutional recurrent cells of `gluon.contrib.rnn` (MXNet 1.9.1's conv_rnn_cell.py):
Conv{1,2,3}D{RNN,LSTM,GRU}Cell, whose i2h and h2h transforms are convolutions over
(C, *spatial) steps. The gate math (and MXNet's node names, so an export names its outputs
as MXNet's does) is `tapegraph.ir.recurrent`'s, shared with mx.rnn's legacy conv cells.

Parameters, states, gate order ([in, forget, cell, out]; [reset, update, new]) and defaults
are MXNet's. Channel-last layouts ('NWC', 'NHWC', 'NDHWC') are computed by transposing to
channel-first around the two convolutions (tapegraph's Convolution is channel-first), so an
export of such a cell holds those transposes."""
from __future__ import annotations

from math import floor
from numbers import Number
from typing import List

from ....ir import recurrent as _kernels
from ...rnn.rnn_cell import HybridRecurrentCell

__all__ = ["Conv1DRNNCell", "Conv2DRNNCell", "Conv3DRNNCell",
           "Conv1DLSTMCell", "Conv2DLSTMCell", "Conv3DLSTMCell",
           "Conv1DGRUCell", "Conv2DGRUCell", "Conv3DGRUCell"]


def _get_conv_out_size(dimensions, kernels, paddings, dilations):
    return tuple(int(floor(x + 2 * p - d * (k - 1) - 1) + 1) if x else 0 for x, k, p, d in
                 zip(dimensions, kernels, paddings, dilations))


def _spec(value, dims: int, what: str) -> tuple:
    if isinstance(value, Number):
        return (int(value),) * dims
    if not isinstance(value, (list, tuple)) or len(value) != dims:
        raise ValueError("For {dims}D convolution, the convolution settings can only be either "
                         "int or list/tuple of length {dims}: {what}={value!r}"
                         .format(dims=dims, what=what, value=value))
    return tuple(value)


def _check_layout(layout, dims: int) -> str:
    first = "NC" + "DHW"[3 - dims:]
    last = "N" + "DHW"[3 - dims:] + "C"
    if layout not in (first, last):
        raise ValueError("conv_layout must be %r or %r for a %dD convolutional cell, got %r"
                         % (first, last, dims, layout))
    return first


class _BaseConvRNNCell(HybridRecurrentCell):
    """Abstract base class for convolutional RNNs."""
    _gate_names: tuple = ("",)
    _num_states = 1

    def __init__(self, input_shape, hidden_channels, i2h_kernel, h2h_kernel, i2h_pad,
                 i2h_dilate, h2h_dilate, i2h_weight_initializer, h2h_weight_initializer,
                 i2h_bias_initializer, h2h_bias_initializer, dims, conv_layout, activation,
                 prefix=None, params=None) -> None:
        super().__init__(prefix=prefix, params=params)
        self._first_layout = _check_layout(conv_layout, dims)
        if not isinstance(input_shape, (list, tuple)) or len(input_shape) != dims + 1:
            raise ValueError("input_shape must be the shape of one step of one sample, %d "
                             "entries in layout %r without N, got %r"
                             % (dims + 1, conv_layout[1:], input_shape))
        self._hidden_channels = hidden_channels
        self._input_shape = tuple(input_shape)
        self._conv_layout = conv_layout
        self._activation = activation
        self._i2h_kernel = _spec(i2h_kernel, dims, "i2h_kernel")
        self._stride = (1,) * dims
        self._i2h_pad = _spec(i2h_pad, dims, "i2h_pad")
        self._i2h_dilate = _spec(i2h_dilate, dims, "i2h_dilate")
        self._h2h_kernel = _spec(h2h_kernel, dims, "h2h_kernel")
        if not all(k % 2 == 1 for k in self._h2h_kernel):
            raise ValueError("Only support odd number, get h2h_kernel= %s" % str(h2h_kernel))
        self._h2h_dilate = _spec(h2h_dilate, dims, "h2h_dilate")
        (self._channel_axis, self._in_channels, i2h_param_shape, h2h_param_shape,
         self._h2h_pad, self._state_shape) = self._decide_shapes()
        rows = (hidden_channels * self._num_gates,)
        self.i2h_weight = self.params.get("i2h_weight", shape=i2h_param_shape,
                                          init=i2h_weight_initializer,
                                          allow_deferred_init=True)
        self.h2h_weight = self.params.get("h2h_weight", shape=h2h_param_shape,
                                          init=h2h_weight_initializer,
                                          allow_deferred_init=True)
        self.i2h_bias = self.params.get("i2h_bias", shape=rows, init=i2h_bias_initializer,
                                        allow_deferred_init=True)
        self.h2h_bias = self.params.get("h2h_bias", shape=rows, init=h2h_bias_initializer,
                                        allow_deferred_init=True)

    def _decide_shapes(self):
        """(channel axis, input channels, i2h and h2h weight shapes, h2h pad, state shape
        without the batch), as MXNet computes them from input_shape."""
        channel_axis = self._conv_layout.find("C")
        input_shape = self._input_shape
        in_channels = input_shape[channel_axis - 1]
        hidden = self._hidden_channels
        dimensions = input_shape[1:] if channel_axis == 1 else input_shape[:-1]
        total_out = (hidden * self._num_gates,)
        conv_out = _get_conv_out_size(dimensions, self._i2h_kernel, self._i2h_pad,
                                      self._i2h_dilate)
        if any(x and o <= 0 for x, o in zip(dimensions, conv_out)):
            raise ValueError("i2h_kernel %s (dilate %s, pad %s) does not fit the input's "
                             "spatial shape %s" % (self._i2h_kernel, self._i2h_dilate,
                                                   self._i2h_pad, tuple(dimensions)))
        h2h_pad = tuple(d * (k - 1) // 2 for d, k in zip(self._h2h_dilate, self._h2h_kernel))
        if channel_axis == 1:
            return (channel_axis, in_channels, total_out + (in_channels,) + self._i2h_kernel,
                    total_out + (hidden,) + self._h2h_kernel, h2h_pad, (hidden,) + conv_out)
        return (channel_axis, in_channels, total_out + self._i2h_kernel + (in_channels,),
                total_out + self._h2h_kernel + (hidden,), h2h_pad, conv_out + (hidden,))

    @property
    def _num_gates(self) -> int:
        return len(self._gate_names)

    def infer_shape(self, inputs, *args) -> None:
        """The input channels come from the first input."""
        shape = list(self.i2h_weight.shape)
        shape[1 if self._channel_axis == 1 else -1] = inputs.shape[self._channel_axis]
        self.i2h_weight.shape = tuple(shape)

    def state_info(self, batch_size: int = 0) -> List[dict]:
        return [{"shape": (batch_size,) + self._state_shape, "__layout__": self._conv_layout}
                for _ in range(self._num_states)]

    def __repr__(self) -> str:
        shape = self.i2h_weight.shape
        in_channels = shape[1 if self._channel_axis == 1 else -1]
        return "%s(%s -> %s, %s, %s)" % (type(self).__name__, in_channels or None, shape[0],
                                         self._activation, self._conv_layout)

    def _conv_forward(self, F, inputs, states, weights, prefix):
        """(i2h, h2h): the two convolutions, in the cell's layout."""
        i2h = {"kernel": self._i2h_kernel, "stride": self._stride, "pad": self._i2h_pad,
               "dilate": self._i2h_dilate}
        h2h = {"kernel": self._h2h_kernel, "dilate": self._h2h_dilate, "pad": self._h2h_pad,
               "stride": self._stride}
        x, h, weights = inputs, states[0], list(weights)
        n = len(self._conv_layout)
        last = self._channel_axis != 1
        if last:  # channel-last: to channel-first and back
            x, h, weights[0], weights[1] = [
                F.transpose(a, axes=(0, n - 1) + tuple(range(1, n - 1)))
                for a in (x, h, weights[0], weights[1])]
        out = _kernels.conv_projections(F, x, h, weights,
                                        self._hidden_channels * self._num_gates, i2h, h2h,
                                        self._first_layout, lambda key: prefix + key)
        if last:
            out = tuple(F.transpose(a, axes=(0,) + tuple(range(2, n)) + (1,)) for a in out)
        return out

    def _act(self, F):
        """The cell activation as `act(x, name)` (for the shared gate math)."""
        return lambda x, name: self._get_activation(F, x, self._activation, name=name)

    def hybrid_forward(self, F, inputs, states, i2h_weight, h2h_weight, i2h_bias, h2h_bias):
        prefix = "t%d_" % self._counter
        i2h, h2h = self._conv_forward(F, inputs, states,
                                      (i2h_weight, h2h_weight, i2h_bias, h2h_bias), prefix)
        return self._step(F, i2h, h2h, states, prefix)

    def _step(self, F, i2h, h2h, states, prefix):
        raise NotImplementedError("_BaseConvRNNCell is abstract class for convolutional RNN")


class _ConvRNNCell(_BaseConvRNNCell):
    def _alias(self) -> str:
        return "conv_rnn"

    def _step(self, F, i2h, h2h, states, prefix):
        output = self._get_activation(F, i2h + h2h, self._activation, name=prefix + "out")
        return output, [output]


class _ConvLSTMCell(_BaseConvRNNCell):
    _gate_names = ("_i", "_f", "_c", "_o")
    _num_states = 2

    def _alias(self) -> str:
        return "conv_lstm"

    def _step(self, F, i2h, h2h, states, prefix):
        next_h, next_c = _kernels.named_lstm(F, i2h + h2h, states[1], self._act(F),
                                             lambda key: prefix + key, axis=self._channel_axis)
        return next_h, [next_h, next_c]


class _ConvGRUCell(_BaseConvRNNCell):
    _gate_names = ("_r", "_z", "_o")

    def _alias(self) -> str:
        return "conv_gru"

    def _step(self, F, i2h, h2h, states, prefix):
        next_h = _kernels.named_gru(F, i2h, h2h, states[0], self._act(F),
                                    lambda key: prefix + key, axis=self._channel_axis)
        return next_h, [next_h]


_MATH = {
    _ConvRNNCell: "h_t = act(W_i * x_t + R_i * h_{t-1} + b_i)",
    _ConvLSTMCell: "i, f, o = sigmoid(W * x_t + R * h_{t-1} + b) of their gates; "
                   "c_t = f c_{t-1} + i act(W_c * x_t + R_c * h_{t-1} + b_c); "
                   "h_t = o act(c_t)",
    _ConvGRUCell: "r, z = sigmoid(W * x_t + R * h_{t-1} + b) of their gates; "
                  "n_t = act(W_n * x_t + b_n + r (R_n * h_{t-1} + b_rn)); "
                  "h_t = (1 - z) n_t + z h_{t-1}",
}
_KIND = {_ConvRNNCell: "RNN", _ConvLSTMCell: "LSTM", _ConvGRUCell: "GRU"}


def _make(base, dims: int):
    """The public cell class of `base` for `dims` spatial dimensions (MXNet's defaults)."""
    layout = "NC" + "DHW"[3 - dims:]
    name = "Conv%dD%sCell" % (dims, _KIND[base])

    def __init__(self, input_shape, hidden_channels, i2h_kernel, h2h_kernel,
                 i2h_pad=(0,) * dims, i2h_dilate=(1,) * dims, h2h_dilate=(1,) * dims,
                 i2h_weight_initializer=None, h2h_weight_initializer=None,
                 i2h_bias_initializer="zeros", h2h_bias_initializer="zeros",
                 conv_layout=layout, activation="tanh", prefix=None, params=None):
        base.__init__(self, input_shape, hidden_channels, i2h_kernel, h2h_kernel, i2h_pad,
                      i2h_dilate, h2h_dilate, i2h_weight_initializer, h2h_weight_initializer,
                      i2h_bias_initializer, h2h_bias_initializer, dims, conv_layout,
                      activation, prefix, params)

    __init__.__qualname__ = name + ".__init__"
    doc = ("%dD convolutional %s cell: %s (`*` a convolution; `act` the activation, a name "
           "or a LeakyReLU block, default 'tanh').\n\n    input_shape is one step of one "
           "sample without the batch, in conv_layout ('%s' or '%s'); i2h_kernel, "
           "h2h_kernel (odd), i2h_pad, i2h_dilate, h2h_dilate are ints or %d-tuples. The "
           "prefix defaults to '%s0_', '%s1_', ..." % (dims, _KIND[base], _MATH[base], layout,
                                                       "N" + layout[2:] + "C", dims,
                                                       base._alias(None), base._alias(None)))
    return type(name, (base,), {"__init__": __init__, "__doc__": doc, "__module__": __name__})


Conv1DRNNCell = _make(_ConvRNNCell, 1)
Conv2DRNNCell = _make(_ConvRNNCell, 2)
Conv3DRNNCell = _make(_ConvRNNCell, 3)
Conv1DLSTMCell = _make(_ConvLSTMCell, 1)
Conv2DLSTMCell = _make(_ConvLSTMCell, 2)
Conv3DLSTMCell = _make(_ConvLSTMCell, 3)
Conv1DGRUCell = _make(_ConvGRUCell, 1)
Conv2DGRUCell = _make(_ConvGRUCell, 2)
Conv3DGRUCell = _make(_ConvGRUCell, 3)
