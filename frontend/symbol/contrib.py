"""`mx.sym.contrib`: MXNet 1.9.1's `_contrib_*` operators that tapegraph builds as Symbols
(`mx.sym.contrib.quadratic(x, a=1)` makes a `_contrib_quadratic` node named `quadratic0`,
as MXNet does). The others (detection, quantization, DGL, control flow) are not
available symbolically; their `mx.nd.contrib` forms run eagerly."""
from __future__ import annotations

from .api.op_functions import prefixed_getattr

NAMES = ("quadratic", "div_sqrt_dim", "gradientmultiplier", "round_ste", "sign_ste",
         "AdaptiveAvgPooling2D", "BilinearResize2D", "SyncBatchNorm", "arange_like",
         "interleaved_matmul_selfatt_qk", "interleaved_matmul_selfatt_valatt",
         "interleaved_matmul_encdec_qk", "interleaved_matmul_encdec_valatt")


__getattr__ = prefixed_getattr(__name__, "_contrib_", NAMES)

__all__ = list(NAMES)
