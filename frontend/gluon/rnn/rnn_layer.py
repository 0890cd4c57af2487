"""Recurrent layers (MXNet 1.9.1's gluon/rnn/rnn_layer.py): RNN, LSTM and GRU over whole
sequences, stacked (`num_layers`) and optionally bidirectional, in TNC or NTC layout.

MXNet runs these as one opaque fused `RNN` kernel. Here the layer unrolls through the IR
with registered operators (see tapegraph.ir.recurrent, which mx.nd.RNN uses too): a
recorded or hybridized recurrent network is an ordinary graph that can be printed,
optimised, exported and differentiated to any order. Parameters keep MXNet's names and
shapes (`l0_i2h_weight`, `r1_h2h_bias`, ...), so `.params` files move between the two."""
from __future__ import annotations

from typing import Any, List, Optional

from ... import ndarray
from ..hybrid_block import HybridBlock
from ...ir import recurrent as _kernels
from .rnn_cell import SYMBOLIC_UNROLL, as_np_if_active

__all__ = ["RNN", "LSTM", "GRU"]


class _RNNLayer(HybridBlock):
    """Shared by RNN, LSTM and GRU."""

    def __init__(self, hidden_size: int, num_layers: int, layout: str, dropout: float,
                 bidirectional: bool, input_size: int, i2h_weight_initializer,
                 h2h_weight_initializer, i2h_bias_initializer, h2h_bias_initializer,
                 mode: str, projection_size: Optional[int], h2r_weight_initializer,
                 lstm_state_clip_min, lstm_state_clip_max, lstm_state_clip_nan,
                 dtype: str, use_sequence_length: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if layout not in ("TNC", "NTC"):
            raise ValueError("Invalid layout %s; must be one of ['TNC' or 'NTC']" % layout)
        self._hidden_size = hidden_size
        self._projection_size = projection_size if projection_size else None
        self._num_layers = num_layers
        self._mode = mode
        self._layout = layout
        self._dropout = dropout
        self._dir = 2 if bidirectional else 1
        self._input_size = input_size
        self._lstm_state_clip_min = lstm_state_clip_min
        self._lstm_state_clip_max = lstm_state_clip_max
        self._lstm_state_clip_nan = lstm_state_clip_nan
        self._dtype = dtype
        self._use_sequence_length = use_sequence_length
        self.skip_states = None
        self._gates = _kernels.GATES[mode]
        ng, ni, nh = self._gates, input_size, hidden_size
        nr = self._projection_size or nh
        for i in range(num_layers):
            for j in ["l", "r"][:self._dir]:
                self._register_param("%s%d_i2h_weight" % (j, i), (ng * nh, ni),
                                     i2h_weight_initializer, dtype)
                self._register_param("%s%d_h2h_weight" % (j, i), (ng * nh, nr),
                                     h2h_weight_initializer, dtype)
                self._register_param("%s%d_i2h_bias" % (j, i), (ng * nh,),
                                     i2h_bias_initializer, dtype)
                self._register_param("%s%d_h2h_bias" % (j, i), (ng * nh,),
                                     h2h_bias_initializer, dtype)
                if self._projection_size:
                    self._register_param("%s%d_h2r_weight" % (j, i), (nr, nh),
                                         h2r_weight_initializer, dtype)
            ni = nr * self._dir

    def _register_param(self, name: str, shape, init, dtype):
        p = self.params.get(name, shape=shape, init=init, allow_deferred_init=True,
                            dtype=dtype)
        setattr(self, name, p)
        return p

    def infer_shape(self, inputs, *args) -> None:
        """The input size of the first layer comes from the first input."""
        size = inputs.shape[2]
        for j in ["l", "r"][:self._dir]:
            p = getattr(self, "%s0_i2h_weight" % j)
            p.shape = (p.shape[0], size)

    def __repr__(self) -> str:
        s = "{name}({mapping}, {_layout}"
        if self._num_layers != 1:
            s += ", num_layers={_num_layers}"
        if self._dropout != 0:
            s += ", dropout={_dropout}"
        if self._dir == 2:
            s += ", bidirectional"
        s += ")"
        shape = self.l0_i2h_weight.shape
        mapping = "{0} -> {1}".format(shape[1] if shape[1] else None, shape[0] // self._gates)
        return s.format(name=type(self).__name__, mapping=mapping, **self.__dict__)

    def state_info(self, batch_size: int = 0) -> List[dict]:
        raise NotImplementedError

    def begin_state(self, batch_size: int = 0, func=ndarray.zeros, **kwargs: Any) -> list:
        """Initial states (zeros by default), one array per entry of state_info."""
        states = []
        for i, info in enumerate(self.state_info(batch_size)):
            info = dict(info)
            info.update(kwargs)
            info.pop("__layout__", None)
            states.append(as_np_if_active(func(name="%sh0_%d" % (self.prefix, i), **info)))
        return states

    def __call__(self, inputs, states=None, sequence_length=None, **kwargs: Any):
        """Run the sequence; returns the outputs, and the final states when `states` were
        given. With use_sequence_length=True a `sequence_length` (N,) is accepted and, as
        by MXNet 1.9.1 on CPU (only its cuDNN kernel reads it), every step still runs: the
        outputs and states are those of the full sequences."""
        if not isinstance(inputs, ndarray.NDArray):
            raise ValueError("%s: %s" % (type(self).__name__, SYMBOLIC_UNROLL))
        self.skip_states = states is None
        if states is None:
            batch_size = inputs.shape[self._layout.find("N")]
            states = self.begin_state(batch_size, ctx=inputs.context, dtype=inputs.dtype)
        if isinstance(states, ndarray.NDArray):
            states = [states]
        return super().__call__(inputs, states, **kwargs)

    def hybrid_forward(self, F, inputs, states, sequence_length=None, **kwargs):
        batch_size = inputs.shape[self._layout.find("N")]
        for state, info in zip(states, self.state_info(batch_size)):
            if tuple(state.shape) != tuple(info["shape"]):
                raise ValueError("Invalid recurrent state shape. Expecting %s, got %s."
                                 % (str(info["shape"]), str(state.shape)))
        out = self._forward_kernel(F, inputs, states, **kwargs)
        return out[0] if self.skip_states else out

    def _forward_kernel(self, F, inputs, states, **kwargs):
        if self._layout == "NTC":
            inputs = F.SwapAxis(inputs, dim1=0, dim2=1)
        outputs, states = _kernels.layer_sequence(
            F, self._mode, inputs, states, kwargs, self._hidden_size, self._num_layers,
            self._dir == 2, self._dropout)
        if self._layout == "NTC":
            outputs = F.SwapAxis(outputs, dim1=0, dim2=1)
        return outputs, states


class RNN(_RNNLayer):
    """Elman RNN: h_t = act(W_i x_t + b_i + W_h h_{t-1} + b_h), act relu or tanh."""

    def __init__(self, hidden_size: int, num_layers: int = 1, activation: str = "relu",
                 layout: str = "TNC", dropout: float = 0, bidirectional: bool = False,
                 i2h_weight_initializer=None, h2h_weight_initializer=None,
                 i2h_bias_initializer="zeros", h2h_bias_initializer="zeros",
                 input_size: int = 0, dtype: str = "float32", **kwargs: Any) -> None:
        super().__init__(hidden_size, num_layers, layout, dropout, bidirectional, input_size,
                         i2h_weight_initializer, h2h_weight_initializer, i2h_bias_initializer,
                         h2h_bias_initializer, "rnn_" + activation, None, None, None, None,
                         False, dtype, **kwargs)

    def state_info(self, batch_size: int = 0) -> List[dict]:
        return [{"shape": (self._num_layers * self._dir, batch_size, self._hidden_size),
                 "__layout__": "LNC", "dtype": self._dtype}]


class LSTM(_RNNLayer):
    """Long short-term memory (gates in, forget, cell, out), optionally with a projection
    of the hidden state (`projection_size`). `state_clip_min/max/nan` are accepted and,
    as in MXNet 1.9.1 on CPU (only its cuDNN kernel clips), have no effect."""

    def __init__(self, hidden_size: int, num_layers: int = 1, layout: str = "TNC",
                 dropout: float = 0, bidirectional: bool = False, input_size: int = 0,
                 i2h_weight_initializer=None, h2h_weight_initializer=None,
                 i2h_bias_initializer="zeros", h2h_bias_initializer="zeros",
                 projection_size: Optional[int] = None, h2r_weight_initializer=None,
                 state_clip_min=None, state_clip_max=None, state_clip_nan: bool = False,
                 dtype: str = "float32", **kwargs: Any) -> None:
        super().__init__(hidden_size, num_layers, layout, dropout, bidirectional, input_size,
                         i2h_weight_initializer, h2h_weight_initializer, i2h_bias_initializer,
                         h2h_bias_initializer, "lstm", projection_size, h2r_weight_initializer,
                         state_clip_min, state_clip_max, state_clip_nan, dtype, **kwargs)

    def state_info(self, batch_size: int = 0) -> List[dict]:
        n = self._num_layers * self._dir
        h = self._projection_size or self._hidden_size
        return [{"shape": (n, batch_size, h), "__layout__": "LNC", "dtype": self._dtype},
                {"shape": (n, batch_size, self._hidden_size), "__layout__": "LNC",
                 "dtype": self._dtype}]


class GRU(_RNNLayer):
    """Gated recurrent unit (gates reset, update, new; MXNet's/cuDNN's formulation)."""

    def __init__(self, hidden_size: int, num_layers: int = 1, layout: str = "TNC",
                 dropout: float = 0, bidirectional: bool = False, input_size: int = 0,
                 i2h_weight_initializer=None, h2h_weight_initializer=None,
                 i2h_bias_initializer="zeros", h2h_bias_initializer="zeros",
                 dtype: str = "float32", **kwargs: Any) -> None:
        super().__init__(hidden_size, num_layers, layout, dropout, bidirectional, input_size,
                         i2h_weight_initializer, h2h_weight_initializer, i2h_bias_initializer,
                         h2h_bias_initializer, "gru", None, None, None, None, False, dtype,
                         **kwargs)

    def state_info(self, batch_size: int = 0) -> List[dict]:
        return [{"shape": (self._num_layers * self._dir, batch_size, self._hidden_size),
                 "__layout__": "LNC", "dtype": self._dtype}]
