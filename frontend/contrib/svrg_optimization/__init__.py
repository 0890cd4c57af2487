"""`mx.contrib.svrg_optimization`: MXNet's SVRG training — `svrg_module.SVRGModule` and
the optimizers it installs (`svrg_optimizer`)."""
from . import svrg_module, svrg_optimizer  # noqa: F401
