"""Block names and prefixes as MXNet 1.9.1 makes them.

Outside any `name_scope()`, a block named after its class (`dense`) takes the next number
from the thread's global counter for that name: `dense0_`, `dense1_`. Inside a parent's
`name_scope()`, the counter is the parent's own and the prefix is the parent's prefix
plus `dense0_`, so the parameters of the second Dense in a HybridSequential are
`hybridsequential0_dense1_weight`.
"""
from __future__ import annotations

import threading
from typing import Any, Dict, Optional, Tuple

from ..name import NameManager, Prefix

__all__ = ["NameManager", "Prefix", "BlockScope", "current_scope"]


class BlockScope:
    """The scope `block.name_scope()` opens: children created inside it are named and
    parameterised under the block."""

    _current = threading.local()

    def __init__(self, block: Any) -> None:
        self._block = block
        self._counter: Dict[str, int] = {}
        self._old_scope: Optional["BlockScope"] = None

    @staticmethod
    def create(prefix: Optional[str], params: Any, hint: str,
               dict_type: Any) -> Tuple[str, Any]:
        """The prefix and ParameterDict of a new block (see the module docstring)."""
        current = current_scope()
        if current is None:
            if prefix is None:
                prefix = NameManager.current.get(None, hint) + "_"
            if params is None:
                params = dict_type(prefix)
            else:
                params = dict_type(params.prefix, params)
            return prefix, params
        if prefix is None:
            count = current._counter.get(hint, 0)
            prefix = "%s%d_" % (hint, count)
            current._counter[hint] = count + 1
        if params is None:
            parent = current._block.params
            params = dict_type(parent.prefix + prefix, parent._shared)
        else:
            params = dict_type(params.prefix, params)
        return current._block.prefix + prefix, params

    def __enter__(self) -> "BlockScope":
        if self._block._empty_prefix:
            return self
        self._old_scope = current_scope()
        BlockScope._current.value = self
        self._name_prefix = Prefix(self._block.prefix)
        self._name_prefix.__enter__()
        return self

    def __exit__(self, *exc: Any) -> None:
        if self._block._empty_prefix:
            return
        self._name_prefix.__exit__(*exc)
        BlockScope._current.value = self._old_scope


def current_scope() -> Optional[BlockScope]:
    """The innermost open `name_scope()` of this thread, if any."""
    return getattr(BlockScope._current, "value", None)
