"""`mx.rnn`: MXNet 1.9.1's legacy symbolic RNN cells, built on `mx.sym` with MXNet's
names (`lstm_t0_i2h`, `lstm_i2h_weight`, ...), the bucketing text iterator and RNN
checkpoints."""
import sys

from ..io import DataBatch, DataDesc, DataIter  # noqa: F401  (MXNet's mx.rnn exposes them)
from . import base, cells, conv, modifiers
from . import io, rnn  # noqa: F401
from .base import BaseRNNCell, RNNParams  # noqa: F401
from .cells import FusedRNNCell, GRUCell, LSTMCell, RNNCell  # noqa: F401
from .conv import BaseConvRNNCell, ConvGRUCell, ConvLSTMCell, ConvRNNCell  # noqa: F401
from .modifiers import (BidirectionalCell, DropoutCell, ModifierCell,  # noqa: F401
                        ResidualCell, SequentialRNNCell, ZoneoutCell)
from .io import BucketSentenceIter, encode_sentences  # noqa: F401
from .rnn import (do_rnn_checkpoint, load_checkpoint, load_rnn_checkpoint,  # noqa: F401
                  rnn_unroll, save_checkpoint, save_rnn_checkpoint)

for _module in (cells, conv, modifiers):  # `mx.rnn.rnn_cell.LSTMCell` works as in MXNet
    for _name in getattr(_module, "__all__", [n for n in dir(_module) if n[0].isupper()]):
        setattr(base, _name, getattr(_module, _name))
del _module, _name

# MXNet's module of the cells, `mxnet.rnn.rnn_cell` (`from mxnet.rnn.rnn_cell import
# LSTMCell`), is this package here
rnn_cell = sys.modules[__name__]
sys.modules[__name__ + ".rnn_cell"] = rnn_cell
