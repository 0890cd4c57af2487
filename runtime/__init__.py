"""tapegraph.runtime: executes graphs on NumPy (plans, plan cache).

Imports only tapegraph.ir.
"""
from .plan import LOWERINGS, Plan, bind_kernel, execute
from .cache import PLAN_CACHE, PlanCache, plan_cache_stats

__all__ = ["LOWERINGS", "PLAN_CACHE", "Plan", "PlanCache", "bind_kernel", "execute",
           "plan_cache_stats"]
