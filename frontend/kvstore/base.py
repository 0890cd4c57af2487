"""`KVStoreBase` (the interface and registry of key-value stores) and `create`."""
from __future__ import annotations

import warnings

from ..ndarray import NDArray

__all__ = ["KVStoreBase"]


class KVStoreBase:
    """The interface of a key-value store; subclasses registered with
    `KVStoreBase.register` are created by name with `mx.kv.create(name)`."""

    OPTIMIZER = "optimizer"
    kv_registry: dict = {}

    def broadcast(self, key, value, out, priority=0):
        """Initialise `key` with `value` and copy it into `out`."""
        raise NotImplementedError()

    def pushpull(self, key, value, out=None, priority=0):
        """Reduce `value` (a list is summed) and write the result to `out` (or `value`)."""
        raise NotImplementedError()

    def set_optimizer(self, optimizer):
        """Apply `optimizer` to pushed gradients."""
        raise NotImplementedError()

    def is_capable(self, capability):
        """Whether the store supports `capability` ('optimizer')."""
        raise NotImplementedError()

    def save_optimizer_states(self, fname, dump_optimizer=False):
        """Write the optimizer states to `fname`."""
        raise NotImplementedError()

    def load_optimizer_states(self, fname):
        """Read optimizer states from `fname`."""
        raise NotImplementedError()

    @property
    def type(self):
        raise NotImplementedError()

    @property
    def rank(self):
        raise NotImplementedError()

    @property
    def num_workers(self):
        raise NotImplementedError()

    @staticmethod
    def register(klass):
        """Register a store class under its lower-cased name (a decorator)."""
        assert isinstance(klass, type)
        name = klass.__name__.lower()
        if name in KVStoreBase.kv_registry:
            warnings.warn("WARNING: New kvstore %s.%s is overriding existing kvstore %s.%s"
                          % (klass.__module__, klass.__name__,
                             KVStoreBase.kv_registry[name].__module__,
                             KVStoreBase.kv_registry[name].__name__))
        KVStoreBase.kv_registry[name] = klass
        return klass


@KVStoreBase.register
class TestStore(KVStoreBase):
    """MXNet's example store: broadcast copies, pushpull sums; no optimizer."""

    def broadcast(self, key, value, out, priority=0):
        for o in out if isinstance(out, list) else [out]:
            o[:] = value

    def pushpull(self, key, value, out=None, priority=0):
        if isinstance(value, NDArray):
            if out is not None:
                for o in out if isinstance(out, list) else [out]:
                    o[:] = value
            return
        reduced = sum(value[1:], value[0].copy())
        for o in (value if out is None else out if isinstance(out, list) else [out]):
            o[:] = reduced

    @staticmethod
    def is_capable(capability):
        if capability.lower() == KVStoreBase.OPTIMIZER:
            return False
        raise ValueError("Unknown capability: {}".format(capability))

    @property
    def type(self):
        return "teststore"

    @property
    def rank(self):
        return 0

    @property
    def num_workers(self):
        return 1

    def set_optimizer(self, optimizer):
        raise NotImplementedError()
