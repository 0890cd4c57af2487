"""`mx.optimizer`: MXNet 1.9.1's optimizers, updating NumPy buffers in place.

`create('sgd', momentum=0.9)` (or `Optimizer.create_optimizer`) builds one by name;
`register` adds a subclass; `get_updater(opt)` keeps per-index states.
"""
from .optimizer import Optimizer, create, register
from .sgd import SGD, NAG, Signum, LARS
from .adam import Adam, AdamW, LAMB, FTML
from .adaptive import RMSProp, AdaGrad, AdaDelta, Adamax, Nadam
from .others import Ftrl, DCASGD, SGLD, ccSGD, Test
from .lbsgd import LBSGD
from . import contrib
from .updater import Updater, get_updater
from ..ndarray import abs as NDabs  # noqa: F401  (MXNet's module exports it)

opt_registry = Optimizer.opt_registry

__all__ = ["Optimizer", "create", "register", "SGD", "NAG", "Signum", "Adam", "AdamW",
           "LAMB", "FTML", "RMSProp", "AdaGrad", "AdaDelta", "Adamax", "Nadam", "Ftrl", "DCASGD",
           "LARS", "LBSGD", "SGLD", "ccSGD", "Test", "Updater", "get_updater", "contrib"]
