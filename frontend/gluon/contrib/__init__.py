"""`gluon.contrib`: MXNet 1.9.1's contributed Gluon pieces: layers (`contrib.nn`,
`contrib.cnn`, `contrib.rnn`), data (`contrib.data`) and the Estimator training loop
(`contrib.estimator`)."""
from . import cnn, data, estimator, nn, rnn

__all__ = ["cnn", "data", "estimator", "nn", "rnn"]
