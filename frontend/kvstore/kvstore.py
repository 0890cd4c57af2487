"""The local key-value store: `init`, `push` (a list of values is summed), `pull`,
`pushpull`, `broadcast`, and an optimizer applied to pushed gradients."""
from __future__ import annotations

from typing import Dict, List, Union

import numpy as np

from ..ir.errors import MXNetError, ShapeError
from ..ndarray import NDArray
from ..optimizer import Optimizer, get_updater
from ..unsupported import DISTRIBUTED, SPARSE, UnsupportedError
from .base import KVStoreBase

Key = Union[int, str]


def _pairs(keys, values, what: str):
    """[(key, [arrays])] from MXNet's key/value forms (one key or a list of keys; one
    array or a list of arrays per key)."""
    if isinstance(keys, (tuple, list)):
        assert len(keys) == len(values)
        out = []
        for k, v in zip(keys, values):
            out += _pairs(k, v, what)
        if len({isinstance(k, str) for k, _ in out}) > 1:
            raise AssertionError("inconsistent types of keys detected.")
        return out
    assert isinstance(keys, (int, str)) and not isinstance(keys, bool), \
        "unexpected type for keys: " + str(type(keys))
    if isinstance(values, NDArray):
        return [(keys, [values])]
    values = list(values)
    for v in values:
        assert isinstance(v, NDArray)
    return [(keys, values)]


class KVStore(KVStoreBase):
    """A single-process key-value store (MXNet's 'local' and 'device' types)."""

    def __init__(self, name: str = "local"):
        self._type = name
        self._store: Dict[Key, NDArray] = {}
        self._str_keys = None
        self._updater = None

    def _check_key_type(self, key: Key) -> None:
        is_str = isinstance(key, str)
        if self._str_keys is None:
            self._str_keys = is_str
        elif self._str_keys != is_str:
            raise MXNetError("Check failed: key_type_ == key_type: Mixed key types are not "
                             "allowed")

    def _stored(self, key: Key) -> NDArray:
        self._check_key_type(key)
        if key not in self._store:
            raise MXNetError("Check failed: key %s has not been inited" % (key,))
        return self._store[key]

    def init(self, key, value) -> None:
        """Initialise keys with values (a list of values: the first one)."""
        for k, vals in _pairs(key, value, "init"):
            self._check_key_type(k)
            if k in self._store:
                raise MXNetError("duplicate init of key %s. Please double check if you called "
                                 "kv.init or kv.broadcast with this key multiple times" % (k,))
            if getattr(vals[0], "stype", "default") != "default":
                raise UnsupportedError("kvstore with sparse values: " + SPARSE)
            self._store[k] = vals[0].copy()

    @staticmethod
    def _reduce(vals: List[NDArray]) -> np.ndarray:
        total = np.array(vals[0].asnumpy(), copy=True)
        for v in vals[1:]:
            if v.shape != total.shape:
                raise ShapeError("kvstore: values pushed to one key have shapes %s and %s"
                                 % (total.shape, v.shape))
            total = total + v.asnumpy()
        return total

    def _push_one(self, key: Key, vals: List[NDArray]) -> None:
        stored = self._stored(key)
        merged = self._reduce(vals)
        if merged.shape != stored.shape:
            raise ShapeError("kvstore: pushed shape %s for key %s stored with shape %s"
                             % (merged.shape, key, stored.shape))
        grad = NDArray._wrap(merged.astype(stored.asnumpy().dtype, copy=False))
        if self._updater is not None:
            self._updater(key, grad, stored)
        else:
            stored[:] = grad

    def push(self, key, value, priority: int = 0) -> None:
        """Push values: a list for one key is summed; with an optimizer set, the sum is
        the gradient of the stored weight, else it replaces the stored value."""
        for k, vals in _pairs(key, value, "push"):
            self._push_one(k, vals)

    def pull(self, key, out=None, priority: int = 0, ignore_sparse: bool = True) -> None:
        """Copy the stored values into `out` (an array or a list of arrays per key)."""
        assert out is not None
        for k, outs in _pairs(key, out, "pull"):
            stored = self._stored(k)
            for o in outs:
                if o.shape != stored.shape:
                    raise ShapeError("Check failed: from.shape() == to.shape(): operands "
                                     "shape mismatch from.shape = %s to.shape=%s"
                                     % (stored.shape, o.shape))
                o[:] = stored

    def pushpull(self, key, value, out=None, priority: int = 0) -> None:
        """`push(key, value)` then `pull(key, out)` (`out` defaults to `value`)."""
        self.push(key, value, priority)
        self.pull(key, value if out is None else out, priority)

    def broadcast(self, key, value, out, priority: int = 0) -> None:
        """`init(key, value)` then `pull(key, out)`."""
        self.init(key, value)
        self.pull(key, out, priority)

    def row_sparse_pull(self, key, out=None, priority=0, row_ids=None):
        """Pulls rows of row_sparse values: sparse storage is not supported."""
        raise UnsupportedError("KVStore.row_sparse_pull is not implemented in tapegraph: "
                               + SPARSE)

    def set_gradient_compression(self, compression_params) -> None:
        """Gradient compression only applies to distributed stores."""
        raise UnsupportedError("Gradient compression is not supported for this type of "
                               "kvstore: it compresses communication between machines, and "
                               + DISTRIBUTED)

    def is_capable(self, capability: str) -> bool:
        """True for 'optimizer' (updates run in the store); ValueError otherwise."""
        if capability.lower() == KVStoreBase.OPTIMIZER:
            return True
        raise ValueError("Unknown capability: {}".format(capability))

    def set_optimizer(self, optimizer: Optimizer) -> None:
        """Apply `optimizer` to every push (the pushed sum is the gradient)."""
        self._set_updater(get_updater(optimizer))

    def _set_updater(self, updater) -> None:
        self._updater = updater

    @property
    def type(self) -> str:
        """The store's type name ('local', 'device', ...)."""
        return self._type

    @property
    def rank(self) -> int:
        """This worker's rank: 0 (one process)."""
        return 0

    @property
    def num_workers(self) -> int:
        """The number of workers: 1."""
        return 1

    def save_optimizer_states(self, fname: str, dump_optimizer: bool = False) -> None:
        """Write the updater's optimizer states to `fname`."""
        assert self._updater is not None, "Cannot save states for distributed training"
        with open(fname, "wb") as fout:
            fout.write(self._updater.get_states(dump_optimizer))

    def load_optimizer_states(self, fname: str) -> None:
        """Read optimizer states written by `save_optimizer_states`."""
        assert self._updater is not None, "Cannot load states for distributed training"
        with open(fname, "rb") as fin:
            self._updater.set_states(fin.read())

    def _barrier(self) -> None:
        """One process: nothing to wait for."""

    def _send_command_to_servers(self, head, body):
        raise UnsupportedError("kvstore server commands: " + DISTRIBUTED)


_DISTRIBUTED_PREFIXES = ("dist", "horovod", "byteps", "p3")


def create(name: str = "local"):
    """A key-value store: a registered one by name, else the local store ('local',
    'device', 'local_allreduce_cpu', ...). Distributed stores ('dist_sync', ...) raise
    NotImplementedError: tapegraph runs in one process."""
    if not isinstance(name, str):
        raise TypeError("name must be a string")
    name = name.lower()
    if name in KVStoreBase.kv_registry:
        return KVStoreBase.kv_registry[name]()
    if name.startswith(_DISTRIBUTED_PREFIXES):
        raise UnsupportedError("kvstore %r is not implemented in tapegraph: %s; use 'local' "
                               "or 'device'" % (name, DISTRIBUTED))
    return KVStore(name)
