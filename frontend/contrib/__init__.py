"""`mx.contrib`: MXNet's experimental namespace; tapegraph provides `contrib.autograd`
(the pre-1.0 autograd API)."""
from . import autograd  # noqa: F401
