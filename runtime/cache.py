"""A bounded, thread-safe plan cache keyed by a graph's structural key."""
from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any, Callable, Dict, Hashable


class PlanCache:
    """Least-recently-used map from structural keys to compiled plans.

    `get_or_build(key, build)` returns the cached entry or builds, stores and returns
    it. `hits`, `misses` and `evictions` are counted; `stats()` reports them.
    """

    def __init__(self, capacity: int = 256):
        self.capacity = capacity
        self._entries: "OrderedDict[Hashable, Any]" = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0
        self.evictions = 0

    def get_or_build(self, key: Hashable, build: Callable[[], Any]) -> Any:
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
                self.hits += 1
                return entry
            self.misses += 1
        entry = build()  # outside the lock: compiling may take a while
        if not getattr(entry, "cacheable", True):
            return entry  # the builder says no later lookup can use it
        with self._lock:
            self._entries[key] = entry
            self._entries.move_to_end(key)
            while len(self._entries) > self.capacity:
                self._entries.popitem(last=False)
                self.evictions += 1
        return entry

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.hits = self.misses = self.evictions = 0

    def __len__(self) -> int:
        return len(self._entries)

    def stats(self) -> Dict[str, int]:
        """Counters: hits, misses, evictions, size, capacity."""
        with self._lock:
            return {"hits": self.hits, "misses": self.misses, "evictions": self.evictions,
                    "size": len(self._entries), "capacity": self.capacity}


PLAN_CACHE = PlanCache()


def plan_cache_stats() -> Dict[str, int]:
    """Counters of the process-wide plan cache."""
    return PLAN_CACHE.stats()
