"""tapegraph: MXNet's imperative autograd as a graph compiler with an explicit IR.

`import tapegraph as mx` and MXNet code runs unchanged: `mx.nd`, `mx.np`, `mx.npx`,
`mx.autograd`, `mx.sym`, `mx.cpu()`. Recorded operations are traced into
`tapegraph.ir` graphs; gradients are derived by `tapegraph.passes` and executed by
`tapegraph.runtime`.
"""
from __future__ import annotations

__version__ = "0.1.0"

from . import ir, passes, runtime  # noqa: F401
from . import base  # noqa: F401
from .base import MXNetError  # noqa: F401
from .context import Context, cpu, gpu, current_context, num_gpus  # noqa: F401
from . import random  # noqa: F401
from . import ndarray  # noqa: F401
from . import ndarray as nd  # noqa: F401
from . import numpy  # noqa: F401
from . import numpy as np  # noqa: F401
from . import numpy_extension  # noqa: F401
from . import numpy_extension as npx  # noqa: F401
from . import autograd  # noqa: F401
from . import symbol  # noqa: F401
from . import symbol as sym  # noqa: F401
from . import engine  # noqa: F401
from . import viz  # noqa: F401
from . import test_utils  # noqa: F401
