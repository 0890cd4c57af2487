"""`mx.gluon`: MXNet 1.9.1's imperative-first neural-network API on tapegraph's IR.

`Block`/`HybridBlock` (block.py, hybrid_block.py), `Parameter`/`ParameterDict`
(parameter.py, parameter_dict.py) and `nn` layers; `hybridize()` traces a HybridBlock into
one IR graph per input signature and runs its compiled plan (hybrid.py). The interface
an optimizer relies on is described in parameter.py's docstring.
"""
from .parameter import Constant, DeferredInitializationError, Parameter, tensor_types
from .parameter_dict import ParameterDict
from .block import Block
from .hybrid_block import HybridBlock
from .symbol_block import SymbolBlock
from . import nn, utils
from . import rnn, loss
from .trainer import Trainer
from . import data
from . import model_zoo, contrib

__all__ = ["Block", "HybridBlock", "SymbolBlock", "Parameter", "Constant", "ParameterDict",
           "DeferredInitializationError", "nn", "utils", "rnn", "loss", "Trainer", "data",
           "model_zoo", "contrib"]
