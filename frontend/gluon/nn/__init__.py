"""`gluon.nn`: neural-network layers, and the block classes (`nn.Block`, `nn.HybridBlock`,
`nn.SymbolBlock`) that MXNet's `gluon.nn` re-exports for custom layers."""
from ..block import Block  # noqa: F401
from ..hybrid_block import HybridBlock  # noqa: F401
from ..symbol_block import SymbolBlock  # noqa: F401
from .basic_layers import *  # noqa: F401,F403
from .activations import *  # noqa: F401,F403
from .conv_layers import *  # noqa: F401,F403
from .pool_layers import *  # noqa: F401,F403
from .norm_layers import *  # noqa: F401,F403
from ..block import Block, HybridBlock  # noqa: F401 (MXNet re-exports them in nn)
from ..symbol_block import SymbolBlock  # noqa: F401
