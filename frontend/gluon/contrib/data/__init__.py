"""`gluon.contrib.data`: MXNet 1.9.1's contributed data utilities: IntervalSampler
(`sampler`) and the WikiText language-model data sets (`text`, stand-ins: they download)."""
from . import _constants, sampler, text
from .sampler import IntervalSampler

__all__ = ["IntervalSampler"]
