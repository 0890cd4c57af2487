"""`gluon.rnn`: recurrent layers (RNN, LSTM, GRU) and cells, unrolled through the IR with
registered operators (no opaque fused RNN kernel)."""
from .rnn_cell import (RecurrentCell, HybridRecurrentCell, RNNCell, LSTMCell,  # noqa: F401
                       GRUCell)
from .cell_wrappers import (SequentialRNNCell, HybridSequentialRNNCell,  # noqa: F401
                            DropoutCell, ModifierCell, ZoneoutCell, ResidualCell,
                            BidirectionalCell)
from .rnn_layer import RNN, LSTM, GRU  # noqa: F401
from . import rnn_cell, rnn_layer  # noqa: F401

__all__ = ["RecurrentCell", "HybridRecurrentCell", "RNNCell", "LSTMCell", "GRUCell",
           "SequentialRNNCell", "HybridSequentialRNNCell", "DropoutCell", "ModifierCell",
           "ZoneoutCell", "ResidualCell", "BidirectionalCell", "RNN", "LSTM", "GRU"]
