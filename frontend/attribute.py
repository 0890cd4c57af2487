"""`mx.attribute` / `mx.AttrScope`: attributes attached to every symbol created in a scope.

    with mx.AttrScope(ctx_group='dev1', lr_mult='0.1'):
        x = mx.sym.Variable('x')           # x.attr('lr_mult') == '0.1'
        y = mx.sym.FullyConnected(x, num_hidden=4)

Nested scopes merge (the inner value wins); the attributes a symbol is created with
(`attr=`) override the scope's. How the symbol stores them (`lr_mult` as `__lr_mult__`)
is `tapegraph.symbol.api.attrs`.
"""
from __future__ import annotations

import threading
import warnings
from collections import defaultdict
from typing import Dict, Optional

__all__ = ["AttrScope"]


class _CurrentScope(type):
    """Gives `AttrScope.current` (a deprecated class property in MXNet)."""

    @property
    def current(cls) -> "AttrScope":
        warnings.warn("AttrScope.current has been deprecated. "
                      "It is advised to use the `with` statement with AttrScope.",
                      DeprecationWarning)
        return cls.active()

    @current.setter
    def current(cls, scope: "AttrScope") -> None:
        warnings.warn("AttrScope.current has been deprecated. "
                      "It is advised to use the `with` statement with AttrScope.",
                      DeprecationWarning)
        cls._current.value = scope


class AttrScope(metaclass=_CurrentScope):
    """Attribute manager for scoping: `kwargs` (string values) are set on every symbol
    created inside `with AttrScope(**kwargs):`."""

    _current = threading.local()
    _subgraph_names: Dict[str, int] = defaultdict(int)

    def __init__(self, **kwargs: str):
        for value in kwargs.values():
            if not isinstance(value, str):
                raise ValueError("Attributes need to be string")
        self._old_scope: Optional[AttrScope] = None
        self._attr: Dict[str, str] = kwargs

    @classmethod
    def active(cls) -> "AttrScope":
        """The scope in effect on this thread (an empty one outside any `with`)."""
        if not hasattr(AttrScope._current, "value"):
            AttrScope._current.value = AttrScope()
        return AttrScope._current.value

    def get(self, attr: Optional[Dict[str, str]]) -> Dict[str, str]:
        """The scope's attributes updated with `attr` (the ones given at symbol creation)."""
        if self._attr:
            merged = self._attr.copy()
            if attr:
                merged.update(attr)
            return merged
        return attr if attr else {}

    def __enter__(self) -> "AttrScope":
        self._old_scope = AttrScope.active()
        merged = self._old_scope._attr.copy()
        merged.update(self._attr)
        self._attr = merged
        AttrScope._current.value = self
        return self

    def __exit__(self, ptype, value, trace) -> None:
        assert self._old_scope is not None, "AttrScope exited without being entered"
        AttrScope._current.value = self._old_scope


AttrScope._current.value = AttrScope()
