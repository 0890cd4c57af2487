"""`mx.contrib.amp`: automatic mixed precision (float16) with dynamic loss scaling.
See `tapegraph.contrib.amp.amp`."""
from . import amp, lists, loss_scaler  # noqa: F401
from .amp import *  # noqa: F401,F403
from .amp import __all__  # noqa: F401
from .amp import disable  # noqa: F401  (tapegraph's: undo init())
