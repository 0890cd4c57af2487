"""Name registries for initializers and optimizers, as `mxnet.registry` builds them.

`create(name_or_instance, **kwargs)` accepts an instance (returned as is), a registered
name (case-insensitive), a JSON list `'["name", {kwargs}]'` (what `dumps()` writes), a JSON
object or a dict with the nickname as key.
"""
from __future__ import annotations

import json
import warnings
from typing import Any, Callable, Dict

from .ir.errors import MXNetError

_REGISTRY: Dict[type, Dict[str, type]] = {}


class UnknownNameError(MXNetError, ValueError, AssertionError):
    """An unregistered name (MXNet asserts for initializers and raises ValueError for
    optimizers, so this is both)."""


class NameTypeError(TypeError, AssertionError):
    """A name that is not a string (MXNet asserts `isinstance(name, string_types)`)."""


def _table(base_class: type) -> Dict[str, type]:
    return _REGISTRY.setdefault(base_class, {})


def get_registry(base_class: type) -> Dict[str, type]:
    """A copy of the registry of `base_class`: lower-cased name -> registered class."""
    return dict(_table(base_class))


def get_register_func(base_class: type, nickname: str) -> Callable[[type], type]:
    """A decorator registering subclasses of `base_class` under their lower-cased name."""
    table = _table(base_class)

    def register(klass: type, name: Any = None) -> type:
        if not (isinstance(klass, type) and issubclass(klass, base_class)):
            raise TypeError("can only register a subclass of %s, got %r"
                            % (base_class.__name__, klass))
        key = (name or klass.__name__).lower()
        if key in table and table[key] is not klass:
            warnings.warn("New %s %s.%s registered with name %s is overriding existing %s %s.%s"
                          % (nickname, klass.__module__, klass.__name__, key, nickname,
                             table[key].__module__, table[key].__name__), UserWarning,
                          stacklevel=2)
        table[key] = klass
        return klass

    return register


def get_alias_func(base_class: type, nickname: str) -> Callable[..., Callable[[type], type]]:
    """A decorator factory registering a class under extra names."""
    register = get_register_func(base_class, nickname)

    def alias(*aliases: str) -> Callable[[type], type]:
        def reg(klass: type) -> type:
            for name in aliases:
                register(klass, name)
            return klass
        return reg

    return alias


def get_create_func(base_class: type, nickname: str) -> Callable[..., Any]:
    """The `create` function of one registry (see the module docstring)."""
    table = _table(base_class)

    def create(*args: Any, **kwargs: Any) -> Any:
        if args:
            name, args = args[0], args[1:]
        elif nickname in kwargs:
            name = kwargs.pop(nickname)
        else:
            raise TypeError("create() needs the %s name or instance" % nickname)
        if isinstance(name, base_class):
            if args or kwargs:
                raise ValueError("%s is already an instance. Additional arguments are invalid"
                                 % nickname)
            return name
        if isinstance(name, dict):
            return create(**name)
        if not isinstance(name, str):
            raise NameTypeError("%s must be of string type, got %s"
                                % (nickname, type(name).__name__))
        if name.startswith("["):
            if args or kwargs:
                raise ValueError("a JSON %s takes no extra arguments" % nickname)
            name, kwargs = json.loads(name)
            return create(name, **kwargs)
        if name.startswith("{"):
            if args or kwargs:
                raise ValueError("a JSON %s takes no extra arguments" % nickname)
            return create(**json.loads(name))
        key = name.lower()
        if key not in table:
            raise UnknownNameError("%s is not registered. Please register with %s.register first "
                             "(known: %s)" % (name, nickname, ", ".join(sorted(table))))
        return table[key](*args, **kwargs)

    create.__doc__ = ("Create a %s instance from a name, a JSON string or an instance "
                      "(returned as is); keyword arguments go to the constructor." % nickname)
    return create
