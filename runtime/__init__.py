"""tapegraph.runtime: executes graphs on NumPy (plans, fused-kernel codegen, plan cache),
and, as `mx.runtime`, reports which of MXNet's compile-time features it has (`Features`).

Imports only tapegraph.ir.
"""
from .plan import LOWERINGS, Plan, bind_kernel, execute
from .cache import PLAN_CACHE, PlanCache, plan_cache_stats
from .fusion import FusedKernel, fused_source
from .regions import lower_region
from .features import Feature, Features, feature_list

LOWERINGS["fused"] = FusedKernel
LOWERINGS["_grad_region"] = lower_region
LOWERINGS["_CachedOp"] = lower_region  # a hybridized Gluon block (tapegraph.ir.ops.regions)
LOWERINGS["_checkpoint"] = lower_region  # a tapegraph.transforms.checkpoint function

__all__ = ["Feature", "Features", "feature_list",
           "LOWERINGS", "PLAN_CACHE", "FusedKernel", "Plan", "PlanCache", "bind_kernel",
           "execute", "fused_source", "plan_cache_stats"]
