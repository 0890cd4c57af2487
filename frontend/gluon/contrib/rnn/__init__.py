"""`gluon.contrib.rnn`: MXNet 1.9.1's contributed recurrent cells: the convolutional
RNN, LSTM and GRU cells in 1, 2 and 3 dimensions (`conv_rnn_cell`), VariationalDropoutCell
and LSTMPCell (`rnn_cell`)."""
from . import conv_rnn_cell, rnn_cell
from .conv_rnn_cell import (Conv1DRNNCell, Conv2DRNNCell, Conv3DRNNCell,
                            Conv1DLSTMCell, Conv2DLSTMCell, Conv3DLSTMCell,
                            Conv1DGRUCell, Conv2DGRUCell, Conv3DGRUCell)
from .rnn_cell import VariationalDropoutCell, LSTMPCell

__all__ = conv_rnn_cell.__all__ + rnn_cell.__all__
