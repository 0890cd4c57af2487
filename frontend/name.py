"""`mx.name`: MXNet's name managers. One `NameManager` per thread is current: symbol
operators without a name (`fullyconnected0`, `_plus1`) and top-level Gluon blocks
(`dense0_`) take the next number of their hint from it; `with NameManager():` starts fresh
counters (MXNet's `BucketingModule` builds each bucket's symbol so, for the names, and so
the parameters, to agree). `with Prefix('net_'):` is a NameManager of its own (fresh counters) that
puts a prefix before the names of the operators made inside, given or not (a Gluon block's
`name_scope()` opens one with its prefix)."""
from __future__ import annotations

import threading
from typing import Any, Dict, Optional

__all__ = ["NameManager", "Prefix"]


class _CurrentManager:
    """`NameManager.current`, a class property as in MXNet: this thread's manager (a
    default one made on first use)."""

    def __get__(self, instance: Any, owner: type) -> "NameManager":
        value = getattr(NameManager._thread, "value", None)
        if value is None:
            value = NameManager._thread.value = NameManager()
        return value


class NameManager:
    """Counters per hint: `get(None, 'dense')` -> 'dense0', then 'dense1'; a given name is
    kept. A context manager: inside `with NameManager():` it is the current one."""

    _thread = threading.local()
    current = _CurrentManager()

    def __init__(self) -> None:
        self._counter: Dict[str, int] = {}
        self._old: Optional[NameManager] = None

    def get(self, name: Optional[str], hint: str) -> str:
        """`name` if given, else `hint` followed by its next number."""
        if name:
            return name
        count = self._counter.get(hint, 0)
        self._counter[hint] = count + 1
        return "%s%d" % (hint, count)

    def __enter__(self) -> "NameManager":
        self._old = getattr(NameManager._thread, "value", None)
        NameManager._thread.value = self
        return self

    def __exit__(self, *exc: Any) -> None:
        NameManager._thread.value = self._old


class Prefix(NameManager):
    """`with mx.name.Prefix('net_'):` names the operators made inside `net_<name>`, and
    the unnamed ones from counters of its own (`net_fullyconnected0`), as in MXNet."""

    def __init__(self, prefix: str) -> None:
        super().__init__()
        self._prefix = prefix

    def get(self, name: Optional[str], hint: str) -> str:
        return self._prefix + super().get(name, hint)
