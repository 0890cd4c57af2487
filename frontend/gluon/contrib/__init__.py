"""`gluon.contrib`: MXNet 1.9.1's contributed Gluon layers (`contrib.nn`; the `cnn`,
`data`, `estimator` and `rnn` sub-packages are not provided)."""
from . import nn

__all__ = ["nn"]
