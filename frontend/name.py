"""`mx.name`: MXNet's name managers. One `NameManager` per thread is current: symbol
operators without a name (`fullyconnected0`, `_plus1`) and top-level Gluon blocks
(`dense0_`) take the next number of their hint from it; `with NameManager():` starts fresh
counters (MXNet's `BucketingModule` builds each bucket's symbol so, for the names, and so
the parameters, to agree). `with Prefix('net_'):` puts a prefix before the names of the
operators made inside (a Gluon block's `name_scope()` opens one with its prefix)."""
from __future__ import annotations

import threading
from typing import Any, Dict, Optional

__all__ = ["NameManager", "Prefix"]


class _NamePrefix(threading.local):
    value = ""


NAME_PREFIX = _NamePrefix()  # the prefix of the names of operators made on this thread


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


class Prefix:
    """`with mx.name.Prefix('net_'):` names the operators made inside `net_<name>` (the
    innermost Prefix wins, as in MXNet)."""

    def __init__(self, prefix: str) -> None:
        self._prefix = prefix
        self._old = ""

    def __enter__(self) -> "Prefix":
        self._old = NAME_PREFIX.value
        NAME_PREFIX.value = self._prefix
        return self

    def __exit__(self, *exc: Any) -> None:
        NAME_PREFIX.value = self._old
