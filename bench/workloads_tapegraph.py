"""tapegraph runs the MXNet-API workloads (``import tapegraph as mx``).

Adds tapegraph-specific extras when available: plan-cache hits/misses from
``tapegraph.runtime.plan_cache_stats()`` before/after each workload. The
first-iteration (compile) cost vs steady state comes from the common timer.
"""
from __future__ import annotations

import workloads_mxnet


def _plan_cache_stats():
    try:
        from tapegraph import runtime
        stats = runtime.plan_cache_stats()
        return dict(stats) if hasattr(stats, "keys") else stats
    except Exception:
        return None


if __name__ == "__main__":
    workloads_mxnet.run("tapegraph", hooks={"stats": _plan_cache_stats})
