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
        self._building: Dict[Hashable, Any] = {}  # key -> (builder thread, Event)
        self.hits = 0
        self.misses = 0
        self.evictions = 0

    def get_or_build(self, key: Hashable, build: Callable[[], Any]) -> Any:
        """The entry for `key`, built by `build()` on a miss. Threads missing the same key
        at once compile it once: the others wait for that build (and count a hit)."""
        while True:
            with self._lock:
                entry = self._entries.get(key)
                if entry is not None:
                    self._entries.move_to_end(key)
                    self.hits += 1
                    return entry
                flight = self._building.get(key)
                if flight is None or flight[0] == threading.get_ident():
                    self.misses += 1
                    flight = (threading.get_ident(), threading.Event())
                    self._building.setdefault(key, flight)
                    break
            # Another thread is compiling this key: wait, then look again (if its build
            # failed or was not cacheable, this thread builds in turn).
            flight[1].wait()
        return self._build(key, build, flight)

    def _build(self, key: Hashable, build: Callable[[], Any], flight: tuple) -> Any:
        try:
            entry = build()  # outside the lock: compiling may take a while
            if getattr(entry, "cacheable", True):  # else no later lookup can use it
                with self._lock:
                    self._entries[key] = entry
                    self._entries.move_to_end(key)
                    while len(self._entries) > self.capacity:
                        self._entries.popitem(last=False)
                        self.evictions += 1
            return entry
        finally:
            with self._lock:
                if self._building.get(key) is flight:
                    del self._building[key]
            flight[1].set()

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
